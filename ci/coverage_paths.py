#!/usr/bin/env python3
"""coverage_paths.py - the one-line coverage summary of queue/runq.c and its retry paths.

  coverage_paths.py --binary BIN --profdata FILE --source queue/runq.c [--json OUT]

Asks llvm-cov for exact per-line counts (lcov export) and per-branch counts (JSON export;
the port is compiled once per capacity, so branch counts are summed over the copies), then
lists every retry path of the port with its line and execution count:
  retry       a line with `goto retry`, `goto retryNext` or `continue;`, and
              `return false;` inside runqputslow (its CAS lost: runqput retries);
  inconsistent the taken side of each `read inconsistent h and t` check;
  cas-lost    the failing side of every CAS tested in an `if` (rq_cas*/rq_Cas*);
  recheck     runqempty's "tail moved, look again" side;
  throw       each rq_throw(...) line (these must stay at 0 on a correct port).
Prints the summary line, then the paths not covered (count 0; throws listed apart).
The patterns are textual: a path the port writes differently is not found (the JSON says
which patterns matched nothing).
"""
import argparse
import json
import re
import subprocess
import sys


def llvm_cov(args):
    r = subprocess.run(["llvm-cov"] + args, capture_output=True, text=True)
    if r.returncode != 0:
        sys.stderr.write(r.stderr)
        raise SystemExit(f"coverage: llvm-cov {args[0]} failed")
    return r.stdout


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", required=True)
    ap.add_argument("--profdata", required=True)
    ap.add_argument("--source", required=True)
    ap.add_argument("--json")
    a = ap.parse_args()

    base = ["-instr-profile=" + a.profdata, a.binary, a.source]
    lcov = llvm_cov(["export", "-format=lcov"] + base)
    line_count = {}
    for l in lcov.splitlines():
        if l.startswith("DA:"):
            ln, cnt = l[3:].split(",")[:2]
            line_count[int(ln)] = line_count.get(int(ln), 0) + int(cnt)
    exp = json.loads(llvm_cov(["export", "-format=text"] + base))
    files = exp["data"][0]["files"]
    f = next((x for x in files if x["filename"].endswith(a.source.split("/")[-1])), files[0])
    summ = f["summary"]
    branches = {}  # (line, col) -> [true, false], summed over the copies of the port
    for b in f["branches"]:
        key = (b[0], b[1])
        t = branches.setdefault(key, [0, 0])
        t[0] += b[4]
        t[1] += b[5]

    src = open(a.source, encoding="utf-8").read().splitlines()
    func = None
    paths = []
    in_macro = False
    for i, text in enumerate(src, 1):
        m = re.match(r"^[A-Za-z_][\w \t\*]*?\b(\w+)\([^;]*\)\s*\{", text)
        d = re.match(r"^\s*#\s*define\s+(\w+)", text)
        if m:
            func = m.group(1)
        elif d:
            func, in_macro = "macro " + d.group(1), True
        elif in_macro and not src[i - 2].rstrip().endswith("\\"):
            func, in_macro = None, False
        code = text.split("//")[0]

        def add(kind, what, count):
            paths.append({"line": i, "function": func, "kind": kind, "what": what,
                          "count": count, "source": text.strip()})

        def branch(col_hint, side):
            cands = sorted(k for k in branches if k[0] == i)
            if not cands:
                return None
            pick = [k for k in cands if k[1] <= col_hint]
            k = pick[-1] if pick else cands[0]
            return branches[k][0 if side else 1]

        if re.search(r"\bgoto\s+retry(Next)?\s*;", code) or re.search(r"\bcontinue\s*;", code):
            add("retry", code.strip(), line_count.get(i))
        if func == "runqputslow" and re.search(r"\breturn\s+false\s*;", code):
            add("retry", "return false; (runqput retries)", line_count.get(i))
        if "read inconsistent h and t" in text:
            add("inconsistent", "read inconsistent h and t", branch(10**6, True))
        m = re.search(r"(!\s*)?\brq_[Cc]as\w*\(", code)
        if m and re.search(r"\bif\s*\(", code):
            col = m.start() + 1
            add("cas-lost", f"{m.group(0).lstrip('!').strip()}...) failed", branch(col, bool(m.group(1))))
        if func == "runqempty" and re.search(r"\bif\s*\(\s*tail\s*==", code):
            add("recheck", "tail moved: look again", branch(10**6, False))
        if re.search(r"\brq_throw\(", code):
            add("throw", code.strip(), line_count.get(i))

    # A CAS or consistency check whose body is the retry statement on the next line is one
    # path: report it once, at the retry statement, with the check's description.
    by_line = {p["line"]: p for p in paths}
    merged = []
    for p in paths:
        nxt = by_line.get(p["line"] + 1)
        if p["kind"] in ("cas-lost", "inconsistent") and nxt and nxt["kind"] == "retry":
            nxt["what"] = f"{p['what']} -> {nxt['what']}"
            nxt["kind"] = p["kind"]
            continue
        merged.append(p)
    paths = merged

    def pct(k):
        return summ[k]["percent"]

    line = (f"coverage {a.source}: lines {pct('lines'):.1f}% ({summ['lines']['covered']}/{summ['lines']['count']}), "
            f"regions {pct('regions'):.1f}% ({summ['regions']['covered']}/{summ['regions']['count']}), "
            f"branches {pct('branches'):.1f}% ({summ['branches']['covered']}/{summ['branches']['count']})")
    retry = [p for p in paths if p["kind"] != "throw"]
    uncovered = [p for p in retry if not p["count"]]
    throws = [p for p in paths if p["kind"] == "throw"]
    line += f"; retry paths covered {len(retry) - len(uncovered)}/{len(retry)}"
    print(line)
    for p in uncovered:
        print(f"  not covered: {a.source}:{p['line']} {p['function']}: {p['kind']}: {p['what']} (count {p['count'] or 0})")
    for p in throws:
        print(f"  throw:       {a.source}:{p['line']} {p['function']}: executed {p['count'] or 0} times")
    if a.json:
        with open(a.json, "w") as fo:
            json.dump({"line": line, "summary": summ, "paths": paths,
                       "uncovered": uncovered, "throws": throws}, fo, indent=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
