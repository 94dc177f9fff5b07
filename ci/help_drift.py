#!/usr/bin/env python3
"""ci/help_drift.py - each program's --help names every option it accepts, and nothing else.

  ci/help_drift.py [--help-file PROG=FILE]... [--docs FILE...] BIN_DIR

For runq-replay, runq-explore, runq-record and runq-torture in BIN_DIR: the options the
program really accepts are what its hidden --list-options prints (its getopt_long table, so
this list cannot drift); the options its help names are the --words of `PROG --help`. Each
real option must be in the help, and each option the help names must be real. The user docs
(README.md, docs/*.md) are checked too: an option named after one of these programs on the
same line must be that program's; in the docs about them (PROGRAM_DOCS) an option on a line
that names no command at all must be one of the four programs'.

An option is taken as belonging to the program named nearest before it on its line (help
texts and docs mention each other's options: "runq-torture --record recording"); in a
help text, to the program itself otherwise.

--help-file PROG=FILE reads PROG's help from FILE instead, and --docs checks the files given
(each as a doc about the programs) instead of the repository's: ctest cli.help-drift-teeth
gives a help text with an option missing and one that does not exist, and a doc naming
options that do not exist, which must all be reported.
Exit: 0 no drift, 1 drift (each as PROG: ...), 2 usage (a program missing).
"""
import glob
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROGRAMS = ["runq-replay", "runq-explore", "runq-record", "runq-torture"]
OPTION = re.compile(r"(?<![-\w/])--[a-z][a-z0-9-]*")
# A program's name, also as a variant (runq-replay-<mutant>, runq-torture-broken) or a path.
PROG = re.compile(r"\b(runq-replay|runq-explore|runq-record|runq-torture)(?:-[\w-]+)?\b")
# Other commands whose options docs show (their own --help is theirs to keep).
OTHER = re.compile(r"(\bcmake\b|\bctest\b|\bci/|\btools/(?!runq-import)|\.sh\b|\.py\b|"
                   r"clang-format|\bgo (?:build|test|run)\b|\bpatch\b|\bgit\b|runq-import|"
                   r"\bfuzz_runq_\w+|-runs=|\bapt-get\b|\bvalgrind\b)")
# The docs about these programs: there an option on a line that names no command must be
# one of theirs (elsewhere such prose is about the scripts: ci/gate.sh --quick, ...).
PROGRAM_DOCS = ["README.md", "docs/stress.md", "docs/schedule-format.md", "docs/traces.md"]


def run(argv):
    return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, timeout=60).stdout


def owners(line, default):
    """(option, program or None, other command seen before it) for each option of line."""
    out = []
    for m in OPTION.finditer(line):
        before = line[:m.start()]
        progs = [(p.start(), p.group(1)) for p in PROG.finditer(before)]
        others = [o.start() for o in OTHER.finditer(before)]
        prog = progs[-1] if progs else None
        other = others[-1] if others else None
        if prog and (other is None or prog[0] > other):
            out.append((m.group(0), prog[1], False))
        else:
            out.append((m.group(0), default, other is not None))
    return out


def main():
    args = sys.argv[1:]
    if args and args[0] in ("-h", "--help"):
        print(__doc__)
        return 0
    help_files, doc_files = {}, []
    while len(args) >= 2 and args[0] in ("--help-file", "--docs"):
        if args[0] == "--docs":
            doc_files.append(os.path.abspath(args[1]))
        else:
            prog, _, path = args[1].partition("=")
            help_files[prog] = path
        args = args[2:]
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    bindir = args[0]
    real, helps = {}, {}
    for p in PROGRAMS:
        exe = os.path.join(bindir, p)
        if not os.access(exe, os.X_OK):
            print(f"help_drift: {exe}: not built", file=sys.stderr)
            return 2
        real[p] = {l.split()[0] for l in run([exe, "--list-options"]).splitlines() if l.startswith("--")}
        if p in help_files:
            with open(help_files[p], encoding="utf-8") as f:
                helps[p] = f.read()
        else:
            helps[p] = run([exe, "--help"])
    problems = []
    for p in PROGRAMS:
        named = set()
        for line in helps[p].splitlines():
            for opt, owner, _ in owners(line, p):
                if owner == p:
                    named.add(opt)
                elif opt not in real[owner]:
                    problems.append(f"{p}: --help names {opt} of {owner}, which {owner} does not accept")
        for opt in sorted(real[p] - named):
            problems.append(f"{p}: accepts {opt}, but --help does not name it")
        for opt in sorted(named - real[p]):
            problems.append(f"{p}: --help names {opt}, which {p} does not accept")
    union = set().union(*real.values())
    docs = doc_files or ([os.path.join(ROOT, "README.md")] +
                         sorted(glob.glob(os.path.join(ROOT, "docs", "*.md"))))
    for doc in docs:
        rel = os.path.relpath(doc, ROOT)
        with open(doc, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                for opt, owner, other in owners(line, None):
                    if owner and opt not in real[owner]:
                        problems.append(f"{rel}:{n}: {opt} of {owner}, which {owner} does not accept")
                    elif (not owner and not other and (rel in PROGRAM_DOCS or doc_files)
                          and opt not in union):
                        problems.append(f"{rel}:{n}: {opt}, which none of {', '.join(PROGRAMS)} accepts")
    for pr in problems:
        print(pr)
    print(f"help_drift: {len(PROGRAMS)} programs, {len(docs)} docs, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
