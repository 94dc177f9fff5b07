// trace.h - the engine's swimlane trace (runq-replay --trace): a column per simulated
// thread, a row per step, the queues beside it.
//
// An op that runs alone (no other thread steps between its begin and end) is folded into
// one row unless every step is asked for or it read a stale value; rows of an op that
// another thread interleaves with are all printed, in order. Rows are kept until the end of
// the run (trace_flush) so that each column is as wide as its widest cell.
#ifndef HARNESS_TRACE_H
#define HARNESS_TRACE_H

#include "runq_sites.h"
#include "schedule.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

// Writes the queue state for a row (the world's describe), and a value at a site ("P0.h=3").
typedef void (*trace_state_fn)(char *buf, size_t n);
typedef void (*trace_value_fn)(enum runq_site site, const void *addr, uintptr_t v, char *buf,
                               size_t n);

// Starts a trace of nthreads threads on out (NULL: tracing is off; every call is a no-op).
void trace_start(FILE *out, bool steps, int nthreads, trace_state_fn state, trace_value_fn value);
bool trace_on(void);
// A row in thread t's column at step; done has bit i set for finished threads.
void trace_row(int t, uint64_t step, unsigned done, const char *text);
// An access (kind: enum dsched_access; v, w as rq_dsched_after has them). A commit point (a
// publish, a successful CAS) is marked '*'; a CAS shows what it expected and what it wrote
// ("P0.h 3->5") or found ("P0.h want 3, found 4 FAIL").
void trace_access(int t, uint64_t step, unsigned done, enum runq_site site, const void *addr,
                  int kind, uintptr_t v, uintptr_t w, const char *note);
// Thread t takes over by decision number (0: the PRNG) d; preempted: the thread it stops
// mid-op, or -1.
void trace_takeover(int t, uint64_t step, unsigned done, int number, const sched_decision *d,
                    int preempted);
void trace_op_begin(int t, uint64_t step, unsigned done, const char *what);
void trace_op_end(int t, uint64_t step, unsigned done, const char *result);
// The op being folded read a stale value (weak memory): show all its rows, not one.
void trace_keep_op(void);
// Prints what is still folded (a failure inside an op shows every step of it).
void trace_flush(void);

#endif
