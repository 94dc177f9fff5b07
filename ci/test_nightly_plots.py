#!/usr/bin/env python3
"""test_nightly_plots.py WORKDIR - ctest ci.nightly-plots: ci/nightly_summary.py on a
made-up nightly output (three fuzz runs' stats lines, two merges, one crash) with a history
file of two earlier nights. Checks: the night is appended to the history once (a second
summary replaces it), per-run and history data files are written, summary.md has its
Plots section, and with gnuplot installed every figure is a PNG. Exit 0 pass, 1 fail.
"""
import json
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def fail(msg):
    print(f"FAIL ci.nightly-plots: {msg}")
    sys.exit(1)


def main():
    work = sys.argv[1]
    shutil.rmtree(work, ignore_errors=True)
    out = os.path.join(work, "out")
    for d in ("state", "logs"):
        os.makedirs(os.path.join(out, d))
    rows = []
    for k, name in enumerate(("sched-asan", "model-asan", "sched-tsan")):
        log = os.path.join(out, "logs", f"fuzz-{name}.log")
        with open(log, "w") as f:
            for t in range(1, 60, 5):
                f.write(f"#{t * 1000}: cov: {500 + t + k} ft: {5000 + 10 * t} corp: {900 + t} exec/s {1000 + 10 * k} "
                        f"oom/timeout/crash: 0/0/0 time: {t}s job: {t // 10} dft_time: 0\n")
        rows.append("\t".join([name, "fuzz_runq_sched", "fuzz", "60", "61", "0", log,
                               os.path.join(out, "new"), os.path.join(out, "art"), "ran", ""]))
    with open(os.path.join(out, "state", "fuzz.tsv"), "w") as f:
        f.write("\n".join(rows) + "\n")
    with open(os.path.join(out, "state", "meta.tsv"), "w") as f:
        f.write("started\t2026-12-03T02:00:00Z\nbudget\t10m\n")
    for t, files in (("fuzz_runq_sched", 1200), ("fuzz_runq_model", 690)):
        with open(os.path.join(out, "state", f"merge-{t}.json"), "w") as f:
            json.dump({"target": t, "swapped": True, "before": {"files": files - 5}, "after": {"files": files},
                       "features_before": {"cov": 600, "ft": 5800}, "features_after": {"cov": 602, "ft": 5810}}, f)
    with open(os.path.join(out, "crashes.json"), "w") as f:
        json.dump({"found": 1, "invariants": [{"invariant": "dup-g", "target": "fuzz_runq_sched", "files": 1,
                                               "original_bytes": 10, "bytes": 5, "minimised": True, "stored": "new",
                                               "repro": "r", "path": "p", "message": "m", "picture": "p.trace.json"}]}, f)
    os.makedirs(os.path.join(out, "look"), exist_ok=True)
    for f in ("dup-g.svg", "dup-g.png"):  # what ci/look.sh leaves for the new crash
        open(os.path.join(out, "look", f), "w").close()
    hist = os.path.join(work, "history.jsonl")
    with open(hist, "w") as f:
        for d in (1, 2):
            f.write(json.dumps({"started": f"2026-12-0{d}T02:00:00Z",
                                "corpus": {"fuzz_runq_sched": {"cov": 590 + d, "ft": 5700, "files": 1190}},
                                "crashes": {"not-holder": d}}) + "\n")
    env = dict(os.environ, RUNQ_NIGHTLY_HISTORY=hist)
    for _ in range(2):  # twice: the night must not be appended twice
        r = subprocess.run([sys.executable, os.path.join(HERE, "nightly_summary.py"), out], env=env,
                           capture_output=True, text=True)
        if r.returncode not in (0, 1):
            fail(f"nightly_summary.py exited {r.returncode}: {r.stderr[-500:]}")
    nights = [json.loads(x) for x in open(hist) if x.strip()]
    if [n["started"] for n in nights] != ["2026-12-01T02:00:00Z", "2026-12-02T02:00:00Z", "2026-12-03T02:00:00Z"]:
        fail(f"history has nights {[n['started'] for n in nights]}, expected the two old ones and tonight once")
    if nights[-1]["crashes"] != {"dup-g": 1} or nights[-1]["corpus"]["fuzz_runq_model"]["files"] != 690:
        fail(f"tonight's history line is wrong: {nights[-1]}")
    plots = os.path.join(out, "plots")
    for f in ("fuzz-sched-asan.tsv", "fuzz-model-asan.tsv", "fuzz-sched-tsan.tsv", "history.tsv"):
        if not os.path.exists(os.path.join(plots, f)):
            fail(f"plots/{f} was not written")
    md = open(os.path.join(out, "summary.md")).read()
    if "## Plots" not in md or "Chrome trace: `p.trace.json`" not in md:
        fail("summary.md lacks the Plots section or the crash's Chrome trace line")
    if "swimlane: [look/dup-g.svg](look/dup-g.svg)" not in md or "![swimlane dup-g](look/dup-g.png)" not in md:
        fail("summary.md lacks the new crash's swimlane link or picture")
    if shutil.which("gnuplot"):
        pngs = ("fuzz-coverage.png", "fuzz-execs.png", "trend-coverage.png", "trend-corpus.png", "trend-crashes.png")
        for p in pngs:
            path = os.path.join(plots, p)
            if not os.path.exists(path) or open(path, "rb").read(8) != b"\x89PNG\r\n\x1a\n":
                fail(f"plots/{p} is not a PNG")
            if f"](plots/{p})" not in md:
                fail(f"summary.md does not embed plots/{p}")
        print(f"ok: history 3 nights, {len(pngs)} figures drawn and embedded")
    else:
        if "gnuplot is not installed" not in md:
            fail("without gnuplot, summary.md must say why there are no pictures")
        print("ok: history 3 nights, data files written (gnuplot not installed: no pictures)")


if __name__ == "__main__":
    main()
