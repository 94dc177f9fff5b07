// dsched.h - the deterministic scheduler: runs a schedule's simulated threads as fibers on
// one OS thread, one at a time, switching only at the port's seam operations.
//
// It implements the rq_dsched_* hooks that seam_dsched.h (the seam's deterministic
// backend, here beside the engine) declares. It knows
// nothing of a P's layout: everything capacity-dependent (the world, its ledger, the op
// interpreter) sits behind struct dsched_world, one per compiled capacity and Go version
// (worlds.c: the world_*.c files, compiled once, bound to that port's port_adapter.c).
// An execution is a pure function of the schedule: same schedule, same steps, same trace.
#ifndef HARNESS_DSCHED_H
#define HARNESS_DSCHED_H

#include "invariants.h"
#include "runq_sites.h"
#include "schedule.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

// The access kinds reported after each seam operation (the one definition: dsched.c reports
// the backend's accesses with these), and
// for observers (dsched_options.observe) the steps that are not memory accesses.
enum dsched_access {
    DACC_LOAD,
    DACC_STORE,
    DACC_CAS_OK,
    DACC_CAS_FAIL,
    DACC_LOCK,    // sched.lock taken
    DACC_UNLOCK,  // sched.lock about to be released
    DACC_BACKOFF, // the runnext back-off
};
struct sched_initial;

struct dsched_world {
    int cap;
    // Main context: build the world for s (Ps, Gs, global queue, ledger).
    void (*reset)(const schedule *s);
    // Fiber of thread t: run its program (prefill first for the owner), then return.
    void (*thread_body)(int t);
    // Right after thread t's seam access (ledger commit points, trace values).
    void (*after_access)(int t, enum runq_site site, const void *addr, enum dsched_access k,
                         uintptr_t v, uintptr_t w);
    // Thread t is about to write gp's fields.
    void (*gwrite)(int t, const void *gp);
    // Thread t took (acquired=true) or is releasing sched.lock.
    void (*lock_event)(int t, bool acquired);
    // Main context, all threads done: final accounting.
    void (*finish)(void);
    // One-line queue state for trace rows.
    void (*describe)(char *buf, size_t n);
    // Main context, at the end of a traced run: where every G finished, a line or more.
    void (*describe_end)(FILE *out);
    // A value read or written at a site, for the trace ("G7", "h=3").
    void (*describe_value)(enum runq_site site, const void *addr, uintptr_t v, char *buf, size_t n);
    // Each P's ring length and runnext (set or not), and the global queue's length, as the
    // ledger has them: the Chrome trace's counter tracks.
    void (*sizes)(uint32_t *ring_len, bool *has_next, int *glob_len);
    // For replaying recorded runs (tools/runq_record.c). locate: which field of which P an
    // address is (0 head, 1 tail, 2 runnext, 3 ring slot *slot, 4 status), -1 if none.
    int (*locate)(const void *addr, int *pid, uint32_t *slot);
    // g_of: the index of the G a pointer value names, -1 for nil, -2 if it is no G.
    int (*g_of)(uintptr_t v);
    // labels[i]: the label of G i (initial.h); set by the world for Gs it placed from an
    // initial state, 0 for fresh ones (an observer may name them).
    int32_t *labels;
    // save_initial: the queues now, as an initial state in labels (main context, between
    // decisions, every thread at an op boundary). Unlabelled Gs get 1000000 + index.
    void (*save_initial)(struct sched_initial *out);
};

#define DSCHED_INVARIANT_MAX 40
#define DSCHED_MESSAGE_MAX 512

typedef struct dsched_result {
    bool failed;
    char invariant[DSCHED_INVARIANT_MAX]; // stable id: dup-g, lost-g, not-holder, ...
    char message[DSCHED_MESSAGE_MAX];     // names the G(s), thread(s) and step
    int thread;                           // thread that was running (-1: end checks)
    uint64_t step;                        // step of the failure
    uint64_t steps;                       // scheduling points executed
    uint32_t switches;                    // context switches between simulated threads
    uint32_t ops;                         // operations begun (the owner's prefill counts one)
    uint32_t ops_skipped;                 // of those, skipped: Go's preconditions did not hold
    // Decisions that did not do what they say (for warnings; numbers count from 1):
    int until_missed;         // first `run T until SITE` whose T finished without SITE (0: none)
    int until_missed_count;   // how many did
    int decisions_unused;     // decisions never taken (every thread finished first)
    int decisions_redirected; // decisions naming a finished thread (the next one ran)
    // The failing thread's last access, where its port names Go source lines (a port made
    // by tools/runq-import): "runqput.head proc.go:5804"; empty otherwise.
    char go_at[64];
    // dsched_options.access_digest: the digest of every step (0 when not asked)
    uint64_t access_digest;
} dsched_result;

typedef struct dsched_options {
    FILE *trace;      // swimlane trace (NULL: none)
    bool trace_steps; // trace every step (else an op that ran alone is one line)
    // print each access's Go source line beside it, where the port names it (a port made
    // by tools/runq-import: rq_dsched_go_at)
    bool trace_go_lines;
    // Hash every step (thread, site, kind, memory order, the location and value(s) as the
    // world describes them) into dsched_result.access_digest: two ports that run a schedule
    // the same way, step by step, give the same digest (the import proof).
    bool access_digest;
    // The same execution in the Chrome Trace Event format (chrome_trace.h; NULL: none),
    // and the name its process track gets.
    FILE *chrome;
    const char *chrome_title;
    // Once the decisions run out: false = the seeded PRNG (fuzzing, replay); true = no
    // preemption (the thread that ran last goes on; when it stops, the lowest-numbered
    // runnable one), which systematic exploration builds on.
    bool nonpreemptive_fallback;
    // If set, step k's thread and the mask of threads runnable at it are recorded here
    // (k < record_cap); record_len gets the number of steps.
    uint8_t *record_thread;
    uint8_t *record_runnable;
    uint32_t record_cap;
    uint32_t *record_len;
    // If set (weak memory), each load that had a choice of stores is recorded here in
    // execution order: its step index, thread, the staleness it could have taken at most,
    // and the one it took (choice_cap entries at most; choice_len gets the count).
    struct dsched_choice {
        uint32_t step;
        uint8_t thread, max, taken;
    } * record_choices;
    uint32_t choice_cap;
    uint32_t *choice_len;
    // If set, called after every step of a simulated thread (each access with its value,
    // each lock, unlock and back-off); returning false fails the execution with invariant
    // "replay-divergence" (the observer says why in its message).
    bool (*observe)(void *ctx, int t, enum runq_site site, const void *addr, enum dsched_access k,
                    uintptr_t v, uintptr_t w, char *why, size_t whylen);
    // If set, called in the main context before each decision is picked, with the steps so
    // far.
    void (*before_pick)(void *ctx, uint64_t step);
    void *ctx;
} dsched_options;

// Run one execution. Returns true if it passed.
bool dsched_run(const schedule *s, const struct dsched_world *w, const dsched_options *o,
                dsched_result *r);

// Called by the world (from a fiber or the main context): report a broken invariant (an id
// of the registry, invariants.def). The first report wins; from a fiber this never returns
// (the execution stops there).
void dsched_fail(enum inv_id invariant, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool dsched_failed(void);

// The running simulated thread (-1 in the main context) and the current step.
int dsched_thread(void);
uint64_t dsched_step(void);
// Scheduling points made by threads other than t so far, plus t's stale reads (an op ran
// alone if this did not change between its begin and end).
uint64_t dsched_others_steps(int t);

// Operation boundaries, from the world's thread body (for decisions, liveness, trace).
void dsched_op_begin(int t, const char *what);
void dsched_op_end(int t, const char *result);
// The op being run was skipped (Go's preconditions do not hold); counted for the verdict.
void dsched_op_skipped(void);
// The thread's own P status affects nothing here; events feed libFuzzer's extra counters.
enum dsched_event {
    DEV_CAS_FAIL_HEAD, // a CAS on runqhead lost
    DEV_CAS_FAIL_NEXT, // a CAS on runnext lost
    DEV_INCONSISTENT,  // a runqgrab/runqdrain "inconsistent h and t" retry
    DEV_RUNNEXT_STOLEN,
    DEV_OVERFLOW,   // runqputslow committed
    DEV_SPILL,      // runqputbatch spilled to the global queue
    DEV_DRAIN,      // runqdrain took Gs
    DEV_STEAL,      // runqgrab took Gs from a ring
    DEV_GLOBGET,    // globrunqget returned Gs
    DEV_EMPTY_TRUE, // runqempty said true
    DEV_LOCK_WAIT,  // a thread waited for sched.lock
    DEV_WRAP,       // a ring index crossed 2^32
    DEV_COUNT
};
void dsched_event(enum dsched_event e);
// Weak memory: how many stores older than the newest allowed one thread t's load at site s
// reads (the next queued `read T stale K` decision; 0 when none is left). The memory
// model asks only when the load has a choice; max (>= 1) is the most it may skip.
unsigned dsched_stale_choice(int t, enum runq_site s, unsigned max);
// Events of the last execution, for tests and benchmarks.
const uint32_t *dsched_event_counts(void);
// Scheduling-point counts by site for the last execution.
const uint32_t *dsched_site_counts(void);

#endif
