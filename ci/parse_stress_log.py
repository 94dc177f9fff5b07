#!/usr/bin/env python3
"""parse_stress_log.py LOG - judge a runq-torture log.

Pass iff the log contains "End of test: SUCCESS" and no line starts with "!!!".
Prints one verdict line; exit 0 pass, 1 fail, 2 if LOG cannot be read ("-" reads stdin).
"""
import sys


def main(argv):
    if len(argv) != 2 or argv[1] in ("-h", "--help"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    path = argv[1]
    try:
        if path == "-":
            text = sys.stdin.read()
        else:
            with open(path, "r", encoding="utf-8", errors="replace") as f:
                text = f.read()
    except OSError as e:
        print(f"stress-log: cannot read {path}: {e.strerror}", file=sys.stderr)
        return 2
    lines = text.splitlines()
    errors = [l for l in lines if l.startswith("!!!")]
    warnings = [l for l in lines if l.startswith("???")]
    success = any("End of test: SUCCESS" in l for l in lines)
    failure = any("End of test: FAILURE" in l for l in lines)
    finals = [l for l in lines if l.startswith("final:")]
    if success and not errors and not failure:
        print(f"stress-log: PASS {path}: End of test: SUCCESS, 0 '!!!' lines, "
              f"{len(warnings)} '???' lines")
        return 0
    if errors:
        inv = errors[0].split("invariant=", 1)[1].split(":", 1)[0] if "invariant=" in errors[0] else "?"
        why = f"{len(errors)} '!!!' lines, first invariant={inv}"
    elif failure:
        why = "End of test: FAILURE"
    elif not finals:
        why = "no end of test (crashed, killed or cut short?)"
    else:
        why = "no 'End of test: SUCCESS'"
    print(f"stress-log: FAIL {path}: {why}")
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
