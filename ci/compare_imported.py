#!/usr/bin/env python3
"""compare_imported.py - does an imported port run every corpus file exactly as a hand port?

Usage: compare_imported.py [--every N] [--go VERSION] [--full] REPLAY IMPORTED [CORPUS_DIR...]

REPLAY and IMPORTED are two runq-replay binaries (e.g. build/default/bin/runq-replay and
build/default/bin/runq-replay-imported, built with -DRUNQ_IMPORT_PROC_GO; for Go master,
runq-replay-imported-master, built with -DRUNQ_IMPORT_MASTER_PROC_GO, and --go master: the
hand port is then queue/runq_master.c). Every file of
each CORPUS_DIR (default: corpus/fuzz_runq_sched and corpus/fuzz_runq_model, the latter
with --sequential as the fuzzer runs it) is replayed by both with `--access-digest`: a
hash of every step's thread, site, kind, memory order, location and value, the steps and
the verdict, one line per file. The two outputs and exit statuses must be identical; a
file whose line differs is replayed again by both with `--trace --steps` to name the
first step that differs. --full compares every file's whole `--trace --steps` output
(every step and the queues after it; about 20 times slower). --every N takes every N-th
file (sorted by name); --go passes --go VERSION.

Prints one line per file that differs (its first differing line on each side) and a
summary line "compared N corpus files: M identical, K differ". Exit: 0 all identical,
1 some differ (invariant=imported-port-differs), 2 usage.
"""
import concurrent.futures
import os
import subprocess
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, '..'))
BATCH = 40
# Differing files explained by their first differing trace line; the rest by digest lines
# (a broken port can differ on every file, and each trace costs a second or more).
TRACE_MAX = 20
TRACED = [0]
TRACED_LOCK = threading.Lock()


def usage(msg):
    sys.stderr.write('compare_imported.py: %s\n' % msg)
    sys.stderr.write(__doc__.split('\n\n')[1] + '\n')
    sys.exit(2)


def run(binary, args, files):
    p = subprocess.run([binary] + args + files, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       cwd=ROOT)
    # The binary names itself in reproduction commands: make both the same.
    out = p.stdout.replace(os.fsencode(binary), b'runq-replay')
    out = out.replace(os.fsencode(os.path.basename(binary)), b'runq-replay')
    return p.returncode, out


def first_diff(a, b):
    la, lb = a.split(b'\n'), b.split(b'\n')
    for i in range(max(len(la), len(lb))):
        x = la[i] if i < len(la) else b'<end>'
        y = lb[i] if i < len(lb) else b'<end>'
        if x != y:
            return i + 1, x.decode(errors='replace'), y.decode(errors='replace')
    return 0, '', ''


def compare(ref, imp, args, files, full):
    """Returns the list of (file, line, ref line, imported line) that differ.

    First by the access digest (runq-replay --access-digest: one line per file that hashes
    every step's thread, site, kind, order, location and value, and gives the steps and the
    verdict): cheap. A file whose line differs (or, with full, every file) is compared by its
    whole --trace --steps output, which names the first step that differs."""
    if not full:
        ra, oa = run(ref, ['--access-digest'] + args, files)
        rb, ob = run(imp, ['--access-digest'] + args, files)
        if ra == rb and oa == ob:
            return []
        if len(files) > 1:
            out = []
            for f in files:
                out += compare(ref, imp, args, [f], full)
            return out
    if not full and len(files) == 1:
        with TRACED_LOCK:
            TRACED[0] += 1
            explain = TRACED[0] <= TRACE_MAX
        if not explain:  # enough files explained by their traces: the digest lines say it
            _, da = run(ref, ['--access-digest'] + args, files)
            _, db = run(imp, ['--access-digest'] + args, files)
            n, x, y = first_diff(da, db)
            return [(files[0], n, x, y)]
    trace = ['--trace', '--steps'] + args
    ra, oa = run(ref, trace, files)
    rb, ob = run(imp, trace, files)
    if full and ra == rb and oa == ob:
        return []
    if len(files) == 1:
        n, x, y = first_diff(oa, ob)
        if n == 0 and not full:  # same trace, different digest line: show the digest lines
            _, da = run(ref, ['--access-digest'] + args, files)
            _, db = run(imp, ['--access-digest'] + args, files)
            n, x, y = first_diff(da, db)
        if ra != rb and n == 0:
            n, x, y = 0, 'exit %d' % ra, 'exit %d' % rb
        return [(files[0], n, x, y)]
    out = []
    for f in files:
        out += compare(ref, imp, args, [f], full)
    return out


def main(argv):
    every, go, full = 1, None, False
    pos = []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in ('--every', '--go'):
            if i + 1 >= len(argv):
                usage('%s needs a value' % a)
            if a == '--every':
                if not argv[i + 1].isdigit() or int(argv[i + 1]) < 1:
                    usage('--every: %r is not a positive count' % argv[i + 1])
                every = int(argv[i + 1])
            else:
                go = argv[i + 1]
            i += 2
            continue
        if a == '--full':
            full = True
            i += 1
            continue
        if a in ('-h', '--help'):
            print(__doc__)
            return 0
        if a.startswith('-'):
            usage('unknown option %r' % a)
        pos.append(a)
        i += 1
    if len(pos) < 2:
        usage('name the two runq-replay binaries')
    ref, imp = os.path.abspath(pos[0]), os.path.abspath(pos[1])
    for b in (ref, imp):
        if not os.access(b, os.X_OK):
            usage('%s is not an executable' % b)
    dirs = pos[2:] or ['corpus/fuzz_runq_sched', 'corpus/fuzz_runq_model']
    jobs = []
    total = 0
    for d in dirs:
        path = os.path.join(ROOT, d) if not os.path.isabs(d) else d
        if not os.path.isdir(path):
            usage('%s is not a directory' % d)
        files = sorted(os.path.relpath(os.path.join(path, f), ROOT) for f in os.listdir(path)
                       if os.path.isfile(os.path.join(path, f)))[::every]
        total += len(files)
        args = []
        if os.path.basename(os.path.normpath(path)) == 'fuzz_runq_model':
            args.append('--sequential')
        if go:
            args += ['--go', go]
        for k in range(0, len(files), BATCH):
            jobs.append((args, files[k:k + BATCH]))
    diffs = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as ex:
        for r in ex.map(lambda j: compare(ref, imp, j[0], j[1], full), jobs):
            diffs += r
    for f, n, x, y in sorted(diffs):
        print('DIFF %s: output line %d\n  hand:     %s\n  imported: %s' % (f, n, x.rstrip(), y.rstrip()))
    print('compared %d corpus files: %d identical, %d differ%s' %
          (total, total - len(diffs), len(diffs),
           '' if not diffs else ' (invariant=imported-port-differs)'))
    return 1 if diffs else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
