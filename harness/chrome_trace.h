// chrome_trace.h - one execution of the deterministic engine in the Chrome Trace Event
// JSON format (what Perfetto UI, chrome://tracing and speedscope open).
//
// One track per simulated thread; each op is a slice named "what -> result"; each seam
// access an instant event (site, value, kind, order = its step); sched.lock held is a
// slice inside the op; a preemption an instant naming the decision that made it; counter
// tracks per P (ring length, runnext set) and for the global queue's size; the failure a
// global instant with the invariant id and message. The timestamp is the engine's step
// (1 us = 1 step), so the same schedule gives the same bytes. The engine (dsched.c) feeds
// it from the same places that feed the text swimlane.
#ifndef HARNESS_CHROME_TRACE_H
#define HARNESS_CHROME_TRACE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

// Starts a trace into f for nthreads simulated threads; title names the process track.
void ctrace_begin(FILE *f, int nthreads, const char *title);
// Thread t's op begins / ends at step (ops nest nothing but the lock slice).
void ctrace_op_begin(int t, uint64_t step, const char *what);
void ctrace_op_end(int t, uint64_t step, const char *result);
// Thread t's seam access at site, just made at step; value as the swimlane prints it.
void ctrace_access(int t, uint64_t step, const char *site, const char *what, const char *value,
                   const char *kind);
// Any other instant on thread t's track (the back-off).
void ctrace_instant(int t, uint64_t step, const char *name);
// sched.lock taken (acquired = true) or released by t.
void ctrace_lock(int t, uint64_t step, bool acquired);
// Thread from stopped, runnable, so that to runs: decision is the schedule's decision
// number (1-based), or 0 when the seeded PRNG or PCT chose.
void ctrace_preempt(int from, int to, uint64_t step, int decision, const char *how);
// The queues' sizes after step: emitted only where they changed.
void ctrace_counters(uint64_t step, int np, const uint32_t *ring_len, const bool *has_next,
                     int glob_len);
// The failure: a global instant carrying the invariant id and message.
void ctrace_fail(int t, uint64_t step, const char *invariant, const char *message);
// Closes every open slice at step, writes the end of the file. Returns 0, or -1 if a write
// failed.
int ctrace_end(uint64_t step);
// Is a trace being written?
bool ctrace_on(void);

#endif
