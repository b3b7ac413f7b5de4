#!/usr/bin/python3
# SPDX-License-Identifier: (GPL-2.0 OR MIT)
"""Write compile_commands.json for the C sources of userspace/ and firmware/.

The commands are the ones the Makefiles run: `make -nwB` prints every
compile of a full build without running it (sub-makes are followed, nothing
is built); a compile-and-link becomes a compile of each of its sources. One
entry per source file: the first compile of it, so a source built twice (the
library and its sanitizer copy) is analysed once, with the flags of its
ordinary build.

usage: compile-db.py TOP BUILD OUT.json   (BUILD: the O= of `make all`, whose
                                        generated headers the commands name)
"""
import json
import os
import re
import shlex
import subprocess
import sys

COMPILERS = {"cc", "gcc", "clang"}
# Directory, targets: what `make all` and the host tests compile there
# (not `check` itself: make -n runs recipes that call $(MAKE)).
TREES = [("firmware", ["all"]),
         ("userspace", ["all", "{O}/userspace-check/userspace_host_test",
                        "{O}/userspace-check/onnx_host_test",
                        "{O}/onnx-fuzz/fuzz_onnx_load"])]
ENTER = re.compile(r"^make(\[\d+\])?: Entering directory '(.*)'$")


def commands(top, subdir, targets, build):
    cwd = os.path.join(top, subdir)
    targets = [t.format(O=build) for t in targets]
    out = subprocess.run(["make", "-nwB", "-C", cwd, "O=" + build] + targets,
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         text=True, check=False).stdout
    # Recipes continued with a backslash are one command.
    for line in out.replace("\\\n", " ").splitlines():
        m = ENTER.match(line)
        if m:
            cwd = m.group(2)
            continue
        try:
            argv = shlex.split(line)
        except ValueError:
            continue
        if not argv or os.path.basename(argv[0]) not in COMPILERS:
            continue
        flags, srcs = compile_flags(argv[1:])
        for src in srcs:
            yield cwd, [argv[0]] + flags + ["-c", src], os.path.normpath(os.path.join(cwd, src))


def compile_flags(args):
    """The compile flags and C sources of a compile (or compile-and-link)
    command: output, objects, archives and link options dropped."""
    flags, srcs, i = [], [], 0
    while i < len(args):
        a = args[i]
        if a == "-o":
            i += 1
        elif a.endswith(".c") and not a.startswith("-"):
            srcs.append(a)
        elif a in ("-I", "-D", "-include", "-x"):
            flags += args[i:i + 2]
            i += 1
        elif a.startswith("-") and a != "-c" and not a.startswith(("-l", "-L", "-Wl,", "-pthread")):
            flags.append(a)
        i += 1
    return flags, srcs


def main():
    top, build, out = (os.path.abspath(a) for a in sys.argv[1:4])
    seen, db = set(), []
    for subdir, targets in TREES:
        for cwd, argv, src in commands(top, subdir, targets, build):
            rel = os.path.relpath(src, top)
            if rel.split(os.sep)[0] not in ("userspace", "firmware") or src in seen:
                continue
            seen.add(src)
            db.append({"directory": cwd, "arguments": argv, "file": src})
    with open(out, "w", encoding="utf-8") as f:
        json.dump(db, f, indent=1)
    print(len(db))


if __name__ == "__main__":
    main()
