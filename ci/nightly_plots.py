#!/usr/bin/env python3
"""nightly_plots.py - the nightly's figures, drawn with gnuplot (Debian: gnuplot-nox), and
its history across nights. Used by ci/nightly_summary.py (draw()); run by hand as

    ci/nightly_plots.py OUTDIR [--history FILE]

to redraw OUTDIR/plots/ from OUTDIR/summary.json and the fuzz logs it names.

Tonight's figures (OUTDIR/plots/):
  fuzz-coverage.png   libFuzzer's cov and ft against time, one line per fuzz run
  fuzz-execs.png      exec/s against time, one line per fuzz run
Across nights (the history file, one JSON object per night, appended; a night already in
it, by its start time, is replaced, so redrawing does not duplicate it):
  trend-coverage.png  cov and ft of the merged corpus per target
  trend-corpus.png    corpus files per target
  trend-crashes.png   crash files per invariant (0 when an invariant was not seen)

The history file lives outside the work tree so that it survives fresh clones and
re-used --out directories: $RUNQ_NIGHTLY_HISTORY, else
${XDG_STATE_HOME:-~/.local/state}/runqtorture/nightly-history.jsonl.
Without gnuplot the data files are still written (plots/*.tsv) and draw() says why
there are no pictures.
"""
import json
import os
import re
import shutil
import subprocess
import sys

STAT_RE = re.compile(r"^#(\d+): cov: (\d+) ft: (\d+) corp: (\d+) exec/s (\d+) "
                     r"oom/timeout/crash: (\d+)/(\d+)/(\d+) time: (\d+)s")


def default_history():
    env = os.environ.get("RUNQ_NIGHTLY_HISTORY")
    if env:
        return env
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    return os.path.join(base, "runqtorture", "nightly-history.jsonl")


def fuzz_series(log):
    """[(time s, cov, ft, exec/s)] from a libFuzzer -fork log's stats lines."""
    rows = []
    if log and os.path.exists(log):
        for line in open(log, encoding="utf-8", errors="replace"):
            m = STAT_RE.match(line)
            if m:
                g = [int(x) for x in m.groups()]
                rows.append((g[8], g[1], g[2], g[4]))
    return rows


def night_record(summary):
    """The one line of history for this night."""
    meta = summary.get("meta", {})
    corpus = {}
    for t, m in (summary.get("corpus") or {}).items():
        fa = m.get("features_after") or {}
        corpus[t] = {"files": (m.get("after") or {}).get("files"), "cov": fa.get("cov"),
                     "ft": fa.get("ft"), "swapped": bool(m.get("swapped"))}
    crashes = {}
    for c in summary.get("crashes") or []:
        crashes[c["invariant"]] = crashes.get(c["invariant"], 0) + int(c.get("files") or 1)
    return {"started": meta.get("started", ""), "commit": meta.get("commit", ""),
            "budget": meta.get("budget", ""), "verdict": summary.get("verdict", ""),
            "corpus": corpus, "crashes": crashes,
            "fuzz": {f["name"]: {"exec_per_s": f.get("exec_per_s"), "cov": f.get("cov"), "ft": f.get("ft")}
                     for f in summary.get("fuzz") or []},
            "stress": {s["preset"]: s.get("status") for s in summary.get("stress") or []}}


def append_history(path, rec):
    """Adds rec (replacing a night with the same start time); returns every night, oldest first."""
    nights = []
    if os.path.exists(path):
        for n, line in enumerate(open(path, encoding="utf-8"), 1):
            line = line.strip()
            if not line:
                continue
            try:
                nights.append(json.loads(line))
            except ValueError:
                print(f"nightly_plots: {path}:{n}: not a JSON object, line skipped", file=sys.stderr)
    nights = [x for x in nights if x.get("started") != rec["started"]] + [rec]
    nights.sort(key=lambda x: x.get("started", ""))
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        for x in nights:
            f.write(json.dumps(x, sort_keys=True) + "\n")
    os.replace(tmp, path)
    return nights


def gp_quote(s):
    return '"' + str(s).replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_tsv(path, header, rows):
    with open(path, "w", encoding="utf-8") as f:
        f.write("\t".join(header) + "\n")
        for r in rows:
            f.write("\t".join("NaN" if v is None else str(v) for v in r) + "\n")


def run_gnuplot(script, plots_dir):
    r = subprocess.run(["gnuplot"], input=script, text=True, capture_output=True, cwd=plots_dir)
    if r.returncode != 0:
        return r.stderr.strip().splitlines()[-1] if r.stderr.strip() else f"gnuplot exited {r.returncode}"
    return None


TERM = ('set terminal pngcairo noenhanced size 1000,420 font "DejaVu Sans,10"\n'
        'set key outside right top\nset grid\n')


def draw(out, summary, history=None):
    """Draws OUT/plots/*.png; returns (figures, notes): figures = [(title, path relative to
    OUT)], notes = lines for the summary."""
    plots = os.path.join(out, "plots")
    os.makedirs(plots, exist_ok=True)
    notes, figs, scripts = [], [], []
    history = history or default_history()

    # Tonight: one data file per fuzz run.
    runs = []
    for f in summary.get("fuzz") or []:
        rows = fuzz_series(f.get("log"))
        if rows:
            name = re.sub(r"[^A-Za-z0-9_.-]", "_", f["name"])
            write_tsv(os.path.join(plots, f"fuzz-{name}.tsv"), ["time_s", "cov", "ft", "exec_per_s"], rows)
            runs.append((f["name"], f"fuzz-{name}.tsv"))
    if runs:
        cov = ", ".join(f"{gp_quote(tsv)} using 1:2 with lines lw 2 title {gp_quote(n + ' cov')}"
                        for n, tsv in runs)
        ft = ", ".join(f"{gp_quote(tsv)} using 1:3 with lines lw 2 dt 2 title {gp_quote(n + ' ft')}"
                       for n, tsv in runs)
        scripts.append(("Coverage and features against time, per fuzz run", "fuzz-coverage.png",
                        TERM + 'set output "fuzz-coverage.png"\nset xlabel "seconds"\nset ylabel "cov"\n'
                        'set y2label "ft"\nset ytics nomirror\nset y2tics\n'
                        f'set title "libFuzzer cov (solid, left) and ft (dashed, right)"\n'
                        f"plot {cov}, " + ft.replace("using 1:3", "using 1:3 axes x1y2") + "\n"))
        ex = ", ".join(f"{gp_quote(tsv)} using 1:4 with lines lw 2 title {gp_quote(n)}" for n, tsv in runs)
        scripts.append(("exec/s per fuzz run", "fuzz-execs.png",
                        TERM + 'set output "fuzz-execs.png"\nset xlabel "seconds"\nset ylabel "exec/s"\n'
                        f'set title "exec/s (libFuzzer stats lines)"\nplot {ex}\n'))
    else:
        notes.append("no fuzz stats lines tonight: no per-run plots")

    # Across nights.
    nights = append_history(history, night_record(summary))
    notes.append(f"history: `{history}` ({len(nights)} night{'s' if len(nights) != 1 else ''})")
    targets = sorted({t for n in nights for t in n.get("corpus", {})})
    invs = sorted({i for n in nights for i in n.get("crashes", {})})
    label = lambda n: (n.get("started", "?")[:16] or "?").replace("T", " ")
    rows = []
    for n in nights:
        r = [label(n).replace(" ", "_")]
        for t in targets:
            c = n.get("corpus", {}).get(t, {})
            r += [c.get("cov"), c.get("ft"), c.get("files")]
        r += [n.get("crashes", {}).get(i, 0) for i in invs]
        rows.append(r)
    header = ["night"] + [f"{t}_{k}" for t in targets for k in ("cov", "ft", "files")] + invs
    write_tsv(os.path.join(plots, "history.tsv"), header, rows)
    xt = 'set xtics rotate by -30\nset offsets 0.3, 0.3, 0, 0\n'
    if targets:
        cols = []
        for k, t in enumerate(targets):
            cols.append(f'"history.tsv" using 0:{2 + 3 * k}:xtic(1) with linespoints lw 2 title {gp_quote(t + " cov")}')
            cols.append(f'"history.tsv" using 0:{3 + 3 * k} axes x1y2 with linespoints lw 2 dt 2 title {gp_quote(t + " ft")}')
        scripts.append(("Coverage of the merged corpus, night by night", "trend-coverage.png",
                        TERM + xt + 'set output "trend-coverage.png"\nset ylabel "cov"\nset y2label "ft"\n'
                        'set ytics nomirror\nset y2tics\nset title "merged corpus: cov (solid, left), ft (dashed, right)"\n'
                        f"plot {', '.join(cols)}\n"))
        cols = [f'"history.tsv" using 0:{4 + 3 * k}:xtic(1) with linespoints lw 2 title {gp_quote(t)}'
                for k, t in enumerate(targets)]
        scripts.append(("Corpus size, night by night", "trend-corpus.png",
                        TERM + xt + 'set output "trend-corpus.png"\nset ylabel "files"\n'
                        f'set title "corpus files per target"\nplot {", ".join(cols)}\n'))
    base = 2 + 3 * len(targets)
    if invs:
        cols = [f'"history.tsv" using 0:{base + k}:xtic(1) with linespoints lw 2 title {gp_quote(i)}'
                for k, i in enumerate(invs)]
        plot = ", ".join(cols)
    else:
        plot = '"history.tsv" using 0:(0):xtic(1) with linespoints lw 2 title "no crash yet"'
    scripts.append(("Crashes by invariant, night by night", "trend-crashes.png",
                    TERM + xt + 'set output "trend-crashes.png"\nset ylabel "crash files"\nset yrange [0:*]\n'
                    f'set title "crash files per invariant"\nplot {plot}\n'))

    if not shutil.which("gnuplot"):
        notes.append("no pictures: gnuplot is not installed (apt-get install gnuplot-nox); data in `plots/*.tsv`")
        return [], notes
    for title, png, script in scripts:
        with open(os.path.join(plots, png[:-4] + ".gp"), "w") as f:
            f.write(script)
        err = run_gnuplot(script, plots)
        if err or not os.path.exists(os.path.join(plots, png)):
            notes.append(f"{png}: not drawn: {err or 'gnuplot wrote nothing'}")
        else:
            figs.append((title, f"plots/{png}"))
    return figs, notes


def main(argv):
    if not argv or argv[0].startswith("-"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    out, history = argv[0], None
    if len(argv) == 3 and argv[1] == "--history":
        history = argv[2]
    elif len(argv) != 1:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        with open(os.path.join(out, "summary.json")) as f:
            summary = json.load(f)
    except (OSError, ValueError) as e:
        print(f"nightly_plots: {out}/summary.json: {e}", file=sys.stderr)
        return 2
    figs, notes = draw(out, summary, history)
    for t, p in figs:
        print(f"{p}: {t}")
    for n in notes:
        print(n)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
