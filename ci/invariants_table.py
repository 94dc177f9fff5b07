#!/usr/bin/env python3
"""ci/invariants_table.py - the invariant tables of docs/invariants.md, generated from the
registry harness/invariants.def, and a check that the tree uses registered ids only.

  ci/invariants_table.py           rewrite the tables between their marker comments
  ci/invariants_table.py --check   exit 1 if a table drifted from the registry, or a source
                                   names an id the registry does not have (ctest
                                   invariants.registry runs this)
  --root DIR                       the tree to work on (default: this script's tree)

The tables sit between
  <!-- invariants:engine begin ... -->  and  <!-- invariants:engine end -->   (docs/invariants.md)
  <!-- invariants:stress begin ... -->  and  <!-- invariants:stress end -->   (docs/invariants.md)
The engine table lists ids reported by the engine, the tools and the ci scripts; the stress
table lists ids runq-torture reports. Ids reported by both appear in both.

What --check also reads (ids written outside the registry as text):
  - `invariant=<id>` in the C sources, scripts, CMake files, Markdown docs and ci/mutants/ headers;
  - `--expect <id>` in CMake files and shell scripts;
  - `invariant=(a|b|...)` alternations (stress/expect_caught.sh);
  - the failure classes ci/mutation.sh gives a log without an invariant line;
  - INV_<NAME> constants: used in harness/ means the engine reports it, in stress/ runq-torture,
    in tools/ the tools; the registry's emitters must say so.
Exit: 0 ok, 1 drift or an unregistered id (each named with file:line), 2 usage.
"""
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EMIT = {"INV_ENGINE": 1, "INV_STRESS": 2, "INV_BOTH": 3, "INV_TOOLS": 4, "INV_CI": 8}
# The one id the tests use to show an unknown id is refused; never registered.
UNREGISTERED_EXAMPLE = "no-such-id"
ENTRY = re.compile(r'^INV\((\w+), "([a-z0-9-]+)", ([A-Z_| ]+), "(.*)"\)\s*$')


def load():
    """[(NAME, id, emitters bitmask, meaning)] in registry order; exits 1 on a bad line."""
    rows, bad = [], []
    with open(os.path.join(ROOT, "harness", "invariants.def"), encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip() or line.startswith("//"):
                continue
            m = ENTRY.match(line)
            if not m:
                bad.append(f"harness/invariants.def:{n}: expected INV(NAME, \"id\", EMITTERS, \"meaning\") on one line")
                continue
            mask = 0
            for e in m.group(3).split("|"):
                e = e.strip()
                if e not in EMIT:
                    bad.append(f"harness/invariants.def:{n}: unknown emitter {e}")
                mask |= EMIT.get(e, 0)
            rows.append((m.group(1), m.group(2), mask, m.group(4)))
    seen = {}
    for name, iid, _, _ in rows:
        if iid in seen:
            bad.append(f"harness/invariants.def: id {iid} registered twice")
        seen[iid] = name
    if bad:
        print("\n".join(bad), file=sys.stderr)
        sys.exit(1)
    return rows


def who(mask):
    parts = []
    if mask & 1 and mask & 2:
        parts.append("engine, stress")
    elif mask & 1:
        parts.append("engine")
    elif mask & 2:
        parts.append("stress")
    if mask & 4:
        parts.append("runq-replay")
    if mask & 8:
        parts.append("ci scripts")
    return ", ".join(parts)


def table(rows, mask):
    out = ["| id | reported by | what broke |", "| --- | --- | --- |"]
    for _, iid, m, meaning in rows:
        if m & mask:
            out.append(f"| `{iid}` | {who(m)} | {meaning} |")
    return "\n".join(out) + "\n"


TABLES = [("docs/invariants.md", "engine", 1 | 4 | 8), ("docs/invariants.md", "stress", 2)]


def rewrite(text, kind, body, path):
    begin = re.compile(r"<!-- invariants:%s begin[^>]*-->\n" % kind)
    end = "<!-- invariants:%s end -->" % kind
    m = begin.search(text)
    e = text.find(end)
    if not m or e < m.end():
        print(f"{path}: no '<!-- invariants:{kind} begin -->' ... '{end}' markers", file=sys.stderr)
        sys.exit(1)
    return text[: m.end()] + body + text[e:]


def tracked_files():
    try:
        out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
        if not os.path.isdir(os.path.join(ROOT, ".git")) and not os.path.isfile(os.path.join(ROOT, ".git")):
            raise OSError("not the top of a git tree")
    except (OSError, subprocess.CalledProcessError):
        out = []
        for d, _, fs in os.walk(ROOT):
            if re.match(r"(build|\.git)(/|$)", os.path.relpath(d, ROOT)):
                continue
            out += [os.path.relpath(os.path.join(d, f), ROOT) for f in fs]
    keep = re.compile(r"(\.(c|h|sh|py|md|txt|patch|def)$|CMakeLists\.txt$)")
    # corpus/ is data; NOTES-*.md are reports that may quote ids of the past.
    return [f for f in out if keep.search(f) and not f.startswith("corpus/")
            and not re.match(r"NOTES-[^/]*\.md$", f)]


def check_sources(rows):
    ids = {iid for _, iid, _, _ in rows}
    by_name = {name: m for name, _, m, _ in rows}
    problems = []
    lit = re.compile(r"invariant=([a-z][a-z0-9-]*)(?![a-z0-9.-]*[.<])")
    expect = re.compile(r"--expect[ =]([a-z][a-z0-9-]*)")
    alt = re.compile(r"invariant=\(([a-z0-9|-]+)\)")
    ci_class = re.compile(r"; then echo ([a-z][a-z0-9-]*)\s*$")  # ci/mutation.sh's invariant_of
    const = re.compile(r"\bINV_([A-Z][A-Z0-9_]*)\b")
    not_ids = {"ENGINE", "STRESS", "BOTH", "TOOLS", "CI", "COUNT"}
    dir_bit = {"harness": 1, "stress": 2, "tools": 4}
    for rel in tracked_files():
        path = os.path.join(ROOT, rel)
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                lines = f.read().split("\n")
        except OSError:
            continue
        top = rel.split("/")[0]
        for n, line in enumerate(lines, 1):
            for m in lit.finditer(line):
                if m.group(1) not in ids and m.group(1) != UNREGISTERED_EXAMPLE:
                    problems.append(f"{rel}:{n}: invariant={m.group(1)} is not registered")
            code = rel.endswith(("CMakeLists.txt", ".sh")) and not line.lstrip().startswith("#")
            for m in expect.finditer(line) if code else ():
                if m.group(1) not in ids and m.group(1) != UNREGISTERED_EXAMPLE:
                    problems.append(f"{rel}:{n}: --expect {m.group(1)} is not registered")
            for m in ci_class.finditer(line) if rel == "ci/mutation.sh" else ():
                if m.group(1) not in ids:
                    problems.append(f"{rel}:{n}: failure class {m.group(1)} is not registered")
            for m in alt.finditer(line):
                for iid in m.group(1).split("|"):
                    if iid not in ids:
                        problems.append(f"{rel}:{n}: invariant {iid} is not registered")
            if rel.endswith((".c", ".h")) and not rel.startswith("harness/invariants."):
                for m in const.finditer(line):
                    name = m.group(1)
                    if name in not_ids:
                        continue
                    if name not in by_name:
                        problems.append(f"{rel}:{n}: INV_{name} is not in the registry")
                    elif top in dir_bit and not by_name[name] & dir_bit[top]:
                        problems.append(f"{rel}:{n}: INV_{name} is reported from {top}/, but the "
                                        f"registry's emitters for it ({who(by_name[name])}) do not say so")
    return problems


def main():
    global ROOT
    args = sys.argv[1:]
    if len(args) >= 2 and args[-2] == "--root":
        ROOT = os.path.abspath(args[-1])
        args = args[:-2]
    if args not in ([], ["--check"]):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    check = args == ["--check"]
    rows = load()
    status = 0
    for rel, kind, mask in TABLES:
        path = os.path.join(ROOT, rel)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        new = rewrite(text, kind, table(rows, mask), rel)
        if new != text:
            if check:
                print(f"{rel}: the {kind} invariant table differs from harness/invariants.def; "
                      f"run ci/invariants_table.py", file=sys.stderr)
                status = 1
            else:
                with open(path, "w", encoding="utf-8") as f:
                    f.write(new)
                print(f"{rel}: {kind} table rewritten")
    if check:
        problems = check_sources(rows)
        for p in problems:
            print(p, file=sys.stderr)
        if problems:
            status = 1
        if status == 0:
            print(f"invariants: {len(rows)} registered; tables and sources agree")
    return status


if __name__ == "__main__":
    sys.exit(main())
