#!/usr/bin/env python3
"""Keeps the program output shown in the docs equal to what the programs print.

A sample in a Markdown file sits between two markers, the first naming the command:

    <!-- trace-sample begin: runq-replay --trace corpus/fuzz_runq_sched/regress-drain-races-steal.txt -->
    ```
    ...the command's standard output...
    ```
    <!-- trace-sample end -->

The command's first word is a program in --bin; it runs from the repository root.

  doc_samples.py --check [--bin DIR] [DOC...]   exit 1 (with a diff) when a sample differs
  doc_samples.py --write [--bin DIR] [DOC...]   regenerate the samples in place
"""
import argparse
import difflib
import os
import re
import shlex
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_DOCS = [os.path.join(ROOT, "docs", "traces.md")]
BLOCK = re.compile(r"(<!-- trace-sample begin: (?P<cmd>[^\n]*?) -->\n```\n)(?P<body>.*?)(```\n<!-- trace-sample end -->)",
                   re.S)


def run(cmd, bindir):
    argv = shlex.split(cmd)
    argv[0] = os.path.join(bindir, argv[0])
    # The verdict is part of the sample: a failing schedule's exit status is expected.
    p = subprocess.run(argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode not in (0, 1) or not p.stdout:
        sys.exit("doc_samples: '%s' exited %d: %s" % (cmd, p.returncode, p.stderr.strip()))
    return p.stdout


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    mode = ap.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true")
    mode.add_argument("--write", action="store_true")
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "default", "bin"))
    ap.add_argument("docs", nargs="*", default=DEFAULT_DOCS)
    a = ap.parse_args()
    bad = 0
    for doc in a.docs:
        with open(doc) as f:
            text = f.read()
        found = list(BLOCK.finditer(text))
        if not found:
            print("doc_samples: %s: no trace-sample block" % doc)
            bad += 1
            continue

        def fresh(m):
            return m.group(1) + run(m.group("cmd"), a.bin) + m.group(4)

        new = BLOCK.sub(fresh, text)
        if new == text:
            print("doc_samples: %s: %d sample(s) match the programs" % (doc, len(found)))
        elif a.write:
            with open(doc, "w") as f:
                f.write(new)
            print("doc_samples: %s: rewritten" % doc)
        else:
            bad += 1
            sys.stdout.writelines(difflib.unified_diff(text.splitlines(True), new.splitlines(True),
                                                       doc, "program output"))
            print("doc_samples: %s differs from the programs (ci/doc_samples.py --write)" % doc)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
