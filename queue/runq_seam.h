// runq_seam.h - the one place the port touches shared memory.
//
// runq.c performs every access that another thread may see concurrently through the
// operations below, each named after the Go access it stands for, and each tagged with a
// site (runq_sites.h). Two backends, chosen at compile time; runq.c is the same source in
// every build:
//   native  (default)          static inline C11 atomics, a pthread mutex, usleep(3).
//   dsched  (RUNQ_SEAM_DSCHED) every operation is a scheduling point of a deterministic
//                              scheduler. The engine owns this backend
//                              (harness/seam_dsched.h); the build names its header with
//                              -DRUNQ_SEAM_BACKEND_H, so queue/ includes nothing outside
//                              itself.
//
// What a backend provides (the contract; both backends implement all of it):
//   the accesses below (rq_LoadAcq ... rq_plain_casg), each with its C11 order;
//   rq_mutex, rq_mutex_init, rq_lock, rq_unlock, rq_lock_held   sched.lock;
//   rq_trylock(l, site) -> bool   takes l iff it is free, never waits. For drivers only
//                                 (Go's scheduler never tries): a failure report must not
//                                 wait for a lock a failed thread still holds. In the
//                                 deterministic backend it is one scheduling point;
//   rq_usleep3(site)              the runnext back-off;
//   rq_gwrite(gp)                 the caller is about to write gp's fields.
//
// The mapping from Go's accesses to C11 memory orders (queue/README.md, "Memory orders"):
//   atomic.LoadAcq            -> rq_LoadAcq       memory_order_acquire
//   atomic.StoreRel           -> rq_StoreRel      memory_order_release
//   atomic.CasRel             -> rq_CasRel        acq_rel-free: release on success,
//                                                 relaxed on failure
//   atomic.Load, Loaduintptr  -> rq_Load, rq_Loadg memory_order_seq_cst
//   guintptr.cas (Casuintptr) -> rq_casg          memory_order_seq_cst both ways
//   plain read/write of a word another P reads or writes concurrently (ring slots,
//   runnext, runqtail read by its owner, status)
//                             -> rq_plain_*       memory_order_relaxed. Go's memory model
//                                 makes such a race benign for word-sized values; in C11 a
//                                 non-atomic race is undefined, so the port says "relaxed"
//                                 and nothing stronger.
#ifndef RUNQ_SEAM_H
#define RUNQ_SEAM_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "runq_sites.h"

// rq_throw reports a broken invariant of the queue ("runq: <msg>") and does not return.
// Backends decide how: the native one prints and aborts; the deterministic one lets the
// engine name the failure first.
_Noreturn void rq_throw(const char *msg);

#if defined(RUNQ_SEAM_DSCHED)
#if !defined(RUNQ_SEAM_BACKEND_H)
#error "RUNQ_SEAM_DSCHED needs -DRUNQ_SEAM_BACKEND_H=\"seam_dsched.h\" (the engine's backend)"
#endif
#include RUNQ_SEAM_BACKEND_H
#else
#include "seam_native.h"
#endif

#endif
