// bench_bare.c - runq-stress-bare: the bare cost of queue operations, for comparison with
// runq-torture's checked loop (tools/bench_stress.sh). Each thread owns a private P and
// repeats: runqput 16 Gs, runqget 16 Gs. No checks, no sharing, no logging.
//
//   runq-stress-bare [--threads N] [--seconds S]
// prints: "bare: threads: N ops/s/thread: X ops/s: Y"
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h" // the stress library's clock
#include "runq.h"

#define MAXT 64
#define BURST 16

static _Atomic int stop;
static p ps[MAXT];
static g gs[MAXT][BURST];
static uint64_t done[MAXT];

static void *loop(void *arg) {
    int id = (int)(intptr_t)arg;
    p *pp = &ps[id];
    uint64_t ops = 0;
    while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
        for (int i = 0; i < BURST; i++) {
            runqput(pp, &gs[id][i], false);
        }
        for (int i = 0; i < BURST; i++) {
            if (runqget(pp, NULL) == NULL) {
                fprintf(stderr, "runq-stress-bare: lost a G\n");
                exit(1);
            }
        }
        ops += 2 * BURST;
    }
    done[id] = ops;
    return NULL;
}

int main(int argc, char **argv) {
    int threads = 1;
    double seconds = 2;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--threads") == 0) {
            threads = atoi(argv[i + 1]);
        } else if (strcmp(argv[i], "--seconds") == 0) {
            seconds = atof(argv[i + 1]);
        } else {
            fprintf(stderr, "usage: runq-stress-bare [--threads N] [--seconds S]\n");
            return 2;
        }
    }
    if (threads < 1 || threads > MAXT || seconds <= 0) {
        fprintf(stderr, "runq-stress-bare: --threads 1..%d, --seconds > 0\n", MAXT);
        return 2;
    }
    runq_sched_init(threads);
    for (int i = 0; i < threads; i++) {
        runq_p_init(&ps[i], i, 0);
    }
    pthread_t th[MAXT];
    clock_start();
    for (int i = 0; i < threads; i++) {
        pthread_create(&th[i], NULL, loop, (void *)(intptr_t)i);
    }
    struct timespec ts = {(time_t)seconds, (long)((seconds - (double)(time_t)seconds) * 1e9)};
    nanosleep(&ts, NULL);
    atomic_store(&stop, 1);
    uint64_t total = 0;
    for (int i = 0; i < threads; i++) {
        pthread_join(th[i], NULL);
        total += done[i];
    }
    // Over the time the threads really ran (a loaded machine oversleeps), as runq-torture's
    // statistics are.
    double elapsed = clock_elapsed_s();
    printf("bare: threads: %d ops/s/thread: %.0f ops/s: %.0f\n", threads,
           (double)total / elapsed / threads, (double)total / elapsed);
    return 0;
}
