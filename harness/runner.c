// runner.c - see runner.h.
#include "runner.h"

#include "progname.h"
#include "worlds.h"

#include <stdlib.h>
#include <string.h>

bool runner_run(const schedule *s, FILE *trace, dsched_result *r) {
    dsched_options o = {0};
    o.trace = trace;
    return runner_run_opts(s, &o, r);
}

bool runner_run_opts(const schedule *s, const dsched_options *o, dsched_result *r) {
    const struct dsched_world *w = world_for(s->version, s->cap);
    if (w == NULL) {
        memset(r, 0, sizeof *r);
        r->failed = true;
        snprintf(r->invariant, sizeof r->invariant, "%s", inv_name(INV_BAD_SCHEDULE));
        snprintf(r->message, sizeof r->message, "no world for Go %s, capacity %d",
                 sched_version_name(s->version), s->cap);
        return false;
    }
    return dsched_run(s, w, o, r);
}

void runner_report(FILE *out, const dsched_result *r, const char *repro) {
    fprintf(out, "!!! invariant=%s thread=%s step=%llu: %s\n", r->invariant,
            r->thread >= 0 ? sched_thread_name(r->thread) : "end", (unsigned long long)r->step,
            r->message);
    if (repro) {
        fprintf(out, "reproduce: %s\n", repro);
    }
}

void runner_make_sequential(schedule *s) {
    s->flags &= (uint8_t)~SFLAG_PCT;
    for (int i = 0; i < s->ndecisions; i++) {
        s->dec[i].mode = SMODE_OP;
        s->dec[i].arg = 1;
    }
    // Once decisions run out the PRNG picks steps; finish every program op by op instead.
    int total = 0;
    for (int t = 0; t < s->nthreads; t++) {
        total += s->nops[t] + (t == 0 && s->prefill > 0);
    }
    for (int k = 0; k < total + s->nthreads && s->ndecisions < SCHED_MAX_DECISIONS; k++) {
        s->dec[s->ndecisions++] = (sched_decision){(uint8_t)(k % s->nthreads), SMODE_OP, 1};
    }
}

const char *runner_fuzz_input;

void runner_fuzz_one(const schedule *s, const char *flags) {
    dsched_result r;
    if (!runner_run(s, NULL, &r)) {
        // The runq-replay built for this target's port, and the input when it is known.
        char replay[1100], input[1200] = "<this input>", repro[2400];
        prog_sibling(replay, sizeof replay, "runq-replay");
        if (runner_fuzz_input) {
            prog_abs_path(input, sizeof input, runner_fuzz_input);
        }
        snprintf(repro, sizeof repro, "%s%s %s--trace %s", replay, prog_replay_flags(), flags,
                 input);
        runner_report(stderr, &r, repro);
        // The same execution as a picture (Perfetto UI, chrome://tracing, speedscope).
        fprintf(stderr, "look: %s --chrome-trace crash.trace.json %s\n", replay, input);
        fprintf(stderr, "--- the schedule, as text:\n");
        schedule_print_text(s, stderr);
        abort();
    }
}
