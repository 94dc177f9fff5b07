// run.h - the run's state: per-thread state (struct mstate), its counters, and struct
// stress_run, which holds what the parts of runq-torture share while a run is on.
#ifndef STRESS_RUN_H
#define STRESS_RUN_H

#include "oplog.h"
#include "params.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct schedule;

// ---- counters --------------------------------------------------------------------------

#define STRESS_CTR_LIST(X)                                                                         \
    X(QOPS, "qops", "calls into the port")                                                         \
    X(RUNS, "runs", "Gs run")                                                                      \
    X(PUTS, "puts", "runqput calls (both kinds)")                                                  \
    X(GETS, "gets", "Gs from runqget")                                                             \
    X(GETS_NEXT, "gets-next", "of which from runnext (inheritTime)")                               \
    X(GLOBGETS, "globgets", "Gs from globrunqget (the returned one)")                              \
    X(STEAL_TRIES, "steal-tries", "runqsteal calls")                                               \
    X(STEALS, "steals", "runqsteal calls that got a G")                                            \
    X(STOLEN, "stolen", "Gs moved by steals")                                                      \
    X(RUNNEXT_TRIES, "runnext-tries", "last-pass steals from a victim with runnext set")           \
    X(RUNNEXT_THEFTS, "runnext-thefts", "steals that took the victim's runnext")                   \
    X(OVERFLOWS, "overflows", "runqput into a full ring (runqputslow to global)")                  \
    X(BATCHES, "batches", "runqputbatch calls")                                                    \
    X(SPILLS, "spills", "runqputbatch that did not fit (rest to global)")                          \
    X(DRAINS, "drains", "runqdrain calls that moved Gs to global")                                 \
    X(DRAINED, "drained", "Gs moved by drains")                                                    \
    X(PARKS, "parks", "Gs parked")                                                                 \
    X(READIES, "readies", "Gs readied into runnext")                                               \
    X(YIELDS, "yields", "Gs yielded to the ring")                                                  \
    X(PREEMPTS, "preempts", "Gs preempted at the end of a slice")                                  \
    X(WAKES_IDLE, "idle-wakes", "parked Gs woken by an idle P (timer-like)")                       \
    X(SYSCALLS, "syscalls", "syscall ops (releasep/acquirep)")                                     \
    X(HANDOFFS, "handoffs", "P acquired by a thread other than its last owner")                    \
    X(IDLE, "idle", "find-work rounds that found nothing")                                         \
    X(ROUNDS, "rounds", "--schedule: rounds of the thread programs (per thread)")

enum stress_ctr {
#define X(e, name, help) CTR_##e,
    STRESS_CTR_LIST(X)
#undef X
        CTR_N
};
extern const char *const stress_ctr_names[CTR_N];

// ---- threads ---------------------------------------------------------------------------

// Per-thread state. Counters and logs are written only by their thread with relaxed
// stores (no read-modify-write) and read by the monitor with relaxed loads.
struct mstate {
    _Alignas(64) int id;
    pthread_t th;
    uint64_t rng;
    uint64_t opseq;  // owner-only copy of log.seq
    uint64_t now_ms; // coarse clock (ms), refreshed by the thread itself
    uint64_t stamp;  // log stamp of its entries, refreshed by oplog_restamp
    _Atomic uint64_t ctr[CTR_N];
    _Atomic uint64_t iter;  // scheduling rounds: liveness of this thread
    _Atomic uint64_t doing; // what the thread is doing now (see doing_pack)
    _Atomic int pid;        // P held, -1 if none
    _Atomic int at_barrier; // parked at the stop-the-world barrier
    _Atomic int exited;
    _Atomic int halted;      // stopped for good after a throw, maybe holding sched.lock
    _Atomic uint64_t logseq; // number of entries ever logged
    struct oplog_entry log[OPLOG_N];
};

// ---- the run's state ----------------------------------------------------------------------

// Everything a run shares between its threads, in one place. The driver (main.c, or a unit
// test) fills one and installs it with stress_run_install before anything else reads it;
// the library reaches it through srun(). The clock is clock.h's.
struct stress_run {
    struct params params; // read-only once threads start
    struct mstate *m;     // nthreads of them (stress_run_threads)
    int nthreads;
    _Atomic int stop;                // set when the run ends or fails
    _Atomic int phase;               // PHASE_CROWD or PHASE_SPARSE, set by the monitor
    _Atomic uint64_t audits;         // audits passed
    const struct schedule *schedule; // --schedule FILE, loaded; NULL otherwise
};
extern struct stress_run *stress_run_current; // use srun()
static inline struct stress_run *srun(void) {
    return stress_run_current;
}
void stress_run_install(struct stress_run *r);
// stress_run_threads allocates r->m for n threads, seeded from seed (thread i's rng is a
// function of seed and i only). 0, or -1 when out of memory.
int stress_run_threads(struct stress_run *r, int n, uint64_t seed);
void stress_run_free_threads(struct stress_run *r);

extern _Thread_local struct mstate *self_m; // the calling worker, NULL elsewhere

static inline void ctr_add(struct mstate *m, int c, uint64_t v) {
    // relaxed load + store: only this thread writes its counters.
    atomic_store_explicit(&m->ctr[c], atomic_load_explicit(&m->ctr[c], memory_order_relaxed) + v,
                          memory_order_relaxed);
}
static inline uint64_t rng_next(struct mstate *m) {
    // xorshift64*: seeded per thread from --seed, so thread programs repeat; interleavings
    // do not.
    uint64_t x = m->rng;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    m->rng = x;
    return x * 0x2545f4914f6cdd1dull;
}
static inline uint32_t rng_n(struct mstate *m, uint32_t n) {
    return (uint32_t)(((rng_next(m) >> 32) * (uint64_t)n) >> 32);
}

// oplog_add records a completed operation of thread m (oplog.h; the word layout is
// oplog.c's). Inline: the loop logs about two entries per queue op.
static inline void oplog_add(struct mstate *m, int op, int pid, int arg, uint32_t goid,
                             uint32_t n) {
    uint64_t s = m->opseq++;
    struct oplog_entry *e = &m->log[s & (OPLOG_N - 1)];
    uint64_t w0 = (uint64_t)(op & 0xff) | (uint64_t)(pid & 0xff) << 8 |
                  (uint64_t)(arg & 0xff) << 16 | (m->stamp & 0xffffffffffull) << 24;
    // relaxed: the watchdog and dumps read running threads' logs (a torn entry is harmless).
    atomic_store_explicit(&e->w0, w0, memory_order_relaxed);
    atomic_store_explicit(&e->w1, (uint64_t)goid | (uint64_t)n << 32, memory_order_relaxed);
    atomic_store_explicit(&m->logseq, s + 1, memory_order_relaxed);
}

// doing: op:8 | pid:8 | arg:8 | goid:32
static inline uint64_t doing_pack(int op, int pid, int arg, uint32_t goid) {
    return (uint64_t)(op & 0xff) | (uint64_t)(pid & 0xff) << 8 | (uint64_t)(arg & 0xff) << 16 |
           (uint64_t)goid << 24;
}
static inline void set_doing(struct mstate *m, int op, int pid, int arg, uint32_t goid) {
    atomic_store_explicit(&m->doing, doing_pack(op, pid, arg, goid), memory_order_relaxed);
}
// describe_doing writes "runqsteal P1<-P3 g17" for a packed doing word.
void describe_doing(uint64_t d, char *buf, size_t len);

// describe_doing writes "runqsteal P1<-P3 g17" for a packed doing word.
void describe_doing(uint64_t d, char *buf, size_t len);

#endif
