// unit_qwalk.c - the queue walker (harness/qwalk.h) and the vocabulary of a G's place
// (harness/gplace.h) on a real port (native backend, capacity 8), linked without the
// engine: what runq-torture will link. Exit 0 ok, 1 a check failed.
#include "gplace.h"
#include "qwalk.h"
#include "runq.h"

#include <stdio.h>
#include <string.h>

static int failures;
#define CHECK(c)                                                                                   \
    do {                                                                                           \
        if (!(c)) {                                                                                \
            fprintf(stderr, "unit_qwalk: %s:%d: check failed: %s\n", __FILE__, __LINE__, #c);      \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

static p P0;
static g gs[16];

int main(void) {
    const struct qlayout L = {RUNQ_CAP,          offsetof(p, runqhead), offsetof(p, runqtail),
                              offsetof(p, runq), offsetof(p, runnext),  offsetof(g, schedlink)};
    runq_sched_init(1);
    runq_p_init(&P0, 0, 4294967293u); // across the index wrap
    for (int i = 0; i < 5; i++) {
        runqput(&P0, &gs[i], false);
    }
    runqput(&P0, &gs[5], true);
    bool inh;
    CHECK(runqget(&P0, &inh) == &gs[5]); // runnext first
    CHECK(runqget(&P0, &inh) == &gs[0]);
    runqput(&P0, &gs[6], true);

    // The real P: the ring from head to tail (G2..G5), then runnext (G7).
    struct qview v = qview_of_port(&L, &P0);
    CHECK(qview_len(&v) == 4);
    struct qitem it;
    int k = 0;
    for (struct qwalk w = qwalk_p(&v); qwalk_p_next(&w, &it); k++) {
        if (k < 4) {
            CHECK(it.where == GPLACE_RING && it.pos == (uint32_t)k);
            CHECK(it.g == (uintptr_t)&gs[1 + k]);
            CHECK(it.slot == (v.head + (uint32_t)k) % RUNQ_CAP);
        } else {
            CHECK(it.where == GPLACE_NEXT && it.g == (uintptr_t)&gs[6]);
        }
    }
    CHECK(k == 5);

    // A shadow: int32 G indices, nil -1; skipping the ring goes on with runnext.
    int32_t ring[RUNQ_CAP] = {0};
    ring[7] = 3, ring[0] = 4;
    struct qview s = {.head = 7,
                      .tail = 9,
                      .cap = RUNQ_CAP,
                      .ring = ring,
                      .slot_size = 4,
                      .next = (uintptr_t)(intptr_t)-1,
                      .nil = (uintptr_t)(intptr_t)-1};
    k = 0;
    for (struct qwalk w = qwalk_p(&s); qwalk_p_next(&w, &it); k++) {
        CHECK(it.where == GPLACE_RING && (int)it.g == (k == 0 ? 3 : 4));
    }
    CHECK(k == 2);
    s.next = 9;
    struct qwalk w = qwalk_p(&s);
    qwalk_p_skip_ring(&w);
    CHECK(qwalk_p_next(&w, &it) && it.where == GPLACE_NEXT && it.g == 9);
    CHECK(!qwalk_p_next(&w, &it));

    // The global queue, and a cycle cut by the limit.
    rq_lock(&sched.lock, RQ_SITE_caller_lock);
    for (int i = 7; i < 10; i++) {
        globrunqput(&gs[i]);
    }
    rq_unlock(&sched.lock, RQ_SITE_caller_unlock);
    struct qwalk_list l = qwalk_list(&L, sched.runq.head, 100);
    k = 0;
    while (qwalk_list_next(&l, &it)) {
        CHECK(it.where == GPLACE_GLOBAL && it.pos == (uint32_t)k && it.g == (uintptr_t)&gs[7 + k]);
        k++;
    }
    CHECK(l.n == 3 && l.last == sched.runq.tail && !l.cut);
    gs[9].schedlink = guintptr_of(&gs[7]);
    l = qwalk_list(&L, sched.runq.head, 10);
    while (qwalk_list_next(&l, &it)) {
    }
    CHECK(l.n == 10 && l.cut);

    CHECK(strcmp(gplace_name(GPLACE_GLOBAL), "in the global queue") == 0);
    CHECK(gplace_queued(GPLACE_NEXT) && !gplace_queued(GPLACE_HAND));
    if (failures == 0) {
        printf("unit_qwalk: ok\n");
    }
    return failures ? 1 : 0;
}
