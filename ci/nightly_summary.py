#!/usr/bin/env python3
"""nightly_summary.py OUTDIR - writes OUTDIR/summary.md and OUTDIR/summary.json from what
ci/nightly.sh left in OUTDIR (state/*.tsv, state/merge-*.json, crashes.json,
coverage/coverage.json, the fuzz and stress logs), prints summary.md, and exits 0 if
nothing failed, 1 if something did (a crash, a failing corpus file, a stress failure, or
no fuzzing at all because the fuzz build failed).
"""
import glob
import json
import os
import re
import sys


def read_tsv(path, fields):
    rows = []
    if os.path.exists(path):
        for line in open(path, encoding="utf-8", errors="replace"):
            parts = line.rstrip("\n").split("\t")
            parts += [""] * (len(fields) - len(parts))
            rows.append(dict(zip(fields, parts)))
    return rows


def load_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def num(s, default=0):
    try:
        return int(s)
    except (TypeError, ValueError):
        return default


STAT_RE = re.compile(r"^#(\d+): cov: (\d+) ft: (\d+) corp: (\d+) exec/s (\d+) "
                     r"oom/timeout/crash: (\d+)/(\d+)/(\d+) time: (\d+)s job: (\d+)")


def parse_fuzz_log(path):
    r = {"execs": None, "cov": None, "ft": None, "corp": None, "time": None, "jobs_run": None,
         "oom": 0, "timeouts": 0, "crashes": 0, "seed_inputs": None, "first_cov": None}
    if not os.path.exists(path):
        return r
    for line in open(path, encoding="utf-8", errors="replace"):
        m = STAT_RE.match(line)
        if m:
            g = [int(x) for x in m.groups()]
            if r["first_cov"] is None:
                r["first_cov"], r["first_ft"] = g[1], g[2]
            r.update(execs=g[0], cov=g[1], ft=g[2], corp=g[3], oom=g[5], timeouts=g[6],
                     crashes=g[7], time=g[8], jobs_run=g[9])
            continue
        m = re.match(r"INFO: -fork=\d+: (\d+) seed inputs", line)
        if m:
            r["seed_inputs"] = int(m.group(1))
    return r


def go_version(path):
    """The Go port a schedule file runs on: 'master' if its text header says "go master" or
    its header byte 7 is 'M' (harness/schedule.h), else '1.19'. None if unreadable."""
    try:
        with open(path, "rb") as f:
            data = f.read(1 << 16)
    except OSError:
        return None
    text = data.lstrip()
    while text.startswith(b"#"):
        text = text.split(b"\n", 1)[1].lstrip() if b"\n" in text else b""
    if text.startswith(b"runq-schedule"):
        for line in text.split(b"\n")[1:]:
            words = line.split(b"#", 1)[0].split()
            if words[:1] == [b"thread"]:
                break
            if words == [b"go", b"master"]:
                return "master"
        return "1.19"
    return "master" if len(data) > 7 and data[7] == ord("M") else "1.19"


def count_versions(paths):
    n = {"1.19": 0, "master": 0}
    for p in paths:
        v = go_version(p)
        if v:
            n[v] += 1
    return n


def fmt(v, suffix=""):
    return "-" if v is None or v == "" else f"{v}{suffix}"


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    out = sys.argv[1]
    st = os.path.join(out, "state")
    meta = {r["key"]: r["value"] for r in read_tsv(os.path.join(st, "meta.tsv"), ["key", "value"])}
    phases = read_tsv(os.path.join(st, "phases.tsv"), ["phase", "result", "seconds", "note"])
    builds = read_tsv(os.path.join(st, "builds.tsv"), ["preset", "targets", "result", "seconds", "log"])
    fuzz = read_tsv(os.path.join(st, "fuzz.tsv"), ["name", "target", "build", "planned", "actual", "rc",
                                                   "log", "scratch", "artifacts", "status", "note"])
    stress = read_tsv(os.path.join(st, "stress.tsv"), ["preset", "planned", "actual", "seed", "rc",
                                                       "verdict", "log", "json", "status", "note",
                                                       "invariant", "go"])
    notes = [r["key"] for r in read_tsv(os.path.join(st, "notes.tsv"), ["key"])]
    merges = {}
    for p in sorted(glob.glob(os.path.join(st, "merge-*.json"))):
        d = load_json(p)
        if d:
            merges[d.get("target", os.path.basename(p)[6:-5])] = d
    crashes = load_json(os.path.join(out, "crashes.json")) or {"found": 0, "invariants": []}
    cov = load_json(os.path.join(out, "coverage", "coverage.json"))

    for f in fuzz:
        f.update(parse_fuzz_log(f["log"]))
        f["new_inputs"] = len(os.listdir(f["scratch"])) if os.path.isdir(f["scratch"]) else 0
        t = f["time"] or num(f["actual"])
        f["exec_per_s"] = round(f["execs"] / t) if f["execs"] and t else None

    for s in stress:
        j = load_json(s["json"]) if s["json"] else None
        if j is None and s["json"] and not os.path.isabs(s["json"]):
            j = load_json(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", s["json"]))
        s["ops_per_s"] = (j or {}).get("stats", {}).get("ops_per_s")
        s["stress_verdict"] = (j or {}).get("verdict")

    failures = []
    inv = crashes.get("invariants", [])
    if inv:
        failures.append(f"{len(inv)} crash invariant(s): " + ", ".join(sorted({c['invariant'] for c in inv})))
    bad_stress = [s for s in stress if s["status"] == "fail"]
    if bad_stress:
        failures.append("stress failed: " + ", ".join(
            s["preset"] + (f" (invariant={s['invariant']})" if s.get("invariant") else "")
            for s in bad_stress))
    corpus_fail = 0
    if cov and "replay" in cov:
        corpus_fail = sum(v["failed"] for v in cov["replay"].values())
        if corpus_fail:
            failures.append(f"{corpus_fail} corpus file(s) fail to replay (see coverage/replay.log)")
    bad_explore = [p for p in phases if p["phase"].startswith("explore") and p["result"] == "FAILED"]
    if bad_explore:
        failures.append("runq-explore found a failing interleaving of a regress scenario: "
                        + bad_explore[0]["note"] + " (see Notes)")
    bad_threads = [p for p in phases if p["phase"].startswith("threads") and p["result"] == "FAILED"]
    if bad_threads:
        failures.append("a real-thread test failed (ctest -L nightly): " + bad_threads[0]["note"])
    bad_cflite = [p for p in phases if p["phase"].startswith("cflite") and p["result"] == "FAILED"]
    if bad_cflite:
        failures.append("the ClusterFuzzLite build or its fuzzers failed (ci/cflite_check.sh): "
                        + (bad_cflite[0]["note"] or "see its log"))
    ran = [f for f in fuzz if f["status"] == "ran"]
    if not ran:
        failures.append("no fuzz run happened (see Builds)")
    warnings = [b for b in builds if b["result"] != "ok"]
    verdict = "FAIL" if failures else "PASS"
    if meta.get("interrupted"):
        failures.append(f"interrupted during '{meta['interrupted']}': the run is incomplete")
        verdict = "INTERRUPTED"

    summary = {"verdict": verdict, "failures": failures, "meta": meta, "builds": builds,
               "fuzz": [{k: v for k, v in f.items()} for f in fuzz], "corpus": merges,
               "crashes": inv, "crash_files": crashes.get("found", 0), "stress": stress,
               "coverage": {k: cov[k] for k in ("line", "summary", "uncovered", "throws", "replay") if cov and k in cov},
               "phases": phases, "notes": notes,
               "total_seconds": num(meta.get("total_seconds"), None)}
    # Figures (gnuplot) and the history across nights: ci/nightly_plots.py.
    try:
        import nightly_plots
        figures, plot_notes = nightly_plots.draw(out, summary)
    except Exception as e:  # a summary without pictures beats no summary
        figures, plot_notes = [], [f"plots failed: {type(e).__name__}: {e}"]
    summary["plots"] = [{"title": t, "path": p} for t, p in figures]
    summary["plot_notes"] = plot_notes

    L = []
    L.append(f"# runqtorture nightly {meta.get('started', '')}")
    L.append("")
    L.append(f"**{verdict}**" + (": " + "; ".join(failures) if failures else ": no crash, no stress failure"))
    L.append("")
    L.append(f"- budget {meta.get('budget', '?')} ({meta.get('budget_seconds', '?')} s), "
             f"took {meta.get('total_seconds', '?')} s; fork jobs {meta.get('jobs', '?')}")
    L.append(f"- commit {meta.get('commit', '?')}; host {meta.get('host', '?')}")
    L.append(f"- out dir `{meta.get('out', out)}`; crash store `{meta.get('crash_store', '?')}`")
    for b in warnings:
        L.append(f"- **build of preset {b['preset']} failed** ({b['targets']}): its part was skipped; log `{b['log']}`")
    for n in notes:
        L.append(f"- {n}")
    L.append("")

    # Both ports side by side: what tonight's run did for each Go version.
    corpus_root = meta.get("corpus_root") or os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                          "..", "corpus")
    per_version = {}
    for v in ("1.19", "master"):
        per_version[v] = {"corpus_files": {}, "new_inputs": 0, "crash_invariants": [],
                          "stress": []}
    for t in ("fuzz_runq_sched", "fuzz_runq_model"):
        n = count_versions(glob.glob(os.path.join(corpus_root, t, "*")))
        for v in n:
            per_version[v]["corpus_files"][t] = n[v]
    for f in fuzz:
        n = count_versions(glob.glob(os.path.join(f["scratch"], "*")) if os.path.isdir(f["scratch"]) else [])
        for v in n:
            per_version[v]["new_inputs"] += n[v]
    for c in inv:
        v = go_version(c.get("path", "")) or "1.19"
        per_version[v]["crash_invariants"].append(c["invariant"])
    for s in stress:
        ran = ["1.19", "master"] if s.get("go") == "both" else [s.get("go") or "1.19"]
        for v in ran:
            res = s["status"] if v == ran[-1] else "pass"
            per_version[v]["stress"].append(f"{s['preset']} {res}")
    L.append("## Per Go version (both ports are fuzzed, stressed and replayed)")
    L.append("")
    L.append("| Go | corpus files (sched / model) | new inputs tonight | crash invariants | stress |")
    L.append("| --- | --- | ---: | --- | --- |")
    for v, d in per_version.items():
        cf = d["corpus_files"]
        L.append(f"| {v} | {cf.get('fuzz_runq_sched', 0)} / {cf.get('fuzz_runq_model', 0)} | "
                 f"{d['new_inputs']} | {', '.join(sorted(set(d['crash_invariants']))) or 'none'} | "
                 f"{', '.join(d['stress']) or 'not run'} |")
    L.append("")
    L.append("A schedule's version: a `go master` header line, or header byte 7 `'M'` in the byte "
             "form; the fuzzers mutate both kinds (the byte view of the corpus carries the "
             "regress-master-* scenarios), and stress runs each preset on 1.19, then on master.")
    L.append("")

    L.append("## Fuzzing")
    L.append("")
    L.append("| run | build | seconds | execs | exec/s | cov | ft | new inputs | oom/timeout/crash | status |")
    L.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |")
    for f in fuzz:
        L.append(f"| {f['name']} | {f['build']} | {fmt(f['time'] or f['actual'])} | {fmt(f['execs'])} | "
                 f"{fmt(f['exec_per_s'])} | {fmt(f['cov'])} | {fmt(f['ft'])} | {f['new_inputs']} | "
                 f"{f['oom']}/{f['timeouts']}/{f['crashes']} | {f['status']}{(': ' + f['note']) if f['note'] else ''} |")
    L.append("")
    L.append("cov/ft: libFuzzer's final stats line of the run (fork mode, whole corpus).")
    L.append("")

    L.append("## Corpus (merge into a new directory, then swap)")
    L.append("")
    L.append("| target | files before | after | seeds added | seeds dropped | new inputs offered | "
             "dropped (unreadable/failing) | cov before -> after | ft before -> after | swapped |")
    L.append("| --- | ---: | ---: | ---: | ---: | ---: | --- | --- | --- | --- |")
    for t, m in merges.items():
        fb, fa = m.get("features_before") or {}, m.get("features_after") or {}
        L.append(f"| {t} | {m.get('before', {}).get('files', '-')} | {m.get('after', {}).get('files', '-')} | "
                 f"{fmt(m.get('seeds_added'))} | {fmt(m.get('seeds_dropped'))} | {fmt(m.get('new_inputs'))} | "
                 f"{fmt(m.get('dropped_unreadable'))}/{fmt(m.get('dropped_failing'))} | "
                 f"{fmt(fb.get('cov'))} -> {fmt(fa.get('cov'))} | {fmt(fb.get('ft'))} -> {fmt(fa.get('ft'))} | "
                 f"{'yes' if m.get('swapped') else 'NO: ' + m.get('error', '?')} |")
    if not merges:
        L.append("| (no merge ran) | | | | | | | | | |")
    L.append("")
    L.append("cov/ft before/after: libFuzzer's INITED line over the committed corpus and the merged one "
             "(text schedules counted in their byte form). regress-*, crash-*, text and hand-named "
             "files are kept as they are; new seeds are named seed-<sha1>.")
    L.append("")

    L.append("## Crashes (deduplicated by invariant)")
    L.append("")
    if not inv:
        L.append(f"None ({crashes.get('found', 0)} crash files).")
    else:
        L.append("| invariant | target | files | kept bytes | minimised | in store | reproduce (from the repo root) |")
        L.append("| --- | --- | ---: | --- | --- | --- | --- |")
        for c in inv:
            L.append(f"| {c['invariant']} | {c['target']} | {c['files']} | {c['original_bytes']} -> {c['bytes']} | "
                     f"{'yes' if c['minimised'] else 'no' + (' (' + c['minimise_note'] + ')' if c.get('minimise_note') else '')} | "
                     f"{c['stored']} | `{c['repro']}` |")
        L.append("")
        for c in inv:
            L.append(f"- **{c['invariant']}** `{c['path']}`: {c['message']}")
            if c.get("picture"):
                L.append(f"  - Chrome trace: `{c['picture']}` (Perfetto UI, chrome://tracing)")
                lane = re.sub(r"[^A-Za-z0-9_.-]", "_", c.get("invariant", "")) + ".svg"
                if os.path.exists(os.path.join(out, "look", lane)):
                    L.append(f"  - swimlane: [look/{lane}](look/{lane})")
            for v in c.get("variants", [])[1:]:
                L.append(f"  - also: {v}")
    L.append("")

    L.append("## Stress (runq-torture)")
    L.append("")
    if not stress:
        L.append("Not run.")
    else:
        L.append("| preset | seconds | seed | result | invariant | ops/s | verdict |")
        L.append("| --- | ---: | ---: | --- | --- | ---: | --- |")
        for s in stress:
            L.append(f"| {s['preset']} (go {s.get('go') or '1.19'}) | {fmt(s['actual'] or s['planned'])} | {fmt(s['seed'])} | {s['status']}"
                     f"{(': ' + s['note']) if s['note'] else ''} | {s.get('invariant') or '-'} "
                     f"| {fmt(s.get('ops_per_s'))} | {s['verdict']} |")
        L.append("")
        L.append("Reproduce a run: `build/<preset>/bin/runq-torture --duration <seconds>s --seed <seed>`; "
                 "logs and --json output in `stress/`.")
    L.append("")

    L.append("## Coverage of queue/ (corpus replay, llvm-cov)")
    L.append("")
    if cov:
        L.append(cov["line"])
        L.append("")
        if cov.get("uncovered"):
            L.append("Retry paths not covered:")
            for p in cov["uncovered"]:
                L.append(f"- queue/runq.c:{p['line']} `{p['function']}`: {p['kind']}: {p['what']} (count {p['count'] or 0})")
        else:
            L.append("Every retry path found in queue/runq.c is covered.")
        L.append("Throws (must stay 0): " + ", ".join(
            f"runq.c:{p['line']} {p['function']} = {p['count'] or 0}" for p in cov.get("throws", [])))
        if "replay" in cov:
            L.append("")
            L.append("Corpus replay: " + "; ".join(f"{k} {v['ok']} ok, {v['failed']} failed" for k, v in cov["replay"].items()))
        L.append("")
        L.append("HTML: `coverage/html/index.html`")
    else:
        L.append("No coverage report (see the coverage phase).")
    L.append("")

    L.append("## Plots")
    L.append("")
    for title, path in figures:
        L.append(f"### {title}")
        L.append("")
        L.append(f"![{title}]({path})")
        L.append("")
    for n in plot_notes:
        L.append(f"- {n}")
    L.append("")
    look = os.path.join(out, "look")
    svgs = sorted(f for f in os.listdir(look) if f.endswith(".svg")) if os.path.isdir(look) else []
    if svgs:
        L.append("### Swimlanes (ci/look.sh: ci/swimlane.py, rendered by headless Chromium)")
        L.append("")
        for f in svgs:
            base = f[:-4]
            L.append(f"#### {'a committed schedule' if base == 'trace' else base}")
            L.append("")
            if os.path.exists(os.path.join(look, base + ".png")):
                L.append(f"![swimlane {base}](look/{base}.png)")
                L.append("")
            L.append(f"The picture: `look/{f}`; the Chrome trace: `look/{base}.trace.json` "
                     "(also opens in Perfetto UI and chrome://tracing).")
            L.append("")

    L.append("## Phases")
    L.append("")
    L.append("| phase | result | seconds | note |")
    L.append("| --- | --- | ---: | --- |")
    for p in phases:
        L.append(f"| {p['phase']} | {p['result']} | {p['seconds']} | {p['note']} |")
    L.append("")
    L.append("| build | targets | result | seconds |")
    L.append("| --- | --- | --- | ---: |")
    for b in builds:
        L.append(f"| {b['preset']} | {b['targets']} | {b['result']} | {b['seconds']} |")
    L.append("")
    L.append(f"Total: {meta.get('total_seconds', '?')} s.")
    md = "\n".join(L) + "\n"

    summary = {"verdict": verdict, "failures": failures, "meta": meta, "builds": builds,
               "fuzz": [{k: v for k, v in f.items()} for f in fuzz], "corpus": merges,
               "crashes": inv, "crash_files": crashes.get("found", 0), "stress": stress,
               "per_go_version": per_version,
               "coverage": {k: cov[k] for k in ("line", "summary", "uncovered", "throws", "replay") if cov and k in cov},
               "phases": phases, "notes": notes,
               "total_seconds": num(meta.get("total_seconds"), None)}
    with open(os.path.join(out, "summary.md"), "w") as f:
        f.write(md)
    with open(os.path.join(out, "summary.json"), "w") as f:
        json.dump(summary, f, indent=2)
    sys.stdout.write(md)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
