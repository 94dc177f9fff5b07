// params.h - runq-torture's parameters: the op mixes, --inject, and the option parser
// (options.c). Read-only once the threads start.
#ifndef STRESS_PARAMS_H
#define STRESS_PARAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STRESS_MAX_PROCS 64
#define STRESS_MAX_THREADS (STRESS_MAX_PROCS + 1)
#define STRESS_MAX_GS (1 << 20)

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
    bool schedule_bytes; // --bytes: read --schedule FILE as fuzzer bytes, whatever it looks like
    double stall;        // --stall: T0 stops making progress for this long, from t=0.5s (tests)
    int inject;          // --inject KIND: one planted failure at t=0.5s (tests of the failure path)
    bool record;         // --record: flight recorder and audit snapshots (record.c)
};

// --inject KIND: each plants one failure of a kind the run must report and end cleanly on
// (issue 13: the failure path itself is under test). X(enum, name, help)
#define STRESS_INJECT_LIST(X)                                                                      \
    X(NONE, "none", "no injected failure")                                                         \
    X(THROW, "throw", "T0 throws (rq_throw) holding no lock")                                      \
    X(THROW_LOCKED, "throw-locked", "T0 throws while it holds sched.lock")                         \
    X(STALL_LOCKED, "stall-locked", "T0 takes sched.lock and never lets go (watchdog)")            \
    X(LOST, "lost", "T0 unlinks a G from the global queue and forgets it (audit: lost-g)")         \
    X(DUP, "dup", "a G queued twice in a ring, world stopped (the audit: dup-g)")                  \
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
// format_params writes the options of the reproduce: line: "--seed S --duration D" and
// every option not at its default.
void format_params(const struct params *pr, char *buf, size_t len);
// params_banner prints the "--- Start of test:" banner: the parameters that apply to the
// run, once, wrapped (report.h's STRESS_LINE_MAX).
void params_banner(const struct params *pr, int nthreads, const char *schedule_how,
                   const char *preset);
void format_mix(const double *mix, char *buf, size_t len);
void format_duration(double s, char *buf, size_t len);

#endif
