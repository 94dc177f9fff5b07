#!/usr/bin/env python3
"""crash_triage.py - classify, deduplicate, minimise and file the crashes of a fuzz run.

  crash_triage.py --out DIR --store DIR --root REPO [--min-seconds S] [--min-runs N]
                  --run NAME:TARGET:ARTIFACT_DIR ...

For every crash-*, timeout-*, oom-* and leak-* file in each ARTIFACT_DIR:
  1. replay it with runq-replay of the ASan build (build/fuzz; --sequential for
     fuzz_runq_model) and take the invariant of its "!!! invariant=<id>" line, or classify
     a sanitizer report: tsan-race ("WARNING: ThreadSanitizer"), asan-error ("ERROR:
     AddressSanitizer"), lsan-leak, ubsan ("runtime error:"). If the ASan replay passes,
     replay with the TSan build (build/fuzz-tsan) - a race is only visible there. A file
     runq-replay cannot read (a byte input that starts like a text schedule) is replayed
     with <target>-standalone of the same build instead. Still nothing: "timeout", "oom"
     or "not-reproduced" after the file's kind.
  2. deduplicate by invariant (per target), keeping the smallest file;
  3. minimise it with `<fuzzer> -minimize_crash=1 -runs=N -max_total_time=S` (the build
     that reproduced it) and keep the minimised file only if it fails with the same
     invariant;
  4. file it as STORE/<invariant>/crash-<sha1> with .trace (runq-replay --trace output),
     .trace.json (runq-replay --chrome-trace: the same execution for Perfetto UI)
     and .repro (a one-line reproduction command, run from the repository root). An
     existing file is never overwritten.
Writes OUT/crashes.json and prints one line per invariant.
"""
import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

ASAN_ENV = {"ASAN_OPTIONS": "abort_on_error=1:detect_leaks=1:symbolize=1",
            "UBSAN_OPTIONS": "halt_on_error=1:print_stacktrace=1"}
TSAN_OPTS = "halt_on_error=1:atexit_sleep_ms=0:report_signal_unsafe=0"
TSAN_ENV = {"TSAN_OPTIONS": TSAN_OPTS}
KINDS = ("crash-", "timeout-", "oom-", "leak-")


def env_with(extra):
    e = dict(os.environ)
    e.update(extra)
    return e


def run(cmd, env, timeout):
    t0 = time.time()
    try:
        r = subprocess.run(["timeout", "-s", "KILL", str(timeout)] + cmd, env=env,
                           capture_output=True)
        out = r.stdout.decode("utf-8", "replace") + r.stderr.decode("utf-8", "replace")
        return r.returncode, out, time.time() - t0
    except OSError as e:
        return 127, str(e), 0.0


def classify_output(out):
    """(invariant, first message line) from a replay's output, or (None, None)."""
    m = re.search(r"^!!! invariant=(\S+).*$", out, re.M)
    if m:
        return m.group(1), m.group(0)
    for marker, name in (("WARNING: ThreadSanitizer", "tsan-race"),
                         ("ERROR: AddressSanitizer", "asan-error"),
                         ("ERROR: LeakSanitizer", "lsan-leak"),
                         ("runtime error:", "ubsan")):
        if marker in out:
            summ = re.search(r"^SUMMARY: \w+Sanitizer: .*$", out, re.M)
            line = summ.group(0) if summ else next(
                (l for l in out.splitlines() if marker in l), marker)
            return name, line.strip()
    return None, None


class Build:
    """One build that can reproduce a crash. The ASan build replays with runq-replay
    (falling back to <target>-standalone for inputs runq-replay would read as text); the
    TSan build replays with the libFuzzer binary itself, the only program of the
    fuzz-tsan preset whose coverage counters are annotated for TSan."""

    def __init__(self, name, bindir, env, env_prefix, use_fuzzer):
        self.name, self.bindir, self.env, self.env_prefix = name, bindir, env, env_prefix
        self.use_fuzzer = use_fuzzer

    def replay_cmd(self, target, path, trace=False):
        if self.use_fuzzer:
            return [os.path.join(self.bindir, target), path]
        cmd = [os.path.join(self.bindir, "runq-replay")]
        if target == "fuzz_runq_model":
            cmd.append("--sequential")
        if trace:
            cmd.append("--trace")
        return cmd + [path]

    def standalone_cmd(self, target, path):
        return [os.path.join(self.bindir, target + "-standalone"), path]

    def available(self, target):
        prog = target if self.use_fuzzer else "runq-replay"
        return os.access(os.path.join(self.bindir, prog), os.X_OK)


def replay_classify(build, target, path, timeout=60):
    """(invariant, message, how) using build's replayer, or the standalone fallback."""
    rc, out, _ = run(build.replay_cmd(target, path), env_with(build.env), timeout)
    if not build.use_fuzzer and rc == 2 and re.search(r"^runq-replay: ", out, re.M):
        # runq-replay read it as a (malformed) text schedule, or refused it as another
        # program's file (it starts like JSON, gzip, ...); the fuzzer read bytes.
        rc, out, _ = run(build.standalone_cmd(target, path), env_with(build.env), timeout)
        inv, msg = classify_output(out)
        return inv, msg, "standalone"
    inv, msg = classify_output(out)
    return inv, msg, "fuzzer" if build.use_fuzzer else "replay"


def asan_batch(build, target, files):
    """Replays files with the ASan build's runq-replay, as few processes as possible:
    {file: (invariant, message, 'asan', how)} for the files that fail."""
    verdicts = {}
    pending = list(files)
    while pending:
        chunk = pending[:400]
        cmd = build.replay_cmd(target, chunk[0])[:-1] + chunk
        rc, out, _ = run(cmd, env_with(build.env), 600)
        seen = {}
        cur = None
        for line in out.splitlines():
            m = re.match(r"^(.+): (ok \(|FAIL(?= \(read as fuzzer bytes\)$|$)|failed as expected)", line)
            if m and m.group(1) in chunk:
                cur = m.group(1)
                seen[cur] = m.group(2)
                continue
            m = re.match(r"^runq-replay: (.+?)(?::\d+|: not a schedule): ", line)
            if m and m.group(1) in chunk:
                seen[m.group(1)] = "unreadable"
                continue
            m = re.match(r"^!!! invariant=(\S+).*$", line)
            if m and cur is not None and seen.get(cur) == "FAIL" and cur not in verdicts:
                verdicts[cur] = (m.group(1), m.group(0), "asan", "replay")
        # A sanitizer report aborts the process: the first file without a verdict did it.
        done = [f for f in chunk if f in seen]
        missing = [f for f in chunk if f not in seen]
        if missing:
            culprit = missing[0]
            inv, msg, _ = replay_classify(build, target, culprit)
            if inv:
                verdicts[culprit] = (inv, msg, "asan", "replay")
            done.append(culprit)
        for f in done:
            if seen.get(f) == "unreadable":
                inv, msg, how = replay_classify(build, target, f)
                if inv:
                    verdicts[f] = (inv, msg, "asan", how)
        pending = [f for f in pending if f not in done]
    return verdicts


def sha1(path):
    with open(path, "rb") as f:
        return hashlib.sha1(f.read()).hexdigest()


def write_new(path, data):
    """Writes data to path unless path exists; True if written."""
    try:
        with open(path, "x") as f:
            f.write(data)
        return True
    except FileExistsError:
        return False


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--store", required=True)
    ap.add_argument("--root", required=True)
    ap.add_argument("--min-seconds", type=int, default=30)
    ap.add_argument("--min-runs", type=int, default=100000)
    ap.add_argument("--max-invariants", type=int, default=20)
    ap.add_argument("--run", action="append", default=[], help="NAME:TARGET:ARTIFACT_DIR")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--tsan-max", type=int, default=60)
    ap.add_argument("--deadline", type=int, default=600, help="seconds for the whole triage")
    a = ap.parse_args()

    root = os.path.abspath(a.root)
    builds = {
        "asan": Build("asan", os.path.join(root, "build/fuzz/bin"), ASAN_ENV, "", False),
        "tsan": Build("tsan", os.path.join(root, "build/fuzz-tsan/bin"), TSAN_ENV,
                      "TSAN_OPTIONS=" + TSAN_OPTS + " ", True),
    }
    work = os.path.join(a.out, "triage")
    os.makedirs(work, exist_ok=True)

    def rel(p):
        p = os.path.abspath(p)
        return os.path.relpath(p, root) if p.startswith(root + os.sep) else p

    # 1. classify
    deadline = time.time() + a.deadline
    found = []
    for spec in a.run:
        name, target, artdir = spec.split(":", 2)
        if not os.path.isdir(artdir):
            continue
        files = [os.path.join(artdir, f) for f in sorted(os.listdir(artdir)) if f.startswith(KINDS)]
        if not files:
            continue
        verdicts = {}
        if builds["asan"].available(target):
            verdicts = asan_batch(builds["asan"], target, files)
        # What the ASan build does not reproduce may be a race: the TSan build, one fresh
        # process per file (TSan mutes an address after its first report), in parallel,
        # smallest files first, at most --tsan-max per run and within the deadline.
        rest = sorted((f for f in files if f not in verdicts), key=os.path.getsize)
        unchecked = []
        if rest and builds["tsan"].available(target):
            todo, unchecked = rest[:a.tsan_max], rest[a.tsan_max:]
            with ThreadPoolExecutor(max_workers=a.jobs) as pool:
                futs = {f: pool.submit(lambda f=f: replay_classify(builds["tsan"], target, f)
                                       if time.time() < deadline else (None, None, "deadline"))
                        for f in todo}
                for f, fut in futs.items():
                    inv, msg, how = fut.result()
                    if how == "deadline":
                        unchecked.append(f)
                    elif inv:
                        verdicts[f] = (inv, msg, "tsan", how)
        for p in files:
            kind = os.path.basename(p).split("-", 1)[0]
            if p in verdicts:
                inv, msg, used, how = verdicts[p]
            elif p in unchecked:
                inv, msg, used, how = ("unclassified", "not replayed under TSan (over --tsan-max or out of time); "
                                       "it passes the ASan replay", None, None)
            else:
                inv = {"timeout": "timeout", "oom": "oom"}.get(kind, "not-reproduced")
                msg, used, how = f"{kind} file from {name}: no failure when replayed", None, None
            found.append({"run": name, "target": target, "file": p, "kind": kind,
                          "invariant": inv, "message": msg, "build": used, "how": how,
                          "size": os.path.getsize(p)})

    # 2. deduplicate by (target, invariant)
    groups = {}
    for c in found:
        groups.setdefault((c["target"], c["invariant"]), []).append(c)

    results = []
    store = os.path.abspath(a.store)
    for n_group, ((target, inv), members) in enumerate(sorted(groups.items())):
        members.sort(key=lambda c: (c["size"], c["file"]))
        best = members[0]
        entry = {"invariant": inv, "target": target, "files": len(members),
                 "runs": sorted({c["run"] for c in members}), "message": best["message"],
                 "build": best["build"], "original": rel(best["file"]),
                 "original_bytes": best["size"], "minimised": False,
                 "variants": sorted({c["message"] for c in members})[:10]}
        chosen = best["file"]
        b = builds.get(best["build"] or "")
        # 3. minimise (only what reproduces, within the cap)
        if b is not None and n_group >= a.max_invariants:
            entry["minimise_note"] = f"not minimised: more than {a.max_invariants} invariants"
        elif b is not None and time.time() + 2 * a.min_seconds + 5 > deadline:
            entry["minimise_note"] = "not minimised: out of time"
        elif b is not None:
            fuzzer = os.path.join(b.bindir, target)
            minp = os.path.join(work, f"min-{target}-{re.sub(r'[^A-Za-z0-9_.-]', '_', inv)}")
            if os.path.exists(minp):
                os.unlink(minp)
            cmd = [fuzzer, "-minimize_crash=1", f"-runs={a.min_runs}",
                   f"-max_total_time={a.min_seconds}", f"-exact_artifact_path={minp}", best["file"]]
            rc, out, secs = run(cmd, env_with(b.env), 2 * a.min_seconds + 5)
            with open(minp + ".log", "w") as lf:
                lf.write(out)
            entry["minimise_seconds"] = round(secs, 1)
            if os.path.isfile(minp) and os.path.getsize(minp) > 0:
                inv2, _, _ = replay_classify(b, target, minp)
                if inv2 == inv and os.path.getsize(minp) < best["size"]:
                    chosen = minp
                    entry["minimised"] = True
                elif inv2 != inv:
                    entry["minimise_note"] = f"minimised file fails as {inv2 or 'ok'}, not {inv}: kept the original"
            else:
                entry["minimise_note"] = "libFuzzer wrote no minimised file"
        entry["bytes"] = os.path.getsize(chosen)
        if inv == "unclassified":
            # Not triaged (cap or deadline): listed, not filed under a made-up invariant.
            t = builds["tsan"]
            entry.update(stored="not filed", other_files_in_store=0, path=rel(best["file"]),
                         repro=t.env_prefix + " ".join(rel(x) for x in t.replay_cmd(target, best["file"])))
            results.append(entry)
            print(f"crash: {inv:<24} {target:<16} {len(members):3d} file(s)  not triaged (cap or deadline); "
                  f"e.g. {entry['repro']}")
            continue
        # 4. file it
        h = sha1(chosen)
        d = os.path.join(store, re.sub(r"[^A-Za-z0-9_.-]", "_", inv))
        os.makedirs(d, exist_ok=True)
        dest = os.path.join(d, f"crash-{h}")
        known_before = sorted(f for f in os.listdir(d) if re.match(r"^crash-[0-9a-f]{40}$", f) and f != os.path.basename(dest))
        if os.path.exists(dest):
            entry["stored"] = "already in store"
        else:
            tmp = os.path.join(d, f".tmp-{os.getpid()}")
            shutil.copyfile(chosen, tmp)
            try:
                os.link(tmp, dest)  # fails rather than overwrite
                entry["stored"] = "new"
            except FileExistsError:
                entry["stored"] = "already in store"
            os.unlink(tmp)
        entry["other_files_in_store"] = len(known_before)
        entry["path"] = rel(dest)
        if b is not None:
            if best["how"] == "standalone":
                tcmd = b.standalone_cmd(target, dest)
            else:
                tcmd = b.replay_cmd(target, dest, trace=True)
            rc, out, _ = run(tcmd, env_with(b.env), 300)
            if b.use_fuzzer and builds["asan"].available(target):
                # The swimlane of the same schedule (deterministic: any build draws it).
                _, lane, _ = run(builds["asan"].replay_cmd(target, dest, trace=True),
                                 env_with(ASAN_ENV), 300)
                out = ("### " + " ".join(rel(x) for x in tcmd) + "\n" + out +
                       "\n### swimlane: build/fuzz/bin/runq-replay --trace\n" + lane)
            write_new(dest + ".trace", out)
            repro = b.env_prefix + " ".join(rel(x) if os.path.isabs(x) else x for x in tcmd)
            if best["how"] != "standalone" and builds["asan"].available(target):
                # The same execution as a picture (Perfetto UI, chrome://tracing, speedscope).
                pic = dest + ".trace.json"
                if not os.path.exists(pic):
                    cmd = builds["asan"].replay_cmd(target, dest)
                    run(cmd[:1] + ["--chrome-trace", pic] + cmd[1:], env_with(ASAN_ENV), 300)
                if os.path.exists(pic):
                    entry["picture"] = rel(pic)
        else:
            write_new(dest + ".trace", f"{best['message']}\n(no build reproduces it)\n")
            repro = f"# not reproduced by runq-replay; was {rel(best['file'])} from {', '.join(entry['runs'])}"
        write_new(dest + ".repro", repro + "\n")
        with open(dest + ".repro") as f:
            entry["repro"] = f.readline().strip()
        results.append(entry)
        print(f"crash: {inv:<24} {target:<16} {len(members):3d} file(s)  "
              f"{entry['original_bytes']}->{entry['bytes']} bytes  {entry['stored']:<16}  {entry['repro']}")

    out = {"found": len(found), "invariants": results,
           "files": [{k: (rel(v) if k == "file" else v) for k, v in c.items()} for c in found]}
    with open(os.path.join(a.out, "crashes.json"), "w") as f:
        json.dump(out, f, indent=2)
    if not found:
        print("crash: none")
    return 0


if __name__ == "__main__":
    sys.exit(main())
