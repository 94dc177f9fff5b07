// world.h - what the files of one capacity's copy of the world share (private to them:
// the rest of stress/ sees the world through struct stress_engine, engine.h).
// Include after runq.h: every name here gets this copy's prefix (c8_stress_put_g, ...), as
// the port's own names do, so the copies for several capacities link side by side.
//
// Files (each compiled once per capacity and Go version against that copy of the port):
//   world_core.c    the Ps, Gs and shared state; G names, sched.lock, the round's tick
//   world_ops.c     the ops on the port, checked: put, ready, batch, drain, take, globget, steal
//   world_loop.c    the scheduler loop every thread runs: find_runnable, run, P hand-off
//   world_inject.c  --stall and --inject: the planted failures
//   world_audit.c   the stop-the-world audit: every G in exactly one place
//   world_dump.c    the queue dump and the monitor's statistics (relaxed reads, any time)
//   world_record.c  --record: snapshots and address names for the flight recorder
//   world_setup.c   set-up, tear-down and this copy's struct stress_engine
//   rounds.c        --schedule: a fuzz schedule's thread programs on real threads
#ifndef STRESS_WORLD_H
#define STRESS_WORLD_H

#define STRESS_W(name) RQ_NS(stress_##name)
#define allp STRESS_W(allp)
#define allg STRESS_W(allg)
#define px STRESS_W(px)
#define goid_of STRESS_W(goid_of)
#define checked_goid STRESS_W(checked_goid)
#define ring_len STRESS_W(ring_len)
#define lock_sched STRESS_W(lock_sched)
#define unlock_sched STRESS_W(unlock_sched)
#define try_lock_sched STRESS_W(try_lock_sched)
#define tick STRESS_W(tick)
#define own_p STRESS_W(own_p)
#define put_g STRESS_W(put_g)
#define pop_parked STRESS_W(pop_parked)
#define op_ready STRESS_W(op_ready)
#define op_batch STRESS_W(op_batch)
#define op_drain STRESS_W(op_drain)
#define got STRESS_W(got)
#define globget STRESS_W(globget)
#define steal_from STRESS_W(steal_from)
#define world_audit STRESS_W(audit)
#define rounds_worker STRESS_W(rounds_worker)
#define pidle STRESS_W(pidle)
#define npidle STRESS_W(npidle)
#define npidle_hint STRESS_W(npidle_hint)
#define mix_cum STRESS_W(mix_cum)
#define mix_total STRESS_W(mix_total)
#define coprimes STRESS_W(coprimes)
#define ncoprimes STRESS_W(ncoprimes)
#define allm STRESS_W(allm)
#define allcurg STRESS_W(allcurg)
#define loc_count STRESS_W(loc_count)
#define loc_first STRESS_W(loc_first)
#define world_qlayout STRESS_W(qlayout)
#define inject_stall STRESS_W(inject_stall)
#define inject_failure STRESS_W(inject_failure)
#define world_plant_dup STRESS_W(plant_dup)
#define world_worker STRESS_W(worker)
#define world_dump_queues STRESS_W(dump_queues)
#define world_extra STRESS_W(extra)
#define world_rec_global STRESS_W(rec_global)
#define world_rec_snapshot STRESS_W(rec_snapshot)
#define world_rec_locate STRESS_W(rec_locate)
#define world_rec_goid STRESS_W(rec_goid)

// ---- runq-torture-unchecked ----------------------------------------------------------------
// With -DSTRESS_UNCHECKED (and the native port, without the flight recorder's hooks) these
// files are tools/bench_stress.sh's like-for-like bare loop: the same Ps, threads, op mix,
// stealing and hand-off as the checked program, with every check and the bookkeeping that
// serves it compiled out: holder tokens and payloads (the ledger), the op log and its
// clock, what each thread is doing, the counters other than qops and runs (ops/s and the
// watchdog), the G pointer check, the drain's walk of its gQueue, the audit's walk and the
// statistics-only peeks. What stays is what Go's scheduler loop would do anyway.
#ifdef STRESS_UNCHECKED
#define CHECKED 0
#define ledger_take(m, goid, from, op, pid)                                                        \
    ((void)(m), (void)(goid), (void)(from), (void)(op), (void)(pid), true)
#define ledger_release(m, goid, to, op, pid)                                                       \
    ((void)(m), (void)(goid), (void)(to), (void)(op), (void)(pid), true)
#define oplog_add(m, op, pid, arg, goid, n)                                                        \
    ((void)(m), (void)(op), (void)(pid), (void)(arg), (void)(goid), (void)(n))
#define oplog_restamp(m) ((void)(m))
#define set_doing(m, op, pid, arg, goid)                                                           \
    ((void)(m), (void)(op), (void)(pid), (void)(arg), (void)(goid))
// ctr_add names itself inside its own expansion: that is the inline function (run.h).
#define ctr_add(m, c, v) ((c) == CTR_QOPS || (c) == CTR_RUNS ? ctr_add(m, c, v) : (void)(v))
#else
#define CHECKED 1
#endif

// ---- the Go version's API ----------------------------------------------------------------
#ifdef RUNQ_GO_MASTER
#define GLOBAL_SIZE() sched.runq.size
#define GLOBAL_SIZE_LVALUE sched.runq.size
extern m *allm;    // one M per P, running curgs[i]: runqgrab's back-off looks at it
extern g *allcurg; // the G each M runs (never queued; always _Grunning here)
#else
#define GLOBAL_SIZE() sched.runqsize
#define GLOBAL_SIZE_LVALUE sched.runqsize
#endif

// What the harness keeps per P besides the port's struct p. Owned by the P's owner thread;
// ownership moves through sched.lock (releasep/acquirep), as in Go.
struct pextra {
    _Alignas(64) g **parked;
    int nparked;
    _Atomic int nparked_hint; // relaxed copy of nparked, for statistics and dumps
    uint32_t schedtick;
    _Atomic int owner; // thread id, -1 while idle (dumps and audits)
    int last_owner;
    uint32_t *scratch; // goids of a batch being built
};
extern struct pextra *px; // one per P
extern p *allp;           // the Ps
extern g *allg;           // the Gs; goid i is allg[i - 1]

uint32_t goid_of(g *gp);  // 0 if gp is not one of ours
uint32_t ring_len(p *pp); // relaxed peek, statistics only
void lock_sched(void);
void unlock_sched(void);
bool try_lock_sched(int ms); // bounded wait; for the monitor and the failure path
void tick(struct mstate *m); // a scheduling round: liveness, clocks
void own_p(struct mstate *m, int pid);
uint32_t pop_parked(struct mstate *m, struct pextra *x); // a random parked G (not taken)
// The ops: false after a reported failure.
bool put_g(struct mstate *m, int pid, uint32_t goid, bool next); // runqput
bool op_batch(struct mstate *m, int pid, int k);                 // wake k parked Gs, runqputbatch
bool op_drain(struct mstate *m, int pid);                        // runqdrain + globrunqputbatch
// Taking Gs: the goid taken (ledger checked), 0 if none or after a failure.
uint32_t got(struct mstate *m, g *gp, int op, int pid, int arg, uint32_t n);
uint32_t globget(struct mstate *m, int pid, int32_t max);
uint32_t steal_from(struct mstate *m, int pid, int v, bool stealRunNextG);
bool world_audit(void);         // world stopped, or quiet between rounds
void *rounds_worker(void *arg); // rounds.c: the thread body with --schedule

// Idle Ps (with --handoff), under sched.lock like Go's sched.pidle (world_loop.c; set up
// by world_setup.c, read by the audit).
extern int *pidle;
extern int npidle;
extern _Atomic int npidle_hint;
// The op mix (world_setup.c fills them, world_loop.c draws from them).
extern unsigned mix_cum[PHASE_N][MIX_N]; // cumulative weights, in thousandths
extern unsigned mix_total[PHASE_N];
extern int coprimes[STRESS_MAX_PROCS]; // stealOrder's strides
extern int ncoprimes;
// The audit's per-G counts and first places (world_audit.c; allocated by world_setup.c).
extern uint32_t *loc_count;
extern uint32_t *loc_first;
struct qlayout;
struct rec_snapshot;
struct stress_stats_extra;
const struct qlayout *world_qlayout(void); // this copy's port for the walker (qwalk.h)

// Checked G names: a G the port handed out must be one of ours (world_ops.c).
uint32_t checked_goid(struct mstate *m, g *gp, int op, int pid);
bool op_ready(struct mstate *m, int pid); // wake a parked G into runnext
// --stall and --inject (world_inject.c), called by the loop of T0 (and T1: race).
void inject_stall(struct mstate *m, int pid);
void inject_failure(struct mstate *m, int pid);
// The engine's entry points (struct stress_engine, world_setup.c).
void *world_worker(void *arg); // world_loop.c: the thread body
bool world_plant_dup(void);    // world_inject.c
void world_dump_queues(FILE *f);
void world_extra(struct stress_stats_extra *x);
int world_rec_global(uint32_t *goids, int max);
void world_rec_snapshot(struct rec_snapshot *s);
int world_rec_locate(const void *addr, int *pid, uint32_t *slot);
uint32_t world_rec_goid(uintptr_t v);

#endif
