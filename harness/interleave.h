// interleave.h - interleaving coverage for libFuzzer (extra counters), fed by the world.
//
// Lines covered say little about a race; which accesses of different threads met on one
// location does. Two kinds of counters:
//   - conflict pairs: thread B accessed a location right after thread A's conflicting
//     access to it (a write then any access, or a read then a write), keyed by (A's
//     site, B's site, B's access kind);
//   - outcomes: a CAS that failed at a site while another thread was inside a given op,
//     and (op, answer) at each op's end: nothing or something, ran alone or overlapped,
//     after a failed CAS of its own or not.
// Outside libFuzzer builds the counters are an ordinary array. O(1) per access.
#ifndef HARNESS_INTERLEAVE_H
#define HARNESS_INTERLEAVE_H

#include <stdbool.h>

// Locations: a P's runqhead, runqtail, runnext, status, then its ring slots.
#define INTERLEAVE_P_LOCS (4 + 256)
#define INTERLEAVE_LOCS (4 * INTERLEAVE_P_LOCS)

void interleave_reset(void);
// Thread t made access kind (enum dsched_access) at site to location loc.
void interleave_access(int t, int loc, int site, int kind);
// Thread t is inside op kind (enum sched_op_kind), -1 between ops.
void interleave_op(int t, int op_kind);
// Thread t's op ended: it answered nothing or something, alone or not.
void interleave_op_end(int t, int op_kind, bool nothing, bool alone);

#endif
