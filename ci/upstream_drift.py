#!/usr/bin/env python3
"""upstream_drift.py - does a Go tree's run-queue code still match a port? (ci/upstream-drift.sh)

Usage: upstream_drift.py [--fingerprints FILE] PATH
       upstream_drift.py [--fingerprints FILE] --record VERSION PATH

PATH is a proc.go or a GOROOT (PATH/src/runtime/proc.go). Every function the project ports
(queue/README.md's tables) is cut out of proc.go, its comments and white space removed,
and hashed; the hashes are compared with the ones recorded for each ported Go version in
queue/fingerprints.txt (hashes only: no Go source is kept in this repository). Prints,
per version, which functions changed since that port, and a verdict line.

Exit status: 0 the tree matches a ported version; 1 it matches none (drift: a port needs
updating); 2 bad input (no such file, not a proc.go, malformed fingerprints file).
--record VERSION rewrites that version's lines of the fingerprints file from PATH.
"""
import hashlib
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_FP = os.path.join(HERE, '..', 'queue', 'fingerprints.txt')

# (key, regex of the first line). Functions end at the first line that is exactly "}".
ITEMS = [
    ('const randomizeScheduler', r'^const randomizeScheduler\b'),
    ('type gQueue', r'^type gQueue struct'),
    ('type gList', r'^type gList struct'),
] + [('gQueue.' + m, r'^func \(\w+ \*gQueue\) %s\(' % m)
     for m in ('empty', 'push', 'pushBack', 'pushBackAll', 'pop', 'popList')] + [
    ('gList.' + m, r'^func \(\w+ \*gList\) %s\(' % m) for m in ('empty', 'push', 'pushAll', 'pop')
] + [(f, r'^func %s\(' % f) for f in (
    'globrunqput', 'globrunqputhead', 'globrunqputbatch', 'globrunqget', 'globrunqgetbatch',
    'runqempty', 'runqput', 'runqputslow', 'runqputbatch', 'runqget', 'runqdrain', 'runqgrab',
    'runqsteal')]

ABSENT = 'absent'


class BadInput(Exception):
    pass


def normalise(lines):
    out = []
    for line in lines:
        i = line.find('//')
        if i >= 0:
            line = line[:i]
        out.append(re.sub(r'\s+', '', line))
    return ''.join(out)


def extract(text):
    """Maps each ITEMS key to the sha256 (16 hex digits) of its normalised text, or ABSENT."""
    lines = text.split('\n')
    got = {}
    for key, pat in ITEMS:
        rx = re.compile(pat)
        starts = [i for i, l in enumerate(lines) if rx.match(l)]
        if not starts:
            got[key] = ABSENT
            continue
        if len(starts) > 1:
            raise BadInput('%s defined %d times' % (key, len(starts)))
        i = starts[0]
        if key.startswith('const '):
            body = [lines[i]]
        else:
            j = i
            while j < len(lines) and lines[j].rstrip() != '}':
                j += 1
            if j == len(lines):
                raise BadInput('%s (line %d) has no closing "}" at the start of a line' %
                               (key, i + 1))
            body = lines[i:j + 1]
        got[key] = hashlib.sha256(normalise(body).encode()).hexdigest()[:16]
    return got


def read_tree(path):
    if os.path.isdir(path):
        f = os.path.join(path, 'src', 'runtime', 'proc.go')
        if not os.path.isfile(f):
            raise BadInput('%s: a directory without src/runtime/proc.go (expected a GOROOT '
                           'or a proc.go)' % path)
        path = f
    try:
        with open(path, encoding='utf-8') as fh:
            text = fh.read()
    except OSError as e:
        raise BadInput('%s: cannot read: %s' % (path, e.strerror))
    except UnicodeDecodeError:
        raise BadInput('%s: not UTF-8 text (expected a proc.go)' % path)
    if not re.search(r'^package runtime\b', text, re.M):
        raise BadInput('%s: no "package runtime" line (expected Go\'s runtime/proc.go)' % path)
    got = extract(text)
    if got['runqput'] == ABSENT or got['runqgrab'] == ABSENT:
        raise BadInput('%s: no runqput/runqgrab (expected Go\'s runtime/proc.go)' % path)
    return path, got


def read_fingerprints(fp):
    """{version: {key: hash}} in file order, and the versions in order."""
    table, order = {}, []
    keys = {k for k, _ in ITEMS}
    try:
        fh = open(fp, encoding='utf-8')
    except OSError as e:
        raise BadInput('%s: cannot read: %s' % (fp, e.strerror))
    with fh:
        for n, line in enumerate(fh, 1):
            line = line.split('#', 1)[0].strip()
            if not line:
                continue
            m = re.fullmatch(r'(\S+)\s+(.+?)\s+([0-9a-f]{16}|absent)', line)
            if not m or m.group(2) not in keys:
                raise BadInput('%s:%d: expected "VERSION ITEM HASH16|absent" with ITEM one of '
                               'the ported functions, found %r' % (fp, n, line))
            v = m.group(1)
            if v not in table:
                table[v] = {}
                order.append(v)
            table[v][m.group(2)] = m.group(3)
    for v in order:
        missing = keys - set(table[v])
        if missing:
            raise BadInput('%s: version %s has no fingerprint for %s' %
                           (fp, v, ', '.join(sorted(missing))))
    if not order:
        raise BadInput('%s: no fingerprints' % fp)
    return table, order


def record(fp, version, got):
    keep = []
    if os.path.exists(fp):
        with open(fp, encoding='utf-8') as fh:
            keep = [l for l in fh.read().split('\n')
                    if not (l.split() and l.split()[0] == version)]
    while keep and keep[-1] == '':
        keep.pop()
    if not keep:
        keep = ['# Fingerprints of the Go functions each port follows: VERSION ITEM sha256[:16]',
                '# of the item\'s text with comments and white space removed',
                '# (ci/upstream_drift.py). Facts about Go\'s source; no Go source here.']
    keep += ['%s %s %s' % (version, k, got[k]) for k, _ in ITEMS]
    with open(fp, 'w', encoding='utf-8') as fh:
        fh.write('\n'.join(keep) + '\n')


def main(argv):
    fp, rec, args = DEFAULT_FP, None, []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == '--fingerprints' and i + 1 < len(argv):
            fp = argv[i + 1]
            i += 2
        elif a == '--record' and i + 1 < len(argv):
            rec = argv[i + 1]
            i += 2
        elif a in ('-h', '--help'):
            print(__doc__.strip())
            return 0
        elif a.startswith('-'):
            raise BadInput('unknown option %s (see --help)' % a)
        else:
            args.append(a)
            i += 1
    if len(args) != 1:
        raise BadInput('usage: upstream-drift.sh [--fingerprints FILE] [--record VERSION] '
                       'PROC_GO|GOROOT')
    path, got = read_tree(args[0])
    if rec:
        record(fp, rec, got)
        print('upstream-drift: recorded %d fingerprints of %s as version %s in %s' %
              (len(got), path, rec, fp))
        return 0
    table, order = read_fingerprints(fp)
    print('upstream-drift: %s' % path)
    matches = []
    for v in order:
        diff = [k for k, _ in ITEMS if table[v][k] != got[k]]
        if not diff:
            matches.append(v)
            print('  %-8s matches: all %d ported functions unchanged' % (v, len(ITEMS)))
            continue
        words = []
        for k in diff:
            if got[k] == ABSENT:
                words.append('%s (gone)' % k)
            elif table[v][k] == ABSENT:
                words.append('%s (new)' % k)
            else:
                words.append('%s (changed)' % k)
        print('  %-8s %d of %d changed since the port: %s' %
              (v, len(diff), len(ITEMS), ', '.join(words)))
    if matches:
        print('verdict: matches %s' % ' and '.join(matches))
        return 0
    print('verdict: DRIFT - matches no ported version (%s); port the changes above' %
          ', '.join(order))
    return 1


if __name__ == '__main__':
    try:
        sys.exit(main(sys.argv[1:]))
    except BadInput as e:
        print('upstream-drift: %s' % e, file=sys.stderr)
        sys.exit(2)
