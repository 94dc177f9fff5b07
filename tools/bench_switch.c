// bench_switch.c - the cost of one fiber switch (harness/fiber.c), as the deterministic
// engine pays it: two fibers hand control back and forth N times.
//
//   bench_switch [N]      prints "fiber switch: <ns> ns (best of 5 rounds of N switches)"
//
// Built by tools/bench_fuzz.sh three ways (plain -O2; ASan+UBSan -O1; TSan runtime with the
// engine uninstrumented, as harness/CMakeLists.txt builds it), so the figure includes the
// sanitizer hooks a switch makes (__sanitizer_start/finish_switch_fiber,
// __tsan_switch_to_fiber). A benchmark: it prints, it asserts nothing.
#include "fiber.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static fiber *fa, *fb;
static long rounds_half; // switches per round / 2

static void body_a(void *arg) {
    (void)arg;
    for (;;) {
        for (long i = 0; i < rounds_half; i++) {
            fiber_switch_to(fb); // a -> b, and b comes straight back: 2 switches
        }
        fiber_switch_to(fiber_main());
    }
}

static void body_b(void *arg) {
    (void)arg;
    for (;;) {
        fiber_switch_to(fa);
    }
}

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

int main(int argc, char **argv) {
    long n = argc > 1 ? strtol(argv[1], NULL, 10) : 10000000;
    if (n < 2) {
        fprintf(stderr, "usage: bench_switch [N >= 2]\n");
        return 2;
    }
    rounds_half = n / 2;
    fiber_main_init();
    fa = fiber_create("bench-a", body_a, NULL);
    fb = fiber_create("bench-b", body_b, NULL);
    fiber_start_release();
    double best = 1e300;
    for (int r = 0; r < 6; r++) {
        double t0 = now_ns();
        fiber_switch_to(fa); // returns after 2 * rounds_half switches (+2 to enter/leave)
        double dt = (now_ns() - t0) / (double)(2 * rounds_half + 2);
        if (r > 0 && dt < best) { // round 0 warms up
            best = dt;
        }
    }
    fiber_collect_sync();
    printf("fiber switch: %.1f ns (best of 5 rounds of %ld switches)\n", best, 2 * rounds_half);
    return 0;
}
