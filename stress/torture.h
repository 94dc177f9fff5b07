// torture.h - what the parts of runq-torture share: parameters, per-thread state, the
// operation log, the G ledger, failure reporting and the stop-the-world barrier.
//
// Nothing here knows the ring capacity: the port's types live only in world.c, which is
// compiled once per capacity and reached through struct stress_engine.
#ifndef STRESS_TORTURE_H
#define STRESS_TORTURE_H

#include "invariants.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define STRESS_MAX_PROCS 64
#define STRESS_MAX_THREADS (STRESS_MAX_PROCS + 1)
#define STRESS_MAX_GS (1 << 20)

// ---- parameters ------------------------------------------------------------------------

// The op mix: what a running G does next. Relative weights (decimals allowed). Two mixes alternate
// every --phase: "crowd" keeps most Gs runnable (queues fill, overflow, spill, drain) and
// "sparse" parks most of them (Ps go idle, steal, and steal runnext).
//   X(enum, name, crowd default, sparse default, help)
#define STRESS_MIX_LIST(X)                                                                         \
    X(READY, "ready", 25, 30, "wake a parked G into runnext (runqput next=true)")                  \
    X(YIELD, "yield", 30, 5, "put the running G at the ring's tail (runqput next=false)")          \
    X(PARK, "park", 20, 60, "park the running G on its P")                                         \
    X(BATCH, "batch", 6, 0, "wake up to --batch-max parked Gs at once (runqputbatch)")             \
    X(DRAIN, "drain", 0.01, 0, "GC worker: runqdrain the P, globrunqputbatch the lot")             \
    X(WORK, "work", 0, 10, "compute for up to --work-max (runnext stays stealable)")               \
    X(SYSCALL, "syscall", 4, 4, "with --handoff: releasep, syscall, acquirep (any idle P)")

enum stress_mix {
#define X(e, name, crowd, sparse, help) MIX_##e,
    STRESS_MIX_LIST(X)
#undef X
        MIX_N
};
enum { PHASE_CROWD, PHASE_SPARSE, PHASE_N };
extern const char *const stress_phase_names[PHASE_N];
extern const char *const stress_mix_names[MIX_N];

struct params {
    const char *prog; // basename of argv[0], for the reproduce line
    int procs;
    int gs;
    double duration; // seconds
    uint64_t seed;
    bool seed_given;
    double mix[PHASE_N][MIX_N]; // --mix, --sparse-mix (relative weights, >= 0.001)
    double phase;               // seconds per phase; 0: crowd only
    int batch_max;
    int slice;            // ops a G may do before it is preempted (yield)
    double work_max;      // seconds: longest 'work' op
    double stat_interval; // seconds
    double audit_interval;
    double watchdog;
    int capacity;
    const char *go; // --go: "1.19" (default) or "master"
    bool handoff;
    bool handoff_given; // --handoff on the command line (the default does not count)
    uint32_t start;     // initial runqhead/runqtail of every P
    const char *json;
    const char *fail_file;
    const char *schedule;
    double stall; // --stall: T0 stops making progress for this long, from t=0.5s (tests)
    int inject;   // --inject KIND: one planted failure at t=0.5s (tests of the failure path)
    bool record;  // --record: flight recorder and audit snapshots (record.c)
};

// --inject KIND: each plants one failure of a kind the run must report and end cleanly on
// (issue 13: the failure path itself is under test). X(enum, name, help)
#define STRESS_INJECT_LIST(X)                                                                      \
    X(NONE, "none", "no injected failure")                                                         \
    X(THROW, "throw", "T0 throws (rq_throw) holding no lock")                                      \
    X(THROW_LOCKED, "throw-locked", "T0 throws while it holds sched.lock")                         \
    X(STALL_LOCKED, "stall-locked", "T0 takes sched.lock and never lets go (watchdog)")            \
    X(LOST, "lost", "T0 unlinks a G from the global queue and forgets it (audit: lost-g)")         \
    X(DUP, "dup", "T0 queues one G twice in its ring (dup-g)")                                     \
    X(PAYLOAD, "payload", "T0 corrupts a queued G's payload (payload-mismatch)")                   \
    X(RACE, "race", "T0 and T1 race on a plain variable (a sanitizer report, TSan builds)")

enum stress_inject {
#define X(e, name, help) INJECT_##e,
    STRESS_INJECT_LIST(X)
#undef X
        INJECT_N
};
extern const char *const stress_inject_names[INJECT_N];

// parse_params fills *pr from argv. Returns 0 to run, 1 after --help (exit 0), or 2 after
// printing a usage error naming the option (exit 2). caps lists the capacities built.
int parse_params(struct params *pr, int argc, char **argv, const int *caps, int ncaps);
// format_params writes "--procs 4 --gs 1024 ..." (every parameter, as options).
void format_params(const struct params *pr, char *buf, size_t len);
void format_mix(const double *mix, char *buf, size_t len);
void format_duration(double s, char *buf, size_t len);

// ---- operations, as logged -------------------------------------------------------------

#define STRESS_OP_LIST(X)                                                                          \
    X(NONE, "-")                                                                                   \
    X(IDLE, "idle")                                                                                \
    X(RUNQGET, "runqget")                                                                          \
    X(GLOBRUNQGET, "globrunqget")                                                                  \
    X(RUNQSTEAL, "runqsteal")                                                                      \
    X(RUNQPUT, "runqput")                                                                          \
    X(RUNQPUT_NEXT, "runqput-next")                                                                \
    X(RUNQPUTBATCH, "runqputbatch")                                                                \
    X(RUNQDRAIN, "runqdrain")                                                                      \
    X(GLOBRUNQPUTBATCH, "globrunqputbatch")                                                        \
    X(GLOBRUNQPUT, "globrunqput")                                                                  \
    X(PARK, "park")                                                                                \
    X(WAKE, "wake")                                                                                \
    X(RUN, "run")                                                                                  \
    X(RELEASEP, "releasep")                                                                        \
    X(ACQUIREP, "acquirep")                                                                        \
    X(STOPPED, "stopped")                                                                          \
    X(STALL, "stall")

enum stress_op {
#define X(e, name) OP_##e,
    STRESS_OP_LIST(X)
#undef X
        OP_N
};
const char *op_name(int op);

// One logged operation, packed in two words so that writing it costs two relaxed stores.
// Relaxed: the watchdog reads logs of running threads; a torn entry is possible and
// harmless, and relaxed atomics add no happens-before that could hide a race in the queue.
struct oplog_entry {
    _Atomic uint64_t w0; // op:8 | pid:8 | arg:8 | stamp:40 (see oplog.c)
    _Atomic uint64_t w1; // goid:32 | n:32
};
#define OPLOG_N 256 // a power of two
// A runqsteal entry keeps "runnext allowed" in the top bit of n.
#define STEAL_NEXT_FLAG 0x80000000u

struct oplog_view {
    uint64_t seq;
    int op, pid, arg;
    uint64_t stamp; // when the operation ended; oplog_stamp_us converts
    uint32_t goid, n;
};
struct mstate;
void oplog_clock_init(void);
void oplog_restamp(struct mstate *m);  // read the clock for the next entries
double oplog_stamp_us(uint64_t stamp); // microseconds since the start

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

extern _Thread_local struct mstate *self_m; // the calling worker, NULL elsewhere
extern struct params P;                     // the run's parameters (read-only once threads start)
extern struct mstate *M;                    // nthreads of them
extern int nthreads;
extern _Atomic int stress_stop;        // set when the run ends or fails
extern _Atomic int stress_phase;       // PHASE_CROWD or PHASE_SPARSE, set by the monitor
extern uint64_t stress_t0_ns;          // CLOCK_MONOTONIC at start
extern _Atomic uint64_t stress_audits; // audits passed
struct schedule;
extern const struct schedule *stress_schedule; // --schedule FILE, loaded; NULL otherwise

uint64_t now_ns(void);
uint64_t now_coarse_ms(void); // ms since stress_t0_ns, cheap, coarse

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

// oplog_add records a completed operation of thread m.
void oplog_add(struct mstate *m, int op, int pid, int arg, uint32_t goid, uint32_t n);
// oplog_read returns up to max entries of thread m, oldest first.
int oplog_read(const struct mstate *m, struct oplog_view *out, int max);
void oplog_format(const struct oplog_view *v, char *buf, size_t len);
// dump_threads prints every thread's state and its last `last` operations.
void dump_threads(FILE *f, int last);
// write_thread_ops writes the trace-file sections of every thread's recent operations
// (stress/README.md, "Failure trace").
void write_thread_ops(FILE *f);

// ---- the G ledger ----------------------------------------------------------------------

// Every G has a holder token: where it is (in a queue, parked, or in one thread's hand),
// who moved it there, how, and its transfer number. Takes swap tokens with relaxed
// atomic exchanges: atomicity finds two holders at once; relaxed order keeps the ledger
// from adding happens-before that would hide a missing release/acquire in the queue.
enum { TOK_QUEUED = 0, TOK_PARKED = 1, TOK_HAND = 2 };

void ledger_init(int gs, int state); // every G starts in state (TOK_QUEUED/PARKED)
void ledger_free(void);
// ledger_take: thread m just got G goid from a queue (from = TOK_QUEUED) or the parked set
// (TOK_PARKED) with operation op. Checks the token and the payload; false after reporting a
// failure.
bool ledger_take(struct mstate *m, uint32_t goid, int from, int op, int pid);
// ledger_release: thread m is about to put goid into a queue or park it (to) with op.
// Writes the payload for the next holder. False after reporting a failure.
bool ledger_release(struct mstate *m, uint32_t goid, int to, int op, int pid);
// For audits (world stopped) and dumps: the token's state and payload check.
int ledger_state(uint32_t goid);
void ledger_describe(uint32_t goid, char *buf, size_t len);
bool ledger_payload_ok(uint32_t goid);
void ledger_corrupt_payload(uint32_t goid); // --inject payload (see ledger.c)

// ---- failures and output ---------------------------------------------------------------

// stress_fail reports a broken invariant (an id of the registry, harness/invariants.def): a
// "!!!" line with invariant=<id>, and ends the run. Thread-safe; every failure is printed
// (up to a limit), the first is the verdict.
void stress_fail(int thread, enum inv_id invariant, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void stress_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void stress_out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
bool stress_failed(void);
// The other thread a failure involves (the previous holder), noted before stress_fail.
void stress_note_other(int thread);
int stress_first_thread(void);                               // -1: the monitor (audits, watchdog)
extern uint64_t stress_doing_at_failure[STRESS_MAX_THREADS]; // doing words, first failure
int stress_first_other(void);                                // -1: none
const char *stress_first_invariant(void);
const char *stress_first_message(void);
uint64_t stress_error_count(void);
// A sanitizer's report, seen through __sanitizer_report_error_summary (report.c): the
// monitor turns it into a failure, so a sanitizer that lets the program go on still gets
// the dump and the files. Returns false if none is pending.
bool stress_sanitizer_report(enum inv_id *invariant, char *summary, size_t slen);

// Reads of state that a failed thread may still hold under sched.lock: after a failure the
// dump reads without the lock. Under TSan they are marked, so the failure path does not
// add race reports of its own (the queue's races are reported where they happen).
#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define STRESS_TSAN 1
#endif
#endif
#if defined(__SANITIZE_THREAD__)
#define STRESS_TSAN 1
#endif
#ifdef STRESS_TSAN
void AnnotateIgnoreReadsBegin(const char *file, int line);
void AnnotateIgnoreReadsEnd(const char *file, int line);
#define LOCKLESS_READS_BEGIN() AnnotateIgnoreReadsBegin(__FILE__, __LINE__)
#define LOCKLESS_READS_END() AnnotateIgnoreReadsEnd(__FILE__, __LINE__)
#else
#define LOCKLESS_READS_BEGIN() ((void)0)
#define LOCKLESS_READS_END() ((void)0)
#endif

// ---- stop the world ----------------------------------------------------------------------

// stw_safepoint: call where the thread holds no G. Parks at the barrier while a stop is
// requested. Cheap (one relaxed load) otherwise.
void stw_safepoint_slow(struct mstate *m);
extern _Atomic int stw_requested;
static inline void stw_safepoint(struct mstate *m) {
    if (atomic_load_explicit(&stw_requested, memory_order_relaxed)) {
        stw_safepoint_slow(m);
    }
}
void stw_init(void);
// stw_stop: request a stop and wait until every live thread is at the barrier. Returns
// false if some thread did not arrive within timeout seconds (they stay requested).
bool stw_stop(double timeout);
void stw_start(void);
void stw_thread_exit(struct mstate *m);
// --schedule mode: barrier between rounds. True: stop now (the run ended or failed).
bool round_barrier(struct mstate *m);
void round_barrier_abort(void);

// ---- statistics (stats.c) ----------------------------------------------------------------

struct stats_snapshot {
    double t; // seconds since start
    uint64_t ctr[CTR_N];
    int64_t globq, parked;
    uint64_t audits, errors;
};

struct stress_engine;
struct rec_snapshot;
void stats_collect(struct stats_snapshot *s, const struct stress_engine *e, uint64_t audits);
// stats_line: "key: value ..." over the whole run, with rates over [prev, now].
void stats_line(char *buf, size_t len, const struct stats_snapshot *now,
                const struct stats_snapshot *prev);
// stats_json writes the run's JSON summary; returns 0 on success.
int stats_json(const char *path, const struct stats_snapshot *s, const char *verdict,
               const char *reproduce);

// ---- the per-capacity engine (world.c) -------------------------------------------------

struct stress_stats_extra {
    int64_t globq;  // global queue length (read without sched.lock if it could not be had)
    int64_t parked; // Gs parked
};

struct stress_engine {
    int capacity;
    const char *go;                              // Go version of the port: "1.19" or "master"
    int (*setup)(void);                          // after P, M and the ledger are set
    void *(*worker)(void *mstate);               // thread body
    void *(*schedule_worker)(void *mstate);      // thread body with --schedule (NULL: unsupported)
    bool (*audit)(void);                         // world stopped; false after reporting failures
    void (*dump_queues)(FILE *f);                // racy snapshot, any time; never blocks
    void (*extra)(struct stress_stats_extra *x); // never blocks: sched.lock is only tried
    void (*teardown)(void);
    // --record (record.c): the queues now, world stopped; and how to name an address and a
    // G pointer in a recording.
    void (*rec_snapshot)(struct rec_snapshot *s);
    int (*rec_locate)(const void *addr, int *pid, uint32_t *slot); // REC_LOC_*, -1: unknown
    uint32_t (*rec_goid)(uintptr_t v);                             // 0: nil or no G
};

#endif
