#!/usr/bin/env python3
"""check_chrome_trace.py [--expect-failure ID] [--min-tracks N] FILE... - validates Chrome
Trace Event JSON files as runq-replay --chrome-trace, runq-explore --chrome-trace and
runq-torture's failure dump write them:

- the file parses as JSON: {"traceEvents": [...]} (or a bare list of events);
- every event has "ph", "pid" and "name", and every timed event a numeric "ts" >= 0;
- within a track (pid, tid) timestamps do not go backwards, in file order, and every "B"
  has its "E" on the same track, properly nested (an "E" with a name closes a "B" of
  that name); "X" has "dur" >= 0;
- every track that has slices or thread-scoped instants is named by a thread_name event;
- counters ("C") have numeric args and their timestamps do not go backwards per name;
- --expect-failure ID: a global instant ("s": "g") carries args.invariant == ID ("*": any);
- --min-tracks N: at least N named threads have events.

Prints "ok: FILE (...)" per valid file; "invalid: FILE: event #k: what" otherwise.
Exit 0 all valid, 1 one is invalid, 2 usage or unreadable file.
"""
import json
import sys

TIMED = {"B", "E", "X", "i", "I", "C"}


def check(path, expect_failure, min_tracks):
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except OSError as e:
        print(f"check_chrome_trace: {path}: cannot read: {e.strerror}", file=sys.stderr)
        return 2
    except ValueError as e:
        return fail(path, None, f"not JSON: {e}")
    events = doc.get("traceEvents") if isinstance(doc, dict) else doc
    if not isinstance(events, list):
        return fail(path, None, 'expected {"traceEvents": [...]} or a list of events')
    names = {}      # (pid, tid) -> thread name
    last_ts = {}    # track -> last ts
    stacks = {}     # (pid, tid) -> [open B names]
    used = {}       # (pid, tid) -> index of first event that needs a name
    counters = {}   # (pid, name) -> last ts
    failures = []
    slices = 0
    for k, e in enumerate(events):
        if not isinstance(e, dict):
            return fail(path, k, "an event is not an object")
        ph = e.get("ph")
        if not isinstance(ph, str) or "pid" not in e or not isinstance(e.get("name"), str):
            return fail(path, k, 'needs "ph", "pid" and a string "name"')
        if ph == "M":
            if e["name"] == "thread_name":
                n = (e.get("args") or {}).get("name")
                if not isinstance(n, str) or not n:
                    return fail(path, k, "thread_name without args.name")
                names[(e["pid"], e.get("tid"))] = n
            continue
        if ph not in TIMED:
            continue
        ts = e.get("ts")
        if not isinstance(ts, (int, float)) or isinstance(ts, bool) or ts < 0:
            return fail(path, k, f'"ts" must be a number >= 0, got {ts!r}')
        if ph == "C":
            args = e.get("args")
            if not isinstance(args, dict) or not args or not all(
                    isinstance(v, (int, float)) and not isinstance(v, bool) for v in args.values()):
                return fail(path, k, f"counter {e['name']!r} needs numeric args")
            key = (e["pid"], e["name"])
            if key in counters and ts < counters[key]:
                return fail(path, k, f"counter {e['name']!r} goes back in time: {ts} after {counters[key]}")
            counters[key] = ts
            continue
        scope = e.get("s", "t")
        if ph in ("i", "I") and scope in ("g", "p"):
            if scope == "g" and "invariant" in (e.get("args") or {}):
                failures.append(e["args"]["invariant"])
            continue
        track = (e["pid"], e.get("tid"))
        used.setdefault(track, k)
        if track in last_ts and ts < last_ts[track]:
            return fail(path, k, f"track {track} goes back in time: ts {ts} after {last_ts[track]}")
        last_ts[track] = ts
        if ph == "B":
            stacks.setdefault(track, []).append(e["name"])
            slices += 1
        elif ph == "E":
            st = stacks.get(track) or []
            if not st:
                return fail(path, k, f"E {e['name']!r} on track {track} with no open B")
            top = st.pop()
            if e["name"] and e["name"] != top:
                return fail(path, k, f"E {e['name']!r} on track {track} closes B {top!r}")
        elif ph == "X":
            dur = e.get("dur")
            if not isinstance(dur, (int, float)) or dur < 0:
                return fail(path, k, f'X needs "dur" >= 0, got {dur!r}')
            slices += 1
    for track, st in stacks.items():
        if st:
            return fail(path, len(events), f"B {st[-1]!r} on track {track} has no E")
    for track, k in used.items():
        if track not in names:
            return fail(path, k, f"track {track} has events but no thread_name")
    if expect_failure is not None and not (failures if expect_failure == "*" else expect_failure in failures):
        return fail(path, None, f"no global failure instant with invariant {expect_failure!r} "
                                f"(found: {', '.join(failures) or 'none'})")
    if len(used) < min_tracks:
        return fail(path, None, f"{len(used)} thread track(s) with events, expected at least {min_tracks}")
    print(f"ok: {path} ({len(events)} events, {slices} slices, {len(used)} thread tracks, "
          f"{len(counters)} counter tracks{', failure ' + ', '.join(failures) if failures else ''})")
    return 0


def fail(path, k, what):
    where = f"event #{k}: " if k is not None else ""
    print(f"invalid: {path}: {where}{what}")
    return 1


def main(argv):
    expect, min_tracks, files = None, 1, []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in ("--expect-failure", "--min-tracks") and i + 1 < len(argv):
            if a == "--expect-failure":
                expect = argv[i + 1]
            else:
                try:
                    min_tracks = int(argv[i + 1])
                except ValueError:
                    print(f"check_chrome_trace: --min-tracks: expected a count, got {argv[i + 1]!r}",
                          file=sys.stderr)
                    return 2
            i += 2
            continue
        if a.startswith("-"):
            print(__doc__.strip(), file=sys.stderr)
            return 2
        files.append(a)
        i += 1
    if not files:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    rc = 0
    for f in files:
        rc = max(rc, check(f, expect, min_tracks))
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
