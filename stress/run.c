// run.c - the run's state (run.h): where the library finds it, and its threads' records.
#include "run.h"

#include <stdlib.h>
#include <string.h>

struct stress_run *stress_run_current;
_Thread_local struct mstate *self_m;

void stress_run_install(struct stress_run *r) {
    stress_run_current = r;
}

static uint64_t splitmix(uint64_t x) {
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

int stress_run_threads(struct stress_run *r, int n, uint64_t seed) {
    r->nthreads = n;
    r->m = aligned_alloc(64, sizeof *r->m * (size_t)n);
    if (!r->m) {
        return -1;
    }
    memset(r->m, 0, sizeof *r->m * (size_t)n);
    for (int i = 0; i < n; i++) {
        r->m[i].id = i;
        r->m[i].rng = splitmix(seed ^ splitmix((uint64_t)i + 1)) | 1;
        atomic_init(&r->m[i].pid, -1);
    }
    return 0;
}

void stress_run_free_threads(struct stress_run *r) {
    free(r->m);
    r->m = NULL;
}
