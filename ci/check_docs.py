#!/usr/bin/env python3
"""ci/check_docs.py - the user docs say how things are, not how they came to be.

  ci/check_docs.py [FILE.md...]

Fails (exit 1, each problem as FILE:LINE: ...) when a user doc refers to the project's
development history: numbered work periods ("session 5", "sessions", "work period",
"stop 3"), issue numbers ("issue 13", "issue #13", "issues 10-14"), closing notes, branch
names (wip-22). Go's own change lists (CL 310149) are facts about Go and pass. Also fails
when a relative link ([text](path)) names a file that does not exist.

Without FILE arguments it reads the user docs: README.md, docs/*.md, and the README.md of
stress/, queue/, fuzz/, corpus/, tools/ and ci/ when there is one. ctest docs.no-history
runs it; docs.no-history-teeth runs it on tests/data/docs-history-bad.txt, which must fail.
Exit: 0 clean, 1 a problem, 2 usage (a named file missing).
"""
import glob
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

HISTORY = [
    (re.compile(r"\bsessions?[- ]?#?\d+", re.I), "a numbered work session"),
    (re.compile(r"\bsessions\b", re.I), "work sessions"),
    (re.compile(r"\bissues?\s*#?\d+", re.I), "an issue number"),
    (re.compile(r"(?<![\w/.-])#\d+\b"), "an issue or pull-request number"),
    (re.compile(r"\bclosing[- ]notes?\b", re.I), "a closing note"),
    (re.compile(r"\bwork[- ]periods?\b", re.I), "a work period"),
    (re.compile(r"\bperiod \d+\b", re.I), "a numbered work period"),
    (re.compile(r"\bstops? \d+\b", re.I), "a numbered work stop"),
    (re.compile(r"\bwip-\d+", re.I), "a work branch"),
    (re.compile(r"\bNOTES-[\w-]*\.md\b"), "a development report"),
]
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")


def user_docs():
    docs = [os.path.join(ROOT, "README.md")]
    docs += sorted(glob.glob(os.path.join(ROOT, "docs", "*.md")))
    for d in ("stress", "queue", "fuzz", "corpus", "tools", "ci"):
        p = os.path.join(ROOT, d, "README.md")
        if os.path.isfile(p):
            docs.append(p)
    return [p for p in docs if os.path.isfile(p)]


def check(path):
    problems = []
    rel = os.path.relpath(path, ROOT) if path.startswith(ROOT + os.sep) else path
    with open(path, encoding="utf-8", errors="replace") as f:
        lines = f.read().split("\n")
    fence = False
    for n, line in enumerate(lines, 1):
        for rx, what in HISTORY:
            for m in rx.finditer(line):
                problems.append(f"{rel}:{n}: development history ({what}): '{m.group(0)}'")
        if line.lstrip().startswith("```"):
            fence = not fence
            continue
        if fence:
            continue
        for m in LINK.finditer(line):
            target = m.group(1)
            if re.match(r"[a-z][a-z0-9+.-]*:", target, re.I) or target.startswith("#"):
                continue  # a URL, mailto:, or an anchor in the same page
            file_part = target.split("#", 1)[0]
            dest = os.path.normpath(os.path.join(os.path.dirname(path), file_part))
            if not os.path.exists(dest):
                problems.append(f"{rel}:{n}: link to {target}, which does not exist")
    return problems


def main():
    args = sys.argv[1:]
    if args and args[0] in ("-h", "--help"):
        print(__doc__)
        return 0
    files = [os.path.abspath(a) for a in args] or user_docs()
    missing = [f for f in files if not os.path.isfile(f)]
    if missing:
        print("check_docs: no such file: " + ", ".join(missing), file=sys.stderr)
        return 2
    problems = []
    for f in files:
        problems += check(f)
    for p in problems:
        print(p)
    print(f"check_docs: {len(files)} docs, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
