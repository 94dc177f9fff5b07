// options.c - runq-torture's command line: defaults, --help, parsing and echoing.
// A bad option is a usage error: one message naming the option and what was expected,
// exit status 2 (the caller exits).
// Just over 500 lines: one table-like parser; each option's default, check and echo sit
// together.
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

void format_params(const struct params *pr, char *buf, size_t len) {
    char dur[32], si[32], ai[32], wd[32], wm[32], ph[32], mix[256], smix[256];
    format_duration(pr->work_max, wm, sizeof wm);
    format_duration(pr->duration, dur, sizeof dur);
    format_duration(pr->stat_interval, si, sizeof si);
    format_duration(pr->audit_interval, ai, sizeof ai);
    format_duration(pr->watchdog, wd, sizeof wd);
    format_duration(pr->phase, ph, sizeof ph);
    format_mix(pr->mix[PHASE_CROWD], mix, sizeof mix);
    format_mix(pr->mix[PHASE_SPARSE], smix, sizeof smix);
    char stall[32];
    format_duration(pr->stall, stall, sizeof stall);
    // Absolute: the line is run again from wherever its reader is.
    char sched[1200] = "";
    if (pr->schedule) {
        prog_abs_path(sched, sizeof sched, pr->schedule);
    }
    snprintf(buf, len,
             "--procs %d --gs %d --duration %s --seed %" PRIu64 " --mix %s --sparse-mix %s "
             "--phase %s --batch-max %d "
             "--slice %d --work-max %s --stat-interval %s --audit-interval %s --watchdog %s "
             "--capacity %d "
             "--start %" PRIu32 "%s%s%s%s%s%s%s%s%s%s",
             pr->procs, pr->gs, dur, pr->seed, mix, smix, ph, pr->batch_max, pr->slice, wm, si, ai,
             wd, pr->capacity, pr->start, strcmp(pr->go, "master") == 0 ? " --go master" : "",
             pr->handoff ? " --handoff" : " --no-handoff", pr->stall > 0 ? " --stall " : "",
             pr->stall > 0 ? stall : "", pr->inject ? " --inject " : "",
             pr->inject ? stress_inject_names[pr->inject] : "", pr->schedule ? " --schedule " : "",
             sched, pr->schedule_bytes ? " --bytes" : "", pr->record ? " --record" : "");
}

static void help(const struct params *d, const int *caps, int ncaps) {
    char dur[32], si[32], ai[32], wd[32], wm[32], ph[32], mix[256], smix[256], capl[64] = "";
    format_duration(d->work_max, wm, sizeof wm);
    format_duration(d->phase, ph, sizeof ph);
    format_mix(d->mix[PHASE_SPARSE], smix, sizeof smix);
    format_duration(d->duration, dur, sizeof dur);
    format_duration(d->stat_interval, si, sizeof si);
    format_duration(d->audit_interval, ai, sizeof ai);
    format_duration(d->watchdog, wd, sizeof wd);
    format_mix(d->mix[PHASE_CROWD], mix, sizeof mix);
    for (int i = 0, off = 0; i < ncaps; i++) {
        off += snprintf(capl + off, sizeof capl - (size_t)off, "%s%d", i ? "|" : "", caps[i]);
    }
    printf("usage: %s [options]\n"
           "\n"
           "Real-thread torture of the run-queue port: --procs Ps, each driven by a thread,\n"
           "run a fixed population of Gs in a loop shaped like Go's schedule/findrunnable\n"
           "(runqget, globrunqget, 4 steal passes in random order, runnext on the last).\n"
           "Every transfer of a G is checked against its holder token and payload; the\n"
           "world is stopped and audited periodically; a watchdog catches lost progress.\n"
           "Prints a statistics line every --stat-interval; ends with 'End of test:\n"
           "SUCCESS' (exit 0) or 'End of test: FAILURE' (exit 1); usage errors exit 2.\n"
           "\n"
           "options (default):\n"
           "  --procs N           Ps and threads, 1..%d (%d)\n"
           "  --gs N              Gs in the fixed population, 1..%d (%d)\n"
           "  --duration D        run time: 30s, 10m, 2h, 500ms, or seconds (%s)\n"
           "  --seed S            seeds the per-thread op choices (random; always printed)\n"
           "  --mix LIST          op weights of the crowd phase, name=weight,...; names\n"
           "                      not listed keep their default, 0 disables\n"
           "                      (%s)\n"
           "  --sparse-mix LIST   op weights of the sparse phase, same form\n"
           "                      (%s)\n"
           "  --phase D           crowd and sparse alternate every D; 0 = crowd only (%s)\n"
           "                      ops:\n",
           d->prog, STRESS_MAX_PROCS, d->procs, STRESS_MAX_GS, d->gs, dur, mix, smix, ph);
    for (int i = 0; i < MIX_N; i++) {
        printf("                        %-8s %s\n", stress_mix_names[i], mix_help[i]);
    }
    printf("  --batch-max N       most Gs one batch op wakes, 1..4096 (%d)\n"
           "  --slice N           ops a G may do before it is preempted, 1..64 (%d)\n"
           "  --work-max D        longest 'work' op, up to 10ms (%s)\n"
           "  --stat-interval D   statistics line period (%s)\n"
           "  --audit-interval D  stop-the-world audit period; 0 = only at the end (%s)\n"
           "  --watchdog D        fail when no G runs (or a thread is stuck) this long;\n"
           "                      '\?\?\?' at half of it (%s)\n"
           "  --capacity N        ring capacity: %s (%d)\n"
           "  --go V              the Go version's port: 1.19 or master (1.19; a --schedule\n"
           "                      saying 'go master' picks master)\n"
           "  --start N           initial runqhead/runqtail of every P; near 2^32 reaches\n"
           "                      index wrap-around early (%" PRIu32 ")\n"
           "  --handoff           a P's owner thread changes (releasep/acquirep through\n"
           "                      sched.lock): procs+1 threads, op 'syscall' enabled (on)\n"
           "  --no-handoff        one thread per P for the whole run\n"
           "  --json FILE         write parameters, final statistics and verdict as JSON\n"
           "  --fail-file FILE    on failure, write the threads' recent operations here\n"
           "                      (runq-torture-fail-<seed>.txt), and beside it the same as\n"
           "                      a schedule for runq-replay (<FILE>.schedule.txt), its\n"
           "                      picture (<FILE>.trace.json) and with --record the\n"
           "                      recording; each path is checked before the run\n"
           "  --schedule FILE     run the thread programs of a schedule (runq-schedule v1 or\n"
           "                      fuzzer bytes; another program's file is refused) on\n"
           "                      real threads, round after round, with random delays;\n"
           "                      its threads, capacity and start override\n"
           "                      --procs, --capacity, --start; its decisions are ignored\n"
           "  --bytes             read the --schedule FILE as fuzzer bytes, whatever it\n"
           "                      looks like\n"
           "  --record            flight recorder: every queue access in one total order,\n"
           "                      the queues saved at each audit; on failure a recording\n"
           "                      (<FILE>.record.txt) that tools/runq-record turns into a\n"
           "                      schedule that fails every time. Needs --procs <= 4;\n"
           "                      implies --no-handoff (docs/stress.md, \"Record mode\")\n"
           "  --stall D           test the watchdog: at 0.5s thread T0 stalls for D (off)\n"
           "  --inject KIND       test the failure path: at 0.5s plant one failure (off):\n"
           "                      throw, throw-locked (holding sched.lock), stall-locked\n"
           "                      (never lets go of sched.lock), lost, dup, payload, race\n"
           "                      (a data race for TSan); the run must end with a dump\n"
           "  --help              this text\n",
           d->batch_max, d->slice, wm, si, ai, wd, capl, d->capacity, d->start);
}

static int usage_error(const struct params *pr, const char *opt, const char *what,
                       const char *got) {
    fprintf(stderr, "%s: bad %s '%s': expected %s (try --help)\n", pr->prog, opt, got ? got : "",
            what);
    return 2;
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

// The options that take a value (a mistyped name is "unknown", not "needs a value").
static bool takes_value(const char *name) {
    static const char *const names[] = {
        "--procs",     "--gs",         "--duration",      "--seed",
        "--mix",       "--sparse-mix", "--phase",         "--batch-max",
        "--slice",     "--work-max",   "--stat-interval", "--audit-interval",
        "--watchdog",  "--capacity",   "--start",         "--json",
        "--fail-file", "--stall",      "--schedule",      "--inject",
        "--go"};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        if (strcmp(name, names[k]) == 0) {
            return true;
        }
    }
    return false;
}

int parse_params(struct params *pr, int argc, char **argv, const int *caps, int ncaps) {
    const char *slash = strrchr(argv[0], '/');
    set_defaults(pr);
    pr->prog = slash ? slash + 1 : argv[0];
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        char name[64];
        const char *val = NULL;
        if (strncmp(a, "--", 2) != 0) {
            fprintf(stderr, "%s: unexpected argument '%s': options start with -- (try --help)\n",
                    pr->prog, a);
            return 2;
        }
        const char *eq = strchr(a, '=');
        if (eq) {
            snprintf(name, sizeof name, "%.*s", (int)(eq - a), a);
            val = eq + 1;
        } else {
            snprintf(name, sizeof name, "%s", a);
        }
        bool flag = strcmp(name, "--help") == 0 || strcmp(name, "-h") == 0 ||
                    strcmp(name, "--handoff") == 0 || strcmp(name, "--no-handoff") == 0 ||
                    strcmp(name, "--record") == 0 || strcmp(name, "--bytes") == 0;
        if (flag) {
            if (val) {
                return usage_error(pr, name, "no value", val);
            }
        } else if (!takes_value(name)) {
            fprintf(stderr, "%s: unknown option '%s' (try --help)\n", pr->prog, name);
            return 2;
        } else if (!val) {
            if (i + 1 >= argc) {
                fprintf(stderr, "%s: option %s needs a value (try --help)\n", pr->prog, name);
                return 2;
            }
            val = argv[++i];
        }
        if (strcmp(name, "--help") == 0) {
            struct params d;
            set_defaults(&d);
            d.prog = pr->prog;
            help(&d, caps, ncaps);
            return 1;
        } else if (strcmp(name, "--handoff") == 0) {
            pr->handoff = true;
            pr->handoff_given = true;
        } else if (strcmp(name, "--no-handoff") == 0) {
            pr->handoff = false;
        } else if (strcmp(name, "--record") == 0) {
            pr->record = true;
        } else if (strcmp(name, "--bytes") == 0) {
            pr->schedule_bytes = true;
        } else if (strcmp(name, "--procs") == 0) {
            if (!parse_int(val, 1, STRESS_MAX_PROCS, &pr->procs)) {
                return usage_error(pr, name, "an integer 1..64", val);
            }
        } else if (strcmp(name, "--gs") == 0) {
            if (!parse_int(val, 1, STRESS_MAX_GS, &pr->gs)) {
                return usage_error(pr, name, "an integer 1..1048576", val);
            }
        } else if (strcmp(name, "--duration") == 0) {
            if (!parse_duration(val, &pr->duration) || pr->duration <= 0) {
                return usage_error(pr, name, "a positive duration such as 30s, 10m or 2h", val);
            }
        } else if (strcmp(name, "--seed") == 0) {
            if (!parse_u64(val, &pr->seed)) {
                return usage_error(pr, name, "an unsigned 64-bit integer", val);
            }
            pr->seed_given = true;
        } else if (strcmp(name, "--mix") == 0 || strcmp(name, "--sparse-mix") == 0) {
            const char *err = parse_mix(val, pr->mix[name[2] == 's' ? PHASE_SPARSE : PHASE_CROWD]);
            if (err) {
                return usage_error(pr, name, err, val);
            }
        } else if (strcmp(name, "--phase") == 0) {
            if (!parse_duration(val, &pr->phase) || (pr->phase != 0 && pr->phase < 0.01)) {
                return usage_error(pr, name, "0 or a duration of at least 10ms", val);
            }
        } else if (strcmp(name, "--batch-max") == 0) {
            if (!parse_int(val, 1, 4096, &pr->batch_max)) {
                return usage_error(pr, name, "an integer 1..4096", val);
            }
        } else if (strcmp(name, "--slice") == 0) {
            if (!parse_int(val, 1, 64, &pr->slice)) {
                return usage_error(pr, name, "an integer 1..64", val);
            }
        } else if (strcmp(name, "--work-max") == 0) {
            if (!parse_duration(val, &pr->work_max) || pr->work_max > 0.01) {
                return usage_error(pr, name, "a duration up to 10ms, such as 100us", val);
            }
        } else if (strcmp(name, "--stat-interval") == 0) {
            if (!parse_duration(val, &pr->stat_interval) || pr->stat_interval < 0.01) {
                return usage_error(pr, name, "a duration of at least 10ms", val);
            }
        } else if (strcmp(name, "--audit-interval") == 0) {
            if (!parse_duration(val, &pr->audit_interval) ||
                (pr->audit_interval != 0 && pr->audit_interval < 0.001)) {
                return usage_error(pr, name, "0 or a duration of at least 1ms", val);
            }
        } else if (strcmp(name, "--watchdog") == 0) {
            if (!parse_duration(val, &pr->watchdog) || pr->watchdog < 0.1) {
                return usage_error(pr, name, "a duration of at least 100ms", val);
            }
        } else if (strcmp(name, "--go") == 0) {
            if (strcmp(val, "1.19") != 0 && strcmp(val, "master") != 0) {
                return usage_error(pr, name, "1.19 or master", val);
            }
            pr->go = strcmp(val, "master") == 0 ? "master" : "1.19";
        } else if (strcmp(name, "--capacity") == 0) {
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
                return usage_error(pr, name, capl, val);
            }
            pr->capacity = c;
        } else if (strcmp(name, "--start") == 0) {
            uint64_t v;
            if (!parse_u64(val, &v) || v > UINT32_MAX) {
                return usage_error(pr, name, "an integer 0..4294967295", val);
            }
            pr->start = (uint32_t)v;
        } else if (strcmp(name, "--json") == 0) {
            pr->json = val;
        } else if (strcmp(name, "--fail-file") == 0) {
            pr->fail_file = val;
        } else if (strcmp(name, "--stall") == 0) {
            if (!parse_duration(val, &pr->stall)) {
                return usage_error(pr, name, "a duration", val);
            }
        } else if (strcmp(name, "--inject") == 0) {
            int k = 1;
            while (k < INJECT_N && strcmp(val, stress_inject_names[k]) != 0) {
                k++;
            }
            if (k == INJECT_N) {
                return usage_error(pr, name,
                                   "one of throw, throw-locked, stall-locked, lost, dup, "
                                   "payload, race",
                                   val);
            }
            pr->inject = k;
        } else if (strcmp(name, "--schedule") == 0) {
            pr->schedule = val;
        } else {
            fprintf(stderr, "%s: unknown option '%s' (try --help)\n", pr->prog, name);
            return 2;
        }
    }
    if (pr->schedule_bytes && !pr->schedule) {
        fprintf(stderr, "%s: --bytes is about the --schedule FILE: give one (try --help)\n",
                pr->prog);
        return 2;
    }
    if (pr->record) {
        // The engine replays one thread per P, at most 4 of them: no hand-off.
        if (pr->handoff_given || pr->procs > 4 || pr->schedule) {
            return usage_error(pr, "--record",
                               "--procs 1..4, without --handoff or --schedule (one thread per P, "
                               "as the engine replays it)",
                               pr->handoff_given ? "--handoff"
                               : pr->schedule    ? "--schedule"
                                                 : "");
        }
        if (strcmp(pr->go, "master") == 0) { // runq-record replays on the 1.19 engine
            return usage_error(pr, "--record",
                               "Go 1.19's port (recordings of master's are not "
                               "replayed yet)",
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
            return usage_error(pr, ph == PHASE_CROWD ? "--mix" : "--sparse-mix",
                               "at least one non-zero weight (syscall counts only with --handoff)",
                               mix);
        }
    }
    if (!pr->seed_given) {
        pr->seed = random_seed();
    }
    return 0;
}
