// initial.h - what a "runq-schedule v2" adds to a schedule: the queues' state at the start
// (each P's ring slots, head, tail and runnext; the global queue), so that a schedule can
// start where a real-thread run was (runq-torture --record, tools/runq_record.c) instead
// of from empty queues. And, in memory only, programs and decisions longer than the fixed
// arrays of struct schedule (a whole recorded run being verified).
//
// Text (inside a v2 file, after the header items, before the first "thread"):
//   initial
//     P0 head 4294967170 tail 4294967173        indices (any uint32)
//     P0 next 17                                runnext holds G 17 (0 or absent: nil)
//     P0 slot 0 5 9 12 0                        slots 0.. of the ring (stale ones too)
//     global 3 8 2                              the global queue, in order (lines append)
//     owner puts 48 12 7                        labels of the Gs owner's ops create (append)
// Gs are named by labels (positive integers, the run's goids); a label is in one queued
// place at most. Slots outside [head, tail) may name any label (stale copies, as in the
// real ring): the engine makes those Gs "done" placeholders so a stale read sees them.
// The engine numbers the Gs it places in this order: for each P its ring [head, tail),
// then its runnext; then the global queue; then stale-only labels.
#ifndef HARNESS_INITIAL_H
#define HARNESS_INITIAL_H

#include "schedule.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define SCHED_INIT_MAX_CAP 256
#define SCHED_INIT_MAX_G 16384

struct sched_initial {
    int np; // Ps described: P0..P(np-1); the others start empty at the schedule's start
    uint32_t head[SCHED_MAX_THREADS], tail[SCHED_MAX_THREADS];
    int32_t next[SCHED_MAX_THREADS];                      // label, 0 = nil
    int32_t slots[SCHED_MAX_THREADS][SCHED_INIT_MAX_CAP]; // labels, 0 = nil
    int32_t glob[SCHED_INIT_MAX_G];                       // labels, in order
    int nglob;
    // The labels of the Gs each thread's ops create, in order ("owner puts 48 12"): a G
    // that ran ("done") is put again under its own name, as the run reused its G. Beyond
    // the list (or without one) the ops create fresh Gs.
    int32_t *puts[SCHED_MAX_THREADS];
    uint32_t nputs[SCHED_MAX_THREADS], capputs[SCHED_MAX_THREADS];
};

// In memory only: a program or decision list longer than struct schedule holds (used
// instead of s->ops / s->dec when s->longp is set).
struct sched_long {
    sched_op *ops[SCHED_MAX_THREADS];
    uint32_t nops[SCHED_MAX_THREADS];
    sched_decision *dec;
    uint32_t ndec;
};

// A zeroed initial state owned by the library (kept reachable: schedules are copied by
// value and never freed). NULL if out of memory.
struct sched_initial *sched_initial_new(void);
// Parses one line of the "initial" section (comment already cut; the line is split in
// place). Returns 0, or -1 with err set to what was expected.
int sched_initial_parse_line(struct sched_initial *in, int cap, char *line, char *err,
                             size_t errlen);
// Checks the whole section once parsed (labels in one queued place, ring lengths).
int sched_initial_check(const struct sched_initial *in, int cap, char *err, size_t errlen);
void sched_initial_print(const struct sched_initial *in, int cap, FILE *out);

#endif
