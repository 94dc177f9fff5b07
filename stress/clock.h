// clock.h - the run's clock: CLOCK_MONOTONIC, and t0, the start of the run.
#ifndef STRESS_CLOCK_H
#define STRESS_CLOCK_H

#include <stdint.h>

// clock_start sets t0 to now; the driver calls it first thing.
void clock_start(void);
uint64_t clock_t0_ns(void);
uint64_t now_ns(void);        // CLOCK_MONOTONIC, ns
uint64_t now_coarse_ms(void); // ms since t0, cheap, coarse
double clock_elapsed_s(void); // seconds since t0

#endif
