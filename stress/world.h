// world.h - what world.c shares with rounds.c inside one capacity's copy of the world.
// Include after runq.h: every name here gets this copy's prefix (c8_stress_put_g, ...), as
// the port's own names do, so the copies for several capacities link side by side.
#ifndef STRESS_WORLD_H
#define STRESS_WORLD_H

#define STRESS_W(name) RQ_NS(stress_##name)
#define allp STRESS_W(allp)
#define allg STRESS_W(allg)
#define px STRESS_W(px)
#define goid_of STRESS_W(goid_of)
#define ring_len STRESS_W(ring_len)
#define lock_sched STRESS_W(lock_sched)
#define unlock_sched STRESS_W(unlock_sched)
#define try_lock_sched STRESS_W(try_lock_sched)
#define tick STRESS_W(tick)
#define own_p STRESS_W(own_p)
#define put_g STRESS_W(put_g)
#define pop_parked STRESS_W(pop_parked)
#define op_batch STRESS_W(op_batch)
#define op_drain STRESS_W(op_drain)
#define got STRESS_W(got)
#define globget STRESS_W(globget)
#define steal_from STRESS_W(steal_from)
#define world_audit STRESS_W(audit)
#define rounds_worker STRESS_W(rounds_worker)

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

#endif
