#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Validate CDI specs against tests/pkg/cdi-schema.json with python3-jsonschema.

usage: cdi_check.py --self-test                 TAP: the schema is valid and
                                                tells good specs from bad ones
       cdi_check.py --results RESULTS.LOG NAME  TAP: the spec the guest printed
                                                ("# cdi-spec: " lines) validates,
                                                has unique names and names the
                                                cards the guest listed
                                                ("# cdi-card: INDEX SERIAL PCI")
"""
import copy
import json
import os
import sys

import jsonschema

SCHEMA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cdi-schema.json")
N = 0
FAILED = False


def tap(ok, desc, why=None):
    global N, FAILED
    N += 1
    print(f"{'ok' if ok else 'not ok'} {N} - {desc}")
    if not ok:
        FAILED = True
        if why:
            print(f"# {why}")


def validator():
    schema = json.load(open(SCHEMA))
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def errors(v, spec):
    return [e.message for e in v.iter_errors(spec)]


GOOD = {
    "cdiVersion": "0.6.0",
    "kind": "taihu.dev/card",
    "devices": [
        {"name": "0", "containerEdits": {"deviceNodes": [
            {"path": "/dev/accel/accel0", "type": "c", "major": 261, "minor": 0,
             "permissions": "rw"}]}},
        {"name": "0000:00:03.0", "containerEdits": {"deviceNodes": [
            {"path": "/dev/accel/accel0"}]}},
    ],
}


def bad(edit):
    spec = copy.deepcopy(GOOD)
    edit(spec)
    return spec


BAD = {
    "no devices": bad(lambda s: s.update(devices=[])),
    "a kind without a vendor": bad(lambda s: s.update(kind="card")),
    "a kind with two slashes": bad(lambda s: s.update(kind="taihu.dev/card/x")),
    "cdiVersion 0.4.0 (digit-first names need 0.5.0)": bad(lambda s: s.update(cdiVersion="0.4.0")),
    "a device name ending in ':'": bad(lambda s: s["devices"][0].update(name="0:")),
    "a device without containerEdits": bad(lambda s: s["devices"][0].pop("containerEdits")),
    "a relative node path": bad(lambda s: s["devices"][0]["containerEdits"]["deviceNodes"][0].update(path="dev/accel/accel0")),
    "node type 'x'": bad(lambda s: s["devices"][0]["containerEdits"]["deviceNodes"][0].update(type="x")),
    "a major given as a string": bad(lambda s: s["devices"][0]["containerEdits"]["deviceNodes"][0].update(major="261")),
    "a misspelt field (deviceNode)": bad(lambda s: s["devices"][0]["containerEdits"].update(deviceNode=[])),
}


def self_test():
    try:
        v = validator()
        tap(True, "cdi: the schema is a valid JSON schema (draft 7)")
    except jsonschema.SchemaError as e:
        tap(False, "cdi: the schema is a valid JSON schema (draft 7)", e.message)
        return
    tap(not errors(v, GOOD), "cdi: a spec written to the CDI specification validates",
        "; ".join(errors(v, GOOD)))
    for what, spec in BAD.items():
        tap(bool(errors(v, spec)), f"cdi: the schema refuses {what}")


def check_results(path, name):
    spec_lines, cards = [], []
    for line in open(path, encoding="utf-8", errors="replace"):
        line = line.rstrip("\r\n")
        if line.startswith("# cdi-spec: "):
            spec_lines.append(line[len("# cdi-spec: "):])
        elif line.startswith("# cdi-card: "):
            cards.append(line[len("# cdi-card: "):].split())
    try:
        spec = json.loads("\n".join(spec_lines))
    except ValueError as e:
        tap(False, f"{name}: the guest's CDI spec is JSON", str(e))
        return
    tap(True, f"{name}: the guest's CDI spec is JSON ({len(spec_lines)} lines)")
    errs = errors(validator(), spec)
    tap(not errs, f"{name}: the guest's CDI spec validates against tests/pkg/cdi-schema.json",
        "; ".join(errs))
    names = [d.get("name") for d in spec.get("devices", [])]
    tap(len(names) == len(set(names)), f"{name}: the spec's device names are unique",
        f"names: {names}")
    want = {"all"} | {n for card in cards for n in card}
    tap(bool(cards) and want <= set(names),
        f"{name}: the spec names every card by index, serial and PCI address, and all",
        f"want {sorted(want)}, spec has {sorted(names)}")


def main():
    if sys.argv[1:] == ["--self-test"]:
        self_test()
    elif len(sys.argv) == 4 and sys.argv[1] == "--results":
        check_results(sys.argv[2], sys.argv[3])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
