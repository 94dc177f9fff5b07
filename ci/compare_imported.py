#!/usr/bin/env python3
"""compare_imported.py - does an imported port run every corpus file exactly as a hand port?

Usage: compare_imported.py [--every N] [--go VERSION] REPLAY IMPORTED [CORPUS_DIR...]

REPLAY and IMPORTED are two runq-replay binaries (e.g. build/default/bin/runq-replay and
build/default/bin/runq-replay-imported, built with -DRUNQ_IMPORT_PROC_GO). Every file of
each CORPUS_DIR (default: corpus/fuzz_runq_sched and corpus/fuzz_runq_model, the latter
with --sequential as the fuzzer runs it) is replayed by both with `--trace --steps`: every
step's site, location, order, value and the queues after it, then the verdict. The two
outputs (with the binary's name made the same) and exit statuses must be identical, byte
for byte. --every N takes every N-th file (sorted by name); --go passes --go VERSION.

Prints one line per file that differs (its first differing line on each side) and a
summary line "compared N corpus files: M identical, K differ". Exit: 0 all identical,
1 some differ (invariant=imported-port-differs), 2 usage.
"""
import concurrent.futures
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, '..'))
BATCH = 40


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


def compare(ref, imp, args, files):
    """Returns the list of (file, line, ref line, imported line) that differ."""
    ra, oa = run(ref, args, files)
    rb, ob = run(imp, args, files)
    if ra == rb and oa == ob:
        return []
    if len(files) == 1:
        n, x, y = first_diff(oa, ob)
        if ra != rb and n == 0:
            n, x, y = 0, 'exit %d' % ra, 'exit %d' % rb
        return [(files[0], n, x, y)]
    out = []
    for f in files:
        out += compare(ref, imp, args, [f])
    return out


def main(argv):
    every, go = 1, None
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
        full = os.path.join(ROOT, d) if not os.path.isabs(d) else d
        if not os.path.isdir(full):
            usage('%s is not a directory' % d)
        files = sorted(os.path.relpath(os.path.join(full, f), ROOT) for f in os.listdir(full)
                       if os.path.isfile(os.path.join(full, f)))[::every]
        total += len(files)
        args = ['--trace', '--steps']
        if os.path.basename(os.path.normpath(full)) == 'fuzz_runq_model':
            args.append('--sequential')
        if go:
            args += ['--go', go]
        for k in range(0, len(files), BATCH):
            jobs.append((args, files[k:k + BATCH]))
    diffs = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as ex:
        for r in ex.map(lambda j: compare(ref, imp, j[0], j[1]), jobs):
            diffs += r
    for f, n, x, y in sorted(diffs):
        print('DIFF %s: output line %d\n  hand:     %s\n  imported: %s' % (f, n, x.rstrip(), y.rstrip()))
    print('compared %d corpus files: %d identical, %d differ%s' %
          (total, total - len(diffs), len(diffs),
           '' if not diffs else ' (invariant=imported-port-differs)'))
    return 1 if diffs else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
