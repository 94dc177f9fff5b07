// runq_explore.c - runq-explore: systematic search of a small scenario's interleavings.
//
//   runq-explore [--preemptions K] [--max-runs N] [--out FILE] [--go 1.19|master] SCHEDULE
//
// Takes the thread programs (and header) of SCHEDULE, ignores its decisions, and runs every
// interleaving with at most K preemptions (default 2), CHESS-style: a thread runs until it
// finishes or blocks unless the search preempts it at one of its scheduling points; which
// thread runs after one stops is a free choice. Stateless: each interleaving is a fresh
// execution of the deterministic engine, so a failure is a schedule like any other. The
// first failure is written to FILE (default explore-failure.txt, never overwritten: a
// numbered name is chosen instead) as a text schedule whose decisions replay it:
// `runq-replay --trace FILE`. The Go version is the schedule's ("go master" line) unless
// --go names one; the written schedule names the version it failed on.
// Exit: 0 no failure within the bound, 1 failure found, 2 usage or bad input.
#include "runner.h"
#include "schedule.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_STEPS_RECORDED 200000

static schedule base;
static int bound = 2;
static unsigned long long max_runs = 1000000, runs;
static const char *out_path = "explore-failure.txt";
static bool found;
static int go_override = -1; // --go

// One recording buffer per recursion depth (a child must not clobber its parent's record).
#define MAX_DEPTH 64
static uint8_t *bufs_t[MAX_DEPTH], *bufs_r[MAX_DEPTH];
static bool too_deep;
static uint8_t *rec_thread_for(int depth) {
    if (!bufs_t[depth]) {
        bufs_t[depth] = malloc(MAX_STEPS_RECORDED);
        bufs_r[depth] = malloc(MAX_STEPS_RECORDED);
    }
    return bufs_t[depth];
}
static uint8_t *rec_runnable_for(int depth) {
    return bufs_r[depth];
}

// Run: decisions = run-length encoding of prefix[0..plen), then `first` for one step (if
// >= 0), then no preemption. Records the executed steps.
static bool run_prefix(const uint8_t *prefix, uint32_t plen, int first, uint8_t *rt, uint8_t *rr,
                       uint32_t *len, dsched_result *r, schedule *s) {
    *s = base;
    s->ndecisions = 0;
    for (uint32_t i = 0; i < plen;) {
        uint32_t j = i;
        while (j < plen && prefix[j] == prefix[i]) {
            j++;
        }
        for (uint32_t left = j - i; left > 0;) { // steps per decision are 1..32
            uint32_t k = left > 32 ? 32 : left;
            if (s->ndecisions == SCHED_MAX_DECISIONS) {
                return false; // too long to express; skip this branch
            }
            s->dec[s->ndecisions++] = (sched_decision){prefix[i], SMODE_STEPS, (uint16_t)k};
            left -= k;
        }
        i = j;
    }
    if (first >= 0) {
        if (s->ndecisions == SCHED_MAX_DECISIONS) {
            return false;
        }
        s->dec[s->ndecisions++] = (sched_decision){(uint8_t)first, SMODE_STEPS, 1};
    }
    dsched_options o = {0};
    o.nonpreemptive_fallback = true;
    o.record_thread = rt;
    o.record_runnable = rr;
    o.record_cap = MAX_STEPS_RECORDED;
    o.record_len = len;
    runs++;
    runner_run_opts(s, &o, r);
    return true;
}

static FILE *open_new(const char *path, char *used, size_t n) {
    snprintf(used, n, "%s", path);
    for (int k = 1; k < 1000; k++) {
        int fd = open(used, O_WRONLY | O_CREAT | O_EXCL, 0644);
        if (fd >= 0) {
            return fdopen(fd, "w");
        }
        if (errno != EEXIST) {
            return NULL;
        }
        snprintf(used, n, "%s.%d", path, k);
    }
    return NULL;
}

static void report(const schedule *s, const dsched_result *r, const uint8_t *rt, uint32_t len,
                   int preemptions) {
    // The failing run as explicit decisions up to the failure: replay needs no search.
    static schedule out;
    out = *s;
    out.ndecisions = 0;
    uint32_t upto = r->step < len ? (uint32_t)r->step + 1 : len;
    for (uint32_t i = 0; i < upto && out.ndecisions < SCHED_MAX_DECISIONS;) {
        uint32_t j = i;
        while (j < upto && rt[j] == rt[i] && j - i < 32) {
            j++;
        }
        out.dec[out.ndecisions++] = (sched_decision){rt[i], SMODE_STEPS, (uint16_t)(j - i)};
        i = j;
    }
    char used[1024];
    FILE *f = open_new(out_path, used, sizeof used);
    if (f == NULL) {
        fprintf(stderr, "runq-explore: cannot create %s: %s\n", out_path, strerror(errno));
    } else {
        fprintf(f,
                "# found by runq-explore with at most %d preemptions (this one uses %d),\n"
                "# run %llu: invariant=%s\n# %s\n",
                bound, preemptions, runs, r->invariant, r->message);
        schedule_print_text(&out, f);
        fclose(f);
    }
    printf("runq-explore: FAIL after %llu runs (%d preemption%s)\n", runs, preemptions,
           preemptions == 1 ? "" : "s");
    char repro[1200];
    snprintf(repro, sizeof repro, "runq-replay --trace %s", f ? used : "<not written>");
    runner_report(stdout, r, repro);
}

static void explore(const uint8_t *prefix, uint32_t plen, int first, int preemptions, int depth) {
    if (found || runs >= max_runs) {
        return;
    }
    if (depth >= MAX_DEPTH) {
        too_deep = true; // more free choices in a row than buffers: prune, say so at the end
        return;
    }
    uint8_t *rt = rec_thread_for(depth), *rr = rec_runnable_for(depth);
    uint32_t len = 0;
    dsched_result r;
    static schedule s;
    if (!run_prefix(prefix, plen, first, rt, rr, &len, &r, &s)) {
        return;
    }
    if (r.failed) {
        found = true;
        report(&s, &r, rt, len, preemptions);
        return;
    }
    uint32_t from = plen + (first >= 0);
    for (uint32_t j = from; j < len && !found && runs < max_runs; j++) {
        int prev = j > 0 ? rt[j - 1] : -1;
        bool prev_runnable = prev >= 0 && (rr[j] >> prev & 1);
        for (int a = 0; a < base.nthreads && !found; a++) {
            if (a == rt[j] || !(rr[j] >> a & 1)) {
                continue;
            }
            int cost = prev_runnable && a != prev ? 1 : 0;
            if (preemptions + cost <= bound) {
                explore(rt, j, a, preemptions + cost, depth + 1);
            }
        }
    }
}

int main(int argc, char **argv) {
    const char *file = NULL;
    for (int i = 1; i < argc; i++) {
        char *end;
        if (strcmp(argv[i], "--preemptions") == 0 && i + 1 < argc) {
            bound = (int)strtol(argv[++i], &end, 10);
            if (*end || bound < 0 || bound > 8) {
                fprintf(stderr, "runq-explore: --preemptions: expected 0..8, got '%s'\n", argv[i]);
                return 2;
            }
        } else if (strcmp(argv[i], "--max-runs") == 0 && i + 1 < argc) {
            max_runs = strtoull(argv[++i], &end, 10);
            if (*end || max_runs == 0) {
                fprintf(stderr, "runq-explore: --max-runs: expected a positive count, got '%s'\n",
                        argv[i]);
                return 2;
            }
        } else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc) {
            out_path = argv[++i];
        } else if (strcmp(argv[i], "--go") == 0 && i + 1 < argc) {
            go_override = sched_version_lookup(argv[++i]);
            if (go_override < 0) {
                fprintf(stderr, "runq-explore: --go: expected 1.19 or master, got '%s'\n", argv[i]);
                return 2;
            }
        } else if (argv[i][0] == '-' || file) {
            fprintf(stderr,
                    "usage: runq-explore [--preemptions K] [--max-runs N] [--out FILE] [--go V] "
                    "SCHEDULE\n");
            return 2;
        } else {
            file = argv[i];
        }
    }
    if (!file) {
        fprintf(stderr,
                "usage: runq-explore [--preemptions K] [--max-runs N] [--out FILE] [--go V] "
                "SCHEDULE\n");
        return 2;
    }
    char err[512];
    if (schedule_load_file(file, &base, err, sizeof err) != 0) {
        fprintf(stderr, "runq-explore: %s\n", err);
        return 2;
    }
    if (go_override >= 0) {
        schedule_set_version(&base, go_override);
    }
    base.flags &= (uint8_t)~SFLAG_PCT;
    explore(NULL, 0, -1, 0, 0);
    if (found) {
        return 1;
    }
    printf(
        "runq-explore: %s: no failure in %llu interleavings with at most %d preemption%s%s%s%s\n",
        file, runs, bound, bound == 1 ? "" : "s", base.version == SVER_MASTER ? " (go master)" : "",
        runs >= max_runs ? " (stopped at --max-runs: the search is incomplete)" : "",
        too_deep ? " (some branches pruned: too many choice points in a row)" : "");
    return 0;
}
