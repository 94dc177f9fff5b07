// unit_dsched_trylock.c - the deterministic backend's rq_trylock (harness/seam_dsched.h):
// one scheduling point, then the lock iff it is free; never a wait. Two simulated threads
// of a stub world try sched.lock under fixed decisions; the outcome is the same on every run.
#include "dsched.h"
#include "runq_seam.h"

#include <stdio.h>
#include <string.h>

#ifndef RUNQ_SEAM_DSCHED
#error "build with the deterministic backend (-DRUNQ_SEAM_DSCHED)"
#endif

#define UNIT_NAME "unit_dsched_trylock"
#include "expect.h"

static rq_mutex L;
static char seen[64]; // "T<t>:<1|0> ..." in the order the tries happened
static int locks_taken;

// Plain stores only: inside the simulated threads, libc's string functions are TSan
// interceptors, and the engine's threads do not synchronise with each other for TSan.
static void note(int t, bool ok) {
    size_t n = 0;
    while (seen[n]) {
        n++;
    }
    if (n + 5 < sizeof seen) {
        if (n) {
            seen[n++] = ' ';
        }
        seen[n++] = 'T';
        seen[n++] = (char)('0' + t);
        seen[n++] = ':';
        seen[n++] = ok ? '1' : '0';
        seen[n] = 0;
    }
}

// Thread 0 tries once and keeps the lock for one more step; thread 1 tries until it gets
// it (a try is one scheduling point, so the decisions below decide who wins).
static void body(int t) {
    if (t == 0) {
        bool ok = rq_trylock(&L, RQ_SITE_caller_lock);
        note(t, ok);
        if (ok) {
            rq_unlock(&L, RQ_SITE_caller_unlock);
        }
        return;
    }
    for (int k = 0; k < 4; k++) {
        bool ok = rq_trylock(&L, RQ_SITE_caller_lock);
        note(t, ok);
        if (ok) {
            EXPECT(rq_lock_held(&L), "held after a successful try");
            rq_unlock(&L, RQ_SITE_caller_unlock);
            return;
        }
    }
}

static void reset(const schedule *s) {
    (void)s;
    rq_mutex_init(&L);
    seen[0] = 0;
    locks_taken = 0;
}
static void after_access(int t, enum runq_site site, const void *addr, enum dsched_access k,
                         uintptr_t v, uintptr_t w) {
    (void)t, (void)site, (void)addr, (void)k, (void)v, (void)w;
}
static void gwrite(int t, const void *gp) {
    (void)t, (void)gp;
}
static void lock_event(int t, bool acquired) {
    (void)t;
    locks_taken += acquired;
}
static void finish(void) {}
static void describe(char *buf, size_t n) {
    snprintf(buf, n, "lock=%d", (int)L.holder);
}
static void describe_end(FILE *out) {
    (void)out;
}
static void describe_value(enum runq_site site, const void *addr, uintptr_t v, char *buf,
                           size_t n) {
    (void)site, (void)addr;
    snprintf(buf, n, "%lu", (unsigned long)v);
}
static void sizes(uint32_t *ring_len, bool *has_next, int *glob_len) {
    (void)ring_len, (void)has_next;
    *glob_len = 0;
}
static int locate(const void *addr, int *pid, uint32_t *slot) {
    (void)addr, (void)pid, (void)slot;
    return -1;
}
static int g_of(uintptr_t v) {
    return v ? -2 : -1;
}
static void save_initial(struct sched_initial *out) {
    (void)out;
}

static const struct dsched_world stub = {
    .cap = 4,
    .reset = reset,
    .thread_body = body,
    .after_access = after_access,
    .gwrite = gwrite,
    .lock_event = lock_event,
    .finish = finish,
    .describe = describe,
    .describe_end = describe_end,
    .describe_value = describe_value,
    .sizes = sizes,
    .locate = locate,
    .g_of = g_of,
    .labels = NULL,
    .save_initial = save_initial,
};

static void run(const sched_decision *dec, int n, const char *want, int want_locks) {
    static schedule s;
    memset(&s, 0, sizeof s);
    s.nthreads = 2;
    s.cap = 4;
    s.ndecisions = (uint16_t)n;
    memcpy(s.dec, dec, sizeof *dec * (size_t)n);
    for (int rep = 0; rep < 2; rep++) { // deterministic: the same outcome every time
        dsched_result r;
        bool ok = dsched_run(&s, &stub, NULL, &r);
        EXPECT(ok, "run failed: invariant=%s: %s", r.invariant, r.message);
        EXPECT(strcmp(seen, want) == 0, "tries: '%s', want '%s'", seen, want);
        EXPECT(locks_taken == want_locks, "locks taken: %d, want %d", locks_taken, want_locks);
    }
}

int main(void) {
    // owner takes the lock and stops before its unlock; thief1's try finds it busy (a
    // try is not a wait: thief1 goes on to its next try, where it stops); owner unlocks;
    // thief1's next try gets it.
    const sched_decision busy[] = {
        {0, SMODE_STEPS, 1}, {1, SMODE_STEPS, 1}, {0, SMODE_STEPS, 5}, {1, SMODE_STEPS, 5}};
    run(busy, 4, "T0:1 T1:0 T1:1", 2);
    // thief1 first: both get it, one after the other.
    const sched_decision free_[] = {{1, SMODE_STEPS, 5}, {0, SMODE_STEPS, 5}};
    run(free_, 2, "T1:1 T0:1", 2);
    printf("unit_dsched_trylock: %d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
