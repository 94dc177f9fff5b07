// stats.c - the statistics: summing the threads' counters, the periodic "key: value"
// line, and the --json summary.
#include "torture.h"

#include <inttypes.h>
#include <string.h>

const char *const stress_ctr_names[CTR_N] = {
#define X(e, name, help) name,
    STRESS_CTR_LIST(X)
#undef X
};

void stats_collect(struct stats_snapshot *s, const struct stress_engine *e, uint64_t audits) {
    memset(s, 0, sizeof *s);
    s->t = clock_elapsed_s();
    for (int i = 0; i < srun()->nthreads; i++) {
        for (int c = 0; c < CTR_N; c++) {
            s->ctr[c] += atomic_load_explicit(&srun()->m[i].ctr[c], memory_order_relaxed);
        }
    }
    struct stress_stats_extra x = {0, 0};
    if (e) {
        e->extra(&x);
    }
    s->globq = x.globq;
    s->parked = x.parked;
    s->audits = audits;
    s->errors = stress_error_count();
}

static double rate(uint64_t now, uint64_t prev, double dt) {
    return dt > 0 ? (double)(now - prev) / dt : 0;
}

// Does counter c apply to this run? rounds only with --schedule, whose threads run their
// programs and not the scheduler's loop (its other counters are shown once non-zero);
// syscalls and handoffs only with hand-off.
static bool ctr_applies(int c, uint64_t v) {
    const struct params *pr = &srun()->params;
    if (pr->schedule) {
        return c == CTR_QOPS || c == CTR_RUNS || c == CTR_ROUNDS || v != 0;
    }
    if (c == CTR_ROUNDS) {
        return false;
    }
    return pr->handoff || (c != CTR_SYSCALLS && c != CTR_HANDOFFS);
}

void stats_print(const char *label, const struct stats_snapshot *now,
                 const struct stats_snapshot *prev) {
    double dt = now->t - prev->t;
    double ops = rate(now->ctr[CTR_QOPS], prev->ctr[CTR_QOPS], dt);
    struct stress_wrap w;
    stress_wrap_start(&w, label);
    stress_wrap_item(&w, "t: %.1f", now->t);
    stress_wrap_item(&w, "ops/s: %.0f", ops);
    stress_wrap_item(&w, "ops/s/thread: %.0f", ops / srun()->nthreads);
    stress_wrap_item(&w, "runs/s: %.0f", rate(now->ctr[CTR_RUNS], prev->ctr[CTR_RUNS], dt));
    for (int c = 0; c < CTR_N; c++) {
        if (ctr_applies(c, now->ctr[c])) {
            stress_wrap_item(&w, "%s: %" PRIu64, stress_ctr_names[c], now->ctr[c]);
        }
    }
    stress_wrap_item(&w, "globq: %" PRId64, now->globq);
    stress_wrap_item(&w, "parked: %" PRId64, now->parked);
    stress_wrap_item(&w, "audits: %" PRIu64, now->audits);
    stress_wrap_item(&w, "errors: %" PRIu64, now->errors);
    stress_wrap_end(&w);
}

static void json_str(FILE *f, const char *s) {
    fputc('"', f);
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') {
            fprintf(f, "\\%c", c);
        } else if (c < 0x20) {
            fprintf(f, "\\u%04x", c);
        } else {
            fputc(c, f);
        }
    }
    fputc('"', f);
}

int stats_json(const char *path, const struct stats_snapshot *s, const char *verdict,
               const char *reproduce) {
    FILE *f = fopen(path, "w");
    if (!f) {
        return -1;
    }
    fprintf(f, "{\n  \"program\": ");
    json_str(f, srun()->params.prog);
    fprintf(f,
            ",\n  \"params\": {\"procs\": %d, \"gs\": %d, \"duration_s\": %g, \"seed\": %" PRIu64,
            srun()->params.procs, srun()->params.gs, srun()->params.duration, srun()->params.seed);
    for (int ph = 0; ph < PHASE_N; ph++) {
        fprintf(f, ", \"%s\": {", ph == PHASE_CROWD ? "mix" : "sparse_mix");
        for (int i = 0; i < MIX_N; i++) {
            fprintf(f, "%s\"%s\": %g", i ? ", " : "", stress_mix_names[i],
                    srun()->params.mix[ph][i]);
        }
        fprintf(f, "}");
    }
    fprintf(f,
            ", \"phase_s\": %g, \"batch_max\": %d, \"slice\": %d, \"work_max_s\": %g, "
            "\"stat_interval_s\": %g, \"audit_interval_s\": %g, \"watchdog_s\": %g, "
            "\"capacity\": %d, \"start\": %" PRIu32 ", \"handoff\": %s, \"threads\": %d},\n",
            srun()->params.phase, srun()->params.batch_max, srun()->params.slice,
            srun()->params.work_max, srun()->params.stat_interval, srun()->params.audit_interval,
            srun()->params.watchdog, srun()->params.capacity, srun()->params.start,
            srun()->params.handoff ? "true" : "false", srun()->nthreads);
    fprintf(
        f, "  \"stats\": {\"elapsed_s\": %.3f, \"ops_per_s\": %.0f, \"ops_per_s_per_thread\": %.0f",
        s->t, s->t > 0 ? (double)s->ctr[CTR_QOPS] / s->t : 0,
        s->t > 0 ? (double)s->ctr[CTR_QOPS] / s->t / srun()->nthreads : 0);
    for (int c = 0; c < CTR_N; c++) {
        fprintf(f, ", \"%s\": %" PRIu64, stress_ctr_names[c], s->ctr[c]);
    }
    fprintf(f,
            ", \"globq\": %" PRId64 ", \"parked\": %" PRId64 ", \"audits\": %" PRIu64
            ", \"errors\": %" PRIu64 "},\n",
            s->globq, s->parked, s->audits, s->errors);
    fprintf(f, "  \"verdict\": ");
    json_str(f, verdict);
    if (stress_failed()) {
        fprintf(f, ",\n  \"failure\": {\"invariant\": ");
        json_str(f, stress_first_invariant());
        fprintf(f, ", \"message\": ");
        json_str(f, stress_first_message());
        fprintf(f, ", \"reproduce\": ");
        json_str(f, reproduce);
        fprintf(f, "}");
    } else {
        fprintf(f, ",\n  \"failure\": null");
    }
    fprintf(f, "\n}\n");
    return fclose(f) == 0 ? 0 : -1;
}
