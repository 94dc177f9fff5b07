// memmodel.h - the deterministic engine's memory model: every seam access, with its C11
// order, is performed here, so happens-before is known at every step in every build.
//
// Operational, RC11-style (docs/memory-model.md):
//   - a vector clock per simulated thread; each thread's own entry advances after each
//     release (store-release, release RMW, unlock);
//   - per atomic location a bounded history of its stores (MM_HISTORY), in modification
//     order = execution order: value, writer, the writer's epoch, and the clock a later
//     acquire of it joins (its release clock, carried on by RMWs: release sequences);
//   - acquire loads and RMWs join the clock of the store they read; sched.lock's unlock
//     and lock are a release/acquire pair;
//   - seq_cst is acquire/release/acq_rel for happens-before, and a seq_cst load or any RMW
//     reads the newest store (the approximation: seq_cst's single total order S is
//     modelled as execution order, which never allows an outcome C11 forbids);
//   - under `memory weak` a relaxed or acquire load may read an older store that
//     coherence allows: not older than the newest store that happens-before it, nor than
//     the newest store this thread (or anything that happens-before the load) read or
//     wrote there; which one is a schedule decision (`read T stale K`).
// Not modelled: load buffering and out-of-thin-air values (a load reads only stores that
// already executed), a failed CAS reading a stale value, fences (the port has none).
//
// Checks (stable invariant ids, docs/invariants.md): g-race, slot-reuse, slot-publication.
#ifndef HARNESS_MEMMODEL_H
#define HARNESS_MEMMODEL_H

#include "runq_sites.h"

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MM_THREADS 8 // = SCHED_MAX_THREADS
#define MM_HISTORY 8 // stores kept per location
#define MM_MAX_SLOTS 256

// New execution: forget every location, clock and check state. trace: the trace wants
// to know which store each load read (else SC relaxed loads skip the model).
void mm_reset(int nthreads, bool weak, bool trace);
// The world's shared words lie in [base, base + bytes) (its Ps): looked up by offset.
void mm_set_region(const void *base, size_t bytes);
// The engine's current step (dsched.c keeps it up to date).
extern uint64_t mm_now;
bool mm_weak(void);

// The accesses of thread t at site s (width 4 or 8). real != NULL: the port already made
// the access on real memory (TSan builds) and *real is what it read / found; else the
// model makes it. mm_load returns the value the load reads.
uintptr_t mm_load(int t, enum runq_site s, const void *a, unsigned width, memory_order mo,
                  const uintptr_t *real);
void mm_store(int t, enum runq_site s, void *a, unsigned width, uintptr_t v, memory_order mo,
              bool done);
// done < 0: the model makes the CAS; else done is its result and found what it found.
bool mm_cas(int t, enum runq_site s, void *a, unsigned width, uintptr_t old, uintptr_t new_,
            memory_order ok, memory_order fail, int done, uintptr_t *found);
// sched.lock taken (acquired) or released by t.
void mm_lock(int t, bool acquired);
// t acquires the newest store of the 32-bit location a (a caller's check that the
// schedule does not show as seam accesses: Go's runqget before runqsteal).
void mm_acquire_latest(int t, const void *a);

// What the last load of t read, for the trace: the writer's step (0: the initial value)
// and how many newer stores it skipped.
void mm_last_read(int t, uint64_t *store_step, uint32_t *stale);

// G fields: a schedlink write (before it), or the payload's read-and-write.
enum mm_gfield { MM_G_SCHEDLINK, MM_G_PAYLOAD };
void mm_gaccess(int t, int64_t goid, enum mm_gfield f); // goid: the world knows g's layout

// Ring slots (the world knows the layout): t's last load was of P pi's slot; t wrote it;
// t's CAS moved P pi's runqhead from h to nh, committing slots [h, nh) mod cap.
void mm_slot_read(int t, int pi, uint32_t slot, const void *addr);
void mm_slot_write(int t, int pi, uint32_t slot);
void mm_head_commit(int t, int pi, uint32_t h, uint32_t nh, uint32_t cap);

const char *mm_order_name(memory_order mo);

#endif
