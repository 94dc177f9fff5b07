#!/usr/bin/env python3
"""ci/check_workflows.py - the hosted CI's workflows call only what exists here.

    ci/check_workflows.py [--root DIR] [--workflows DIR]

Parses every .github/workflows/*.yml (PyYAML: Debian's python3-yaml) and checks:
  - each `run:` step's calls of the project's scripts (ci/*.sh, ci/*.py,
    .clusterfuzzlite/*.sh, tools/*.sh): the script exists, is executable when called
    without an interpreter, and every --option the step passes is one the script's own
    --help names;
  - each local action (`uses: ./...`) exists;
  - a ClusterFuzzLite step (google/clusterfuzzlite/actions/...): .clusterfuzzlite/build.sh
    exists and is executable, the Dockerfile copies it into $SRC, project.yaml's language
    is the step's `language:`, and every sanitizer of the job's matrix is one that
    ci/cflite_check.sh builds and runs here (address, undefined).
With --markdown FILE..., the same checks on the workflows shown in docs: each ```yaml block
of FILE that has a `jobs:` key (e.g. the CI snippet for a Go fork in docs/go-versions.md).
Prints one line per problem ("workflow.yml: job/step: what") and exits 1 if there is any,
0 otherwise; 2 if a file cannot be read or parsed.
"""
import argparse
import os
import re
import shlex
import subprocess
import sys

try:
    import yaml
except ImportError:  # the caller (ctest) skips with 77
    print("check_workflows.py: PyYAML missing: apt-get install python3-yaml", file=sys.stderr)
    sys.exit(77)

SCRIPT_RE = re.compile(r"(?:^|[\s;&|(])((?:\./)?(?:ci|tools|\.clusterfuzzlite)/[\w./-]+\.(?:sh|py))")
INTERPRETERS = {"bash", "sh", "python3", "python", "exec"}
CFLITE_SANITIZERS = {"address", "undefined"}  # what ci/cflite_check.sh runs


def help_text(root, script, cache):
    """The script's --help output (stdout + stderr), run from ROOT; '' if it fails."""
    if script not in cache:
        path = os.path.join(root, script)
        cmd = ["python3", path, "--help"] if script.endswith(".py") else ["bash", path, "--help"]
        try:
            r = subprocess.run(cmd, cwd=root, capture_output=True, text=True, timeout=60)
            cache[script] = r.stdout + r.stderr if r.returncode == 0 else ""
        except (OSError, subprocess.TimeoutExpired):
            cache[script] = ""
    return cache[script]


def calls_in(run_text):
    """(script, [tokens after it], called_with_interpreter) for each call in a run: block."""
    out = []
    # Join continuation lines and split into simple commands.
    text = run_text.replace("\\\n", " ")
    for line in re.split(r"[\n;]|&&|\|\|", text):
        for m in SCRIPT_RE.finditer(line):
            script = m.group(1)
            if script.startswith("./"):
                script = script[2:]
            before = line[: m.start(1)].split()
            via = bool(before) and os.path.basename(before[-1]) in INTERPRETERS
            rest = line[m.end(1):]
            try:
                toks = shlex.split(rest, comments=True)
            except ValueError:
                toks = rest.split()
            # Stop at a quote that closes an enclosing `bash -c '...'`.
            out.append((script, toks, via))
    return out


def check_run(root, where, run_text, cache, problems):
    for script, toks, via in calls_in(run_text):
        path = os.path.join(root, script)
        if not os.path.isfile(path):
            problems.append(f"{where}: calls {script}, which does not exist")
            continue
        if not via and not os.access(path, os.X_OK):
            problems.append(f"{where}: runs {script} directly, but it is not executable")
        opts = [t.split("=", 1)[0] for t in toks if t.startswith("--") and len(t) > 2]
        if not opts:
            continue
        text = help_text(root, script, cache)
        if not text:
            problems.append(f"{where}: {script} --help failed, so its options cannot be checked")
            continue
        for o in opts:
            if not re.search(re.escape(o) + r"(?![\w-])", text):
                problems.append(f"{where}: passes {o} to {script}, whose --help does not name it")


def check_cflite(root, where, step, job, problems):
    build = os.path.join(root, ".clusterfuzzlite", "build.sh")
    if not os.path.isfile(build) or not os.access(build, os.X_OK):
        problems.append(f"{where}: .clusterfuzzlite/build.sh is missing or not executable")
    docker = os.path.join(root, ".clusterfuzzlite", "Dockerfile")
    if not os.path.isfile(docker) or not re.search(
        r"^COPY\s+\.clusterfuzzlite/build\.sh\s+\$SRC/?\s*$", open(docker).read(), re.M
    ):
        problems.append(f"{where}: .clusterfuzzlite/Dockerfile does not copy build.sh to $SRC")
    lang = (step.get("with") or {}).get("language")
    proj = os.path.join(root, ".clusterfuzzlite", "project.yaml")
    if lang is not None:
        try:
            plang = (yaml.safe_load(open(proj)) or {}).get("language")
        except (OSError, yaml.YAMLError) as e:
            problems.append(f"{where}: cannot read .clusterfuzzlite/project.yaml: {e}")
            plang = None
        if plang is not None and plang != lang:
            problems.append(f"{where}: language {lang!r}, but project.yaml says {plang!r}")
    matrix = ((job.get("strategy") or {}).get("matrix") or {}).get("sanitizer") or []
    for s in matrix:
        if s not in CFLITE_SANITIZERS:
            problems.append(
                f"{where}: sanitizer {s!r} is not one ci/cflite_check.sh builds here "
                f"({', '.join(sorted(CFLITE_SANITIZERS))})"
            )


def check_file(root, path, cache, problems, text=None, name=None):
    name = name or os.path.basename(path)
    try:
        doc = yaml.safe_load(text if text is not None else open(path))
    except (OSError, yaml.YAMLError) as e:
        print(f"check_workflows.py: {path}: {e}", file=sys.stderr)
        sys.exit(2)
    if not isinstance(doc, dict) or not isinstance(doc.get("jobs"), dict):
        problems.append(f"{name}: no jobs")
        return
    for jname, job in doc["jobs"].items():
        for i, step in enumerate(job.get("steps") or []):
            where = f"{name}: {jname}/{step.get('name') or step.get('id') or f'step {i + 1}'}"
            if "run" in step:
                check_run(root, where, str(step["run"]), cache, problems)
            uses = str(step.get("uses") or "")
            if uses.startswith("./") and not os.path.exists(os.path.join(root, uses[2:])):
                problems.append(f"{where}: local action {uses} does not exist")
            if uses.startswith("google/clusterfuzzlite/actions/build_fuzzers"):
                check_cflite(root, where, step, job, problems)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--root", default=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap.add_argument("--workflows", help="folder of workflow files (default ROOT/.github/workflows)")
    ap.add_argument("--markdown", nargs="+", metavar="FILE",
                    help="check the ```yaml workflow blocks of these docs instead")
    a = ap.parse_args()
    if a.markdown:
        problems, cache, n = [], {}, 0
        for md in a.markdown:
            try:
                lines = open(md).read().split("\n")
            except OSError as e:
                print(f"check_workflows.py: {md}: {e}", file=sys.stderr)
                return 2
            start = None
            for i, line in enumerate(lines):
                if start is None and line.strip() == "```yaml":
                    start = i + 1
                elif start is not None and line.strip() == "```":
                    block = "\n".join(lines[start:i])
                    if re.search(r"^jobs:", block, re.M):
                        n += 1
                        name = f"{os.path.basename(md)}:{start + 1}"
                        check_file(a.root, md, cache, problems, text=block, name=name)
                    start = None
        for p in problems:
            print(p)
        print(f"check_workflows: {n} workflows, {len(problems)} problems")
        return 1 if problems or n == 0 else 0
    wdir = a.workflows or os.path.join(a.root, ".github", "workflows")
    files = sorted(
        os.path.join(wdir, f) for f in os.listdir(wdir) if f.endswith((".yml", ".yaml"))
    )
    if not files:
        print(f"check_workflows.py: no workflow files in {wdir}", file=sys.stderr)
        return 2
    problems, cache = [], {}
    for f in files:
        check_file(a.root, f, cache, problems)
    for p in problems:
        print(p)
    print(f"check_workflows: {len(files)} workflows, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
