// unit_stress.c - runq-torture's library without its driver and without threads: a small
// run state built here, the G ledger's moves and the failures they report, the operation
// log, and the stop-the-world audit over a hand-built P (capacity 8, Go 1.19).
//
// Linked against stress_common and one world (runq-torture_world_c8), not main.c: that it
// links at all is half the test (the library must not need the driver's symbols).
#include "record.h"
#include "torture.h"

#include <stdlib.h>
#include <string.h>

#include "runq_version.h" // after the system headers: its name prefix must not touch them
#include "world.h"        // this capacity's world: allp, allg, globget, put_g, ...

extern const struct stress_engine stress_engine_c8;

#define UNIT_NAME "unit_stress"
#include "expect.h"

#define GS 16

static struct stress_run R;

// The failure reported since the last reset: its invariant id, or "" if none.
static const char *reported(void) {
    return stress_failed() ? stress_first_invariant() : "";
}

static void run_setup(void) {
    char *argv[] = {"unit_stress", "--procs", "2",      "--gs", "16",
                    "--capacity",  "8",       "--seed", "1",    "--no-handoff"};
    int caps[] = {8};
    int rc = parse_params(&R.params, (int)(sizeof argv / sizeof argv[0]), argv, caps, 1);
    EXPECT(rc == 0, "parse_params: %d", rc);
    clock_start();
    stress_run_install(&R);
    EXPECT(stress_run_threads(&R, 2, R.params.seed) == 0, "out of memory");
    // The same seeds as the driver's: thread programs repeat for a given --seed.
    struct stress_run again;
    EXPECT(stress_run_threads(&again, 2, R.params.seed) == 0, "out of memory");
    EXPECT(again.m[1].rng == R.m[1].rng && R.m[0].rng != R.m[1].rng, "per-thread seeds");
    stress_run_free_threads(&again);
}

static void test_ledger(void) {
    struct mstate *t0 = &R.m[0], *t1 = &R.m[1];
    ledger_init(GS, TOK_QUEUED);
    // A move: taken from a queue into T0's hand, then put back.
    EXPECT(ledger_take(t0, 1, TOK_QUEUED, OP_GLOBRUNQGET, 0), "take g1");
    EXPECT(ledger_state(1) == TOK_HAND, "g1 in hand: %d", ledger_state(1));
    EXPECT(ledger_release(t0, 1, TOK_QUEUED, OP_RUNQPUT, 0), "release g1");
    EXPECT(ledger_state(1) == TOK_QUEUED && ledger_payload_ok(1), "g1 queued, payload ok");
    char d[256];
    ledger_describe(1, d, sizeof d);
    EXPECT(strcmp(d, "queued by T0 with runqput on P0 (transfer 1)") == 0, "describe: %s", d);
    EXPECT(ledger_take(t1, 1, TOK_QUEUED, OP_RUNQGET, 0), "T1 takes g1 next");
    EXPECT(ledger_release(t1, 1, TOK_PARKED, OP_PARK, 0) && ledger_state(1) == TOK_PARKED,
           "g1 parked");
    EXPECT(strcmp(reported(), "") == 0, "no failure yet: %s", reported());

    // A duplicate: T0 holds g2 when T1 takes it from a queue too.
    EXPECT(ledger_take(t0, 2, TOK_QUEUED, OP_RUNQGET, 0), "take g2");
    EXPECT(!ledger_take(t1, 2, TOK_QUEUED, OP_RUNQSTEAL, 1), "a second take of g2 must fail");
    EXPECT(strcmp(reported(), "dup-g") == 0, "duplicate G: invariant %s", reported());
    EXPECT(stress_first_thread() == 1 && stress_first_other() == 0, "threads %d, other %d",
           stress_first_thread(), stress_first_other());
    EXPECT(atomic_load(&R.stop) == 1, "a failure stops the run");
    stress_report_reset();
    atomic_store(&R.stop, 0);

    // Letting go of a G one does not hold.
    EXPECT(!ledger_release(t0, 3, TOK_QUEUED, OP_RUNQPUT, 0), "release of a queued G");
    EXPECT(strcmp(reported(), "not-holder") == 0, "not the holder: invariant %s", reported());
    stress_report_reset();

    // A payload the last holder did not write.
    ledger_corrupt_payload(4);
    EXPECT(!ledger_payload_ok(4), "corrupt payload seen by the audit's check");
    EXPECT(!ledger_take(t0, 4, TOK_QUEUED, OP_RUNQGET, 0), "take of a corrupt G");
    EXPECT(strcmp(reported(), "payload-mismatch") == 0, "payload: invariant %s", reported());
    stress_report_reset();
    atomic_store(&R.stop, 0);
    ledger_free();
}

static void test_oplog(void) {
    struct mstate *t0 = &R.m[0];
    oplog_clock_init();
    oplog_restamp(t0);
    struct oplog_view v[OPLOG_N];
    EXPECT(oplog_read(t0, v, OPLOG_N) == 0, "empty log");
    oplog_add(t0, OP_RUNQPUT, 1, 0, 5, 0);
    oplog_add(t0, OP_RUNQSTEAL, 0, 1, 7, 3 | STEAL_NEXT_FLAG);
    int n = oplog_read(t0, v, OPLOG_N);
    EXPECT(n == 2 && v[0].op == OP_RUNQPUT && v[0].pid == 1 && v[0].goid == 5 &&
               v[1].op == OP_RUNQSTEAL && v[1].seq == 1,
           "two entries, oldest first: %d", n);
    char buf[128];
    oplog_format(&v[0], buf, sizeof buf);
    EXPECT(strcmp(buf, "P1 runqput g5") == 0, "format: %s", buf);
    oplog_format(&v[1], buf, sizeof buf);
    EXPECT(strcmp(buf, "P0 runqsteal P1 runnext -> g7 n=3") == 0, "format: %s", buf);
    // The ring keeps the last OPLOG_N, in order.
    for (uint32_t i = 0; i < OPLOG_N + 10; i++) {
        oplog_add(t0, OP_RUN, 0, 0, i + 1, 0);
    }
    n = oplog_read(t0, v, OPLOG_N);
    EXPECT(n == OPLOG_N && v[0].goid == 11 && v[n - 1].goid == OPLOG_N + 10 &&
               v[n - 1].seq == OPLOG_N + 11,
           "wrapped log: %d entries, first g%u, last g%u", n, v[0].goid, v[n - 1].goid);
    EXPECT(oplog_read(t0, v, 3) == 3 && v[2].goid == OPLOG_N + 10, "the last 3");
    set_doing(t0, OP_RUNQSTEAL, 0, 1, 0);
    describe_doing(atomic_load(&t0->doing), buf, sizeof buf);
    EXPECT(strcmp(buf, "runqsteal on P0 from P1") == 0, "doing: %s", buf);
}

// A world of two Ps owned by threads 0 and 1 (capacity 8), every G on the global queue and
// queued in the ledger: the start of the tests that drive the world's own ops by hand.
static const struct stress_engine *two_p_world(void) {
    const struct stress_engine *e = &stress_engine_c8;
    ledger_init(GS, TOK_QUEUED);
    EXPECT(e->setup() == 0, "setup");
    own_p(&R.m[0], 0);
    own_p(&R.m[1], 1);
    return e;
}

// The audit over a hand-built P: Gs moved from the global queue into P0's ring with the
// world's own ops (ledger checked), then a planted duplicate and a planted loss.
static void test_audit(void) {
    const struct stress_engine *e = two_p_world();
    EXPECT(e->audit(), "the whole population on the global queue: %s", reported());
    struct mstate *t0 = &R.m[0];
    for (int i = 0; i < 3; i++) {
        uint32_t goid = globget(t0, 0, 1);
        EXPECT(goid == (uint32_t)i + 1, "globget: g%u", goid);
        EXPECT(put_g(t0, 0, goid, i == 2), "put g%u", goid);
    }
    p *pp = &allp[0];
    EXPECT(atomic_load(&pp->runqtail) - atomic_load(&pp->runqhead) == 2 &&
               atomic_load(&pp->runnext) == guintptr_of(&allg[2]),
           "P0: two in the ring, g3 in runnext");
    EXPECT(e->audit(), "after the moves: %s", reported());
    EXPECT(strcmp(reported(), "") == 0, "no failure: %s", reported());

    // A duplicate: g1 written into a second ring slot (as --inject dup does).
    uint32_t t = atomic_load(&pp->runqtail);
    atomic_store(&pp->runq[t % RUNQ_CAP], guintptr_of(&allg[0]));
    atomic_store(&pp->runqtail, t + 1);
    EXPECT(!e->audit(), "a G queued twice must fail the audit");
    EXPECT(strcmp(reported(), "dup-g") == 0, "audit, duplicate: invariant %s", reported());
    stress_report_reset();

    // A loss: the ring's last two slots dropped (the duplicate and g2).
    atomic_store(&pp->runqtail, t - 1);
    EXPECT(!e->audit(), "a G in no place must fail the audit");
    EXPECT(strcmp(reported(), "lost-g") == 0, "audit, lost: invariant %s", reported());
    stress_report_reset();

    // A P with no owner.
    atomic_store(&pp->runqtail, t);
    EXPECT(e->audit(), "restored: %s", reported());
    atomic_store(&R.m[1].pid, -1);
    EXPECT(!e->audit(), "a P with no owner must fail the audit");
    EXPECT(strcmp(reported(), "p-owner") == 0, "audit, owner: invariant %s", reported());
    stress_report_reset();
    atomic_store(&R.m[1].pid, 1);

    // The walker's edges (harness/qwalk.h): a ring longer than its capacity is not walked...
    atomic_store(&pp->runqtail, atomic_load(&pp->runqhead) + RUNQ_CAP + 1);
    EXPECT(!e->audit(), "a ring over capacity must fail the audit");
    EXPECT(strcmp(reported(), "audit-count") == 0, "audit, over capacity: invariant %s",
           reported());
    stress_report_reset();
    atomic_store(&pp->runqtail, t);
    // ... a slot holding no G is named, ...
    uint32_t h = atomic_load(&pp->runqhead);
    guintptr s0 = atomic_load(&pp->runq[h % RUNQ_CAP]);
    atomic_store(&pp->runq[h % RUNQ_CAP], (guintptr)1);
    EXPECT(!e->audit(), "a slot that holds no G must fail the audit");
    EXPECT(strcmp(reported(), "bad-g") == 0, "audit, not a G: invariant %s", reported());
    stress_report_reset();
    atomic_store(&pp->runq[h % RUNQ_CAP], s0);
    // ... and a cycle in the global queue ends the walk (at population + 1 Gs).
    g *tail = guintptr_ptr(sched.runq.tail);
    tail->schedlink = sched.runq.head;
    EXPECT(!e->audit(), "a cycle in the global queue must fail the audit");
    EXPECT(strcmp(reported(), "dup-g") == 0, "audit, cycle: invariant %s", reported());
    stress_report_reset();
    tail->schedlink = 0;
    EXPECT(e->audit(), "restored again: %s", reported());
    e->teardown();
    ledger_free();
}

// The flight recorder's seam-level checks (stress/record.c, --record): the world's own ops
// on the recording port (every access goes through the recorder) raise nothing; then a
// schedlink write by a thread that does not hold the G (not-holder) and a runqtail store
// that publishes a slot no G was written to (nil-g), each as the engine reports it.
static void test_record(void) {
    const struct stress_engine *e = two_p_world();
    EXPECT(record_init(2, GS) == 0, "record_init");
    record_unfreeze(); // the failures the tests above provoked froze it
    record_snapshot(e, 0);
    struct mstate *t0 = &R.m[0], *t1 = &R.m[1];
    record_thread_start(0);
    for (int i = 0; i < 4; i++) {
        uint32_t goid = globget(t0, 0, 1);
        EXPECT(goid == (uint32_t)i + 1, "globget: g%u", goid);
        EXPECT(put_g(t0, 0, goid, i == 3), "put g%u", goid);
    }
    EXPECT(op_drain(t0, 0), "drain");
    for (int i = 0; i < 3; i++) {
        uint32_t goid = globget(t0, 0, 1);
        EXPECT(goid != 0, "globget after the drain");
        EXPECT(put_g(t0, 0, goid, false), "put g%u", goid);
    }
    record_thread_start(1);
    uint32_t stolen = steal_from(t1, 1, 0, false);
    EXPECT(stolen != 0, "T1 steals from P0");
    gQueue q = {0};
    gQueue_pushBack(&q, &allg[stolen - 1]); // its own G: fine
    EXPECT(strcmp(reported(), "") == 0, "no failure from good moves: %s", reported());

    // T1 links a G that is still queued in P0's ring.
    p *pp = &allp[0];
    uint32_t h = atomic_load(&pp->runqhead);
    g *queued = guintptr_ptr(atomic_load(&pp->runq[h % RUNQ_CAP]));
    gQueue q2 = {0};
    gQueue_pushBack(&q2, queued);
    EXPECT(strcmp(reported(), "not-holder") == 0, "schedlink by a non-holder: invariant %s",
           reported());
    stress_report_reset();
    atomic_store(&R.stop, 0);

    // A G returned to a thread that did not take it: still queued, or in another's hand.
    EXPECT(record_taken(1, stolen, "runqsteal", 0), "T1 took g%u", stolen);
    EXPECT(!record_taken(1, goid_of(queued), "runqget", 1) && strcmp(reported(), "not-holder") == 0,
           "a queued G returned: invariant %s", reported());
    stress_report_reset();
    atomic_store(&R.stop, 0);
    EXPECT(!record_taken(0, stolen, "runqget", 0) && strcmp(reported(), "dup-g") == 0,
           "a G in T1's hand returned to T0: invariant %s", reported());
    stress_report_reset();
    atomic_store(&R.stop, 0);

    // T0 publishes one slot past its tail, never written (P0's ring never got that far).
    record_thread_start(0);
    uint32_t t = atomic_load(&pp->runqtail);
    EXPECT(atomic_load(&pp->runq[t % RUNQ_CAP]) == 0, "slot %u never written", t % RUNQ_CAP);
    rq_StoreRel(&pp->runqtail, t + 1, RQ_SITE_runqput_publish);
    EXPECT(strcmp(reported(), "nil-g") == 0, "publish of a nil slot: invariant %s", reported());
    stress_report_reset();
    atomic_store(&R.stop, 0);
    atomic_store(&pp->runqtail, t);
    e->teardown();
    ledger_free();
}

int main(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    run_setup();
    test_ledger();
    test_oplog();
    test_audit();
    test_record(); // last: it switches the recorder on for good
    stress_run_free_threads(&R);
    printf("unit_stress: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
