#!/usr/bin/env python3
"""corpus_tool.py - corpus chores of ci/nightly.sh and tools/bench_fuzz.sh.

  corpus_tool.py byteview --src DIR --dst DIR --replay RUNQ-REPLAY
      DST gets every file of SRC as the fuzzer sees it: byte files copied as they are,
      text schedules ("runq-schedule v1") converted to their canonical bytes with
      `runq-replay --to-bytes` (as NAME.bytes). A libFuzzer run reads DST instead of the
      committed directory, so the regression scenarios seed it with their real meaning.

  corpus_tool.py merge --corpus-root DIR --target T --fuzzer BIN --replay RUNQ-REPLAY
                       --work DIR [--sequential] [--timeout S] [--fuzz-arg ARG]... NEWDIR...
      Merges the committed corpus DIR/T and the new inputs NEWDIR... into a NEW directory
      and swaps it in for DIR/T (nothing is lost if interrupted):
        * regress-*, crash-*, text schedules and hand-named seeds (anything that is not
          seed-<40 hex>) are kept byte for byte, and count as already-covered;
        * machine seeds (seed-<sha1>) and NEWDIR's inputs go through libFuzzer -merge=1;
          those that add features are kept, named seed-<sha1>;
        * a kept input that runq-replay cannot read (a byte input that happens to start
          like a text schedule) or that fails is left out (every corpus file is a test);
        * DIR/.T.new.<pid> is built, then DIR/T is renamed aside, the new one renamed in,
          and the old one deleted.
      Prints one JSON object (sizes before/after, features before/after, what was dropped).

  corpus_tool.py recover --corpus-root DIR
      After an interrupted swap: puts DIR/.T.old.* back where DIR/T is missing, and
      deletes stale DIR/.T.new.* directories.
"""
import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys

SEED_RE = re.compile(r"^seed-[0-9a-f]{40}$")
HEX40_RE = re.compile(r"^[0-9a-f]{40}$")


def is_text_schedule(data):
    """Same rule as harness/schedule.c:schedule_is_text (a UTF-8 byte-order mark skipped)."""
    i, n = (3 if data[:3] == b"\xef\xbb\xbf" else 0), len(data)
    while i < n:
        while i < n and data[i] in b" \t\r\n":
            i += 1
        if i < n and data[i] == ord("#"):
            while i < n and data[i] != ord("\n"):
                i += 1
            continue
        break
    return data[i:i + 13] == b"runq-schedule"


def files_of(d):
    if not os.path.isdir(d):
        return []
    return sorted(f for f in os.listdir(d)
                  if not f.startswith(".") and os.path.isfile(os.path.join(d, f)))


def sha1_file(p):
    with open(p, "rb") as f:
        return hashlib.sha1(f.read()).hexdigest()


def byteview(src, dst, replay, log=sys.stderr):
    os.makedirs(dst, exist_ok=True)
    n_copy = n_text = n_bad = 0
    for name in files_of(src):
        p = os.path.join(src, name)
        with open(p, "rb") as f:
            data = f.read()
        if is_text_schedule(data):
            out = os.path.join(dst, name + ".bytes")
            r = subprocess.run([replay, "--to-bytes", out, p], capture_output=True, text=True)
            if r.returncode != 0:
                n_bad += 1
                print(f"corpus: {p}: cannot convert to bytes: {r.stderr.strip()}", file=log)
            else:
                n_text += 1
        else:
            shutil.copyfile(p, os.path.join(dst, name))
            n_copy += 1
    return {"copied": n_copy, "converted": n_text, "unconvertible": n_bad}


def run_logged(cmd, log, timeout, env=None):
    with open(log, "ab") as lf:
        lf.write(("$ " + " ".join(cmd) + "\n").encode())
        lf.flush()
        full = ["timeout", "-s", "KILL", str(timeout)] + cmd
        return subprocess.run(full, stdout=lf, stderr=subprocess.STDOUT, env=env).returncode


def inited_features(fuzzer, dirs, fuzz_args, log, timeout):
    """cov/ft/corp of libFuzzer's INITED line after running every input of dirs once."""
    tmp_log = log + ".inited"
    if os.path.exists(tmp_log):
        os.unlink(tmp_log)
    rc = run_logged([fuzzer, "-runs=0"] + fuzz_args + dirs, tmp_log, timeout)
    text = open(tmp_log, "rb").read().decode("utf-8", "replace")
    with open(log, "a") as lf:
        lf.write(text)
    os.unlink(tmp_log)
    m = None
    for m in re.finditer(r"#\d+\s+INITED\s+(?:exec/s: \d+ )?cov: (\d+) ft: (\d+) corp: (\d+)", text):
        pass
    if m is None:
        return {"cov": None, "ft": None, "corp": None, "rc": rc}
    return {"cov": int(m.group(1)), "ft": int(m.group(2)), "corp": int(m.group(3)), "rc": rc}


def replay_check(replay, files, sequential, cwd_log):
    """Returns {file: 'ok'|'fail'|'unreadable'} for files, in one or a few runs."""
    verdict = {}
    for i in range(0, len(files), 400):
        chunk = files[i:i + 400]
        cmd = [replay, "--quiet"] + (["--sequential"] if sequential else []) + chunk
        r = subprocess.run(cmd, capture_output=True, text=True, errors="replace")
        with open(cwd_log, "a") as lf:
            lf.write("$ replay check of %d files: exit %d\n%s%s" % (len(chunk), r.returncode,
                                                                  r.stdout[-4000:], r.stderr[-4000:]))
        for f in chunk:
            verdict[f] = "ok"
        for line in r.stderr.splitlines():
            m = re.match(r"runq-replay: (.+?):(\d+:)? ", line)
            if m and m.group(1) in verdict:
                verdict[m.group(1)] = "unreadable"
        for line in r.stdout.splitlines():
            m = re.match(r"(.+): (FAIL|ok, but)", line)
            if m and m.group(1) in verdict:
                verdict[m.group(1)] = "fail"
    return verdict


def recover(root):
    notes = []
    if not os.path.isdir(root):
        return notes
    for name in sorted(os.listdir(root)):
        m = re.match(r"^\.(.+)\.(old|new)\.\d+$", name)
        if not m:
            continue
        p = os.path.join(root, name)
        target = os.path.join(root, m.group(1))
        if m.group(2) == "old" and not os.path.exists(target):
            os.rename(p, target)
            notes.append(f"restored {target} from an interrupted swap ({name})")
        elif m.group(2) == "old":
            shutil.rmtree(p)
            notes.append(f"deleted {name} (left over from a finished swap)")
        else:
            shutil.rmtree(p)
            notes.append(f"deleted {name} (a merge that never swapped)")
    return notes


def merge(a):
    root = os.path.abspath(a.corpus_root)
    notes = recover(root)
    cdir = os.path.join(root, a.target)
    work = os.path.abspath(a.work)
    if os.path.exists(work):
        shutil.rmtree(work)
    base, machine = os.path.join(work, "base"), os.path.join(work, "machine")
    os.makedirs(base)
    os.makedirs(machine)
    log = os.path.join(work, "merge.log")
    fuzz_args = list(a.fuzz_arg or [])

    before = files_of(cdir)
    seeds = [f for f in before if SEED_RE.match(f)]
    kept = [f for f in before if not SEED_RE.match(f)]
    res = {"target": a.target, "corpus": os.path.relpath(cdir, os.getcwd()),
           "before": {"files": len(before), "seeds": len(seeds), "kept_as_is": len(kept)},
           "notes": notes, "swapped": False}

    # base: the kept files as the fuzzer sees them; machine: the seeds that may be dropped.
    tmp_kept = os.path.join(work, "kept")
    os.makedirs(tmp_kept)
    for f in kept:
        shutil.copyfile(os.path.join(cdir, f), os.path.join(tmp_kept, f))
    res["byteview"] = byteview(tmp_kept, base, a.replay)
    for f in seeds:
        shutil.copyfile(os.path.join(cdir, f), os.path.join(machine, f))
    new_dirs = [d for d in a.new if os.path.isdir(d)]
    res["new_inputs"] = sum(len(files_of(d)) for d in new_dirs)

    res["features_before"] = inited_features(a.fuzzer, [base, machine], fuzz_args, log, a.timeout)
    base_names = set(files_of(base))
    rc = run_logged([a.fuzzer, "-merge=1"] + fuzz_args + [base, machine] + new_dirs, log, a.timeout)
    res["merge_rc"] = rc
    if rc != 0:
        res["error"] = f"libFuzzer -merge=1 exited {rc}; corpus left unchanged (log: {log})"
        print(json.dumps(res))
        return 1
    added = [f for f in files_of(base) if f not in base_names]
    verdict = replay_check(a.replay, [os.path.join(base, f) for f in added], a.sequential, log)
    dropped = {"unreadable": [], "fail": []}
    keep_added = []
    for f in added:
        v = verdict[os.path.join(base, f)]
        if v == "ok":
            keep_added.append(f)
        else:
            dropped[v].append(f)
            os.unlink(os.path.join(base, f))
    res["dropped_unreadable"] = len(dropped["unreadable"])
    res["dropped_failing"] = len(dropped["fail"])
    res["features_after"] = inited_features(a.fuzzer, [base], fuzz_args, log, a.timeout)

    # The NEW directory beside the committed one (same file system: renames are atomic).
    newdir = os.path.join(root, f".{a.target}.new.{os.getpid()}")
    os.makedirs(newdir)
    for f in kept:
        shutil.copy2(os.path.join(cdir, f), os.path.join(newdir, f))
    old_seed_names = set(seeds)
    n_new_seeds = 0
    for f in keep_added:
        name = "seed-" + sha1_file(os.path.join(base, f))
        if name not in old_seed_names:
            n_new_seeds += 1
        shutil.copyfile(os.path.join(base, f), os.path.join(newdir, name))
    # Files that appeared in the committed directory while we worked are kept too.
    late = [f for f in files_of(cdir) if f not in before]
    for f in late:
        shutil.copy2(os.path.join(cdir, f), os.path.join(newdir, f))
    res["late_files_kept"] = len(late)
    after = files_of(newdir)
    res["after"] = {"files": len(after), "seeds": sum(1 for f in after if SEED_RE.match(f)),
                    "kept_as_is": sum(1 for f in after if not SEED_RE.match(f))}
    res["seeds_added"] = n_new_seeds
    res["seeds_dropped"] = len(old_seed_names - set(after))

    olddir = os.path.join(root, f".{a.target}.old.{os.getpid()}")
    if os.path.isdir(cdir):
        os.rename(cdir, olddir)
    os.rename(newdir, cdir)
    if os.path.isdir(olddir):
        shutil.rmtree(olddir)
    res["swapped"] = True
    print(json.dumps(res))
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("byteview")
    b.add_argument("--src", required=True)
    b.add_argument("--dst", required=True)
    b.add_argument("--replay", required=True)
    m = sub.add_parser("merge")
    m.add_argument("--corpus-root", required=True)
    m.add_argument("--target", required=True)
    m.add_argument("--fuzzer", required=True)
    m.add_argument("--replay", required=True)
    m.add_argument("--work", required=True)
    m.add_argument("--sequential", action="store_true")
    m.add_argument("--timeout", type=int, default=600)
    m.add_argument("--fuzz-arg", action="append")
    m.add_argument("new", nargs="*")
    r = sub.add_parser("recover")
    r.add_argument("--corpus-root", required=True)
    a = ap.parse_args()
    if a.cmd == "byteview":
        print(json.dumps(byteview(a.src, a.dst, a.replay)))
        return 0
    if a.cmd == "recover":
        for n in recover(os.path.abspath(a.corpus_root)):
            print("corpus: " + n)
        return 0
    return merge(a)


if __name__ == "__main__":
    sys.exit(main())
