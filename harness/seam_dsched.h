// seam_dsched.h - the deterministic engine's backend of the seam (queue/runq_seam.h).
//
// Each operation is a scheduling point (the engine may switch to another simulated thread
// before it), then the access, made by the engine with the operation's C11 order(s) (its
// memory model checks happens-before in every build), then a report of what happened (for
// the engine's ledger and trace, as enum dsched_access in dsched.h). The engine implements
// the rq_dsched_* functions (dsched.c). It lives with the engine, not in queue/: a dsched
// build of the port (-DRUNQ_SEAM_DSCHED) names it with -DRUNQ_SEAM_BACKEND_H and puts
// harness/ on its include path (CMakeLists.txt, runq_port), so queue/ includes nothing of
// ours but its own headers. Included only through runq_seam.h.
#ifndef RUNQ_SEAM_DSCHED_H
#define RUNQ_SEAM_DSCHED_H

// Scheduling point before the access at site s to addr.
void rq_dsched_point(enum runq_site s, const void *addr);
// The Go source line of the access the caller is about to make (a port made by
// tools/runq-import passes it with every site: RQ_AT in the generated file). The engine
// keeps it for the calling thread's next scheduling point; traces print it beside the
// access with dsched_options.trace_go_lines (runq-replay --go-lines).
void rq_dsched_go_at(const char *file, int line);
// A G's fields are about to be written; the engine fails if the caller does not hold it.
void rq_dsched_gwrite(const void *gp);
// The runnext back-off: a scheduling point that hints "let others run", never real time.
void rq_dsched_backoff(enum runq_site s);

// sched.lock: waiting yields to other simulated threads (never blocks the OS thread).
typedef struct rq_mutex {
    int32_t holder; // simulated thread id + 1, 0 if free; engine state, not shared memory
} rq_mutex;
void rq_dsched_lock(rq_mutex *l, enum runq_site s);
// A scheduling point, then takes l iff it is free; never waits. Deterministic: the answer
// depends only on which simulated thread holds l at that step.
bool rq_dsched_trylock(rq_mutex *l, enum runq_site s);
void rq_dsched_unlock(rq_mutex *l, enum runq_site s);
bool rq_dsched_lock_held(rq_mutex *l);

static inline void rq_mutex_init(rq_mutex *l) {
    l->holder = 0;
}
static inline void rq_lock(rq_mutex *l, enum runq_site s) {
    rq_dsched_lock(l, s);
}
static inline bool rq_trylock(rq_mutex *l, enum runq_site s) {
    return rq_dsched_trylock(l, s);
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

// The accesses. Each passes its C11 order (both orders for a CAS) to the engine, which
// performs the access itself (harness/memmodel.c: happens-before, store histories and,
// under `memory weak`, which store a load reads). Under ThreadSanitizer the port makes the
// real access with the real order on real memory too, so TSan judges the same
// interleaving as a second opinion (the engine is not instrumented; TSan sees only these).
#if defined(__SANITIZE_THREAD__)
#define RQ_DSCHED_REAL_ACCESS 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define RQ_DSCHED_REAL_ACCESS 1
#endif
#endif

// Engine side (harness/dsched.c). width is 4 or 8 bytes. rq_dsched_load/store/cas make
// the scheduling point and the access; the *_done forms are told of an access the port
// made itself after rq_dsched_point (TSan builds). A load returns the value the model
// says it reads (the latest store unless `memory weak` chose an older one).
uintptr_t rq_dsched_load(enum runq_site s, const void *a, unsigned width, memory_order mo);
void rq_dsched_store(enum runq_site s, void *a, unsigned width, uintptr_t v, memory_order mo);
bool rq_dsched_cas(enum runq_site s, void *a, unsigned width, uintptr_t old, uintptr_t new_,
                   memory_order ok, memory_order fail);
uintptr_t rq_dsched_load_done(enum runq_site s, const void *a, unsigned width, memory_order mo,
                              uintptr_t real);
void rq_dsched_store_done(enum runq_site s, void *a, unsigned width, uintptr_t v, memory_order mo);
bool rq_dsched_cas_done(enum runq_site s, void *a, unsigned width, uintptr_t old, uintptr_t new_,
                        memory_order ok, memory_order fail, bool done_ok, uintptr_t found);

#if defined(RQ_DSCHED_REAL_ACCESS)
#define RQ_DSCHED_LOAD(T, a, mo, s)                                                                \
    do {                                                                                           \
        rq_dsched_point(s, a);                                                                     \
        T real_ = atomic_load_explicit(a, mo);                                                     \
        return (T)rq_dsched_load_done(s, a, sizeof(T), mo, real_);                                 \
    } while (0)
#define RQ_DSCHED_STORE(T, a, v, mo, s)                                                            \
    do {                                                                                           \
        rq_dsched_point(s, a);                                                                     \
        atomic_store_explicit(a, v, mo);                                                           \
        rq_dsched_store_done(s, a, sizeof(T), v, mo);                                              \
    } while (0)
#define RQ_DSCHED_CAS(T, a, old, new_, mo, mof, s)                                                 \
    do {                                                                                           \
        rq_dsched_point(s, a);                                                                     \
        T expected_ = old;                                                                         \
        bool ok_ = atomic_compare_exchange_strong_explicit(a, &expected_, new_, mo, mof);          \
        return rq_dsched_cas_done(s, a, sizeof(T), old, new_, mo, mof, ok_, expected_);            \
    } while (0)
#else
#define RQ_DSCHED_LOAD(T, a, mo, s) return (T)rq_dsched_load(s, a, sizeof(T), mo)
#define RQ_DSCHED_STORE(T, a, v, mo, s) rq_dsched_store(s, a, sizeof(T), v, mo)
#define RQ_DSCHED_CAS(T, a, old, new_, mo, mof, s)                                                 \
    return rq_dsched_cas(s, a, sizeof(T), old, new_, mo, mof)
#endif

// Same orders as seam_native.h.
static inline uint32_t rq_LoadAcq(_Atomic uint32_t *a, enum runq_site s) {
    RQ_DSCHED_LOAD(uint32_t, a, memory_order_acquire, s);
}
static inline uint32_t rq_Load(_Atomic uint32_t *a, enum runq_site s) {
    RQ_DSCHED_LOAD(uint32_t, a, memory_order_seq_cst, s);
}
static inline void rq_StoreRel(_Atomic uint32_t *a, uint32_t v, enum runq_site s) {
    RQ_DSCHED_STORE(uint32_t, a, v, memory_order_release, s);
}
static inline void rq_plain_store32(_Atomic uint32_t *a, uint32_t v, enum runq_site s) {
    RQ_DSCHED_STORE(uint32_t, a, v, memory_order_relaxed, s);
}
static inline bool rq_CasRel(_Atomic uint32_t *a, uint32_t old, uint32_t new_, enum runq_site s) {
    RQ_DSCHED_CAS(uint32_t, a, old, new_, memory_order_release, memory_order_relaxed, s);
}
static inline bool rq_plain_cas32(_Atomic uint32_t *a, uint32_t old, uint32_t new_,
                                  enum runq_site s) {
    RQ_DSCHED_CAS(uint32_t, a, old, new_, memory_order_relaxed, memory_order_relaxed, s);
}
static inline uint32_t rq_plain_load32(_Atomic uint32_t *a, enum runq_site s) {
    RQ_DSCHED_LOAD(uint32_t, a, memory_order_relaxed, s);
}
static inline uintptr_t rq_Loadg(_Atomic(uintptr_t) *a, enum runq_site s) {
    RQ_DSCHED_LOAD(uintptr_t, a, memory_order_seq_cst, s);
}
static inline uintptr_t rq_plain_loadg(_Atomic(uintptr_t) *a, enum runq_site s) {
    RQ_DSCHED_LOAD(uintptr_t, a, memory_order_relaxed, s);
}
static inline void rq_plain_storeg(_Atomic(uintptr_t) *a, uintptr_t v, enum runq_site s) {
    RQ_DSCHED_STORE(uintptr_t, a, v, memory_order_relaxed, s);
}
static inline bool rq_casg(_Atomic(uintptr_t) *a, uintptr_t old, uintptr_t new_, enum runq_site s) {
    RQ_DSCHED_CAS(uintptr_t, a, old, new_, memory_order_seq_cst, memory_order_seq_cst, s);
}
static inline bool rq_plain_casg(_Atomic(uintptr_t) *a, uintptr_t old, uintptr_t new_,
                                 enum runq_site s) {
    RQ_DSCHED_CAS(uintptr_t, a, old, new_, memory_order_relaxed, memory_order_relaxed, s);
}

#endif
