// options.c - runq-torture's command line: defaults, --help, parsing (getopt_long, through
// harness/cli.h) and echoing (the banner, the reproduce: line's options).
// A bad option is a usage error: one message naming the option and what was expected,
// exit status 2 (the caller exits).
// Just over 500 lines: each option's default, check, help and echo sit together.
#include "cli.h"
#include "progname.h"
#include "torture.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

const char *const stress_mix_names[MIX_N] = {
#define X(e, name, crowd, sparse, help) name,
    STRESS_MIX_LIST(X)
#undef X
};

const char *const stress_phase_names[PHASE_N] = {"crowd", "sparse"};
const char *const stress_inject_names[INJECT_N] = {
#define X(e, name, help) name,
    STRESS_INJECT_LIST(X)
#undef X
};

static const double mix_defaults[PHASE_N][MIX_N] = {
    {
#define X(e, name, crowd, sparse, help) crowd,
        STRESS_MIX_LIST(X)
#undef X
    },
    {
#define X(e, name, crowd, sparse, help) sparse,
        STRESS_MIX_LIST(X)
#undef X
    },
};

static const char *const mix_help[MIX_N] = {
#define X(e, name, crowd, sparse, help) help,
    STRESS_MIX_LIST(X)
#undef X
};
static const char *const inject_help[INJECT_N] = {
#define X(e, name, help) help,
    STRESS_INJECT_LIST(X)
#undef X
};
static const char *const ctr_help[CTR_N] = {
#define X(e, name, help) help,
    STRESS_CTR_LIST(X)
#undef X
};

static void set_defaults(struct params *pr) {
    memset(pr, 0, sizeof *pr);
    pr->procs = 4;
    pr->gs = 1024;
    pr->duration = 30;
    pr->phase = 1;
    memcpy(pr->mix, mix_defaults, sizeof pr->mix);
    pr->batch_max = 128;
    pr->slice = 4;
    pr->work_max = 100e-6;
    pr->stat_interval = 10;
    pr->audit_interval = 1;
    pr->watchdog = 30;
    pr->capacity = 256;
    pr->go = "1.19";
    pr->start = 4294967168u; // 128 below 2^32: every P's indices wrap in the first second
    pr->handoff = true;      // every path by default, P hand-off included
}

void format_duration(double s, char *buf, size_t len) {
    if (s >= 3600 && fmod(s, 3600) == 0) {
        snprintf(buf, len, "%.0fh", s / 3600);
    } else if (s >= 60 && fmod(s, 60) == 0) {
        snprintf(buf, len, "%.0fm", s / 60);
    } else if (s >= 1 || s == 0) {
        snprintf(buf, len, "%gs", s);
    } else if (s >= 0.001) {
        snprintf(buf, len, "%gms", s * 1000);
    } else {
        snprintf(buf, len, "%gus", s * 1e6);
    }
}

void format_mix(const double *mix, char *buf, size_t len) {
    size_t off = 0;
    buf[0] = 0;
    for (int i = 0; i < MIX_N && off < len; i++) {
        off += (size_t)snprintf(buf + off, len - off, "%s%s=%g", i ? "," : "", stress_mix_names[i],
                                mix[i]);
    }
}

// Does op run in phase ph? (phase 0: crowd only; syscall only with hand-off)
static bool mix_on(const struct params *pr, int ph, int op) {
    return (ph == PHASE_CROWD || pr->phase > 0) && pr->mix[ph][op] > 0 &&
           (op != MIX_SYSCALL || pr->handoff);
}

// The mix as the banner shows it: without syscall when there is no hand-off.
static void banner_mix(const struct params *pr, int ph, char *buf, size_t len) {
    size_t off = 0;
    buf[0] = 0;
    for (int i = 0; i < MIX_N && off < len; i++) {
        if (i != MIX_SYSCALL || pr->handoff) {
            off += (size_t)snprintf(buf + off, len - off, "%s%s=%g", off ? "," : "",
                                    stress_mix_names[i], pr->mix[ph][i]);
        }
    }
}

#define ADD(...)                                                                                   \
    do {                                                                                           \
        if (off < len) {                                                                           \
            off += (size_t)snprintf(buf + off, len - off, __VA_ARGS__);                            \
        }                                                                                          \
    } while (0)

// The workload's options (not with --schedule: the file gives the threads' programs).
static size_t format_workload(const struct params *pr, const struct params *d, char *buf,
                              size_t len) {
    size_t off = 0;
    char v[256];
    if (pr->procs != d->procs) {
        ADD(" --procs %d", pr->procs);
    }
    if (pr->capacity != d->capacity) {
        ADD(" --capacity %d", pr->capacity);
    }
    if (pr->start != d->start) {
        ADD(" --start %" PRIu32, pr->start);
    }
    if (!pr->handoff && !pr->record) { // --record implies --no-handoff
        ADD(" --no-handoff");
    }
    for (int ph = 0; ph < PHASE_N; ph++) {
        if (memcmp(pr->mix[ph], d->mix[ph], sizeof pr->mix[ph]) != 0) {
            format_mix(pr->mix[ph], v, sizeof v);
            ADD(" --%s %s", ph == PHASE_CROWD ? "mix" : "sparse-mix", v);
        }
    }
    if (pr->phase != d->phase) {
        format_duration(pr->phase, v, sizeof v);
        ADD(" --phase %s", v);
    }
    if (pr->batch_max != d->batch_max) {
        ADD(" --batch-max %d", pr->batch_max);
    }
    if (pr->slice != d->slice) {
        ADD(" --slice %d", pr->slice);
    }
    if (pr->work_max != d->work_max) {
        format_duration(pr->work_max, v, sizeof v);
        ADD(" --work-max %s", v);
    }
    return off;
}

// format_params: the options of the reproduce: line. The seed and duration always, then
// every option whose value is not its default: the line runs this same program (by its
// absolute path), whose defaults are these, and stays short enough to read.
void format_params(const struct params *pr, char *buf, size_t len) {
    struct params d;
    set_defaults(&d);
    size_t off = 0;
    char v[1200];
    format_duration(pr->duration, v, sizeof v);
    ADD("--seed %" PRIu64 " --duration %s", pr->seed, v);
    if (pr->schedule) { // absolute: the line is run again from wherever its reader is
        prog_abs_path(v, sizeof v, pr->schedule);
        ADD(" --schedule %s%s", v, pr->schedule_bytes ? " --bytes" : "");
    } else if (off < len) {
        off += format_workload(pr, &d, buf + off, len - off);
    }
    if (pr->gs != d.gs) {
        ADD(" --gs %d", pr->gs);
    }
    if (strcmp(pr->go, "master") == 0) {
        ADD(" --go master");
    }
    const double *durs[] = {&pr->stat_interval, &pr->audit_interval, &pr->watchdog};
    const double *defs[] = {&d.stat_interval, &d.audit_interval, &d.watchdog};
    const char *names[] = {"stat-interval", "audit-interval", "watchdog"};
    for (int k = 0; k < 3; k++) {
        if (*durs[k] != *defs[k]) {
            format_duration(*durs[k], v, sizeof v);
            ADD(" --%s %s", names[k], v);
        }
    }
    if (pr->stall > 0) {
        format_duration(pr->stall, v, sizeof v);
        ADD(" --stall %s", v);
    }
    if (pr->inject) {
        ADD(" --inject %s", stress_inject_names[pr->inject]);
    }
    if (pr->record) {
        ADD(" --record");
    }
}
#undef ADD

// The workload's parameters in the banner: only those that apply to the run.
static void banner_workload(struct stress_wrap *w, const struct params *pr, int nthreads) {
    char v[512];
    stress_wrap_item(w, "procs: %d", pr->procs);
    stress_wrap_item(w, "threads: %d", nthreads);
    stress_wrap_item(w, "handoff: %s", pr->handoff ? "on" : "off");
    stress_wrap_item(w, "capacity: %d", pr->capacity);
    stress_wrap_item(w, "start: %" PRIu32, pr->start);
    stress_wrap_item(w, "gs: %d", pr->gs);
    format_duration(pr->phase, v, sizeof v);
    stress_wrap_item(w, "phase: %s%s", v, pr->phase > 0 ? "" : " (crowd only)");
    stress_wrap_item(w, "slice: %d", pr->slice);
    bool batch = mix_on(pr, PHASE_CROWD, MIX_BATCH) || mix_on(pr, PHASE_SPARSE, MIX_BATCH);
    bool work = mix_on(pr, PHASE_CROWD, MIX_WORK) || mix_on(pr, PHASE_SPARSE, MIX_WORK);
    if (batch) {
        stress_wrap_item(w, "batch-max: %d", pr->batch_max);
    }
    if (work) {
        format_duration(pr->work_max, v, sizeof v);
        stress_wrap_item(w, "work-max: %s", v);
    }
    banner_mix(pr, PHASE_CROWD, v, sizeof v);
    stress_wrap_item(w, "mix: %s", v);
    if (pr->phase > 0) {
        banner_mix(pr, PHASE_SPARSE, v, sizeof v);
        stress_wrap_item(w, "sparse-mix: %s", v);
    }
}

// params_banner: the run's parameters, once, at the start (rcutorture's "--- Start of
// test:" line, wrapped at STRESS_LINE_MAX), only those that apply to the run's mode.
void params_banner(const struct params *pr, int nthreads, const char *schedule_how,
                   const char *preset) {
    char v[1200];
    stress_out("--- Start of test: %s, Go %s's port, build %s, seed %" PRIu64 "\n", pr->prog,
               pr->go, preset, pr->seed);
    struct stress_wrap w;
    if (prog_variant()[0] && !prog_variant_is_import()) {
        stress_wrap_start(&w, "--- planted bug:");
        stress_wrap_item(&w, "%s (ci/mutants/%s.patch)%s", prog_variant(), prog_variant(),
                         prog_variant_bug()[0] ? ":" : "");
        for (const char *p = prog_variant_bug(); *p;) { // word by word, so it wraps
            size_t n = strcspn(p, " ");
            if (n > 0) {
                stress_wrap_item(&w, "%.*s", (int)n, p);
            }
            p += n + (p[n] == ' ');
        }
        stress_wrap_end(&w);
    }
    stress_wrap_start(&w, "--- params:");
    if (pr->schedule) {
        stress_wrap_item(&w, "schedule: %s%s", pr->schedule, schedule_how);
        stress_wrap_item(&w, "procs: %d capacity: %d start: %" PRIu32 " (from the file)", pr->procs,
                         pr->capacity, pr->start);
        stress_wrap_item(&w, "gs: %d", pr->gs);
    } else {
        banner_workload(&w, pr, nthreads);
    }
    format_duration(pr->duration, v, sizeof v);
    stress_wrap_item(&w, "duration: %s", v);
    format_duration(pr->stat_interval, v, sizeof v);
    stress_wrap_item(&w, "stat-interval: %s", v);
    format_duration(pr->audit_interval, v, sizeof v);
    stress_wrap_item(&w, "audit-interval: %s%s", v, pr->audit_interval > 0 ? "" : " (at the end)");
    format_duration(pr->watchdog, v, sizeof v);
    stress_wrap_item(&w, "watchdog: %s", v);
    if (pr->stall > 0) {
        format_duration(pr->stall, v, sizeof v);
        stress_wrap_item(&w, "stall: %s", v);
    }
    if (pr->inject) {
        stress_wrap_item(&w, "inject: %s", stress_inject_names[pr->inject]);
    }
    if (pr->record) {
        stress_wrap_item(&w, "record: on");
    }
    stress_wrap_item(&w, "fail-file: %s", pr->fail_file);
    if (pr->json) {
        stress_wrap_item(&w, "json: %s", pr->json);
    }
    stress_wrap_end(&w);
}

static void help_workload(const struct params *d, const char *capl) {
    char v[256], s[256];
    format_mix(d->mix[PHASE_CROWD], v, sizeof v);
    format_mix(d->mix[PHASE_SPARSE], s, sizeof s);
    printf("Workload:\n"
           "  --procs N           Ps, each driven by a thread, 1..%d (default %d)\n"
           "  --gs N              Gs in the fixed population, 1..%d (default %d)\n"
           "  --capacity N        ring capacity: %s (default %d)\n"
           "  --go VERSION        the Go version's port: 1.19 or master (default 1.19; a\n"
           "                      --schedule file saying 'go master' picks master)\n"
           "  --start N           initial runqhead/runqtail of every P, 0..4294967295; near\n"
           "                      2^32 reaches index wrap-around early (default %" PRIu32 ")\n"
           "  --handoff           a P's owner thread changes (releasep/acquirep through\n"
           "                      sched.lock): procs+1 threads, op 'syscall' on (the default)\n"
           "  --no-handoff        one thread per P for the whole run\n"
           "  --mix LIST          op weights of the crowd phase, name=weight,... with weights\n"
           "                      0 (off) or 0.001..100000; names not listed keep their\n"
           "                      default\n                      (default %s)\n"
           "  --sparse-mix LIST   the same for the sparse phase\n"
           "                      (default %s)\n",
           STRESS_MAX_PROCS, d->procs, STRESS_MAX_GS, d->gs, capl, d->capacity, d->start, v, s);
    format_duration(d->phase, v, sizeof v);
    printf("  --phase D           crowd and sparse alternate every D; 0 = crowd only, else\n"
           "                      at least 10ms (default %s)\n",
           v);
    printf("  --batch-max N       most Gs one batch op wakes, 1..4096 (default %d)\n"
           "  --slice N           ops a G may do before it is preempted, 1..64 (default %d)\n",
           d->batch_max, d->slice);
    format_duration(d->work_max, v, sizeof v);
    printf("  --work-max D        longest 'work' op, 0..10ms (default %s)\n"
           "  The ops of a mix:\n",
           v);
    for (int i = 0; i < MIX_N; i++) {
        printf("    %-8s %s\n", stress_mix_names[i], mix_help[i]);
    }
}

static void help_run(const struct params *d) {
    char dur[32], si[32], ai[32], wd[32];
    format_duration(d->duration, dur, sizeof dur);
    format_duration(d->stat_interval, si, sizeof si);
    format_duration(d->audit_interval, ai, sizeof ai);
    format_duration(d->watchdog, wd, sizeof wd);
    printf("Run:\n"
           "  --duration D        run time, more than 0 (default %s)\n"
           "  --seed S            seeds each thread's op choices, 0..2^64-1 (default: random,\n"
           "                      printed in the banner)\n"
           "  --stat-interval D   period of the stats: line, at least 10ms (default %s)\n"
           "  --audit-interval D  stop-the-world audit period, 0 (only at the end) or at least\n"
           "                      1ms (default %s)\n"
           "  --watchdog D        fail when no G runs (or a thread is stuck) this long, at\n"
           "                      least 100ms; '\?\?\?' at half of it (default %s)\n"
           "Files:\n"
           "  --fail-file FILE    the failure trace, and the stem of the files beside it\n"
           "                      (default runq-torture-fail-<seed>.txt, or -<seed>-2.txt,\n"
           "                      ... if it exists, or if another run takes the name\n"
           "                      first: never overwritten; see Outputs)\n"
           "  --json FILE         write parameters, final statistics and verdict as JSON\n"
           "                      (default: none)\n"
           "  --record            flight recorder: every queue access in one total order,\n"
           "                      the queues saved at each audit; on failure a recording that\n"
           "                      runq-record turns into a schedule that fails every time.\n"
           "                      Needs --procs 1..4 and Go 1.19; implies --no-handoff (off)\n"
           "A schedule's programs on real threads:\n"
           "  --schedule FILE     run the thread programs of a runq-schedule v1 file (or\n"
           "                      fuzzer bytes; another program's file is refused), round\n"
           "                      after round with random delays; its threads, capacity and\n"
           "                      start replace --procs, --capacity, --start; its decisions\n"
           "                      are ignored; no hand-off, no op mix (default: none)\n"
           "  --bytes             read the --schedule FILE as fuzzer bytes, whatever it\n"
           "                      looks like (off)\n"
           "Testing the checks themselves:\n"
           "  --stall D           at 0.5s thread T0 stalls for D: the watchdog must fire (off)\n"
           "  --inject KIND       at 0.5s plant one failure; the run must end with a dump (off):\n",
           dur, si, ai, wd);
    for (int k = 1; k < INJECT_N; k++) {
        printf("    %-13s %s\n", stress_inject_names[k], inject_help[k]);
    }
    printf("  -h, --help          this text\n");
}

static void help_output(void) {
    printf("\nOutput (stdout; no line wider than %d columns but a command's):\n"
           "  --- Start of test: PROG, the port, the build and the seed; '--- params:' then\n"
           "      gives every parameter that applies to the run, once ('--- planted bug:'\n"
           "      before it: a variant program's mutant and what it breaks)\n"
           "  command: CMD        this run again: the seed, the duration and every option\n"
           "                      not at its default\n"
           "  stats: KEY: VALUE   every --stat-interval; 'final:' the same at the end\n"
           "      t               seconds since the start\n"
           "      ops/s, ops/s/thread, runs/s   rates over the last interval (final: the run)\n",
           STRESS_LINE_MAX);
    for (int c = 0; c < CTR_N; c++) {
        printf("      %-15s %s%s\n", stress_ctr_names[c], ctr_help[c],
               c == CTR_SYSCALLS || c == CTR_HANDOFFS ? " (only with hand-off)" : "");
    }
    printf("      globq           Gs on the global queue now\n"
           "      parked          Gs parked now\n"
           "      audits          stop-the-world audits passed\n"
           "      errors          failures reported\n"
           "  \?\?\? MESSAGE         a suspicious state (a thread idle for half the watchdog)\n"
           "  !!! [T<n>] invariant=ID: MESSAGE   a failure (ids: docs/invariants.md); the run\n"
           "                      ends within seconds with a dump of the threads and queues\n"
           "  --- dump: ...       after a failure: each thread's state and last operations,\n"
           "                      every P's queue, the global queue\n"
           "  --- failure trace: FILE, --- failure schedule: FILE (CMD), ...   the files\n"
           "                      written (Outputs) and the command that reads each\n"
           "  reproduce: CMD      after a failure: the same run, by this program's path\n"
           "  --- End of test: SUCCESS or FAILURE\n"
           "\n"
           "Outputs (files, written on failure only, each path checked before the run):\n"
           "  FILE (--fail-file)  each thread's last operations, the queues, a timeline\n"
           "  STEM.trace.json     the same as a Chrome trace (STEM: FILE without .txt)\n"
           "  STEM.schedule.txt   the same as a runq-schedule v1 file for runq-replay\n"
           "  STEM.record.txt     with --record: the recording, for runq-record\n"
           "  --json FILE is written at the end of every run.\n"
           "Exit: 0 success, 1 failure, 2 usage error (the message names the option).\n"
           "More: docs/stress.md (workload, output, failure files, record mode).\n");
}

static void help(const struct params *d, const int *caps, int ncaps) {
    char capl[64] = "";
    for (int i = 0, off = 0; i < ncaps; i++) {
        off += snprintf(capl + off, sizeof capl - (size_t)off, "%s%d", i ? ", " : "", caps[i]);
    }
    printf("usage: %s [options]\n"
           "\n"
           "Torture of the run-queue port on real threads, every transfer of a G checked.\n",
           d->prog);
    cli_variant_help(stdout, d->prog);
    printf("\nPs driven by threads run a fixed population of Gs in a loop shaped like Go's\n"
           "schedule/findrunnable; the world is stopped and audited periodically; a watchdog\n"
           "catches lost progress.\n"
           "\nLong options may be abbreviated to a unique prefix; a value follows as '=VALUE'\n"
           "or as the next argument. D is a duration: 30s, 10m, 2h, 500ms, 100us or seconds.\n"
           "\n");
    help_workload(d, capl);
    help_run(d);
    help_output();
}

static bool parse_u64(const char *s, uint64_t *out) {
    if (!s || !*s || *s == '-') {
        return false;
    }
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || *end) {
        return false;
    }
    *out = v;
    return true;
}

static bool parse_int(const char *s, int lo, int hi, int *out) {
    uint64_t v;
    if (!parse_u64(s, &v) || v < (uint64_t)lo || v > (uint64_t)hi) {
        return false;
    }
    *out = (int)v;
    return true;
}

// parse_duration: 30s, 10m, 2h, 500ms, 100us, or a plain number of seconds.
static bool parse_duration(const char *s, double *out) {
    if (!s || !*s) {
        return false;
    }
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || v < 0 || !isfinite(v)) {
        return false;
    }
    double mul = 1;
    if (strcmp(end, "us") == 0) {
        mul = 1e-6;
    } else if (strcmp(end, "ms") == 0) {
        mul = 0.001;
    } else if (strcmp(end, "s") == 0 || *end == 0) {
        mul = 1;
    } else if (strcmp(end, "m") == 0) {
        mul = 60;
    } else if (strcmp(end, "h") == 0) {
        mul = 3600;
    } else {
        return false;
    }
    *out = v * mul;
    return true;
}

// parse_mix: "ready=30,yield=30"; unknown names and bad weights are errors.
static const char *parse_mix(const char *s, double *mix) {
    static char err[160];
    char buf[512];
    if (!s || strlen(s) >= sizeof buf || !*s) {
        return "a list name=weight,... (names: ready yield park batch drain work syscall)";
    }
    strcpy(buf, s);
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok;
         tok = strtok_r(NULL, ",", &save)) {
        char *eq = strchr(tok, '=');
        if (!eq) {
            snprintf(err, sizeof err, "name=weight, not '%.40s'", tok);
            return err;
        }
        *eq = 0;
        int which = -1;
        for (int i = 0; i < MIX_N; i++) {
            if (strcmp(tok, stress_mix_names[i]) == 0) {
                which = i;
            }
        }
        if (which < 0) {
            snprintf(err, sizeof err,
                     "an op name (ready yield park batch drain work syscall), not '%.40s'", tok);
            return err;
        }
        char *end;
        errno = 0;
        double w = strtod(eq + 1, &end);
        if (errno || end == eq + 1 || *end || !(w == 0 || (w >= 0.001 && w <= 100000))) {
            snprintf(err, sizeof err, "a weight 0 or 0.001..100000 for %s, not '%.40s'", tok,
                     eq + 1);
            return err;
        }
        mix[which] = w;
    }
    return NULL;
}

static uint64_t random_seed(void) {
    uint64_t s = 0;
    FILE *f = fopen("/dev/urandom", "rb");
    if (f) {
        if (fread(&s, sizeof s, 1, f) != 1) {
            s = 0;
        }
        fclose(f);
    }
    if (s == 0) {
        s = now_ns() ^ ((uint64_t)getpid() << 32);
    }
    return s % 1000000000000ull; // short enough to retype
}

enum {
    O_PROCS = 256,
    O_GS,
    O_DURATION,
    O_SEED,
    O_MIX,
    O_SPARSE_MIX,
    O_PHASE,
    O_BATCH_MAX,
    O_SLICE,
    O_WORK_MAX,
    O_STAT_INTERVAL,
    O_AUDIT_INTERVAL,
    O_WATCHDOG,
    O_CAPACITY,
    O_GO,
    O_START,
    O_HANDOFF,
    O_NO_HANDOFF,
    O_JSON,
    O_FAIL_FILE,
    O_SCHEDULE,
    O_BYTES,
    O_RECORD,
    O_STALL,
    O_INJECT,
};

static const struct option long_options[] = {
    {"procs", required_argument, NULL, O_PROCS},
    {"gs", required_argument, NULL, O_GS},
    {"duration", required_argument, NULL, O_DURATION},
    {"seed", required_argument, NULL, O_SEED},
    {"mix", required_argument, NULL, O_MIX},
    {"sparse-mix", required_argument, NULL, O_SPARSE_MIX},
    {"phase", required_argument, NULL, O_PHASE},
    {"batch-max", required_argument, NULL, O_BATCH_MAX},
    {"slice", required_argument, NULL, O_SLICE},
    {"work-max", required_argument, NULL, O_WORK_MAX},
    {"stat-interval", required_argument, NULL, O_STAT_INTERVAL},
    {"audit-interval", required_argument, NULL, O_AUDIT_INTERVAL},
    {"watchdog", required_argument, NULL, O_WATCHDOG},
    {"capacity", required_argument, NULL, O_CAPACITY},
    {"go", required_argument, NULL, O_GO},
    {"start", required_argument, NULL, O_START},
    {"handoff", no_argument, NULL, O_HANDOFF},
    {"no-handoff", no_argument, NULL, O_NO_HANDOFF},
    {"json", required_argument, NULL, O_JSON},
    {"fail-file", required_argument, NULL, O_FAIL_FILE},
    {"schedule", required_argument, NULL, O_SCHEDULE},
    {"bytes", no_argument, NULL, O_BYTES},
    {"record", no_argument, NULL, O_RECORD},
    {"stall", required_argument, NULL, O_STALL},
    {"inject", required_argument, NULL, O_INJECT},
    {"help", no_argument, NULL, 'h'},
    CLI_LIST_OPTIONS_ENTRY,
    {NULL, 0, NULL, 0},
};

// A duration option: its value, checked against lo (0 allowed when zero_ok) and hi.
static int set_duration(struct params *pr, const char *opt, const char *val, double *out, double lo,
                        double hi, bool zero_ok, const char *what) {
    double v;
    if (!parse_duration(val, &v) || (v < lo && !(zero_ok && v == 0)) || v > hi) {
        return cli_bad_value(pr->prog, opt, what, val);
    }
    *out = v;
    return 0;
}

static int set_capacity(struct params *pr, const char *val, const int *caps, int ncaps) {
    int c = -1;
    bool ok = false;
    if (parse_int(val, 1, 1 << 20, &c)) {
        for (int k = 0; k < ncaps; k++) {
            ok |= caps[k] == c;
        }
    }
    if (!ok) {
        char capl[64] = "one of";
        for (int k = 0, off = 6; k < ncaps; k++) {
            off += snprintf(capl + off, sizeof capl - (size_t)off, " %d", caps[k]);
        }
        return cli_bad_value(pr->prog, "--capacity", capl, val);
    }
    pr->capacity = c;
    return 0;
}

static int set_inject(struct params *pr, const char *val) {
    int k = 1;
    while (k < INJECT_N && strcmp(val, stress_inject_names[k]) != 0) {
        k++;
    }
    if (k == INJECT_N) {
        return cli_bad_value(pr->prog, "--inject",
                             "one of throw, throw-locked, stall-locked, lost, dup, payload, race",
                             val);
    }
    pr->inject = k;
    return 0;
}

// The numeric options: 0, or 2 after the usage error.
static int set_number(struct params *pr, int opt, const char *val) {
    uint64_t v;
    switch (opt) {
    case O_PROCS:
        return parse_int(val, 1, STRESS_MAX_PROCS, &pr->procs)
                   ? 0
                   : cli_bad_value(pr->prog, "--procs", "an integer 1..64", val);
    case O_GS:
        return parse_int(val, 1, STRESS_MAX_GS, &pr->gs)
                   ? 0
                   : cli_bad_value(pr->prog, "--gs", "an integer 1..1048576", val);
    case O_BATCH_MAX:
        return parse_int(val, 1, 4096, &pr->batch_max)
                   ? 0
                   : cli_bad_value(pr->prog, "--batch-max", "an integer 1..4096", val);
    case O_SLICE:
        return parse_int(val, 1, 64, &pr->slice)
                   ? 0
                   : cli_bad_value(pr->prog, "--slice", "an integer 1..64", val);
    case O_SEED:
        if (!parse_u64(val, &pr->seed)) {
            return cli_bad_value(pr->prog, "--seed", "an unsigned 64-bit integer", val);
        }
        pr->seed_given = true;
        return 0;
    case O_START:
        if (!parse_u64(val, &v) || v > UINT32_MAX) {
            return cli_bad_value(pr->prog, "--start", "an integer 0..4294967295", val);
        }
        pr->start = (uint32_t)v;
        return 0;
    }
    return 0;
}

// One option and its value: 0, or 2 after the usage error.
static int set_option(struct params *pr, int opt, const char *val, const int *caps, int ncaps) {
    const char *err;
    switch (opt) {
    case O_HANDOFF:
        pr->handoff = pr->handoff_given = true;
        return 0;
    case O_NO_HANDOFF:
        pr->handoff = false;
        return 0;
    case O_RECORD:
        pr->record = true;
        return 0;
    case O_BYTES:
        pr->schedule_bytes = true;
        return 0;
    case O_DURATION:
        return set_duration(pr, "--duration", val, &pr->duration, 1e-9, INFINITY, false,
                            "a positive duration such as 30s, 10m or 2h");
    case O_PHASE:
        return set_duration(pr, "--phase", val, &pr->phase, 0.01, INFINITY, true,
                            "0 or a duration of at least 10ms");
    case O_WORK_MAX:
        return set_duration(pr, "--work-max", val, &pr->work_max, 0, 0.01, true,
                            "a duration up to 10ms, such as 100us");
    case O_STAT_INTERVAL:
        return set_duration(pr, "--stat-interval", val, &pr->stat_interval, 0.01, INFINITY, false,
                            "a duration of at least 10ms");
    case O_AUDIT_INTERVAL:
        return set_duration(pr, "--audit-interval", val, &pr->audit_interval, 0.001, INFINITY, true,
                            "0 or a duration of at least 1ms");
    case O_WATCHDOG:
        return set_duration(pr, "--watchdog", val, &pr->watchdog, 0.1, INFINITY, false,
                            "a duration of at least 100ms");
    case O_STALL:
        return set_duration(pr, "--stall", val, &pr->stall, 0, INFINITY, true, "a duration");
    case O_MIX:
    case O_SPARSE_MIX:
        err = parse_mix(val, pr->mix[opt == O_SPARSE_MIX ? PHASE_SPARSE : PHASE_CROWD]);
        return err ? cli_bad_value(pr->prog, opt == O_MIX ? "--mix" : "--sparse-mix", err, val) : 0;
    case O_GO:
        if (strcmp(val, "1.19") != 0 && strcmp(val, "master") != 0) {
            return cli_bad_value(pr->prog, "--go", "1.19 or master", val);
        }
        pr->go = strcmp(val, "master") == 0 ? "master" : "1.19";
        return 0;
    case O_CAPACITY:
        return set_capacity(pr, val, caps, ncaps);
    case O_INJECT:
        return set_inject(pr, val);
    case O_JSON:
        pr->json = val;
        return 0;
    case O_FAIL_FILE:
        pr->fail_file = val;
        return 0;
    case O_SCHEDULE:
        pr->schedule = val;
        return 0;
    }
    return set_number(pr, opt, val);
}

// The options' combinations, once all are read: 0, or 2 after the usage error.
static int check_params(struct params *pr) {
    if (pr->schedule_bytes && !pr->schedule) {
        fprintf(stderr, "%s: --bytes is about the --schedule FILE: give one (try --help)\n",
                pr->prog);
        return 2;
    }
    if (pr->record) {
        // The engine replays one thread per P, at most 4 of them: no hand-off.
        if (pr->handoff_given || pr->procs > 4 || pr->schedule) {
            return cli_bad_value(pr->prog, "--record",
                                 "--procs 1..4, without --handoff or --schedule (one thread "
                                 "per P, as the engine replays it)",
                                 pr->handoff_given ? "--handoff"
                                 : pr->schedule    ? "--schedule"
                                                   : "");
        }
        if (strcmp(pr->go, "master") == 0) { // runq-record replays on the 1.19 engine
            return cli_bad_value(pr->prog, "--record",
                                 "Go 1.19's port (recordings of master's are not replayed yet)",
                                 "--go master");
        }
        pr->handoff = false;
    }
    for (int ph = 0; ph < PHASE_N; ph++) {
        double total = 0;
        for (int i = 0; i < MIX_N; i++) {
            total += (i == MIX_SYSCALL && !pr->handoff) ? 0 : pr->mix[ph][i];
        }
        if (total == 0 && (ph == PHASE_CROWD || pr->phase > 0)) {
            char mix[256];
            format_mix(pr->mix[ph], mix, sizeof mix);
            return cli_bad_value(pr->prog, ph == PHASE_CROWD ? "--mix" : "--sparse-mix",
                                 "at least one non-zero weight (syscall counts only with "
                                 "--handoff)",
                                 mix);
        }
    }
    return 0;
}

int parse_params(struct params *pr, int argc, char **argv, const int *caps, int ncaps) {
    const char *slash = strrchr(argv[0], '/');
    set_defaults(pr);
    pr->prog = slash ? slash + 1 : argv[0];
    optind = 0; // a fresh scan (glibc: 0 also resets its state)
    for (int c; (c = cli_next(pr->prog, argc, argv, long_options)) != -1;) {
        if (c == CLI_BAD) {
            return 2;
        }
        if (c == 'h') {
            struct params d;
            set_defaults(&d);
            d.prog = pr->prog;
            help(&d, caps, ncaps);
            return 1;
        }
        if (set_option(pr, c, optarg, caps, ncaps) != 0) {
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "%s: unexpected argument '%s': options start with -- (try --help)\n",
                pr->prog, argv[optind]);
        return 2;
    }
    if (check_params(pr) != 0) {
        return 2;
    }
    if (!pr->seed_given) {
        pr->seed = random_seed();
    }
    return 0;
}
