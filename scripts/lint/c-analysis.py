#!/usr/bin/python3
# SPDX-License-Identifier: (GPL-2.0 OR MIT)
"""Run clang-tidy or cppcheck on every entry of a compile_commands.json.

Each translation unit is analysed on its own, with the flags its Makefile
compiles it with, and a clean result is cached: the key is the tool's
version, its configuration, the unit's flags and its preprocessed text
(comments kept, so NOLINT and cppcheck-suppress comments count), with the
checkout's path taken out so that every clone of the tree shares the cache.
A unit with findings is analysed again on every run. clang-tidy's findings
listed in clang-tidy.supp (each with its reason) are left out, as
cppcheck.supp does for cppcheck.

usage: c-analysis.py clang-tidy|cppcheck TOP COMPILE_DB CACHE_DIR
Prints the findings (paths relative to TOP) and a summary line
"TOOL: N units, M cached, K findings"; exits 1 when there are findings.
"""
import concurrent.futures
import fnmatch
import hashlib
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TIDY_CONFIG = os.path.join(HERE, "clang-tidy.yaml")
CPPCHECK_SUPP = os.path.join(HERE, "cppcheck.supp")
TIDY_SUPP = os.path.join(HERE, "clang-tidy.supp")
JOBS = 2


def tool_version(tool):
    return subprocess.run([tool, "--version"], stdout=subprocess.PIPE,
                          text=True, check=False).stdout


def preprocessed(entry):
    """The unit as the compiler sees it: every header it includes."""
    argv = [a for a in entry["arguments"] if a not in ("-c", "-Werror")]
    argv = [argv[0], "-E", "-C"] + argv[1:]
    res = subprocess.run(argv, cwd=entry["directory"], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, check=False)
    return res.stdout if res.returncode == 0 else None


def include_flags(entry, top):
    """-I/-D/-U/-std of the unit for cppcheck; system directories left out
    (cppcheck's library configurations describe libc, its headers are not
    parsed)."""
    out, args, i = [], entry["arguments"], 0
    while i < len(args):
        a = args[i]
        if a in ("-I", "-D", "-U") and i + 1 < len(args):
            a, i = a + args[i + 1], i + 1
        if a.startswith("-I"):
            path = os.path.normpath(os.path.join(entry["directory"], a[2:]))
            if path.startswith(top + os.sep):
                out.append("-I" + path)
        elif a.startswith(("-D", "-U")):
            out.append(a)
        elif a.startswith("-std="):
            out.append("--std=" + a[5:])
        i += 1
    return out


# cppcheck does not read system headers, but the generated ONNX code tests
# protobuf-c's version macros with #if/#error: give it those of the
# installed header.
PROTOBUF_H = "/usr/include/protobuf-c/protobuf-c.h"


def system_macros():
    out = ["-DPROTOBUF_C__BEGIN_DECLS=", "-DPROTOBUF_C__END_DECLS="]
    try:
        with open(PROTOBUF_H, encoding="utf-8") as f:
            for m in re.finditer(r"^#define\s+(PROTOBUF_C_(MIN_COMPILER_)?VERSION_NUMBER|"
                                 r"PROTOBUF_C_MIN_COMPILER_VERSION)\s+(\d+)", f.read(), re.M):
                out.append("-D%s=%s" % (m.group(1), m.group(3)))
    except OSError:
        pass
    return out


def command(tool, entry, top, db_dir):
    if tool == "clang-tidy":
        # -Werror of the build would turn clang's extra warnings into
        # errors; the compiler's warnings are the build's job.
        return ["clang-tidy", "-p", db_dir, "--quiet",
                "--config-file=" + TIDY_CONFIG,
                "--extra-arg=-Wno-unknown-warning-option",
                "--extra-arg=-Wno-error", entry["file"]]
    return ["cppcheck", "--quiet", "--error-exitcode=0", "--inline-suppr",
            "--enable=warning,portability,performance",
            "--library=posix", "--platform=unix64",
            "--suppressions-list=" + CPPCHECK_SUPP,
            "--template={file}:{line}:{column}: {severity}: {message} [{id}]",
            "-D__GNUC__", "-D__x86_64__", "-D__linux__"] + system_macros() + \
        include_flags(entry, top) + [entry["file"]]


def tidy_suppressions():
    """clang-tidy.supp: "FILE CHECK MESSAGE" lines (FILE a glob relative to
    the top, MESSAGE a part of the finding's text), comments with #."""
    out = []
    with open(TIDY_SUPP, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                glob, check, msg = line.split(None, 2)
                out.append((glob, check, msg))
    return out


TIDY_FINDING = re.compile(r"^([^:]+):\d+:\d+: \w+: (.*) \[([\w.,-]+)\]$")


def suppressed(block, supp):
    m = TIDY_FINDING.match(block[0])
    return bool(m) and any(fnmatch.fnmatchcase(m.group(1), g) and c in m.group(3).split(",")
                           and msg in m.group(2) for g, c, msg in supp)


FINDING = re.compile(r"^(/[^:]+):(\d+):(\d+): (warning|error|style|performance|portability|information): ")


def findings(tool, text, top):
    """The findings in the tree in the tool's output, each a list of lines:
    the finding and the notes that follow it (a system header is not ours
    to fix)."""
    out, keep = [], False
    for line in text.splitlines():
        m = FINDING.match(line)
        if m:
            keep = m.group(1).startswith(top + os.sep) and \
                m.group(4) != "information"
            if keep:
                out.append([])
        elif tool == "cppcheck" or line.strip() == "":
            keep = False
        if keep:
            out[-1].append(line.replace(top + os.sep, ""))
    return out


def analyse(tool, entry, top, db_dir, cache, version, config, supp):
    text = preprocessed(entry)
    key = None
    if text is not None:
        h = hashlib.sha256()
        for part in (version, config,
                     os.path.relpath(entry["file"], top),
                     " ".join(entry["arguments"]).replace(top, "@TOP@")):
            h.update(part.encode() + b"\0")
        h.update(text.replace(top.encode(), b"@TOP@"))
        key = os.path.join(cache, tool + "-" + h.hexdigest())
        if os.path.exists(key):
            return [], True
    res = subprocess.run(command(tool, entry, top, db_dir), cwd=entry["directory"],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         text=True, check=False)
    found = findings(tool, res.stdout, top)
    found = [b for b in found if not suppressed(b, supp)]
    if res.returncode != 0 and not found:
        found = [["%s: %s exited with %d:" % (
            os.path.relpath(entry["file"], top), tool, res.returncode)] +
                  res.stdout.splitlines()[-5:]]
    if not found and key:
        with open(key, "w", encoding="utf-8"):
            pass
    return found, False


def main():
    tool, top, db_path, cache = sys.argv[1:5]
    top = os.path.abspath(top)
    os.makedirs(cache, exist_ok=True)
    with open(db_path, encoding="utf-8") as f:
        db = json.load(f)
    version = tool_version(tool)
    conf_files = [TIDY_CONFIG, TIDY_SUPP] if tool == "clang-tidy" else [CPPCHECK_SUPP]
    config = ""
    for conf_file in conf_files:
        with open(conf_file, encoding="utf-8") as f:
            config += f.read()
    config += " ".join(command(tool, db[0], top, "@DB@")).replace(top, "@TOP@")
    supp = tidy_suppressions() if tool == "clang-tidy" else []
    db_dir = os.path.dirname(os.path.abspath(db_path))
    cached, seen = 0, set()
    with concurrent.futures.ThreadPoolExecutor(JOBS) as pool:
        jobs = [pool.submit(analyse, tool, e, top, db_dir, cache, version, config, supp)
                for e in db]
        for job in jobs:
            found, hit = job.result()
            cached += hit
            # A header's finding shows once, not once per unit including it.
            for block in found:
                if block[0] not in seen:
                    seen.add(block[0])
                    print("\n".join(block))
    total = len(seen)
    print("%s: %d units, %d cached, %d findings" % (tool, len(db), cached, total))
    sys.exit(1 if total else 0)


if __name__ == "__main__":
    main()
