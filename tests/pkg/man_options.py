#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The options each man page lists are the options its program's help names.

usage: man_options.py MANDIR BINDIR            TAP lines, one per page/command
       man_options.py --list PAGE [COMMAND]    the options PAGE lists (for
                                               COMMAND: its COMMANDS subsection)
       man_options.py --list-commands PAGE     "COMMAND OPTION..." lines

A page's options are its `Fl` macros (mdoc): `.Fl d` is -d, `.Fl -device`
is --device. taihu(1) is compared per subcommand: the `.Ss NAME` subsections
of COMMANDS against `taihu help NAME`, its SYNOPSIS against the usage
paragraph of `taihu --help`; the set of subsections against the commands taihu --help
lists. An option in the help is any -x/--long word that starts a word
(usage line, option column, or text such as "(-i is the same)").
"""
import re
import subprocess
import sys

FL = re.compile(r"\bFl\s+(-?[A-Za-z0-9][A-Za-z0-9-]*)")
HELP_OPT = re.compile(r"(?:^|(?<=[\s\[(,|'=]))(--?[A-Za-z0-9][A-Za-z0-9-]*)")

# page -> the program whose --help it documents
PAGES = {
    "taihu.1": "taihu",
    "taihu-exporter.8": "taihu-exporter",
    "taihu-card.1": "taihu-card",
    "taihu-fwpack.1": "taihu-fwpack",
}


def fl_options(lines):
    opts = set()
    for line in lines:
        if not line.startswith("."):
            continue
        for tok in FL.findall(line):
            opts.add("-" + tok)
    return opts


def split_page(path):
    """(lines outside COMMANDS, {command: lines of its .Ss})"""
    rest, cmds = [], {}
    section = cur = None
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if line.startswith(".Sh "):
            section, cur = line[4:].strip(), None
        elif line.startswith(".Ss ") and section == "COMMANDS":
            cur = line.split()[1]
            cmds.setdefault(cur, [])
        if section == "COMMANDS" and cur:
            cmds[cur].append(line)
        elif section != "COMMANDS":
            rest.append(line)
    return rest, cmds


def synopsis(lines):
    out, inside = [], False
    for line in lines:
        if line.startswith(".Sh "):
            inside = line.strip() == ".Sh SYNOPSIS"
        elif inside:
            out.append(line)
    return out


def help_text(argv):
    p = subprocess.run(argv, capture_output=True, text=True, timeout=30)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} exited {p.returncode}")
    return p.stdout


def help_options(text):
    return set(HELP_OPT.findall(text))


def help_commands(text):
    block = text.split("Commands:\n", 1)[1].split("\n\n", 1)[0]
    return {l.split()[0] for l in block.splitlines() if l.startswith("  ")}


def compare(n, what, man, prog):
    ok = man == prog
    print(f"{'ok' if ok else 'not ok'} {n} - man: {what} lists the options its help names")
    if not ok:
        if prog - man:
            print(f"# only in the help: {' '.join(sorted(prog - man))}")
        if man - prog:
            print(f"# only in the man page: {' '.join(sorted(man - prog))}")
    return ok


def main():
    if sys.argv[1] == "--list-commands":
        for cmd, lines in split_page(sys.argv[2])[1].items():
            print(cmd, " ".join(sorted(fl_options(lines))))
        return 0
    if sys.argv[1] == "--list":
        rest, cmds = split_page(sys.argv[2])
        lines = cmds.get(sys.argv[3], []) if len(sys.argv) > 3 else rest
        print("\n".join(sorted(fl_options(lines))))
        return 0
    mandir, bindir = sys.argv[1], sys.argv[2]
    n, good = 0, True
    for page, prog in PAGES.items():
        exe = f"{bindir}/{prog}"
        rest, cmds = split_page(f"{mandir}/{page}")
        top = help_text([exe, "--help"])
        n += 1
        if page != "taihu.1":
            good &= compare(n, page, fl_options(rest), help_options(top))
            continue
        # the global options: SYNOPSIS against the usage paragraph (the
        # rest of both names the commands' options too)
        good &= compare(n, "taihu.1 SYNOPSIS", fl_options(synopsis(rest)),
                        help_options(top.split("\n\n", 1)[0]))
        n += 1
        listed = help_commands(top)
        ok = set(cmds) == listed
        good &= ok
        print(f"{'ok' if ok else 'not ok'} {n} - man: taihu.1 has a subsection for every command")
        if not ok:
            print(f"# commands: {' '.join(sorted(listed))}; subsections: {' '.join(sorted(cmds))}")
        for cmd in sorted(set(cmds) & listed):
            n += 1
            good &= compare(n, f"taihu.1 {cmd}", fl_options(cmds[cmd]),
                            help_options(help_text([exe, "help", cmd])))
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main())
