// fail_search.h - the failure schedule's hints, after a search for an order that fails
// every time (fail_search.c).
#ifndef STRESS_FAIL_SEARCH_H
#define STRESS_FAIL_SEARCH_H

#include <stdbool.h>

// fail_schedule_hints: given the failure schedule at path (just written), runs the search
// into found and prints the "failure schedule:" hint: found's replay when the search gave
// a schedule that fails every time with the run's invariant (then true), else the search
// command on path. Only the monitor calls it, once, at the end of a failed run.
bool fail_schedule_hints(const char *path, const char *found);
// The search's own bound (the explorer is killed then), and whether it is running: the
// shutdown deadline of main.c gives a running search this long to end.
#define FAIL_SEARCH_DEADLINE_S 8
bool fail_search_running(void);

#endif
