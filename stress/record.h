// record.h - runq-torture --record: a flight recorder per thread and the queues' state at
// each audit, written on failure as a recording (stress/README.md, "Record mode") that
// tools/runq-record replays on the deterministic engine.
//
// Every seam access of a worker is made under one global lock that also hands out a
// ticket (queue/seam_native.h, RUNQ_SEAM_RECORD): the tickets are a total order of all
// accesses that is exactly the order they happened in, with the values read and written.
// Each thread also marks where each of its port calls begins, as the engine's schedule op
// it stands for ("get 1", "steal 2", ...).
#ifndef STRESS_RECORD_H
#define STRESS_RECORD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define REC_MAX_PROCS 4
#define REC_MAX_CAP 256
#define REC_N (1u << 20) // entries per thread (a power of two; 40 MB each, touched as used)

// What a recorded address is (rec_locate).
enum { REC_LOC_HEAD, REC_LOC_TAIL, REC_LOC_NEXT, REC_LOC_SLOT, REC_LOC_STATUS, REC_LOC_LOCK };

// The engine op a port call stands for (names as in harness/schedule.h).
#define REC_OP_LIST(X)                                                                             \
    X(PUT, "put")                                                                                  \
    X(PUTNEXT, "putnext")                                                                          \
    X(GET, "get")                                                                                  \
    X(GLOBGET, "globget")                                                                          \
    X(STEAL, "steal")                                                                              \
    X(STEALNEXT, "stealnext")                                                                      \
    X(PUTBATCH, "putbatch")                                                                        \
    X(DRAIN, "drain")
enum rec_op {
#define X(e, name) REC_OP_##e,
    REC_OP_LIST(X)
#undef X
        REC_OP_N
};

// The queues at one audit (world stopped), in goids.
struct rec_snapshot {
    bool valid;
    int procs, cap;
    uint32_t head[REC_MAX_PROCS], tail[REC_MAX_PROCS], next[REC_MAX_PROCS];
    uint32_t slots[REC_MAX_PROCS][REC_MAX_CAP];
    uint32_t *glob; // P.gs entries
    int nglob;
    uint64_t ticket;             // tickets handed out before it
    uint64_t pos[REC_MAX_PROCS]; // each thread's entries before it
    double t;                    // seconds since the start
};

#if defined(RUNQ_SEAM_RECORD) || defined(STRESS_RECORD_IMPL)
extern bool rq_record_on;
#define REC_ON() __builtin_expect(rq_record_on, 0)
#else
#define REC_ON() 0
#endif

struct stress_engine;
// record_init: allocate the recorders and switch recording on (before threads start).
// Returns -1 if out of memory.
int record_init(int nthreads, int gs);
void record_thread_start(int id); // a worker, first thing
// record_op: the calling worker is about to make the port call that engine op stands for;
// goids: the Gs it puts (n of them), in order, so the replay can give its Gs the same names.
void record_op(enum rec_op op, int arg, const uint32_t *goids, int n);
// record_snapshot: after an audit passed (world stopped) or before threads start.
void record_snapshot(const struct stress_engine *e, double t);
// record_taken: thread t's port call (op, on P pid) just returned goid: false after
// reporting a failure if the recorder has it elsewhere (queued: not-holder; in another
// thread's hand: dup-g), as the engine reports a G returned to a thread that did not take it.
bool record_taken(int t, uint32_t goid, const char *op, int pid);
// record_freeze: the first failure; later accesses are not recorded.
void record_freeze(void);
void record_unfreeze(void); // tests: recording again after stress_report_reset
// record_write: the recording since the last snapshot. 0, or -1 with err set.
int record_write(const char *path, const struct stress_engine *e, const char *program,
                 const char *params, const char *invariant, const char *message, char *err,
                 size_t errlen);

#endif
