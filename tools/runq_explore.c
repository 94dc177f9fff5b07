// runq_explore.c - runq-explore: systematic search of a small scenario's interleavings.
//
//   runq-explore [--preemptions K] [--stale K] [--stale-reads N] [--max-runs N] [--out FILE]
//                [--chrome-trace OUT] [--go 1.19|master] [--bytes] SCHEDULE
//
// Takes the thread programs (and header) of SCHEDULE, ignores its decisions, and runs every
// interleaving with at most K preemptions (default 2), CHESS-style: a thread runs until it
// finishes or blocks unless the search preempts it at one of its scheduling points; which
// thread runs after one stops is a free choice. Stateless: each interleaving is a fresh
// execution of the deterministic engine, so a failure is a schedule like any other. The
// first failure is written to FILE (default explore-failure.txt, never overwritten: a
// numbered name is chosen instead) as a text schedule whose decisions replay it:
// `runq-replay --trace FILE`. --chrome-trace OUT also writes that failing execution in the
// Chrome Trace Event format (as `runq-replay --chrome-trace OUT FILE` would).
// --stale K (weak memory; sets `memory weak`): also branch on reads-from choices: each
// relaxed or acquire load that may read an older store (harness/memmodel.c) reads each of
// the newest K+1 stores it may read, with at most N stale reads per execution
// (--stale-reads, default 2). The failure's schedule pins every such choice with
// `read T stale K` decisions.
// The Go version is the schedule's ("go master" line) unless --go names one; the written
// schedule names the version it failed on.
// --around (neighbourhood search): keeps SCHEDULE's decisions as the first choice and
// allows up to K deviations (--deviations, default 2). The schedule runs as written; a
// deviation at step j moves thread a's next steps (one step, or its whole next run) to j,
// ahead of what the executed order had there, and the rest follows the executed order;
// each deviation is again a fresh execution, searched up to K deep, nearest the end first
// (a recorded failure is at the end). --from-record RECORDING converts a runq-torture
// --record recording with the runq-record of the same build (as `runq-record --out
// RECORDING.base.txt RECORDING` would) and searches around the schedule it writes, also when
// that schedule does not fail (the verdict runq-record gives is printed first).
// Exit: 0 no failure within the bound, 1 failure found, 2 usage or bad input.
#include "initial.h"
#include "cli.h"
#include "invariants.h"
#include "outpath.h"
#include "progname.h"
#include "runner.h"
#include "schedule.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_STEPS_RECORDED 200000
#define MAX_DEPTH 64

// "%s" (four times): the program's own name (a variant's is runq-explore-<mutant>).
static const char usage_line[] =
    "usage: %s [options] SCHEDULE\n"
    "       %s --around [--deviations K] [options] SCHEDULE\n"
    "       %s --from-record [--deviations K] [options] RECORDING\n"
    "       %s --search [--expect ID] [--seeds N] [options] SCHEDULE\n";
static const char *self_name = "runq-explore";
static const char help_text[] =
    "\n"
    "Searches the interleavings of a schedule's thread programs for a failure.\n"
    "%s"
    "\n"
    "Runs every interleaving of SCHEDULE's thread programs with at most K preemptions\n"
    "(its decisions are ignored) on the deterministic engine, and writes the first failure\n"
    "as a text schedule whose decisions replay it.\n"
    "\n"
    "Long options may be abbreviated to a unique prefix; a value follows as '=VALUE' or as\n"
    "the next argument.\n"
    "\n"
    "The search:\n"
    "  --preemptions K  preemption bound, 0..8 (default 2)\n"
    "  --stale K        weak memory (sets `memory weak`): also branch on reads-from\n"
    "                   choices, each relaxed/acquire load reading one of its newest K+1\n"
    "                   allowed stores, 0..%d (default 0: no stale reads)\n"
    "  --stale-reads N  with --stale: at most N stale reads per execution, 0..8 (default 2)\n"
    "  --max-runs N     stop after N executions, 1..2^64-1; the search is then incomplete\n"
    "                   and says so (default 1000000)\n"
    "  --go VERSION     run on Go VERSION's port, 1.19 or master, whatever the file names\n"
    "                   (default: the file's 'go' line, else 1.19)\n"
    "  --bytes          read SCHEDULE as fuzzer bytes even if it looks like text or like\n"
    "                   another program's file (refused otherwise, as runq-replay does) (off)\n"
    "Around a schedule's own decisions:\n"
    "  --around         run SCHEDULE as written, then with up to K deviations (a thread's\n"
    "                   next step, or its whole next run, moved earlier), nearest the end\n"
    "                   first (off; does not combine with --stale)\n"
    "  --deviations K   with --around: deviations from the decisions, 0..8 (default 2)\n"
    "  --from-record    RECORDING is a runq-torture --record recording: convert it with\n"
    "                   this build's runq-record (to RECORDING.base.txt) and search around\n"
    "                   the schedule it writes (implies --around) (off)\n"
    "A runq-torture failure's operations (its .schedule.txt):\n"
    "  --search         PCT runs instead (seeds 1..N at depths 2..4) of each thread's last\n"
    "                   2, 4, 8, then 16 operations, until one fails (with --expect: with\n"
    "                   that invariant); its programs are made smaller where they still\n"
    "                   fail so, and the failing run is written with its order as\n"
    "                   decisions and run again from the file (exit 3 if it does not fail\n"
    "                   the same way) (off; does not combine with --around or --stale)\n"
    "  --expect ID      with --search: only a failure with invariant ID ends the search\n"
    "                   (an id of runq-replay --list-invariants) (default: any failure)\n"
    "  --seeds N        with --search: seeds per window and depth, 1..65535 (default 6400)\n"
    "Files:\n"
    "  --out FILE       where the failing schedule goes, never overwritten: FILE.1,\n"
    "                   FILE.2, ... instead; if nothing can be written it is printed on\n"
    "                   stdout (default explore-failure.txt)\n"
    "  --chrome-trace OUT  also write the failing run to OUT in the Chrome Trace Event\n"
    "                   format (Perfetto UI, chrome://tracing, speedscope) (default: none)\n"
    "  -h, --help       this text\n"
    "\n"
    "Outputs:\n"
    "  stdout           'runq-explore: FAIL after N runs ...' with '!!! invariant=ID ...'\n"
    "                   and 'reproduce: CMD' (runq-replay --trace on the written file), or\n"
    "                   'runq-explore: FILE: no failure in N interleavings ...'; a verdict\n"
    "                   on a SCHEDULE read as fuzzer bytes ends with '(read as fuzzer bytes)'\n"
    "  --out FILE       the failing schedule (runq-schedule v1, its decisions replay it)\n"
    "  --chrome-trace OUT  the failing run as a Chrome trace\n"
    "  Output files are checked before the search starts.\n"
    "Exit: 0 no failure within the bound, 1 failure found, 2 usage or bad input, 3 (--search)\n"
    "the schedule written does not fail the same way when run again.\n"
    "More: docs/schedule-format.md (runq-explore), docs/stress.md (--around, --from-record).\n";

// The runq-replay built for the same port as this program, by its absolute path.
static char replay_prog[1100] = "runq-replay";
static const char *self_prog = "runq-explore";

static void set_programs(const char *argv0) {
    prog_init();
    self_prog = argv0;
    prog_sibling(replay_prog, sizeof replay_prog, "runq-replay");
}

static schedule base;
static int bound = 2;
static unsigned long long max_runs = 1000000, runs;
static const char *out_path = "explore-failure.txt";
static const char *chrome_path;
static bool found;
static int stale_max = 0, stale_reads = 2;
static bool around;                  // --around / --from-record
static const char *read_how = "";    // " (read as fuzzer bytes)" when SCHEDULE was: verdicts say so
static int deviations = 2;           // --deviations
static bool search_mode;             // --search
static const char *expect_inv;       // --expect: only a failure with this invariant counts
static unsigned search_seeds = 6400; // --seeds (with --search)
static char written_path[1024];      // report(): where the failing schedule went ("" if nowhere)
static const char *search_how;       // --search: how the failure was found, for the file's header
static int found_status;             // --search: the exit status once found

typedef struct dsched_choice choice;
#define MAX_CHOICES 4096
static choice *cbufs[MAX_DEPTH], *fbufs[MAX_DEPTH];
static int go_override = -1; // --go

// One recording buffer per recursion depth (a child must not clobber its parent's record).
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
static uint8_t *bufs_s[MAX_DEPTH]; // --around: the order each depth's children start from
static choice *rec_choices_for(int depth) {
    if (!cbufs[depth]) {
        cbufs[depth] = malloc(MAX_CHOICES * sizeof(choice));
        fbufs[depth] = malloc(MAX_CHOICES * sizeof(choice));
    }
    return cbufs[depth];
}

// `read T stale K` for each fixed reads-from choice, first (each thread's queue keeps
// their order).
static bool add_reads(schedule *s, const choice *fixed, uint32_t nfixed) {
    for (uint32_t i = 0; i < nfixed; i++) {
        if (s->ndecisions == SCHED_MAX_DECISIONS) {
            return false;
        }
        s->dec[s->ndecisions++] = (sched_decision){fixed[i].thread, SMODE_READ, fixed[i].taken};
    }
    return true;
}

// run_recorded: one run of s that records every step's thread, runnable set and choice
// (what both searches branch on), counted in runs.
static void run_recorded(schedule *s, uint8_t *rt, uint8_t *rr, uint32_t *len, choice *cb,
                         uint32_t *clen, dsched_result *r) {
    dsched_options o = {0};
    o.nonpreemptive_fallback = true;
    o.record_thread = rt;
    o.record_runnable = rr;
    o.record_cap = MAX_STEPS_RECORDED;
    o.record_len = len;
    o.record_choices = cb;
    o.choice_cap = MAX_CHOICES;
    o.choice_len = clen;
    runs++;
    runner_run_opts(s, &o, r);
}

// Run: decisions = run-length encoding of prefix[0..plen), then `first` for one step (if
// >= 0), then no preemption. Records the executed steps.
static bool run_prefix(const uint8_t *prefix, uint32_t plen, int first, const choice *fixed,
                       uint32_t nfixed, uint8_t *rt, uint8_t *rr, uint32_t *len, choice *cb,
                       uint32_t *clen, dsched_result *r, schedule *s) {
    *s = base;
    s->ndecisions = 0;
    if (!add_reads(s, fixed, nfixed)) {
        return false;
    }
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
    run_recorded(s, rt, rr, len, cb, clen, r);
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
                   const choice *cb, uint32_t clen, int preemptions) {
    // The failing run as explicit decisions up to the failure: replay needs no search.
    static schedule out;
    out = *s;
    out.ndecisions = 0;
    uint32_t nc = 0;
    while (nc < clen && cb[nc].step <= r->step) {
        nc++;
    }
    add_reads(&out, cb, nc);
    uint32_t upto = r->step < len ? (uint32_t)r->step + 1 : len;
    uint32_t i = 0;
    while (i < upto && out.ndecisions < SCHED_MAX_DECISIONS) {
        uint32_t j = i;
        while (j < upto && rt[j] == rt[i] && j - i < 32) {
            j++;
        }
        out.dec[out.ndecisions++] = (sched_decision){rt[i], SMODE_STEPS, (uint16_t)(j - i)};
        i = j;
    }
    if (i < upto) { // a long --around order: the file holds only its first part
        fprintf(stderr,
                "runq-explore: warning: the failing order needs more than %d decisions; the "
                "schedule written holds its first %u of %u steps and may not fail\n",
                SCHED_MAX_DECISIONS, i, upto);
    }
    char used[1024];
    FILE *f = open_new(out_path, used, sizeof used);
    bool written = false;
    int err = errno;
    if (f != NULL) {
        char port[160];
        prog_port_line(port, sizeof port, sched_version_name(out.version));
        fputs(port, f); // a runq-replay built for another port refuses the file
        if (search_how) {
            fprintf(f, "# found by %s --search (%s),\n# run %llu: invariant=%s\n# %s\n", self_prog,
                    search_how, runs, r->invariant, r->message);
        } else {
            fprintf(f,
                    "# found by %s with at most %d %s (this one uses %d),\n"
                    "# run %llu: invariant=%s\n# %s\n",
                    self_prog, around ? deviations : bound,
                    around ? "deviations from the decisions of the schedule it started from"
                           : "preemptions",
                    preemptions, runs, r->invariant, r->message);
        }
        schedule_print_text(&out, f);
        written = fclose(f) == 0;
        err = errno;
    }
    if (search_how) {
        printf("runq-explore: FAIL after %llu runs (%s)%s\n", runs, search_how, read_how);
    } else {
        printf("runq-explore: FAIL after %llu runs (%d %s%s)%s\n", runs, preemptions,
               around ? "deviation" : "preemption", preemptions == 1 ? "" : "s", read_how);
    }
    if (!written) {
        // Losing the schedule would lose the finding: print it instead.
        fprintf(stderr, "runq-explore: cannot write %s: %s; the failing schedule follows\n",
                f ? used : out_path, strerror(err));
        printf("--- the failing schedule (save it as a file to replay it):\n");
        schedule_print_text(&out, stdout);
        printf("--- end of the schedule\n");
    }
    char repro[2400], aused[1200];
    prog_abs_path(aused, sizeof aused, used);
    snprintf(written_path, sizeof written_path, "%s", written ? used : "");
    snprintf(repro, sizeof repro, "%s%s --trace %s", replay_prog, prog_replay_flags(),
             written ? aused : "<the schedule above, saved as a file>");
    runner_report(stdout, r, repro);
    if (chrome_path) {
        // The written schedule, run as runq-replay runs it: the same picture it gives.
        FILE *cf = fopen(chrome_path, "w");
        char title[2200];
        snprintf(title, sizeof title, "%s %s", replay_prog, written ? used : "<not written>");
        dsched_options o = {0};
        o.chrome = cf;
        o.chrome_title = title;
        dsched_result again;
        if (cf) {
            runner_run_opts(&out, &o, &again);
        }
        if (cf == NULL || (ferror(cf) | fclose(cf)) != 0) {
            fprintf(stderr, "runq-explore: cannot write %s: %s\n", chrome_path, strerror(errno));
        } else {
            printf("look: %s (Chrome trace: Perfetto UI, chrome://tracing, speedscope)\n",
                   chrome_path);
        }
    }
}

static void explore(const uint8_t *prefix, uint32_t plen, int first, const choice *fixed,
                    uint32_t nfixed, int preemptions, int nstale, int depth) {
    if (found || runs >= max_runs) {
        return;
    }
    if (depth >= MAX_DEPTH) {
        too_deep = true; // more free choices in a row than buffers: prune, say so at the end
        return;
    }
    uint8_t *rt = rec_thread_for(depth), *rr = rec_runnable_for(depth);
    choice *cb = rec_choices_for(depth), *fb = fbufs[depth];
    uint32_t len = 0, clen = 0;
    dsched_result r;
    static schedule s;
    if (!run_prefix(prefix, plen, first, fixed, nfixed, rt, rr, &len, cb, &clen, &r, &s)) {
        return;
    }
    if (r.failed) {
        found = true;
        report(&s, &r, rt, len, cb, clen, preemptions);
        return;
    }
    uint32_t from = plen + (first >= 0);
    uint32_t nc = 0; // choices made before step j: fixed for a branch at j
    for (uint32_t j = from; j < len && !found && runs < max_runs; j++) {
        while (nc < clen && cb[nc].step < j) {
            nc++;
        }
        int prev = j > 0 ? rt[j - 1] : -1;
        bool prev_runnable = prev >= 0 && (rr[j] >> prev & 1);
        for (int a = 0; a < base.nthreads && !found; a++) {
            if (a == rt[j] || !(rr[j] >> a & 1)) {
                continue;
            }
            int cost = prev_runnable && a != prev ? 1 : 0;
            if (preemptions + cost <= bound) {
                explore(rt, j, a, cb, nc, preemptions + cost, nstale, depth + 1);
            }
        }
    }
    // Reads-from: each free load with a choice reads 1..K stores back instead.
    for (uint32_t ci = 0; ci < clen && nstale < stale_reads && !found && runs < max_runs; ci++) {
        if (cb[ci].step < from) {
            continue; // fixed by the parent
        }
        unsigned most = cb[ci].max < (unsigned)stale_max ? cb[ci].max : (unsigned)stale_max;
        for (unsigned v = 1; v <= most && !found; v++) {
            memcpy(fb, cb, ci * sizeof *cb);
            fb[ci] = cb[ci];
            fb[ci].taken = (uint8_t)v;
            explore(rt, cb[ci].step, rt[cb[ci].step], fb, ci + 1, preemptions, nstale + 1,
                    depth + 1);
        }
    }
}

// ---- --around: the neighbourhood of a schedule's decisions ---------------------------------

static uint32_t around_base_steps;
static struct sched_long along;
static sched_decision *along_dec;
static uint32_t along_cap;

// Runs base's ops with the order seq[0..n) as decisions (NULL: base's own decisions), then
// no preemption. Records the executed steps.
static void run_order(const uint8_t *seq, uint32_t n, uint8_t *rt, uint8_t *rr, uint32_t *len,
                      choice *cb, uint32_t *clen, dsched_result *r, schedule *s) {
    *s = base;
    if (seq) {
        uint32_t nd = 0;
        for (uint32_t i = 0; i < n;) {
            uint32_t j = i;
            while (j < n && seq[j] == seq[i] && j - i < 65535) {
                j++;
            }
            if (nd == along_cap) {
                along_cap = along_cap ? 2 * along_cap : 1024;
                along_dec = realloc(along_dec, along_cap * sizeof *along_dec);
                if (!along_dec) {
                    fprintf(stderr, "runq-explore: out of memory\n");
                    exit(2);
                }
            }
            along_dec[nd++] = (sched_decision){seq[i], SMODE_STEPS, (uint16_t)(j - i)};
            i = j;
        }
        for (int t = 0; t < base.nthreads; t++) { // the ops stay base's
            along.ops[t] = base.ops[t];
            along.nops[t] = base.nops[t];
        }
        along.dec = along_dec;
        along.ndec = nd;
        s->longp = &along;
    }
    run_recorded(s, rt, rr, len, cb, clen, r);
    s->longp = NULL; // what report() writes is the executed order, as decisions
}

static void explore_around(const uint8_t *seq, uint32_t n, uint32_t from, int dev, int depth) {
    if (found || runs >= max_runs) {
        return;
    }
    if (depth >= MAX_DEPTH) {
        too_deep = true;
        return;
    }
    uint8_t *rt = rec_thread_for(depth), *rr = rec_runnable_for(depth);
    choice *cb = rec_choices_for(depth);
    uint32_t len = 0, clen = 0;
    dsched_result r;
    static schedule s;
    run_order(seq, n, rt, rr, &len, cb, &clen, &r, &s);
    if (depth == 0) {
        around_base_steps = len;
    }
    if (r.failed) {
        found = true;
        report(&s, &r, rt, len, cb, clen, dev);
        return;
    }
    if (dev >= deviations) {
        return;
    }
    if (len > MAX_STEPS_RECORDED) {
        len = MAX_STEPS_RECORDED;
    }
    if (!bufs_s[depth]) {
        bufs_s[depth] = malloc(MAX_STEPS_RECORDED);
    }
    uint8_t *next = bufs_s[depth];
    // Nearest the end first: the recorded failure (or divergence) is there.
    for (uint32_t j = len; j-- > from && !found && runs < max_runs;) {
        for (int a = 0; a < base.nthreads && !found; a++) {
            if (a == rt[j] || !(rr[j] >> a & 1)) {
                continue;
            }
            uint32_t f = j + 1; // a's next run in the executed order: [f, b)
            while (f < len && rt[f] != a) {
                f++;
            }
            uint32_t b = f;
            while (b < len && rt[b] == a) {
                b++;
            }
            if (f >= len) {
                continue;
            }
            for (int whole = 0; whole < 2 && !found; whole++) {
                uint32_t moved = whole ? b - f : 1;
                if (whole && moved == 1) {
                    break;
                }
                // next = rt[0,j) + a x moved + rt[j,f) + rt[f+moved,len)
                uint32_t k = 0;
                memcpy(next, rt, j);
                k = j;
                memset(next + k, a, moved);
                k += moved;
                memcpy(next + k, rt + j, f - j);
                k += f - j;
                memcpy(next + k, rt + f + moved, len - f - moved);
                k += len - f - moved;
                explore_around(next, k, j + 1, dev + 1, depth + 1);
            }
        }
    }
}

// verify_written: the schedule report() wrote, loaded back and run as runq-replay runs it,
// must fail with the same invariant (the decisions replay the run exactly, or the file
// would lead a user astray). Exit status: 1 it does, 3 it does not (said on stderr).
static int verify_written(const char *inv) {
    static schedule back;
    char err[1600];
    dsched_result again;
    if (!written_path[0]) {
        return 1; // printed on stdout instead: nothing to load
    }
    if (schedule_load_file(written_path, &back, err, sizeof err) != 0) {
        fprintf(stderr, "runq-explore: the schedule written does not load back: %s\n", err);
        return 3;
    }
    runner_run(&back, NULL, &again);
    if (!again.failed || strcmp(again.invariant, inv) != 0) {
        fprintf(stderr, "runq-explore: invariant=replay-mismatch: %s, run again, %s%s (not %s)\n",
                written_path, again.failed ? "fails with invariant=" : "passes",
                again.failed ? again.invariant : "", inv);
        return 3;
    }
    return 1;
}

// --search: PCT runs (harness/dsched.c, `strategy pct D within`) of windows of SCHEDULE's
// programs: each thread's operations [n-off-W, n-off) (the same W and off for every
// thread, so the windows roughly line up in time), W = 2, 4, 8, 16, off from 0 (the end)
// back in steps of W/2; seeds 1..--seeds (in blocks, see below) at depths 2, 3 and 4 each,
// until a run fails with
// --expect's invariant (any failure without --expect). A runq-torture failure schedule
// holds each P's last operations, and the failure is near their end. Short windows make the
// racing operations the first ones a thread makes, where PCT's few change points find
// them, keep the schedule small, and leave out earlier races the engine checks and the
// stress does not (g-race: a run that fails with another invariant does not stop the
// search). The failing run is written with its executed order as decisions, then run
// again from the file: it must fail the same way. Deterministic: the same file gives the
// same search. Returns the exit status.
static bool search_window(int w, int off, unsigned lo, unsigned hi);

static int search_runs(const char *file) {
    static const int windows[] = {2, 4, 8, SCHED_MAX_OPS};
    int longest = 0;
    for (int k = 0; k < base.nthreads; k++) {
        longest = base.nops[k] > longest ? base.nops[k] : longest;
    }
    // Seeds in blocks (1..100, 101..400, then 4x each time up to --seeds), every window in
    // each block: a few seeds of every window are cheaper than many of the first ones.
    for (unsigned lo = 1, hi = search_seeds < 100 ? search_seeds : 100; lo <= search_seeds;
         lo = hi + 1, hi = hi * 4 < search_seeds ? hi * 4 : search_seeds) {
        for (size_t wi = 0; wi < sizeof windows / sizeof windows[0]; wi++) {
            int w = windows[wi];
            for (int off = 0; off == 0 || off + w <= longest; off += w / 2) {
                if (search_window(w, off, lo, hi)) {
                    return found_status;
                }
            }
        }
    }
    printf("runq-explore: %s: no failure%s%s in %llu PCT runs (windows of 2..%d operations, "
           "seeds 1..%u, depths 2..4)%s%s\n",
           file, expect_inv ? " with invariant=" : "", expect_inv ? expect_inv : "", runs,
           SCHED_MAX_OPS, search_seeds,
           runs >= max_runs ? " (stopped at --max-runs: the search is incomplete)" : "", read_how);
    return 0;
}

// still_fails: some PCT run of t (seeds 1..32 at depths 2..4; t's own seed and depth first)
// fails with inv; t then has that seed and depth. A program one operation shorter is
// another run for PCT (its change points move), hence a few seeds, not just the one.
static bool still_fails(schedule *t, const char *inv, unsigned long long budget_end) {
    dsched_result r;
    runs++;
    runner_run_opts(t, NULL, &r);
    if (r.failed && strcmp(r.invariant, inv) == 0) {
        return true;
    }
    for (unsigned seed = 1; seed <= 32 && runs < budget_end; seed++) {
        for (int depth = 2; depth <= 4 && runs < budget_end; depth++) {
            t->seed = (uint16_t)seed;
            t->pct_depth = (uint8_t)depth;
            runs++;
            runner_run_opts(t, NULL, &r);
            if (r.failed && strcmp(r.invariant, inv) == 0) {
                return true;
            }
        }
    }
    return false;
}

// search_minimise: the failing PCT run's programs made smaller, greedily: each operation
// left out, or a count made 1, is kept if the programs still fail with inv (still_fails);
// passes repeat until none is, within 30,000 runs. Returns how many changes were kept.
// Deterministic: the same failing run gives the same minimised one.
static int search_minimise(schedule *s, const char *inv) {
    static schedule t;
    int kept = 0;
    unsigned long long budget_end = runs + 30000;
    if (budget_end > max_runs) {
        budget_end = max_runs;
    }
    for (bool changed = true; changed && runs < budget_end;) {
        changed = false;
        for (int k = 0; k < s->nthreads; k++) {
            for (int i = 0; i < s->nops[k] && runs < budget_end; i++) {
                for (int shorten = 0; shorten < 2; shorten++) {
                    t = *s;
                    if (shorten) {
                        if (t.ops[k][i].n <= 1) {
                            continue;
                        }
                        t.ops[k][i].n = 1;
                    } else {
                        memmove(t.ops[k] + i, t.ops[k] + i + 1,
                                (size_t)(t.nops[k] - i - 1) * sizeof(sched_op));
                        t.nops[k]--;
                    }
                    if (still_fails(&t, inv, budget_end)) {
                        *s = t;
                        kept++;
                        changed = true;
                        i -= !shorten; // the next operation moved into slot i
                        break;
                    }
                }
            }
        }
    }
    return kept;
}

// search_window: the PCT runs of one window; true when one failed as wanted (reported).
static bool search_window(int w, int off, unsigned lo, unsigned hi) {
    uint8_t *rt = rec_thread_for(0), *rr = rec_runnable_for(0);
    choice *cb = rec_choices_for(0);
    static schedule s, t;
    static char how[200];
    for (unsigned seed = lo; seed <= hi && runs < max_runs; seed++) {
        for (int depth = 2; depth <= 4 && runs < max_runs; depth++) {
            s = base;
            s.ndecisions = 0;
            for (int k = 0; k < s.nthreads; k++) {
                int end = s.nops[k] > off ? s.nops[k] - off : 0;
                int from = end > w ? end - w : 0;
                memmove(s.ops[k], s.ops[k] + from, (size_t)(end - from) * sizeof(sched_op));
                s.nops[k] = (uint8_t)(end - from);
            }
            s.flags |= SFLAG_PCT | SFLAG_PCT_WITHIN;
            s.pct_depth = (uint8_t)depth;
            s.seed = (uint16_t)seed;
            uint32_t len = 0, clen = 0;
            dsched_result r;
            run_recorded(&s, rt, rr, &len, cb, &clen, &r);
            if (!r.failed || (expect_inv && strcmp(r.invariant, expect_inv) != 0)) {
                continue;
            }
            int removed = search_minimise(&s, r.invariant);
            seed = s.seed; // what the minimised programs fail with
            depth = s.pct_depth;
            run_recorded(&s, rt, rr, &len, cb, &clen, &r); // the minimised run, recorded
            // The written form: the executed order as decisions, no PCT.
            t = s;
            t.flags &= (uint8_t) ~(SFLAG_PCT | SFLAG_PCT_WITHIN);
            t.pct_depth = 1;
            snprintf(
                how, sizeof how,
                "each thread's operations %d..%d counted back from its last (1), PCT depth %d, "
                "seed %u; %d operations left out or shortened after",
                off + w, off + 1, depth, seed, removed);
            search_how = how;
            found = true;
            report(&t, &r, rt, len, cb, clen, 0);
            found_status = verify_written(r.invariant);
            return true;
        }
    }
    return false;
}

// --from-record: the runq-record built for the same port, beside this program.
static int convert_recording(const char *rec, char *out, size_t outlen) {
    char prog[1100], shown[1200];
    prog_sibling_path(prog, sizeof prog, "runq-record");
    prog_quote(shown, sizeof shown, prog);
    size_t len = strlen(rec);
    const char *suf = ".record.txt";
    if (len > strlen(suf) && strcmp(rec + len - strlen(suf), suf) == 0) {
        len -= strlen(suf);
    }
    snprintf(out, outlen, "%.*s.base.txt", (int)len, rec);
    unlink(out); // a schedule left from an earlier conversion must not be taken for this one
    printf("runq-explore: converting %s: %s --out %s %s\n", rec, shown, out, rec);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        execl(prog, prog, "--out", out, rec, (char *)NULL);
        fprintf(stderr, "runq-explore: cannot run %s: %s\n", prog, strerror(errno));
        _exit(127);
    }
    int st = 0;
    if (pid < 0 || waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st) > 1) {
        fprintf(stderr, "runq-explore: %s did not convert %s (exit %d)\n", prog, rec,
                pid > 0 && WIFEXITED(st) ? WEXITSTATUS(st) : -1);
        return -1;
    }
    if (access(out, R_OK) != 0) {
        fprintf(stderr,
                "runq-explore: %s wrote no schedule for %s (its verdict is above): nothing to "
                "search around\n",
                prog, rec);
        return -1;
    }
    printf("runq-explore: %s: %s %s; searching around it\n", out, shown,
           WEXITSTATUS(st) == 0 ? "says it fails with the recorded invariant"
                                : "says it does NOT fail as recorded");
    return 0;
}

// --out is never written over (open_new): the name to check is the one a failure would get.
static bool out_path_ok(void) {
    char used[1024];
    struct stat st;
    snprintf(used, sizeof used, "%s", out_path);
    for (int k = 1; k < 1000 && stat(used, &st) == 0 && S_ISREG(st.st_mode); k++) {
        snprintf(used, sizeof used, "%s.%d", out_path, k);
    }
    return outpath_ok("runq-explore", "--out", used);
}

enum {
    O_PREEMPTIONS = 256,
    O_STALE,
    O_STALE_READS,
    O_MAX_RUNS,
    O_GO,
    O_BYTES,
    O_AROUND,
    O_DEVIATIONS,
    O_FROM_RECORD,
    O_OUT,
    O_CHROME,
    O_SEARCH,
    O_EXPECT,
    O_SEEDS,
};

static const struct option long_options[] = {
    {"preemptions", required_argument, NULL, O_PREEMPTIONS},
    {"stale", required_argument, NULL, O_STALE},
    {"stale-reads", required_argument, NULL, O_STALE_READS},
    {"max-runs", required_argument, NULL, O_MAX_RUNS},
    {"go", required_argument, NULL, O_GO},
    {"bytes", no_argument, NULL, O_BYTES},
    {"around", no_argument, NULL, O_AROUND},
    {"deviations", required_argument, NULL, O_DEVIATIONS},
    {"from-record", no_argument, NULL, O_FROM_RECORD},
    {"out", required_argument, NULL, O_OUT},
    {"chrome-trace", required_argument, NULL, O_CHROME},
    {"search", no_argument, NULL, O_SEARCH},
    {"expect", required_argument, NULL, O_EXPECT},
    {"seeds", required_argument, NULL, O_SEEDS},
    {"help", no_argument, NULL, 'h'},
    CLI_LIST_OPTIONS_ENTRY,
    {NULL, 0, NULL, 0},
};

static void help(void) {
    char variant[1024] = "";
    FILE *f = fmemopen(variant, sizeof variant - 1, "w");
    if (f) {
        cli_variant_help(f, self_name);
        fclose(f);
    }
    printf(usage_line, self_name, self_name, self_name, self_name);
    printf(help_text, variant, SCHED_STALE_MAX - 1);
}

// An integer option lo..hi, or exit 2 naming it.
static int int_arg(const char *opt, const char *val, int lo, int hi) {
    char *end;
    long v = strtol(val, &end, 10);
    if (!*val || *end || v < lo || v > hi) {
        fprintf(stderr, "runq-explore: %s: expected %d..%d, got '%s'\n", opt, lo, hi, val);
        exit(2);
    }
    return (int)v;
}

static bool bytes_opt, from_record_opt;

// The options: the SCHEDULE (or RECORDING); exits 0 after --help, 2 on a usage error.
static const char *parse_args(int argc, char **argv) {
    char *end;
    for (int c; (c = cli_next("runq-explore", argc, argv, long_options)) != -1;) {
        switch (c) {
        case CLI_BAD:
            exit(2);
        case 'h':
            help();
            exit(0);
        case O_PREEMPTIONS:
            bound = int_arg("--preemptions", optarg, 0, 8);
            break;
        case O_STALE:
            stale_max = int_arg("--stale", optarg, 0, SCHED_STALE_MAX - 1);
            break;
        case O_STALE_READS:
            stale_reads = int_arg("--stale-reads", optarg, 0, 8);
            break;
        case O_DEVIATIONS:
            deviations = int_arg("--deviations", optarg, 0, 8);
            break;
        case O_MAX_RUNS:
            max_runs = strtoull(optarg, &end, 10);
            if (!*optarg || *end || *optarg == '-' || max_runs == 0) {
                fprintf(stderr, "runq-explore: --max-runs: expected a positive count, got '%s'\n",
                        optarg);
                exit(2);
            }
            break;
        case O_GO:
            go_override = sched_version_lookup(optarg);
            if (go_override < 0) {
                fprintf(stderr, "runq-explore: --go: expected 1.19 or master, got '%s'\n", optarg);
                exit(2);
            }
            break;
        case O_BYTES:
            bytes_opt = true;
            break;
        case O_AROUND:
            around = true;
            break;
        case O_FROM_RECORD:
            around = from_record_opt = true;
            break;
        case O_OUT:
            out_path = optarg;
            break;
        case O_CHROME:
            chrome_path = optarg;
            break;
        case O_SEARCH:
            search_mode = true;
            break;
        case O_EXPECT:
            expect_inv = optarg;
            if (inv_lookup(expect_inv) < 0) {
                fprintf(stderr,
                        "runq-explore: --expect: '%s' is not a registered invariant id "
                        "(runq-replay --list-invariants)\n",
                        expect_inv);
                exit(2);
            }
            break;
        case O_SEEDS:
            search_seeds = (unsigned)int_arg("--seeds", optarg, 1, 65535);
            break;
        }
    }
    if (optind < argc - 1) {
        fprintf(stderr, "runq-explore: one SCHEDULE only ('%s' and '%s')\n", argv[optind],
                argv[optind + 1]);
        fprintf(stderr, usage_line, self_name, self_name, self_name, self_name);
        exit(2);
    }
    return optind < argc ? argv[optind] : NULL;
}

int main(int argc, char **argv) {
    set_programs(argv[0]);
    self_name = cli_basename(argv[0]);
    const char *file = parse_args(argc, argv);
    bool bytes = bytes_opt, from_record = from_record_opt;
    if (!file) {
        fprintf(stderr, "runq-explore: no SCHEDULE given\n");
        fprintf(stderr, usage_line, self_name, self_name, self_name, self_name);
        return 2;
    }
    if (search_mode && (around || stale_max > 0)) {
        fprintf(stderr, "runq-explore: --search does not combine with --around, --from-record "
                        "or --stale\n");
        return 2;
    }
    if (!search_mode && (expect_inv || search_seeds != 6400)) {
        fprintf(stderr, "runq-explore: --expect and --seeds go with --search\n");
        return 2;
    }
    if (around && stale_max > 0) {
        fprintf(stderr, "runq-explore: --stale does not combine with --around/--from-record\n");
        return 2;
    }
    // Output paths are checked now, not after the search.
    if (!out_path_ok() ||
        (chrome_path && !outpath_ok("runq-explore", "--chrome-trace", chrome_path))) {
        return 2;
    }
    static char converted[1100];
    char perr[2400];
    if (!bytes && !prog_port_check(file, "runq-explore", perr, sizeof perr)) {
        fprintf(stderr, "runq-explore: %s\n", perr);
        return 2;
    }
    if (from_record) {
        if (convert_recording(file, converted, sizeof converted) != 0) {
            return 2;
        }
        file = converted;
    }
    char err[1600];
    bool as_bytes = false;
    if (schedule_load_file_as(file, bytes ? SCHED_LOAD_BYTES : SCHED_LOAD_AUTO, &base, &as_bytes,
                              err, sizeof err) != 0) {
        fprintf(stderr, "runq-explore: %s\n", err);
        return 2;
    }
    read_how = as_bytes ? " (read as fuzzer bytes)" : "";
    if (go_override >= 0) {
        schedule_set_version(&base, go_override);
    }
    base.flags &= (uint8_t)~SFLAG_PCT;
    if (stale_max > 0) {
        base.flags |= SFLAG_WEAK;
    }
    if (search_mode) {
        return search_runs(file);
    }
    if (around) {
        explore_around(NULL, 0, 0, 0, 0);
        if (found) {
            return 1;
        }
        printf("runq-explore: %s: no failure in %llu runs within %d deviation%s of its decisions "
               "(%u steps as written)%s%s%s%s\n",
               file, runs, deviations, deviations == 1 ? "" : "s", around_base_steps,
               base.version == SVER_MASTER ? " (go master)" : "",
               runs >= max_runs ? " (stopped at --max-runs: the search is incomplete)" : "",
               too_deep ? " (some branches pruned: too deep)" : "", read_how);
        return 0;
    }
    explore(NULL, 0, -1, NULL, 0, 0, 0, 0);
    if (found) {
        return 1;
    }
    printf("runq-explore: %s: no failure in %llu interleavings with at most %d preemption%s"
           "%s%s%s%s%s\n",
           file, runs, bound, bound == 1 ? "" : "s",
           stale_max > 0 ? " and stale reads (weak memory)" : "",
           base.version == SVER_MASTER ? " (go master)" : "",
           runs >= max_runs ? " (stopped at --max-runs: the search is incomplete)" : "",
           too_deep ? " (some branches pruned: too many choice points in a row)" : "", read_how);
    return 0;
}
