// fiber.h - simulated threads: stackful coroutines on one OS thread, sanitizer-aware.
//
// A hand-written x86-64 switch (fiber_switch_x86_64.S, ~12 ns) with a ucontext fallback
// elsewhere. Under ThreadSanitizer each fiber is a TSan fiber and switches use
// __tsan_switch_to_fiber(..., no_sync), so happens-before between simulated threads comes
// only from the port's own atomics. Under AddressSanitizer switches are bracketed with
// __sanitizer_start/finish_switch_fiber. Fibers are created once and reused: creating a
// TSan fiber per execution leaks (../shared/TOOLCHAIN-NOTES.md).
#ifndef HARNESS_FIBER_H
#define HARNESS_FIBER_H

#include <stddef.h>
#include <stdint.h>

typedef struct fiber fiber;
typedef void (*fiber_fn)(void *arg);

// fiber_main_init records the calling OS thread's context as the "main" fiber.
void fiber_main_init(void);
fiber *fiber_main(void);
fiber *fiber_current(void);
// fiber_create makes a fiber that will run fn(arg) (fn must never return) on its own
// guarded stack. name shows in sanitizer reports.
fiber *fiber_create(const char *name, fiber_fn fn, void *arg);
// fiber_reset abandons whatever the fiber was doing: next switch starts fn(arg) afresh.
// Call only from another fiber.
void fiber_reset(fiber *f);
// fiber_switch_to suspends the current fiber and resumes f.
void fiber_switch_to(fiber *f);
// fiber_exit_to leaves the current fiber for good (its next run starts fn afresh) and
// resumes f. Lets the sanitizers release what the finished run held.
void fiber_exit_to(fiber *f);
// Main fiber, end of an execution: acquire what every fiber did up to its last switch
// (TSan; no-op elsewhere), so resetting the world is not reported as a race.
void fiber_collect_sync(void);
// Main fiber: release so that fibers starting an execution see its set-up, and the
// fiber side: acquire it.
void fiber_start_release(void);
void fiber_start_acquire(void);

#endif
