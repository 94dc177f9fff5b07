// oplog.h - operations as logged: each thread's ring of its last operations (oplog.c).
#ifndef STRESS_OPLOG_H
#define STRESS_OPLOG_H

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

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

// oplog_add (run.h, inline) records a completed operation of thread m.
// oplog_read returns up to max entries of thread m, oldest first.
int oplog_read(const struct mstate *m, struct oplog_view *out, int max);
void oplog_format(const struct oplog_view *v, char *buf, size_t len);
// dump_threads prints every thread's state and its last `last` operations.
void dump_threads(FILE *f, int last);
// write_thread_ops writes the trace-file sections of every thread's recent operations
// (stress/README.md, "Failure trace").
void write_thread_ops(FILE *f);
#endif
