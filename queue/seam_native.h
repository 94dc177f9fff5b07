// seam_native.h - native backend of the seam: real C11 atomics on real threads.
// Included only through runq_seam.h. Sites are accepted and ignored.
#ifndef RUNQ_SEAM_NATIVE_H
#define RUNQ_SEAM_NATIVE_H

#include <pthread.h>
#include <time.h>

#define RQ_UNUSED_SITE(site) ((void)(site))

// Record mode (compiled in with -DRUNQ_SEAM_RECORD, switched on at run time): every access
// is made inside rq_record_begin/rq_record_end, which the driver implements (runq-torture:
// stress/record.c) with one global spin lock and a ticket, so the accesses of all threads
// get one total order that is the order they happened in, with the values read and
// written. Off, each access costs one predicted-not-taken test of a plain bool that is set
// before any thread starts. Without RUNQ_SEAM_RECORD the hooks compile away.
#if defined(RUNQ_SEAM_RECORD)
enum rq_record_kind {
    RQ_REC_LOAD,     // v = value read
    RQ_REC_STORE,    // v = value written
    RQ_REC_CAS_OK,   // v = old, w = new
    RQ_REC_CAS_FAIL, // v = expected, w = value found
    RQ_REC_LOCK,     // sched.lock taken
    RQ_REC_UNLOCK,   // sched.lock about to be released
    RQ_REC_BACKOFF,  // the runnext back-off
    RQ_REC_GWRITE,   // a G's fields about to be written (addr = the G; checked, not recorded)
};
extern bool rq_record_on;
void rq_record_begin(void);
void rq_record_end(enum runq_site s, const void *addr, enum rq_record_kind k, uintptr_t v,
                   uintptr_t w);
#define RQ_REC_BEGIN()                                                                             \
    bool rq_rec_ = __builtin_expect(rq_record_on, 0);                                              \
    if (rq_rec_) {                                                                                 \
        rq_record_begin();                                                                         \
    }
#define RQ_REC_END(s, a, k, v, w)                                                                  \
    if (rq_rec_) {                                                                                 \
        rq_record_end(s, a, k, (uintptr_t)(v), (uintptr_t)(w));                                    \
    }
#else
#define RQ_REC_BEGIN()
#define RQ_REC_END(s, a, k, v, w) RQ_UNUSED_SITE(s)
#endif

static inline uint32_t rq_LoadAcq(_Atomic uint32_t *a, enum runq_site s) {
    RQ_REC_BEGIN();
    uint32_t v = atomic_load_explicit(a, memory_order_acquire);
    RQ_REC_END(s, a, RQ_REC_LOAD, v, 0);
    return v;
}
static inline uint32_t rq_Load(_Atomic uint32_t *a, enum runq_site s) {
    RQ_REC_BEGIN();
    uint32_t v = atomic_load_explicit(a, memory_order_seq_cst);
    RQ_REC_END(s, a, RQ_REC_LOAD, v, 0);
    return v;
}
static inline void rq_StoreRel(_Atomic uint32_t *a, uint32_t v, enum runq_site s) {
    RQ_REC_BEGIN();
    atomic_store_explicit(a, v, memory_order_release);
    RQ_REC_END(s, a, RQ_REC_STORE, v, 0);
}
// Not used by the faithful port: a plain (relaxed) store of a shared word, for variants
// that weaken a publication (ci/mutants/).
static inline void rq_plain_store32(_Atomic uint32_t *a, uint32_t v, enum runq_site s) {
    RQ_REC_BEGIN();
    atomic_store_explicit(a, v, memory_order_relaxed);
    RQ_REC_END(s, a, RQ_REC_STORE, v, 0);
}
static inline bool rq_CasRel(_Atomic uint32_t *a, uint32_t old, uint32_t new_, enum runq_site s) {
    RQ_REC_BEGIN();
    uint32_t expected = old;
    bool ok = atomic_compare_exchange_strong_explicit(a, &expected, new_, memory_order_release,
                                                      memory_order_relaxed);
    RQ_REC_END(s, a, ok ? RQ_REC_CAS_OK : RQ_REC_CAS_FAIL, old, ok ? new_ : expected);
    return ok;
}
// Not used by the faithful port: relaxed CASes, for variants that weaken a commit or a
// runnext hand-over (ci/mutants/).
static inline bool rq_plain_cas32(_Atomic uint32_t *a, uint32_t old, uint32_t new_,
                                  enum runq_site s) {
    RQ_UNUSED_SITE(s);
    return atomic_compare_exchange_strong_explicit(a, &old, new_, memory_order_relaxed,
                                                   memory_order_relaxed);
}
static inline bool rq_plain_casg(_Atomic(uintptr_t) *a, uintptr_t old, uintptr_t new_,
                                 enum runq_site s) {
    RQ_UNUSED_SITE(s);
    return atomic_compare_exchange_strong_explicit(a, &old, new_, memory_order_relaxed,
                                                   memory_order_relaxed);
}
static inline uint32_t rq_plain_load32(_Atomic uint32_t *a, enum runq_site s) {
    RQ_REC_BEGIN();
    uint32_t v = atomic_load_explicit(a, memory_order_relaxed);
    RQ_REC_END(s, a, RQ_REC_LOAD, v, 0);
    return v;
}
static inline uintptr_t rq_Loadg(_Atomic(uintptr_t) *a, enum runq_site s) {
    RQ_REC_BEGIN();
    uintptr_t v = atomic_load_explicit(a, memory_order_seq_cst);
    RQ_REC_END(s, a, RQ_REC_LOAD, v, 0);
    return v;
}
static inline uintptr_t rq_plain_loadg(_Atomic(uintptr_t) *a, enum runq_site s) {
    RQ_REC_BEGIN();
    uintptr_t v = atomic_load_explicit(a, memory_order_relaxed);
    RQ_REC_END(s, a, RQ_REC_LOAD, v, 0);
    return v;
}
static inline void rq_plain_storeg(_Atomic(uintptr_t) *a, uintptr_t v, enum runq_site s) {
    RQ_REC_BEGIN();
    atomic_store_explicit(a, v, memory_order_relaxed);
    RQ_REC_END(s, a, RQ_REC_STORE, v, 0);
}
static inline bool rq_casg(_Atomic(uintptr_t) *a, uintptr_t old, uintptr_t new_, enum runq_site s) {
    RQ_REC_BEGIN();
    uintptr_t expected = old;
    bool ok = atomic_compare_exchange_strong_explicit(a, &expected, new_, memory_order_seq_cst,
                                                      memory_order_seq_cst);
    RQ_REC_END(s, a, ok ? RQ_REC_CAS_OK : RQ_REC_CAS_FAIL, old, ok ? new_ : expected);
    return ok;
}

// The runnext back-off: Go's usleep(3), so a running victim can schedule its runnext.
// nanosleep is the POSIX-2008 spelling (usleep was withdrawn).
static inline void rq_usleep3(enum runq_site s) {
    RQ_REC_BEGIN();
    RQ_REC_END(s, NULL, RQ_REC_BACKOFF, 0, 0);
    struct timespec ts = {0, 3000};
    nanosleep(&ts, NULL);
}

// A G's fields are about to be written by the caller, which must hold it. The native
// backend trusts the caller; the deterministic one checks, and so does the recorder.
static inline void rq_gwrite(const void *gp) {
    RQ_REC_BEGIN();
    RQ_REC_END((enum runq_site)0, gp, RQ_REC_GWRITE, 0, 0);
    (void)gp;
}

// sched.lock. holder lets assertLockHeld work as in Go (lock ranking aside).
typedef struct rq_mutex {
    pthread_mutex_t m;
    _Atomic(unsigned long) holder; // pthread_self() of the holder, 0 if free
} rq_mutex;

static inline void rq_mutex_init(rq_mutex *l) {
    pthread_mutex_init(&l->m, NULL);
    atomic_store_explicit(&l->holder, 0, memory_order_relaxed);
}
static inline void rq_lock(rq_mutex *l, enum runq_site s) {
    RQ_UNUSED_SITE(s);
    // relaxed: only this thread can have stored its own id. Go's lock would hang here
    // forever; a throw names the bug instead (a put under sched.lock that spills takes the
    // lock again when the ring wrongly looks full).
    if (atomic_load_explicit(&l->holder, memory_order_relaxed) == (unsigned long)pthread_self()) {
        rq_throw("lock: self-deadlock: this thread already holds the lock");
    }
    pthread_mutex_lock(&l->m);
    // relaxed: only the holder itself compares against its own id.
    atomic_store_explicit(&l->holder, (unsigned long)pthread_self(), memory_order_relaxed);
    // Stamped once held, so it orders after the previous holder's unlock stamp.
    RQ_REC_BEGIN();
    RQ_REC_END(s, l, RQ_REC_LOCK, 0, 0);
}
// rq_trylock (runq_seam.h's contract): for the drivers, not the port (Go's scheduler never
// tries): a failure report must not wait forever for a lock a failed thread still holds.
static inline bool rq_trylock(rq_mutex *l, enum runq_site s) {
    RQ_UNUSED_SITE(s);
    if (pthread_mutex_trylock(&l->m) != 0) {
        return false;
    }
    atomic_store_explicit(&l->holder, (unsigned long)pthread_self(), memory_order_relaxed);
    return true;
}
static inline void rq_unlock(rq_mutex *l, enum runq_site s) {
    // Stamped while still held, so it orders before the next holder's lock stamp.
    RQ_REC_BEGIN();
    RQ_REC_END(s, l, RQ_REC_UNLOCK, 0, 0);
    atomic_store_explicit(&l->holder, 0, memory_order_relaxed); // relaxed: see rq_lock
    pthread_mutex_unlock(&l->m);
}
static inline bool rq_lock_held(rq_mutex *l) {
    // relaxed: a thread reading its own earlier store.
    return atomic_load_explicit(&l->holder, memory_order_relaxed) == (unsigned long)pthread_self();
}

#endif
