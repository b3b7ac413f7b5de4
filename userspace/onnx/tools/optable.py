#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Turn the results of `taihu infer --test --tap` over the ONNX node tests
(make check's check-onnx boot: build/vm/onnx/results.log) into the per-
operator table of docs/onnx-operators.md: passed/failed/unsupported per
operator and, for what is unsupported, the distinct reasons."""
import collections
import re
import sys

LINE = re.compile(r"^(not )?ok \d+ - (\S+) \(([^)]*)\)(?:: (.*)| # SKIP unsupported: (.*))?$")


def reason(msg):
    # "…/model.onnx: node 'X' (Op): why" -> "why"
    msg = re.sub(r"^.*?model\.onnx: ", "", msg)
    msg = re.sub(r"^node '[^']*' \([^)]*\): ", "", msg)
    return re.sub(r"\d+(\.\d+)?", "N", msg)[:140]


def main():
    per = collections.OrderedDict()
    with open(sys.argv[1], errors="replace") as f:
        for line in f:
            m = LINE.match(line.strip().replace("\r", ""))
            if not m:
                continue
            ops = m.group(3)
            single = "+" not in ops
            key = ops if single else "(function-expanded and multi-node tests)"
            e = per.setdefault(key, {"passed": 0, "failed": 0, "unsupported": 0,
                                     "why": collections.Counter()})
            if m.group(1):
                e["failed"] += 1
                e["why"]["FAILED: " + reason(m.group(4) or "")] += 1
            elif m.group(5) is not None:
                e["unsupported"] += 1
                e["why"][reason(m.group(5))] += 1
            else:
                e["passed"] += 1
    tot = collections.Counter()
    print("| operator | node tests | passed | failed | unsupported | why unsupported |")
    print("|---|---:|---:|---:|---:|---|")
    for op in sorted(per, key=lambda k: (k.startswith("("), k)):
        e = per[op]
        n = e["passed"] + e["failed"] + e["unsupported"]
        why = "; ".join("%s (%d)" % (w, c) for w, c in e["why"].most_common(3))
        print("| %s | %d | %d | %d | %d | %s |" % (op, n, e["passed"], e["failed"],
                                                  e["unsupported"], why.replace("|", "/")))
        for k in ("passed", "failed", "unsupported"):
            tot[k] += e[k]
    print("| **all** | %d | %d | %d | %d | |" % (sum(tot.values()), tot["passed"], tot["failed"],
                                             tot["unsupported"]))


if __name__ == "__main__":
    main()
