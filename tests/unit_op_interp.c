// unit_op_interp.c - the op interpreter (harness/op_interp.h) over a backend that records
// its calls: which entry point each op calls, how often, what becomes of a G it got, Go's
// preconditions, and that a hook's "stop" stops the op. Exit 0 ok, 1 a check failed.
#include "op_interp.h"

#include <stdio.h>
#include <string.h>

static int failures;
static void check(bool ok, int line, const char *what) {
    if (!ok) {
        fprintf(stderr, "unit_op_interp: line %d: check failed: %s\n", line, what);
        failures++;
    }
}
#define CHECK(c) check((c), __LINE__, #c)

// The recording backend: a log of calls, fresh Gs 1..fresh_left, a queue of Gs for gets.
struct rec {
    char log[512];
    int fresh_left, next_g;
    opi_g queue[8];
    int nqueue;
    uint32_t ring;    // what runq_len says
    const char *stop; // the hook that reports a failure ("" none)
};

static bool say(struct rec *r, const char *what, long v) {
    char b[48];
    snprintf(b, sizeof b, "%s%s", r->log[0] ? " " : "", what);
    strncat(r->log, b, sizeof r->log - strlen(r->log) - 1);
    if (v >= 0) {
        snprintf(b, sizeof b, "%ld", v);
        strncat(r->log, b, sizeof r->log - strlen(r->log) - 1);
    }
    return strcmp(r->stop, what) != 0;
}

static opi_g take(struct rec *r) {
    if (r->nqueue == 0) {
        return 0;
    }
    opi_g g = r->queue[0];
    memmove(r->queue, r->queue + 1, (size_t)--r->nqueue * sizeof r->queue[0]);
    return g;
}

static void h_begin(void *c, int t, const sched_op *op) {
    (void)t, (void)op;
    say(c, "begin", -1);
}
static void h_skipped(void *c, int t, const sched_op *op, enum op_skip why) {
    (void)t, (void)op;
    say(c, "skipped", why);
}
static void h_start(void *c, int t, const sched_op *op) {
    (void)t, (void)op;
    say(c, "start", -1);
}
static void h_end(void *c, int t, const sched_op *op) {
    (void)t, (void)op;
    say(c, "end", -1);
}
static uint32_t h_runq_len(void *c, int t) {
    (void)t;
    return ((struct rec *)c)->ring;
}
static bool h_fresh(void *c, int t, opi_g *g) {
    struct rec *r = c;
    (void)t;
    *g = r->fresh_left > 0 ? (opi_g)(r->fresh_left--, ++r->next_g) : 0;
    return say(r, "fresh", (long)*g);
}
static bool h_finish(void *c, int t, opi_g g, enum op_call from) {
    (void)t, (void)from;
    return say(c, "finish", (long)g);
}
static bool h_resume(void *c, int t, opi_g g) {
    (void)t;
    return say(c, "resume", (long)g);
}
static bool h_runq_put(void *c, int t, opi_g g, bool next) {
    (void)t;
    return say(c, next ? "putnext" : "put", (long)g);
}
static bool h_runq_get(void *c, int t, opi_g *g) {
    (void)t;
    *g = take(c);
    return say(c, "get", (long)*g);
}
static bool h_runq_putbatch(void *c, int t, int n) {
    (void)t;
    return say(c, "putbatch", n);
}
static bool h_runq_drain(void *c, int t) {
    (void)t;
    return say(c, "drain", -1);
}
static bool h_lock(void *c, int t) {
    (void)t;
    return say(c, "lock", -1);
}
static bool h_unlock(void *c, int t) {
    (void)t;
    return say(c, "unlock", -1);
}
static bool h_glob_put(void *c, int t, opi_g g, bool head) {
    (void)t;
    return say(c, head ? "globputhead" : "globput", (long)g);
}
static bool h_glob_get(void *c, int t, int32_t max, opi_g *g) {
    (void)t;
    *g = take(c);
    say(c, "globget.max", max);
    return say(c, "globget", (long)*g);
}
static bool h_runq_steal(void *c, int t, int victim, bool next, opi_g *g) {
    (void)t;
    *g = take(c);
    say(c, next ? "stealnext.from" : "steal.from", victim);
    return say(c, "steal", (long)*g);
}
static bool h_runq_empty(void *c, int t, int victim) {
    (void)t;
    return say(c, "empty", victim);
}
static bool h_set_status(void *c, int t, const sched_op *op) {
    (void)t;
    return say(c, op->kind == SOP_IDLE ? "idle" : "running", -1);
}

static const struct op_backend B = {
    .begin = h_begin, .skipped = h_skipped, .start = h_start, .end = h_end, OP_BACKEND_HOOKS(h_)};

// Runs one op (kind, target, n) on a fresh recorder; returns op_interp's answer.
static bool run(struct rec *r, int kind, int target, int n, const char *stop) {
    sched_op op = {(uint8_t)kind, (uint8_t)target, (uint16_t)n};
    r->log[0] = 0;
    r->stop = stop;
    return op_interp(&B, r, 0, &op, 8);
}

#define EXPECT(r, want)                                                                            \
    do {                                                                                           \
        if (strcmp((r)->log, want) != 0) {                                                         \
            fprintf(stderr, "unit_op_interp: %s:%d: got  '%s'\n                    want '%s'\n",   \
                    __FILE__, __LINE__, (r)->log, want);                                           \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

int main(void) {
    struct rec r = {.fresh_left = 2};
    // put n: n fresh Gs, each runqput; stops when no G is left.
    CHECK(run(&r, SOP_PUT, 0, 3, ""));
    EXPECT(&r, "begin start fresh1 put1 fresh2 put2 fresh0 end");
    r = (struct rec){.fresh_left = 9};
    CHECK(run(&r, SOP_PUTNEXT, 0, 1, ""));
    EXPECT(&r, "begin start fresh1 putnext1 end");
    // get n: up to n runqgets, each G runs to completion; nil stops the loop.
    r = (struct rec){.queue = {7, 8}, .nqueue = 2};
    CHECK(run(&r, SOP_GET, 0, 3, ""));
    EXPECT(&r, "begin start get7 finish7 get8 finish8 get0 end");
    // yield n: the G runs and goes back with runqput(next=false).
    r = (struct rec){.queue = {7, 8}, .nqueue = 2};
    CHECK(run(&r, SOP_YIELD, 0, 1, ""));
    EXPECT(&r, "begin start get7 resume7 put7 end");
    // putbatch and drain: one call each, n is the batch's size.
    r = (struct rec){0};
    CHECK(run(&r, SOP_PUTBATCH, 0, 5, ""));
    EXPECT(&r, "begin start putbatch5 end");
    CHECK(run(&r, SOP_DRAIN, 0, 4, ""));
    EXPECT(&r, "begin start drain end");
    // globput n under one sched.lock; globputhead puts one G whatever n says.
    r = (struct rec){.fresh_left = 9};
    CHECK(run(&r, SOP_GLOBPUT, 0, 2, ""));
    EXPECT(&r, "begin start lock fresh1 globput1 fresh2 globput2 unlock end");
    CHECK(run(&r, SOP_GLOBPUTHEAD, 0, 5, ""));
    EXPECT(&r, "begin start lock fresh3 globputhead3 unlock end");
    // globget n: max n-1; the G runs.
    r = (struct rec){.queue = {4}, .nqueue = 1};
    CHECK(run(&r, SOP_GLOBGET, 0, 3, ""));
    EXPECT(&r, "begin start globget.max2 globget4 finish4 end");
    CHECK(run(&r, SOP_GLOBGET, 0, 1, ""));
    EXPECT(&r, "begin start globget.max0 globget0 end");
    // steal / stealnext from the target; a G got runs; nothing got, nothing runs.
    r = (struct rec){.queue = {5}, .nqueue = 1};
    CHECK(run(&r, SOP_STEALNEXT, 2, 1, ""));
    EXPECT(&r, "begin start stealnext.from2 steal5 finish5 end");
    CHECK(run(&r, SOP_STEAL, 1, 1, ""));
    EXPECT(&r, "begin start steal.from1 steal0 end");
    CHECK(run(&r, SOP_EMPTY, 3, 1, ""));
    EXPECT(&r, "begin start empty3 end");
    CHECK(run(&r, SOP_IDLE, 0, 1, "") && run(&r, SOP_RUNNING, 1, 1, ""));
    EXPECT(&r, "begin start running end");
    CHECK(run(&r, SOP_NOP, 0, 1, ""));
    EXPECT(&r, "begin start end");

    // Go's preconditions (op_rules.h): skipped after begin, nothing called, not an error.
    r = (struct rec){.ring = 1, .queue = {5}, .nqueue = 1};
    CHECK(run(&r, SOP_STEAL, 1, 1, ""));
    EXPECT(&r, "begin skipped2");
    r = (struct rec){.ring = 5, .queue = {5}, .nqueue = 1};
    CHECK(run(&r, SOP_GLOBGET, 0, 1, "")); // cap 8: up to 3 puts, 5 + 3 fits
    EXPECT(&r, "begin start globget.max0 globget5 finish5 end");
    r.ring = 6;
    CHECK(run(&r, SOP_GLOBGET, 0, 1, ""));
    EXPECT(&r, "begin skipped1");

    // A hook that reports a failure stops the op there (no end); sched.lock is let go.
    r = (struct rec){.fresh_left = 9};
    CHECK(!run(&r, SOP_PUT, 0, 3, "put"));
    EXPECT(&r, "begin start fresh1 put1");
    r = (struct rec){.fresh_left = 9};
    CHECK(!run(&r, SOP_GLOBPUT, 0, 3, "globput"));
    EXPECT(&r, "begin start lock fresh1 globput1 unlock");
    r = (struct rec){.queue = {7, 8}, .nqueue = 2};
    CHECK(!run(&r, SOP_GET, 0, 3, "finish"));
    EXPECT(&r, "begin start get7 finish7");

    // The table read backwards (stress/fail_schedule.c): each call and variant names the
    // op that makes it; runqget without a variant is "get", not "yield".
    for (int k = 1; k < SOP_COUNT; k++) {
        int back = op_kind_of_call(op_calls[k].call, op_calls[k].variant);
        CHECK(back == k || (k == SOP_YIELD && back == SOP_GET));
    }
    CHECK(op_kind_of_call(OPC_RUNQEMPTY, true) == SOP_NOP);
    CHECK(strcmp(op_call_name(OPC_RUNQSTEAL), "runqsteal") == 0);
    CHECK(strcmp(op_call_name(OPC_GLOBRUNQGET), "globrunqget") == 0);

    if (failures) {
        fprintf(stderr, "unit_op_interp: %d checks failed\n", failures);
        return 1;
    }
    printf("unit_op_interp: ok\n");
    return 0;
}
