#!/usr/bin/env python3
"""ci/check_stress_output.py [--doc FILE.md] LOG - runq-torture's output reads at a glance.

Fails (exit 1, each problem as LOG:LINE: ...) when a line is wider than 160 columns, unless
it holds a command (command:, reproduce:, and the hints that end in one: a command is as
long as its paths), or when the banner is not there exactly once: one "--- Start of test:",
one "--- params:", one "--- End of test:" line. ctest stress.output runs it on a short run;
stress.output-teeth on tests/data/stress-output-bad.log, which must fail.
--doc FILE.md: the sample between "<!-- stress-sample begin -->" and "<!-- stress-sample
end -->" in FILE.md passes the same checks and has the same kinds of line as LOG (a line's
kind: what comes before its first ':'), so the docs show the output as it is.
Exit: 0 ok, 1 a problem, 2 LOG unreadable.
"""
import re
import sys

WIDTH = 160
# Lines that hold a command: parsed by tools (stress_default_repro.sh, follow_hints.sh).
COMMANDS = ("command: ", "reproduce: ", "--- failure schedule: ", "--- recording: ",
            "--- for a schedule that fails every time")
ONCE = ("--- Start of test:", "--- params:", "--- End of test:")


SAMPLE = re.compile(r"<!-- stress-sample begin -->\n```\n(.*?)```\n<!-- stress-sample end -->", re.S)


def check(name, lines):
    problems = []
    for n, line in enumerate(lines, 1):
        if len(line) > WIDTH and not line.startswith(COMMANDS):
            problems.append(f"{name}:{n}: {len(line)} columns (at most {WIDTH}): {line[:60]}...")
    for head in ONCE:
        k = sum(1 for line in lines if line.startswith(head))
        if k != 1:
            problems.append(f"{name}: {k} '{head}' lines (want 1)")
    return problems


def kinds(lines):
    return {"(continued)" if line.startswith(" ") else line.split(":", 1)[0] for line in lines}


def main(argv):
    doc = None
    if len(argv) == 4 and argv[1] == "--doc":
        doc = argv[2]
        argv = [argv[0], argv[3]]
    if len(argv) != 2 or argv[1] in ("-h", "--help"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        with open(argv[1], encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
        sample = None
        if doc:
            with open(doc, encoding="utf-8") as f:
                m = SAMPLE.search(f.read())
            sample = m.group(1).splitlines() if m else []
    except OSError as e:
        print(f"check_stress_output: cannot read {e.filename}: {e.strerror}", file=sys.stderr)
        return 2
    problems = check(argv[1], lines)
    if doc:
        problems += check(doc, sample)
        if kinds(sample) != kinds(lines):
            problems.append(f"{doc}: the sample's kinds of line {sorted(kinds(sample))} are not "
                            f"the run's {sorted(kinds(lines))}")
    for p in problems:
        print(p)
    print(f"check_stress_output: {len(lines)} lines, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
