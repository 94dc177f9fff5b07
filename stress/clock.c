// clock.c - the run's clock (clock.h).
#include "clock.h"

#include <time.h>

static uint64_t t0_ns; // CLOCK_MONOTONIC at start; written before any thread starts

void clock_start(void) {
    t0_ns = now_ns();
}

uint64_t clock_t0_ns(void) {
    return t0_ns;
}

uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t now_coarse_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    uint64_t ns = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
    return ns > t0_ns ? (ns - t0_ns) / 1000000u : 0;
}

double clock_elapsed_s(void) {
    return (double)(now_ns() - t0_ns) / 1e9;
}
