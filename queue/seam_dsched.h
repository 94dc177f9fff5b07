// seam_dsched.h - deterministic backend of the seam (built with -DRUNQ_SEAM_DSCHED).
//
// Each operation is: a scheduling point (the engine may switch to another simulated
// thread before it), the real C11 access with the real memory order (so ThreadSanitizer,
// which sees only these, checks the orders on the exact interleaving), then a report of
// what happened (for the engine's ledger and trace). The engine implements the rq_dsched_*
// functions; queue/ only declares them, so the arrows still point engine -> queue.
// Included only through runq_seam.h.
#ifndef RUNQ_SEAM_DSCHED_H
#define RUNQ_SEAM_DSCHED_H

enum rq_access_kind {
    RQ_ACC_LOAD,     // v = value read
    RQ_ACC_STORE,    // v = value written
    RQ_ACC_CAS_OK,   // v = old, w = new
    RQ_ACC_CAS_FAIL, // v = expected, w = value found
};

// Scheduling point before the access at site s to addr.
void rq_dsched_point(enum runq_site s, const void *addr);
// Report of the access just made (no scheduling point in between).
void rq_dsched_after(enum runq_site s, const void *addr, enum rq_access_kind k, uintptr_t v,
                     uintptr_t w);
// A G's fields are about to be written; the engine fails if the caller does not hold it.
void rq_dsched_gwrite(const void *gp);
// The runnext back-off: a scheduling point that hints "let others run", never real time.
void rq_dsched_backoff(enum runq_site s);

// sched.lock: waiting yields to other simulated threads (never blocks the OS thread).
typedef struct rq_mutex {
    int32_t holder; // simulated thread id + 1, 0 if free; engine state, not shared memory
} rq_mutex;
void rq_dsched_lock(rq_mutex *l, enum runq_site s);
void rq_dsched_unlock(rq_mutex *l, enum runq_site s);
bool rq_dsched_lock_held(rq_mutex *l);

static inline void rq_mutex_init(rq_mutex *l) {
    l->holder = 0;
}
static inline void rq_lock(rq_mutex *l, enum runq_site s) {
    rq_dsched_lock(l, s);
}
static inline void rq_unlock(rq_mutex *l, enum runq_site s) {
    rq_dsched_unlock(l, s);
}
static inline bool rq_lock_held(rq_mutex *l) {
    return rq_dsched_lock_held(l);
}
static inline void rq_usleep3(enum runq_site s) {
    rq_dsched_backoff(s);
}
static inline void rq_gwrite(const void *gp) {
    rq_dsched_gwrite(gp);
}

// The accesses: same orders as seam_native.h, bracketed by the engine's hooks.
static inline uint32_t rq_LoadAcq(_Atomic uint32_t *a, enum runq_site s) {
    rq_dsched_point(s, a);
    uint32_t v = atomic_load_explicit(a, memory_order_acquire);
    rq_dsched_after(s, a, RQ_ACC_LOAD, v, 0);
    return v;
}
static inline uint32_t rq_Load(_Atomic uint32_t *a, enum runq_site s) {
    rq_dsched_point(s, a);
    uint32_t v = atomic_load_explicit(a, memory_order_seq_cst);
    rq_dsched_after(s, a, RQ_ACC_LOAD, v, 0);
    return v;
}
static inline void rq_StoreRel(_Atomic uint32_t *a, uint32_t v, enum runq_site s) {
    rq_dsched_point(s, a);
    atomic_store_explicit(a, v, memory_order_release);
    rq_dsched_after(s, a, RQ_ACC_STORE, v, 0);
}
static inline void rq_plain_store32(_Atomic uint32_t *a, uint32_t v, enum runq_site s) {
    rq_dsched_point(s, a);
    atomic_store_explicit(a, v, memory_order_relaxed);
    rq_dsched_after(s, a, RQ_ACC_STORE, v, 0);
}
static inline bool rq_CasRel(_Atomic uint32_t *a, uint32_t old, uint32_t new_, enum runq_site s) {
    rq_dsched_point(s, a);
    uint32_t expected = old;
    bool ok = atomic_compare_exchange_strong_explicit(a, &expected, new_, memory_order_release,
                                                      memory_order_relaxed);
    rq_dsched_after(s, a, ok ? RQ_ACC_CAS_OK : RQ_ACC_CAS_FAIL, old, ok ? new_ : expected);
    return ok;
}
static inline uint32_t rq_plain_load32(_Atomic uint32_t *a, enum runq_site s) {
    rq_dsched_point(s, a);
    uint32_t v = atomic_load_explicit(a, memory_order_relaxed);
    rq_dsched_after(s, a, RQ_ACC_LOAD, v, 0);
    return v;
}
static inline uintptr_t rq_Loadg(_Atomic(uintptr_t) *a, enum runq_site s) {
    rq_dsched_point(s, a);
    uintptr_t v = atomic_load_explicit(a, memory_order_seq_cst);
    rq_dsched_after(s, a, RQ_ACC_LOAD, v, 0);
    return v;
}
static inline uintptr_t rq_plain_loadg(_Atomic(uintptr_t) *a, enum runq_site s) {
    rq_dsched_point(s, a);
    uintptr_t v = atomic_load_explicit(a, memory_order_relaxed);
    rq_dsched_after(s, a, RQ_ACC_LOAD, v, 0);
    return v;
}
static inline void rq_plain_storeg(_Atomic(uintptr_t) *a, uintptr_t v, enum runq_site s) {
    rq_dsched_point(s, a);
    atomic_store_explicit(a, v, memory_order_relaxed);
    rq_dsched_after(s, a, RQ_ACC_STORE, v, 0);
}
static inline bool rq_casg(_Atomic(uintptr_t) *a, uintptr_t old, uintptr_t new_, enum runq_site s) {
    rq_dsched_point(s, a);
    uintptr_t expected = old;
    bool ok = atomic_compare_exchange_strong_explicit(a, &expected, new_, memory_order_seq_cst,
                                                      memory_order_seq_cst);
    rq_dsched_after(s, a, ok ? RQ_ACC_CAS_OK : RQ_ACC_CAS_FAIL, old, ok ? new_ : expected);
    return ok;
}

#endif
