// runner.h - run one schedule on the deterministic engine and report the verdict in the
// project's failure format:
//   !!! invariant=<id> thread=<name> step=<n>: <message>
//   reproduce: <one-line command>
#ifndef HARNESS_RUNNER_H
#define HARNESS_RUNNER_H

#include "dsched.h"
#include "schedule.h"

#include <stdbool.h>
#include <stdio.h>

// Runs s (picking the world of its capacity). trace may be NULL.
bool runner_run(const schedule *s, FILE *trace, dsched_result *r);
// The same with every engine option.
bool runner_run_opts(const schedule *s, const dsched_options *o, dsched_result *r);
// Prints the failure lines for r; repro is the command that reproduces it.
void runner_report(FILE *out, const dsched_result *r, const char *repro);
// A fuzz target's execution: run s; on a failure print the report (with the runq-replay
// command for this port: flags, e.g. "--bytes ", go before --trace), the schedule as text,
// and abort so libFuzzer keeps the input. The target calls prog_init first.
void runner_fuzz_one(const schedule *s, const char *flags);
// The input being run, when known (the standalone runner sets it; libFuzzer does not).
extern const char *runner_fuzz_input;
// Makes every op run alone (one whole op per decision, in an order the decisions choose):
// the sequential target's form of a schedule, where every op is checked on the model.
void runner_make_sequential(schedule *s);

#endif
