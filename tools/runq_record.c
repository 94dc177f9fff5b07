// runq_record.c - runq-record: a runq-torture --record failure becomes a schedule that fails
// every time on the deterministic engine.
//
//   runq-record [--out FILE] [--no-minimise] [--trace] [--quiet] RECORDING (--help)
//
// 1. Verify. The recording (stress/record.c) holds the queues at the last audit and, since
//    then, every seam access of every thread in one total order (tickets), each thread's
//    accesses grouped by the port call (the engine op) they belong to. The engine starts
//    from that state (a runq-schedule v2 "initial" section), runs the same ops, and the
//    decisions replay the recorded order step by step ("run T steps N"). After every step
//    the verifier checks that the thread made the recorded access at the recorded place and
//    read (or wrote, or CASed) the recorded value; G values are matched through labels (the
//    run's goids). The first difference is reported (invariant=replay-divergence).
// 2. Cut. A schedule holds at most 16 ops per thread and 1024 decisions, so the schedule
//    starts at a later point where no thread is inside an op: the engine's state there
//    (computed by the verified replay itself) becomes the initial state. Cuts are tried from
//    the failure backwards until the rest fails with the recorded invariant.
// 3. Minimise. Ops are dropped (with their steps) and runs of steps are moved next to the
//    same thread's following run, as long as the invariant stays the same; if the result
//    is still too long for a schedule file, it is cut again inside the minimised plan.
// A G the run put again after it ran is the same engine G (initial.h "puts"); if the
// engine then names the failure differently, everything is tried again with fresh Gs.
// Writes FILE (default: RECORDING without .record.txt, plus .replay.txt); runq-replay
// replays it. Exit 0: the schedule fails with the recorded invariant; 1: it does not (the
// output says why); 2: usage or bad input (file and line named).
#include "initial.h"
#include "cli.h"
#include "outpath.h"
#include "progname.h"
#include "runner.h"
#include "schedule.h"
#include "worlds.h"

#include <errno.h>
#include <stdarg.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#define NT SCHED_MAX_THREADS

struct acc {
    uint64_t ticket;
    uint16_t site;
    uint8_t kind;  // enum dsched_access
    int8_t pid;    // -1: no P (lock, back-off)
    int8_t field;  // locate()'s field, -1 for none
    uint32_t slot; // ring slot
    uint64_t v, w;
    uint32_t op; // index of its op in the thread
};

struct rop {
    sched_op op;
    uint32_t first, n;   // its accesses in the thread's list
    uint32_t gfirst, gn; // the labels of the Gs it puts, in the thread's label list
};

static struct thr {
    struct acc *a;
    uint32_t na, capa;
    struct rop *ops;
    uint32_t nops, capops;
    uint32_t *pos; // merged position of each access
    int32_t *gl;   // labels of the Gs its ops put
    uint32_t ngl, capgl;
} th[NT];

static int nthreads, cap;
static char invariant[64], program[128];
static struct sched_initial *rec_init;
static const struct dsched_world *W;

// The merged order: thread of each step.
static uint8_t *order_t;
static uint32_t *order_i;
static uint32_t nsteps;

static bool quiet;
static bool reuse_gs;   // ops put the run's Gs again by name (initial.h "puts")
static bool move_loads; // also try cuts inside ops that only loaded so far (moved_rest)

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...) {
    if (quiet) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
}

static void *grow(void *p, uint32_t *capn, uint32_t need, size_t size) {
    if (need <= *capn) {
        return p;
    }
    uint32_t n = *capn ? *capn * 2 : 256;
    while (n < need) {
        n *= 2;
    }
    void *q = realloc(p, (size_t)n * size);
    if (q == NULL) {
        fprintf(stderr, "runq-record: out of memory\n");
        exit(2);
    }
    *capn = n;
    return q;
}

// ---- reading a recording ------------------------------------------------------------------

static int bad(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int bad(const char *file, int line, const char *fmt, ...) {
    fprintf(stderr, "runq-record: %s:%d: ", file, line);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
    return -1;
}

static int op_kind(const char *name) {
    for (int k = 1; k < SOP_COUNT; k++) {
        if (strcmp(name, sched_op_name(k)) == 0) {
            return k;
        }
    }
    return -1;
}

static int site_index(const char *name) {
    return runq_site_lookup(name);
}

static int load_recording(const char *path) {
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        fprintf(stderr, "runq-record: %s: cannot open: %s\n", path, strerror(errno));
        return -1;
    }
    static char line[8192];
    int ln = 0, cur = -1;
    bool in_initial = false, magic = false;
    rec_init = sched_initial_new();
    while (fgets(line, sizeof line, f)) {
        ln++;
        char *hash = strchr(line, '#');
        if (hash) {
            *hash = 0;
        }
        char *s = line + strspn(line, " \t");
        s[strcspn(s, "\r\n")] = 0;
        if (*s == 0) {
            continue;
        }
        if (!magic) {
            if (strcmp(s, "runq-record v1") != 0) {
                fclose(f);
                return bad(path, ln, "expected 'runq-record v1' first, found '%s'", s);
            }
            magic = true;
            continue;
        }
        char word[64];
        if (sscanf(s, "%63s", word) != 1) {
            continue;
        }
        if (in_initial && (s[0] == 'P' || strncmp(s, "global", 6) == 0)) {
            char err[256];
            if (sched_initial_parse_line(rec_init, cap, s, err, sizeof err) != 0) {
                fclose(f);
                return bad(path, ln, "%s", err);
            }
            continue;
        }
        in_initial = false;
        if (strcmp(word, "initial") == 0) {
            if (cap == 0 || nthreads == 0) {
                fclose(f);
                return bad(path, ln, "'procs' and 'capacity' must come before 'initial'");
            }
            in_initial = true;
        } else if (strcmp(word, "procs") == 0) {
            if (sscanf(s, "procs %d", &nthreads) != 1 || nthreads < 1 || nthreads > NT) {
                fclose(f);
                return bad(path, ln, "expected 'procs N' with N in 1..%d", NT);
            }
        } else if (strcmp(word, "capacity") == 0) {
            if (sscanf(s, "capacity %d", &cap) != 1 || world_for(SVER_119, cap) == NULL) {
                fclose(f);
                return bad(path, ln, "expected 'capacity 4|8|256'");
            }
        } else if (strcmp(word, "invariant") == 0) {
            sscanf(s, "invariant %63s", invariant);
        } else if (strcmp(word, "program") == 0) {
            sscanf(s, "program %127s", program);
        } else if (strcmp(word, "thread") == 0) {
            if (sscanf(s, "thread %d", &cur) != 1 || cur < 0 || cur >= nthreads) {
                fclose(f);
                return bad(path, ln, "expected 'thread T' with T in 0..%d", nthreads - 1);
            }
        } else if (strcmp(word, "op") == 0) {
            char name[32];
            unsigned long arg;
            int k, used = 0;
            if (cur < 0 || sscanf(s, "op %31s %lu%n", name, &arg, &used) != 2 ||
                (k = op_kind(name)) < 0 || arg > 256) {
                fclose(f);
                return bad(path, ln, "expected 'op NAME ARG [G...]' inside a 'thread' section");
            }
            struct thr *t = &th[cur];
            uint32_t gfirst = t->ngl;
            for (char *save = NULL, *g = strtok_r(s + used, " \t", &save); g;
                 g = strtok_r(NULL, " \t", &save)) {
                char *end;
                long gv = strtol(g, &end, 10);
                if (*end || gv <= 0) {
                    fclose(f);
                    return bad(path, ln, "expected G labels after 'op %s %lu', found '%s'", name,
                               arg, g);
                }
                t->gl = grow(t->gl, &t->capgl, t->ngl + 1, sizeof *t->gl);
                t->gl[t->ngl++] = (int32_t)gv;
            }
            t->ops = grow(t->ops, &t->capops, t->nops + 1, sizeof *t->ops);
            sched_op op = {(uint8_t)k, 0, 1};
            if (k == SOP_STEAL || k == SOP_STEALNEXT) {
                if ((int)arg >= nthreads || (int)arg == cur) {
                    fclose(f);
                    return bad(path, ln, "a steal names another P (0..%d)", nthreads - 1);
                }
                op.target = (uint8_t)arg;
            } else {
                op.n = (uint16_t)(arg ? arg : 1);
            }
            t->ops[t->nops++] = (struct rop){op, t->na, 0, gfirst, t->ngl - gfirst};
        } else if (strcmp(word, "a") == 0) {
            unsigned long long ticket, v, w;
            char site[48], loc[32], kind;
            if (cur < 0 || th[cur].nops == 0 ||
                sscanf(s, "a %llu %47s %31s %c %llu %llu", &ticket, site, loc, &kind, &v, &w) !=
                    6) {
                fclose(f);
                return bad(path, ln,
                           "expected 'a TICKET SITE LOC KIND V W' after an 'op' line of a thread");
            }
            const char *kinds = "LSCFKUB";
            const char *kp = strchr(kinds, kind);
            int si = site_index(site);
            if (kp == NULL || kind == 0 || si < 0) {
                fclose(f);
                return bad(path, ln, "unknown site '%s' or kind '%c'", site, kind);
            }
            struct acc x = {ticket, (uint16_t)si, (uint8_t)(kp - kinds), -1, -1, 0, v, w, 0};
            int pid;
            unsigned slot;
            char field[16];
            if (sscanf(loc, "P%d.slot%u", &pid, &slot) == 2) {
                x.pid = (int8_t)pid;
                x.field = 3;
                x.slot = slot;
            } else if (sscanf(loc, "P%d.%15s", &pid, field) == 2) {
                static const char *const names[] = {"head", "tail", "next", "slot", "status"};
                x.pid = (int8_t)pid;
                for (int k = 0; k < 5; k++) {
                    if (strcmp(field, names[k]) == 0) {
                        x.field = (int8_t)k;
                    }
                }
            }
            struct thr *t = &th[cur];
            x.op = t->nops - 1;
            t->a = grow(t->a, &t->capa, t->na + 1, sizeof *t->a);
            t->a[t->na++] = x;
            t->ops[t->nops - 1].n++;
        }
        // program, params, message, snapshot lines: informational
    }
    fclose(f);
    if (!magic || cap == 0 || nthreads == 0) {
        return bad(path, ln, "not a complete recording (needs runq-record v1, procs, capacity)");
    }
    char err[256];
    if (sched_initial_check(rec_init, cap, err, sizeof err) != 0) {
        return bad(path, ln, "%s", err);
    }
    // An op marked with no access after it (the recorder stopped there) is dropped.
    for (int t = 0; t < nthreads; t++) {
        while (th[t].nops > 0 && th[t].ops[th[t].nops - 1].n == 0) {
            th[t].nops--;
        }
        for (uint32_t k = 0; k < th[t].nops; k++) {
            if (th[t].ops[k].n == 0) {
                return bad(path, ln, "thread %d's op %u has no access", t, k);
            }
        }
    }
    return 0;
}

// Merges the threads' accesses by ticket.
static void merge(void) {
    uint32_t total = 0, idx[NT] = {0};
    for (int t = 0; t < nthreads; t++) {
        total += th[t].na;
        th[t].pos = calloc(th[t].na + 1, sizeof(uint32_t));
    }
    order_t = malloc(total + 1);
    order_i = malloc((total + 1) * sizeof(uint32_t));
    for (nsteps = 0; nsteps < total; nsteps++) {
        int best = -1;
        for (int t = 0; t < nthreads; t++) {
            if (idx[t] < th[t].na &&
                (best < 0 || th[t].a[idx[t]].ticket < th[best].a[idx[best]].ticket)) {
                best = t;
            }
        }
        order_t[nsteps] = (uint8_t)best;
        order_i[nsteps] = idx[best];
        th[best].pos[idx[best]] = nsteps;
        idx[best]++;
    }
}

static uint32_t op_first_pos(int t, uint32_t k) {
    return th[t].pos[th[t].ops[k].first];
}
static uint32_t op_last_pos(int t, uint32_t k) {
    return th[t].pos[th[t].ops[k].first + th[t].ops[k].n - 1];
}

// ---- building schedules ---------------------------------------------------------------------

// A candidate: start at merged position cut, from state init; ops marked in drop[] left out
// (with their steps); steps at merged positions in moved[] run later (see minimise).
struct plan {
    uint32_t cut;
    const struct sched_initial *init;
    bool *drop[NT]; // per op
    uint32_t *seq;  // merged positions, in the order they are to run
    uint32_t nseq;
    uint32_t capture;     // force a decision boundary before this merged position (or UINT32_MAX)
    uint32_t capture_q;   // ... which is seq[capture_q]: the state is saved after that many steps
    uint32_t from_op[NT]; // if non-zero: thread t's ops from index from_op[t] - 1 on are in too
};

static struct sched_long longp;
static sched_op *long_ops[NT];
static sched_decision *long_dec;
static uint32_t long_dec_cap, long_ops_cap[NT];

// Fills s from plan. fixed: into the arrays of struct schedule (steps of at most 32), or
// false if it does not fit; else into longp.
static bool build(const struct plan *pl, schedule *s, bool fixed) {
    // The initial state plus the names of the Gs the included ops put (initial.h "puts").
    static struct sched_initial binit;
    static int32_t *puts[NT];
    static uint32_t capputs[NT];
    binit = *pl->init;
    memset(s, 0, sizeof *s);
    s->nthreads = (uint8_t)nthreads;
    s->cap = (uint16_t)cap;
    s->pct_depth = 1;
    s->init = &binit;
    uint32_t nops[NT] = {0};
    for (int t = 0; t < nthreads; t++) {
        binit.nputs[t] = 0;
        binit.capputs[t] = 0;
        binit.puts[t] = NULL;
        for (uint32_t k = 0; k < th[t].nops; k++) {
            bool begun =
                op_first_pos(t, k) < pl->cut && !(pl->from_op[t] && k + 1 >= pl->from_op[t]);
            if (begun || (pl->drop[t] && pl->drop[t][k])) {
                continue;
            }
            const struct rop *o = &th[t].ops[k];
            if (reuse_gs) {
                puts[t] = grow(puts[t], &capputs[t], binit.nputs[t] + o->gn + 1, sizeof(int32_t));
                for (uint32_t j = 0; j < o->gn; j++) {
                    puts[t][binit.nputs[t]++] = th[t].gl[o->gfirst + j];
                }
                binit.puts[t] = puts[t];
            }
            if (fixed) {
                if (nops[t] == SCHED_MAX_OPS) {
                    return false;
                }
                s->ops[t][nops[t]] = th[t].ops[k].op;
            } else {
                long_ops[t] = grow(long_ops[t], &long_ops_cap[t], nops[t] + 1, sizeof(sched_op));
                long_ops[t][nops[t]] = th[t].ops[k].op;
            }
            nops[t]++;
        }
        s->nops[t] = (uint8_t)(fixed ? nops[t] : 0);
        longp.ops[t] = long_ops[t];
        longp.nops[t] = nops[t];
    }
    uint32_t nd = 0, maxrun = fixed ? 32 : 65535;
    int last = -1;
    for (uint32_t q = 0; q < pl->nseq; q++) {
        uint32_t pos = pl->seq[q];
        int t = order_t[pos];
        bool split = pos == pl->capture;
        sched_decision *d = nd ? (fixed ? &s->dec[nd - 1] : &long_dec[nd - 1]) : NULL;
        if (t == last && !split && d->arg < maxrun) {
            d->arg++;
            continue;
        }
        if (fixed) {
            if (nd == SCHED_MAX_DECISIONS) {
                return false;
            }
            s->dec[nd] = (sched_decision){(uint8_t)t, SMODE_STEPS, 1};
        } else {
            long_dec = grow(long_dec, &long_dec_cap, nd + 1, sizeof *long_dec);
            long_dec[nd] = (sched_decision){(uint8_t)t, SMODE_STEPS, 1};
        }
        nd++;
        last = t;
    }
    if (fixed) {
        s->ndecisions = (uint16_t)nd;
    } else {
        longp.dec = long_dec;
        longp.ndec = nd;
        s->longp = &longp;
    }
    return true;
}

// ---- the verifier -----------------------------------------------------------------------------

struct verifier {
    const struct plan *pl;
    uint32_t *list[NT]; // per thread: its accesses (indices) in plan order
    uint32_t n[NT], at[NT];
    uint64_t capture_step;
    bool captured;
    struct sched_initial *saved;
};

// Does engine value v name the G the run had (goid)? Binds fresh Gs to their goid.
static bool same_g(uintptr_t v, uint64_t goid, char *what, size_t n) {
    int gi = W->g_of(v);
    if (gi == -1) {
        if (goid == 0) {
            return true;
        }
        snprintf(what, n, "nil");
        return false;
    }
    if (gi < 0) {
        snprintf(what, n, "a pointer that is no G");
        return false;
    }
    if (W->labels[gi] == 0 && goid != 0) {
        W->labels[gi] = (int32_t)goid;
        return true;
    }
    if ((uint64_t)W->labels[gi] == goid) {
        return true;
    }
    snprintf(what, n, "G%d (g%d of the run)", gi + 1, W->labels[gi]);
    return false;
}

static const char *const kind_names[] = {"load", "store",  "cas ok",  "cas fail",
                                         "lock", "unlock", "back-off"};

static bool observe(void *ctx, int t, enum runq_site site, const void *addr, enum dsched_access k,
                    uintptr_t v, uintptr_t w, char *why, size_t whylen) {
    struct verifier *vf = ctx;
    if (t < 0 || t >= nthreads || vf->at[t] >= vf->n[t]) {
        return true; // past the recording: not checked
    }
    uint32_t ai = vf->list[t][vf->at[t]++];
    const struct acc *e = &th[t].a[ai];
    char got[96] = "";
    int pid = -1;
    uint32_t slot = 0;
    int field = addr && k != DACC_LOCK && k != DACC_UNLOCK ? W->locate(addr, &pid, &slot) : -1;
    bool ok = site == e->site && (int)k == e->kind;
    if (ok && field >= 0) {
        ok = pid == e->pid && field == e->field && (field != 3 || slot == e->slot);
    }
    if (ok && (k == DACC_LOAD || k == DACC_STORE || k == DACC_CAS_OK || k == DACC_CAS_FAIL)) {
        bool two = k == DACC_CAS_OK || k == DACC_CAS_FAIL;
        if (field == 2 || field == 3) {
            ok = same_g(v, e->v, got, sizeof got) && (!two || same_g(w, e->w, got, sizeof got));
        } else {
            ok = (uint32_t)v == (uint32_t)e->v && (!two || (uint32_t)w == (uint32_t)e->w);
            if (!ok) {
                snprintf(got, sizeof got, "%lu/%lu", (unsigned long)v, (unsigned long)w);
            }
        }
    }
    if (!ok) {
        snprintf(why, whylen,
                 "%s's access %u (ticket %llu): the run made %s %s at P%d field %d slot %u "
                 "(values %llu %llu); the engine made %s %s at P%d field %d slot %u%s%s",
                 sched_thread_name(t), vf->at[t] - 1, (unsigned long long)e->ticket,
                 runq_site_name((enum runq_site)e->site), kind_names[e->kind], e->pid, e->field,
                 e->slot, (unsigned long long)e->v, (unsigned long long)e->w, runq_site_name(site),
                 kind_names[k], pid, field, slot, got[0] ? ", value " : "", got);
        return false;
    }
    return true;
}

static void before_pick(void *ctx, uint64_t step) {
    struct verifier *vf = ctx;
    if (!vf->captured && vf->saved && step == vf->capture_step) {
        W->save_initial(vf->saved);
        vf->captured = true;
    }
}

// Runs s; with verify, checks every step against the recording (plan order).
static bool run(const schedule *s, const struct plan *pl, bool verify, struct sched_initial *save,
                dsched_result *r, FILE *trace) {
    static struct verifier vf;
    static uint32_t *lists[NT];
    static uint32_t caps_[NT];
    memset(&vf, 0, sizeof vf);
    vf.pl = pl;
    for (int t = 0; t < nthreads; t++) {
        lists[t] = grow(lists[t], &caps_[t], th[t].na + 1, sizeof(uint32_t));
        vf.list[t] = lists[t];
    }
    for (uint32_t q = 0; q < pl->nseq; q++) {
        int t = order_t[pl->seq[q]];
        vf.list[t][vf.n[t]++] = order_i[pl->seq[q]];
    }
    // A thread's accesses are checked in its own program order, which the plan keeps.
    for (int t = 0; t < nthreads; t++) {
        for (uint32_t i = 1; i < vf.n[t]; i++) {
            if (vf.list[t][i] < vf.list[t][i - 1]) {
                verify = false; // a reordered plan (minimising): nothing to compare
            }
        }
    }
    vf.saved = save;
    vf.capture_step = pl->capture_q;
    dsched_options o = {0};
    o.trace = trace;
    o.observe = verify ? observe : NULL;
    o.before_pick = save ? before_pick : NULL;
    o.ctx = &vf;
    return runner_run_opts(s, &o, r);
}

// ---- main ---------------------------------------------------------------------------------------

static const char *self_name = "runq-record"; // a variant's is runq-record-<mutant>
static const char help_text[] =
    "usage: %s [options] RECORDING\n"
    "\n"
    "Turns a runq-torture --record recording into a schedule that fails every time.\n"
    "%s"
    "\n"
    "On the deterministic engine it verifies the recorded order step by step, cuts it to fit\n"
    "a schedule file, minimises it, writes it and replays it.\n"
    "\n"
    "Long options may be abbreviated to a unique prefix; a value follows as '=VALUE' or as\n"
    "the next argument.\n"
    "\n"
    "  --out FILE       where the schedule goes (default: RECORDING without .record.txt,\n"
    "                   plus .replay.txt); checked before the verification starts\n"
    "  --no-minimise    write the cut schedule as verified, without minimising it (off)\n"
    "  --trace          print the written schedule's replay as runq-replay --trace does\n"
    "                   (docs/traces.md) (off)\n"
    "  --quiet          only the verdict lines: no 'recording:', 'verify:', 'cut:',\n"
    "                   'minimise:' progress lines (off)\n"
    "  -h, --help       this text\n"
    "\n"
    "Outputs:\n"
    "  --out FILE       a runq-schedule v2 file (an initial section, the ops, decisions)\n"
    "  stdout           progress lines, then 'schedule: FILE: N decisions, ... replays with\n"
    "                   invariant=ID' and 'reproduce: CMD' (runq-replay --trace FILE);\n"
    "                   '!!! invariant=replay-mismatch' or 'invariant=replay-divergence'\n"
    "                   when the recording does not replay as recorded\n"
    "Exit: 0 the schedule fails with the recorded invariant, 1 it does not (the output says\n"
    "why), 2 usage or bad input (file and line named).\n"
    "More: docs/stress.md (record mode, each step).\n";

static void help(void) {
    char variant[1024] = "";
    FILE *f = fmemopen(variant, sizeof variant - 1, "w");
    if (f) {
        cli_variant_help(f, self_name);
        fclose(f);
    }
    printf(help_text, self_name, variant);
}

static void usage(void) {
    fprintf(stderr, "usage: %s [options] RECORDING\n(%s --help for every option)\n", self_name,
            self_name);
    exit(2);
}

enum { O_OUT = 256, O_NO_MINIMISE, O_TRACE, O_QUIET };
static const struct option long_options[] = {
    {"out", required_argument, NULL, O_OUT},
    {"no-minimise", no_argument, NULL, O_NO_MINIMISE},
    {"trace", no_argument, NULL, O_TRACE},
    {"quiet", no_argument, NULL, O_QUIET},
    {"help", no_argument, NULL, 'h'},
    CLI_LIST_OPTIONS_ENTRY,
    {NULL, 0, NULL, 0},
};

static int write_schedule(const char *path, const schedule *s, const char *comment) {
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        fprintf(stderr, "runq-record: %s: cannot write: %s\n", path, strerror(errno));
        return -1;
    }
    fprintf(f, "%s", comment);
    schedule_print_text(s, f);
    if (fclose(f) != 0) {
        fprintf(stderr, "runq-record: %s: cannot write\n", path);
        return -1;
    }
    return 0;
}

static int pipeline(const char *in, const char *out, bool minimise, bool trace);
static void *kept(void *ptr);

// Does s, written as text and loaded back as runq-replay loads it, fail with the recorded
// invariant? (What the file can say is the judge: a state that only the in-memory run has
// must not decide a cut.)
static bool file_fails(const schedule *s) {
    char path[] = "/tmp/runq-record-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0) {
        return false;
    }
    close(fd);
    static schedule back;
    char err[512];
    dsched_result r;
    bool ok = write_schedule(path, s, "") == 0 &&
              schedule_load_file(path, &back, err, sizeof err) == 0 &&
              (runner_run(&back, NULL, &r), r.failed) && strcmp(r.invariant, invariant) == 0;
    unlink(path);
    return ok;
}
static void free_kept(void);

int main(int argc, char **argv) {
    prog_init();
    self_name = cli_basename(argv[0]);
    const char *out = NULL, *in = NULL;
    bool minimise = true, trace = false;
    for (int c; (c = cli_next("runq-record", argc, argv, long_options)) != -1;) {
        switch (c) {
        case CLI_BAD:
            return 2;
        case 'h':
            help();
            return 0;
        case O_OUT:
            out = optarg;
            break;
        case O_NO_MINIMISE:
            minimise = false;
            break;
        case O_TRACE:
            trace = true;
            break;
        case O_QUIET:
            quiet = true;
            break;
        }
    }
    if (optind < argc - 1) {
        fprintf(stderr, "runq-record: unexpected argument '%s': one RECORDING only\n",
                argv[optind + 1]);
        usage();
    }
    in = optind < argc ? argv[optind] : NULL;
    if (in == NULL) {
        usage();
    }
    static char outbuf[1100];
    if (out == NULL) {
        size_t len = strlen(in);
        const char *suf = ".record.txt";
        if (len > strlen(suf) && strcmp(in + len - strlen(suf), suf) == 0) {
            len -= strlen(suf);
        }
        snprintf(outbuf, sizeof outbuf, "%.*s.replay.txt", (int)len, in);
        out = outbuf;
    }
    char perr[2400];
    if (!prog_port_check(in, "runq-record", perr, sizeof perr)) {
        fprintf(stderr, "runq-record: %s\n", perr);
        return 2;
    }
    if (load_recording(in) != 0) {
        return 2;
    }
    // Checked now, not after the verification and the minimisation.
    if (!outpath_ok("runq-record", "--out", out)) {
        return 2;
    }
    W = world_for(SVER_119, cap);
    merge();
    say("recording: %s: %s, invariant=%s, %d threads, capacity %d, %u steps since the snapshot\n",
        in, program, invariant, nthreads, cap, nsteps);
    // Two models of a G put again after it ran: the same G (as the run reused it: ABA on
    // runnext replays, long recordings do not run out of Gs), or a fresh one (as schedules
    // without "puts" do). Both are verified replays of the same accesses; the engine's
    // checks may name the failure differently, so the second is tried if the first does
    // not give the recorded invariant.
    // Then the same two with later cuts inside ops that only loaded so far (moved_rest).
    int rc = 1;
    for (int attempt = 0; attempt < 4 && rc == 1; attempt++) {
        reuse_gs = attempt % 2 == 0;
        move_loads = attempt >= 2;
        if (attempt > 0) {
            say("--- again, %s%s\n",
                reuse_gs ? "the same G for a G put again" : "with a fresh G for every put",
                move_loads ? ", cutting inside ops that only loaded so far" : "");
        }
        rc = pipeline(in, out, minimise, trace);
        free_kept();
    }
    return rc;
}

// What one pipeline run allocates lives until the run ends: kept() notes it, and
// free_kept() lets it all go (no leak at exit for LeakSanitizer, whatever path returned).
static void **kept_list;
static size_t nkept, capkept;
static void *kept(void *ptr) {
    if (ptr && nkept == capkept) {
        size_t cap = capkept ? 2 * capkept : 64;
        void **bigger = realloc(kept_list, cap * sizeof *bigger);
        if (bigger == NULL) {
            return ptr; // not kept: a leak, never a crash
        }
        kept_list = bigger;
        capkept = cap;
    }
    if (ptr) {
        kept_list[nkept++] = ptr;
    }
    return ptr;
}
static void free_kept(void) {
    while (nkept > 0) {
        free(kept_list[--nkept]);
    }
    free(kept_list);
    kept_list = NULL;
    capkept = 0;
}

// With the ops marked in drop[] left out of best (with their steps), does the failure stay?
// If so best keeps only the other steps. trial: scratch of best->nseq entries.
static bool try_drops(struct plan *best, uint32_t *trial, bool *const drop[NT], int *runs) {
    static schedule sch;
    uint32_t n = 0;
    for (uint32_t q = 0; q < best->nseq; q++) {
        uint32_t pos = best->seq[q];
        int t = order_t[pos];
        if (!drop[t][th[t].a[order_i[pos]].op]) {
            trial[n++] = pos;
        }
    }
    struct plan tp = *best;
    tp.seq = trial;
    tp.nseq = n;
    dsched_result rt;
    (*runs)++;
    if (build(&tp, &sch, false) && (run(&sch, &tp, false, NULL, &rt, NULL), rt.failed) &&
        strcmp(rt.invariant, invariant) == 0) {
        memcpy(best->seq, trial, n * sizeof(uint32_t));
        best->nseq = n;
        return true;
    }
    return false;
}

// ---- dropping threads ---------------------------------------------------------------------------

// Does any op of s name P v (a steal's victim, runqempty's P)?
static bool targeted(const schedule *s, int v) {
    for (int t = 0; t < s->nthreads; t++) {
        for (int k = 0; k < s->nops[t]; k++) {
            const sched_op *o = &s->ops[t][k];
            if ((o->kind == SOP_STEAL || o->kind == SOP_STEALNEXT || o->kind == SOP_EMPTY) &&
                o->target == v) {
                return true;
            }
        }
    }
    return false;
}

// out = s without thread d and its P: thread t > d becomes t - 1 (its program, the
// decisions and op targets naming it, its P's initial state and its "puts" list); the Gs
// queued on P d are gone (a stale copy of one elsewhere becomes a "done" placeholder).
static void without_thread(const schedule *s, int d, schedule *out, struct sched_initial *init) {
    *out = *s;
    out->nthreads = (uint8_t)(s->nthreads - 1);
    for (int t = d; t < out->nthreads; t++) {
        out->nops[t] = s->nops[t + 1];
        memcpy(out->ops[t], s->ops[t + 1], sizeof out->ops[t]);
    }
    out->nops[out->nthreads] = 0;
    for (int t = 0; t < out->nthreads; t++) {
        for (int k = 0; k < out->nops[t]; k++) {
            sched_op *o = &out->ops[t][k];
            if ((o->kind == SOP_STEAL || o->kind == SOP_STEALNEXT || o->kind == SOP_EMPTY) &&
                o->target > d) {
                o->target--;
            }
        }
    }
    for (int i = 0; i < out->ndecisions; i++) {
        if (out->dec[i].thread > d) {
            out->dec[i].thread--;
        }
    }
    if (s->init == NULL) {
        return;
    }
    *init = *s->init;
    for (int p = d; p + 1 < SCHED_MAX_THREADS; p++) {
        init->head[p] = s->init->head[p + 1];
        init->tail[p] = s->init->tail[p + 1];
        init->next[p] = s->init->next[p + 1];
        memcpy(init->slots[p], s->init->slots[p + 1], sizeof init->slots[p]);
        init->puts[p] = s->init->puts[p + 1];
        init->nputs[p] = s->init->nputs[p + 1];
        init->capputs[p] = s->init->capputs[p + 1];
    }
    int last = SCHED_MAX_THREADS - 1;
    init->head[last] = init->tail[last] = 0;
    init->next[last] = 0;
    memset(init->slots[last], 0, sizeof init->slots[last]);
    init->puts[last] = NULL;
    init->nputs[last] = init->capputs[last] = 0;
    if (init->np > d) {
        init->np--;
    }
    out->init = init;
}

// Drops the threads the failure does not need: a thread with no op left whose P no op
// names, if the schedule without it still fails with the recorded invariant. Returns how
// many were dropped (s is changed in place).
static int drop_threads(schedule *s) {
    static schedule trial;
    int dropped = 0;
    for (int d = s->nthreads - 1; d >= 0 && s->nthreads > 1; d--) {
        if (s->nops[d] != 0 || targeted(s, d)) {
            continue;
        }
        bool named = false;
        for (int i = 0; i < s->ndecisions; i++) {
            named |= s->dec[i].thread == d;
        }
        if (named) {
            continue;
        }
        struct sched_initial *init = kept(calloc(1, sizeof *init));
        if (init == NULL) {
            break;
        }
        without_thread(s, d, &trial, init);
        if (file_fails(&trial)) {
            *s = trial;
            dropped++;
        }
    }
    return dropped;
}

// A cut at merged position c where threads are inside an op: if what each such op did
// before c is loads only (and runnext back-offs), of places nobody writes between the load and c,
// the loads can move to c (they read the same values there), and the op starts at the cut. (A
// thread that read runnext, was preempted for thousands of steps and made its CAS at the failure
// leaves no step where every thread is between ops.) Fills out with the rest of the recording in
// that order and from_op with the ops that begin before c; returns its length, or 0 if a
// begun op did more than load.
static uint32_t moved_rest(uint32_t c, uint32_t *out, uint32_t *from_op) {
    uint32_t n = 0;
    for (int t = 0; t < nthreads; t++) {
        from_op[t] = 0;
        uint32_t lo = 0, hi = th[t].na; // the thread's first access at or after c
        while (lo < hi) {
            uint32_t mid = lo + (hi - lo) / 2;
            if (th[t].pos[mid] < c) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        if (lo == 0 || lo == th[t].na || th[t].a[lo - 1].op != th[t].a[lo].op) {
            continue;
        }
        uint32_t k = th[t].a[lo].op;
        for (uint32_t i = th[t].ops[k].first; i < lo; i++) {
            const struct acc *x = &th[t].a[i];
            if (x->kind == DACC_BACKOFF) { // no memory effect
                continue;
            }
            if (x->kind != DACC_LOAD || x->pid < 0) {
                return 0;
            }
            for (uint32_t q = th[t].pos[i] + 1; q < c; q++) {
                const struct acc *y = &th[order_t[q]].a[order_i[q]];
                if ((y->kind == DACC_STORE || y->kind == DACC_CAS_OK) && y->pid == x->pid &&
                    y->field == x->field && y->slot == x->slot) {
                    return 0;
                }
            }
        }
        from_op[t] = k + 1;
    }
    for (uint32_t q = 0; q < c; q++) { // the moved loads, in their order
        int t = order_t[q];
        if (from_op[t] && th[t].a[order_i[q]].op + 1 == from_op[t]) {
            out[n++] = q;
        }
    }
    for (uint32_t q = c; q < nsteps; q++) {
        int t = order_t[q];
        uint32_t k = th[t].a[order_i[q]].op;
        if (op_first_pos(t, k) >= c || (from_op[t] && k + 1 >= from_op[t])) {
            out[n++] = q;
        }
    }
    return n;
}

// Whether plan p (built into sc) fails before its last step: rt is its verdict, rt->step
// where the steps after the failure may be cut.
static bool fails_before_end(const struct plan *p, schedule *sc, dsched_result *rt) {
    build(p, sc, false);
    run(sc, p, false, NULL, rt, NULL);
    return rt->failed && rt->step < p->nseq;
}

// Whether the rest of the recording, run from the state the full replay reaches at cut c
// (captured into state), fails with the recorded invariant. rest/nrest: the merged positions
// to run after c; from_op: as struct plan's (NULL: none). rc: the rest's verdict.
static bool cut_reproduces(const struct plan *full, schedule *s, uint32_t c,
                           struct sched_initial *state, uint32_t *rest, uint32_t nrest,
                           const uint32_t *from_op, dsched_result *rc) {
    static schedule cutsched;
    dsched_result r;
    struct plan cap_pl = *full;
    cap_pl.capture = c;
    cap_pl.capture_q = c;
    build(&cap_pl, s, false);
    run(s, &cap_pl, true, state, &r, NULL);
    struct plan pl = {c, state, {NULL}, rest, nrest, UINT32_MAX, 0, {0}};
    if (from_op) {
        memcpy(pl.from_op, from_op, sizeof pl.from_op);
    }
    build(&pl, &cutsched, false);
    run(&cutsched, &pl, true, NULL, rc, NULL);
    return rc->failed && strcmp(rc->invariant, invariant) == 0;
}

static int pipeline(const char *in, const char *out, bool minimise, bool trace) {
    // 1. Verify the whole recording from the snapshot.
    static schedule s;
    uint32_t *seq = kept(malloc((nsteps + 1) * sizeof(uint32_t)));
    for (uint32_t q = 0; q < nsteps; q++) {
        seq[q] = q;
    }
    struct plan full = {0, rec_init, {NULL}, seq, nsteps, UINT32_MAX, 0, {0}};
    build(&full, &s, false);
    dsched_result r;
    run(&s, &full, true, NULL, &r, NULL);
    if (r.failed && strcmp(r.invariant, "replay-divergence") == 0) {
        printf("verify: FAILED: the engine diverged from the recording: %s\n", r.message);
        printf("!!! invariant=replay-divergence: %s\n", r.message);
        return 1;
    }
    uint64_t fail_step = r.failed ? r.step : nsteps;
    say("verify: %llu of %u recorded steps replayed, every access at the recorded place with "
        "the recorded value; engine verdict: %s%s%s (step %llu)\n",
        (unsigned long long)(r.failed ? r.step : r.steps), nsteps,
        r.failed ? "invariant=" : "passed", r.failed ? r.invariant : "",
        r.failed ? "" : " (the failure is not reached on the engine)", (unsigned long long)r.step);
    if (!r.failed || strcmp(r.invariant, invariant) != 0) {
        printf("!!! invariant=replay-mismatch: the recorded run failed with invariant=%s, the "
               "verified replay %s%s%s%s\n",
               invariant, r.failed ? "with invariant=" : "passed", r.failed ? r.invariant : "",
               r.failed ? ": " : "", r.failed ? r.message : "");
        return 1;
    }

    // 2. The latest cut (no thread inside an op) before the failure whose rest still fails
    // the same way, verified step by step from the state the replay reached there.
    int32_t *inside = kept(calloc(nsteps + 2, sizeof(int32_t)));
    for (int t = 0; t < nthreads; t++) {
        for (uint32_t k = 0; k < th[t].nops; k++) {
            inside[op_first_pos(t, k) + 1]++; // cuts in (first, last] split this op
            inside[op_last_pos(t, k) + 1]--;
        }
    }
    for (uint32_t c = 1; c <= nsteps; c++) {
        inside[c] += inside[c - 1];
    }
    static schedule cutsched;
    struct sched_initial *state = sched_initial_new();
    bool found = false;
    uint32_t cut = 0, nrest = 0, from_op[NT] = {0};
    uint32_t *rest = kept(malloc((nsteps + 1) * sizeof(uint32_t)));
    int tries = 0;
    for (int64_t c = (int64_t)fail_step; c >= 0 && tries < 300; c--) {
        if (inside[c] != 0) {
            continue;
        }
        tries++;
        // The state at c: replay the recording up to it, then the rest from there.
        dsched_result rc;
        if (cut_reproduces(&full, &s, (uint32_t)c, state, seq + c, nsteps - (uint32_t)c, NULL,
                           &rc)) {
            found = true;
            cut = (uint32_t)c;
            nrest = nsteps - (uint32_t)c;
            memcpy(rest, seq + c, nrest * sizeof(uint32_t));
            break;
        }
        if (rc.failed && strcmp(rc.invariant, "replay-divergence") == 0 && !quiet) {
            fprintf(stderr, "cut %lld: %s\n", (long long)c, rc.message);
        }
    }
    // Later cuts where a thread is inside an op that has only loaded so far (moved_rest),
    // from the failure back, up to the cut found (a schedule file holds 16 ops per thread).
    // Only on a second try (move_loads): the usual cut's schedule is known good.
    uint32_t *mrest = kept(malloc((nsteps + 1) * sizeof(uint32_t)));
    struct sched_initial *mstate = sched_initial_new();
    int mtries = move_loads ? 0 : 300;
    for (int64_t c = (int64_t)fail_step; c > (int64_t)(found ? cut : 0) && mtries < 300; c--) {
        uint32_t fo[NT];
        if (inside[c] == 0) {
            continue;
        }
        uint32_t nm = moved_rest((uint32_t)c, mrest, fo);
        if (nm == 0) {
            continue;
        }
        mtries++;
        dsched_result rc;
        if (cut_reproduces(&full, &s, (uint32_t)c, mstate, mrest, nm, fo, &rc)) {
            found = true;
            cut = (uint32_t)c;
            memcpy(rest, mrest, nm * sizeof(uint32_t));
            nrest = nm;
            memcpy(from_op, fo, sizeof fo);
            state = mstate;
            say("cut: at step %u, with the loads of the ops under way there moved to it\n", cut);
            break;
        }
    }
    if (!found) {
        printf("cut: from no point where no thread is inside an op does the rest fail with "
               "invariant=%s (%d tried)\n",
               invariant, tries);
        printf("!!! invariant=replay-mismatch: no cut reproduces the failure\n");
        return 1;
    }
    say("cut: at step %u of %u (%d cuts tried): the rest, verified from the replay's state "
        "there, fails with invariant=%s\n",
        cut, nsteps, tries, invariant);

    // 3. Minimise: drop ops (with their steps; chunks first, then one by one), move runs of
    // steps next to the same thread's next run, cut the steps after the failure; keep the
    // invariant. Every candidate is one engine run.
    uint32_t nseq = nrest;
    uint32_t *cur = kept(malloc((nseq + 1) * sizeof(uint32_t)));
    memcpy(cur, rest, nseq * sizeof(uint32_t));
    bool *drop[NT];
    for (int t = 0; t < nthreads; t++) {
        drop[t] = kept(calloc(th[t].nops + 1, sizeof(bool)));
    }
    struct plan best = {cut, state, {NULL}, cur, nseq, UINT32_MAX, 0, {0}};
    memcpy(best.from_op, from_op, sizeof from_op);
    for (int t = 0; t < nthreads; t++) {
        best.drop[t] = drop[t];
    }
    uint32_t *trial = kept(malloc((nseq + 1) * sizeof(uint32_t)));
    // The suffix's ops, in the order they begin.
    uint32_t nc = 0;
    struct cand {
        int t;
        uint32_t k;
    } *cands = kept(malloc((nseq + 1) * sizeof *cands));
    for (uint32_t q = 0; q < nseq; q++) {
        uint32_t pos = rest[q];
        int t = order_t[pos];
        const struct acc *x = &th[t].a[order_i[pos]];
        if (th[t].ops[x->op].first == order_i[pos]) {
            cands[nc++] = (struct cand){t, x->op};
        }
    }
    uint32_t *setlist = kept(malloc((nc + 1) * sizeof(uint32_t)));
    int runs_tried = 0;
    if (minimise) {
        // First the steps after the failure, and the ops that begin there: the minimiser,
        // given them, may keep a later failure with the same invariant instead (one thread
        // running hundreds of ops alone up to another index wrap: a plan too long to write).
        dsched_result rt;
        if (fails_before_end(&best, &cutsched, &rt)) {
            struct plan tp = best;
            tp.nseq = (uint32_t)rt.step;
            uint32_t newly = 0;
            for (uint32_t j = 0; j < nc; j++) {
                bool begun = false;
                for (uint32_t q = 0; q < tp.nseq && !begun; q++) {
                    int t = order_t[tp.seq[q]];
                    begun = t == cands[j].t && th[t].a[order_i[tp.seq[q]]].op == cands[j].k;
                }
                if (!begun && !drop[cands[j].t][cands[j].k]) {
                    drop[cands[j].t][cands[j].k] = true;
                    setlist[newly++] = j;
                }
            }
            dsched_result r2;
            runs_tried++;
            if (build(&tp, &cutsched, false) &&
                (run(&cutsched, &tp, false, NULL, &r2, NULL), r2.failed) &&
                strcmp(r2.invariant, invariant) == 0) {
                best.nseq = tp.nseq;
            } else {
                for (uint32_t m = 0; m < newly; m++) {
                    drop[cands[setlist[m]].t][cands[setlist[m]].k] = false;
                }
            }
        }
        bool changed = true;
        while (changed) {
            changed = false;
            // A whole thread first: then drop_threads can take it (and its P) out.
            for (int dt = 0; dt < nthreads; dt++) {
                uint32_t newly = 0;
                for (uint32_t j = 0; j < nc; j++) {
                    if (cands[j].t == dt && !drop[dt][cands[j].k]) {
                        drop[dt][cands[j].k] = true;
                        setlist[newly++] = j;
                    }
                }
                if (newly == 0) {
                    continue;
                }
                if (try_drops(&best, trial, drop, &runs_tried)) {
                    changed = true;
                } else {
                    for (uint32_t m = 0; m < newly; m++) {
                        drop[cands[setlist[m]].t][cands[setlist[m]].k] = false;
                    }
                }
            }
            for (uint32_t chunk = nc / 2 ? nc / 2 : 1;; chunk /= 2) {
                for (uint32_t i = 0; i < nc; i += chunk) {
                    uint32_t newly = 0;
                    for (uint32_t j = i; j < i + chunk && j < nc; j++) {
                        if (!drop[cands[j].t][cands[j].k]) {
                            drop[cands[j].t][cands[j].k] = true;
                            setlist[newly++] = j;
                        }
                    }
                    if (newly == 0) {
                        continue;
                    }
                    if (try_drops(&best, trial, drop, &runs_tried)) {
                        changed = true;
                    } else { // undo what this chunk dropped
                        for (uint32_t m = 0; m < newly; m++) {
                            drop[cands[setlist[m]].t][cands[setlist[m]].k] = false;
                        }
                    }
                }
                if (chunk == 1) {
                    break;
                }
            }
            // Move a run of one thread's steps to just before that thread's next run
            // (fewer switches), if the failure stays.
            for (uint32_t q = 0; q < best.nseq;) {
                uint32_t e = q;
                int t = order_t[best.seq[q]];
                while (e < best.nseq && order_t[best.seq[e]] == t) {
                    e++;
                }
                uint32_t nx = e;
                while (nx < best.nseq && order_t[best.seq[nx]] != t) {
                    nx++;
                }
                if (nx >= best.nseq) {
                    q = e;
                    continue;
                }
                // trial = seq[0,q) + seq[e,nx) + seq[q,e) + seq[nx..)
                uint32_t n = 0;
                for (uint32_t i = 0; i < q; i++) {
                    trial[n++] = best.seq[i];
                }
                for (uint32_t i = e; i < nx; i++) {
                    trial[n++] = best.seq[i];
                }
                for (uint32_t i = q; i < e; i++) {
                    trial[n++] = best.seq[i];
                }
                for (uint32_t i = nx; i < best.nseq; i++) {
                    trial[n++] = best.seq[i];
                }
                struct plan tp = best;
                tp.seq = trial;
                dsched_result rt;
                runs_tried++;
                if (build(&tp, &cutsched, false) &&
                    (run(&cutsched, &tp, false, NULL, &rt, NULL), rt.failed) &&
                    strcmp(rt.invariant, invariant) == 0) {
                    memcpy(best.seq, trial, n * sizeof(uint32_t));
                    changed = true;
                } else {
                    q = e;
                }
            }
            // Steps after the failure do not matter: drop them (the engine's fallback runs
            // whatever is left).
            dsched_result rt;
            if (fails_before_end(&best, &cutsched, &rt)) {
                struct plan tp = best;
                tp.nseq = (uint32_t)rt.step;
                dsched_result r2;
                if (build(&tp, &cutsched, false) &&
                    (run(&cutsched, &tp, false, NULL, &r2, NULL), r2.failed) &&
                    strcmp(r2.invariant, invariant) == 0) {
                    best.nseq = tp.nseq;
                    changed = true;
                }
            }
        }
    }
    // Too long still (typically one thread running many ops alone first): cut again, inside
    // the minimised plan, at the earliest point where no op is under way and the rest fits;
    // the state there (the minimised plan's, not verified) becomes the initial state.
    if (!build(&best, &cutsched, true)) {
        uint32_t *opend = NULL, cape = 0;
        struct sched_initial *state2 = sched_initial_new();
        bool *drop2[NT];
        for (int t = 0; t < nthreads; t++) {
            drop2[t] = kept(calloc(th[t].nops + 1, sizeof(bool)));
        }
        opend = grow(opend, &cape, best.nseq + 2, sizeof(uint32_t));
        for (uint32_t q = 1; q < best.nseq; q++) {
            // q is a cut if every op with steps before q has all its steps before q.
            bool ok = true;
            for (int t = 0; t < nthreads && ok; t++) {
                // the thread's last step before q and its first step from q on
                int32_t before = -1, after = -1;
                for (uint32_t i = 0; i < q; i++) {
                    if (order_t[best.seq[i]] == t) {
                        before = (int32_t)order_i[best.seq[i]];
                    }
                }
                for (uint32_t i = q; i < best.nseq && after < 0; i++) {
                    if (order_t[best.seq[i]] == t) {
                        after = (int32_t)order_i[best.seq[i]];
                    }
                }
                if (before >= 0 && after >= 0 && th[t].a[before].op == th[t].a[after].op) {
                    ok = false;
                }
            }
            if (!ok) {
                continue;
            }
            struct plan suf = best;
            for (int t = 0; t < nthreads; t++) {
                memcpy(drop2[t], drop[t], th[t].nops * sizeof(bool));
                suf.drop[t] = drop2[t];
            }
            for (uint32_t i = 0; i < q; i++) {
                int t = order_t[best.seq[i]];
                drop2[t][th[t].a[order_i[best.seq[i]]].op] = true;
            }
            suf.seq = best.seq + q;
            suf.nseq = best.nseq - q;
            suf.init = state2;
            if (!build(&suf, &cutsched, true)) {
                continue;
            }
            struct plan capp = best;
            capp.capture = best.seq[q];
            capp.capture_q = q;
            build(&capp, &s, false);
            dsched_result rq;
            run(&s, &capp, false, state2, &rq, NULL);
            build(&suf, &cutsched, false);
            run(&cutsched, &suf, false, NULL, &rq, NULL);
            if (rq.failed && strcmp(rq.invariant, invariant) == 0 && build(&suf, &cutsched, true) &&
                file_fails(&cutsched)) {
                say("cut again: at step %u of the minimised plan\n", q);
                best = suf;
                break;
            }
        }
    }
    if (!build(&best, &cutsched, true)) {
        build(&best, &cutsched, false);
        uint32_t most = 0;
        for (int t = 0; t < nthreads; t++) {
            most = longp.nops[t] > most ? longp.nops[t] : most;
        }
        printf("schedule: too long for a schedule file (%u decisions, up to %u ops per thread; "
               "at most %d and %d)%s\n",
               longp.ndec, most, SCHED_MAX_DECISIONS, SCHED_MAX_OPS,
               minimise ? "" : ": try without --no-minimise");
        printf("!!! invariant=replay-mismatch: the failure needs a longer schedule\n");
        return 1;
    }
    // Threads with nothing left to do, whose P nobody names, go (threads renumbered).
    int dropped = minimise ? drop_threads(&cutsched) : 0;
    if (dropped > 0) {
        say("threads: %d of the recording's %d dropped (no op left, their P named by no op); "
            "the others renumbered\n",
            dropped, nthreads);
    }
    char comment[1200], port[160];
    prog_port_line(port, sizeof port, "1.19"); // recordings are of Go 1.19's port
    snprintf(comment, sizeof comment,
             "%s# written by runq-record from %s (%s, invariant=%s)\n"
             "# starts at step %u of the recording, where no thread is inside an op; the\n"
             "# initial state is the verified replay's state there. Decisions replay the\n"
             "# recorded order step by step%s.\n%s",
             port, in, program, invariant, cut,
             minimise ? ", minimised (ops dropped, runs moved) keeping the invariant" : "",
             dropped > 0 ? "# Threads the failure does not need were dropped (with their Ps); "
                           "the others renumbered.\n"
                         : "");
    if (write_schedule(out, &cutsched, comment) != 0) {
        return 2;
    }
    // The file itself is the judge: load it back and replay it as runq-replay does.
    static schedule back;
    char err[512];
    if (schedule_load_file(out, &back, err, sizeof err) != 0) {
        fprintf(stderr, "runq-record: the written schedule does not load: %s\n", err);
        return 2;
    }
    FILE *tf = trace ? stdout : NULL;
    runner_run(&back, tf, &r);
    uint32_t nops_total = 0;
    for (int t = 0; t < back.nthreads; t++) {
        nops_total += back.nops[t];
    }
    printf("schedule: %s: %u decisions, %u ops, %u steps, %d of %d threads%s; replays with "
           "%s%s\n",
           out, back.ndecisions, nops_total, best.nseq, back.nthreads, nthreads,
           minimise ? "" : " (not minimised)", r.failed ? "invariant=" : "no failure",
           r.failed ? r.invariant : "");
    say("minimise: %d candidate runs\n", runs_tried);
    char replay[1100], aout[1200];
    prog_sibling(replay, sizeof replay, "runq-replay");
    prog_abs_path(aout, sizeof aout, out);
    printf("reproduce: %s%s --trace %s\n", replay, prog_replay_flags(), aout);
    if (!r.failed || strcmp(r.invariant, invariant) != 0) {
        printf("!!! invariant=replay-mismatch: the schedule does not fail with invariant=%s\n",
               invariant);
        return 1;
    }
    return 0;
}
