// world_setup.c - this copy's world set up (the Ps, the Gs on the global queue or parked
// with --schedule, the op mix, stealOrder's strides) and torn down, and its struct
// stress_engine, the one name the rest of stress/ reaches it by (STRESS_ENGINE).
#include "torture.h"

#include <stdlib.h>

#include "runq_version.h" // after the system headers: its name prefix must not touch them
#include "world.h"        // after runq_version.h: this copy's names

// ---- set-up ------------------------------------------------------------------------------

static int gcd(int a, int b) {
    return b ? gcd(b, a % b) : a;
}

static int setup(void) {
#ifdef STRESS_UNCHECKED
    const struct params *P = &srun()->params;
    if (P->record || P->inject || srun()->schedule) {
        fprintf(stderr,
                "%s: --record, --inject and --schedule need the checked program, "
                "runq-torture (this one is the benchmark's unchecked twin)\n",
                P->prog);
        exit(2);
    }
#endif
    size_t psz = ((sizeof(p) + 63) / 64) * 64;
    allp = aligned_alloc(64, psz * (size_t)srun()->params.procs);
    allg = calloc((size_t)srun()->params.gs, sizeof(g));
    px = calloc((size_t)srun()->params.procs, sizeof *px);
    pidle = calloc((size_t)srun()->params.procs, sizeof *pidle);
    loc_count = calloc((size_t)srun()->params.gs + 1, sizeof *loc_count);
    loc_first = calloc((size_t)srun()->params.gs + 1, sizeof *loc_first);
    if (!allp || !allg || !px || !pidle || !loc_count || !loc_first) {
        return -1;
    }
    runq_sched_init(srun()->params.procs);
#ifdef RUNQ_GO_MASTER
    allm = calloc((size_t)srun()->params.procs, sizeof *allm);
    allcurg = calloc((size_t)srun()->params.procs, sizeof *allcurg);
    if (!allm || !allcurg) {
        return -1;
    }
#endif
    for (int i = 0; i < srun()->params.procs; i++) {
        runq_p_init(&allp[i], i, srun()->params.start);
#ifdef RUNQ_GO_MASTER
        atomic_init(&allcurg[i].atomicstatus, _Grunning);
        atomic_init(&allm[i].curg, guintptr_of(&allcurg[i]));
        atomic_init(&allp[i].m, (muintptr)&allm[i]);
#endif
        px[i].parked = calloc((size_t)srun()->params.gs, sizeof(g *));
        px[i].scratch = calloc((size_t)srun()->params.gs, sizeof(uint32_t));
        if (!px[i].parked || !px[i].scratch) {
            return -1;
        }
        atomic_init(&px[i].owner, -1);
        px[i].last_owner = i;
    }
    // The whole population starts on the global queue, or with --schedule evenly parked
    // on the Ps (the ledger's initial tokens say which).
    lock_sched();
    for (int i = 0; i < srun()->params.gs; i++) {
        allg[i].goid = i + 1;
        if (srun()->schedule) {
            struct pextra *x = &px[i % srun()->params.procs];
            x->parked[x->nparked++] = &allg[i];
            atomic_store_explicit(&x->nparked_hint, x->nparked, memory_order_relaxed);
        } else {
            globrunqput(&allg[i]);
        }
    }
    unlock_sched();
    for (int ph = 0; ph < PHASE_N; ph++) {
        mix_total[ph] = 0;
        for (int i = 0; i < MIX_N; i++) {
            double w =
                (i == MIX_SYSCALL && !srun()->params.handoff) ? 0 : srun()->params.mix[ph][i];
            mix_total[ph] += (unsigned)(w * 1000 + 0.5);
            mix_cum[ph][i] = mix_total[ph];
        }
    }
    ncoprimes = 0;
    for (int c = 1; c <= srun()->params.procs; c++) {
        if (gcd(c, srun()->params.procs) == 1) {
            coprimes[ncoprimes++] = c;
        }
    }
    return 0;
}

static void teardown(void) {
    for (int i = 0; px && i < srun()->params.procs; i++) {
        free(px[i].parked);
        free(px[i].scratch);
    }
    free(allp);
    free(allg);
#ifdef RUNQ_GO_MASTER
    free(allm);
    free(allcurg);
#endif
    free(px);
    free(pidle);
    free(loc_count);
    free(loc_first);
}

const struct stress_engine STRESS_ENGINE = {
    .capacity = RUNQ_CAP,
    .go = RUNQ_GO_VERSION,
    .setup = setup,
    .worker = world_worker,
#ifdef STRESS_HAVE_SCHEDULE
    .schedule_worker = rounds_worker,
#endif
    .audit = world_audit,
    .plant_dup = world_plant_dup,
    .dump_queues = world_dump_queues,
    .extra = world_extra,
    .teardown = teardown,
    .rec_snapshot = world_rec_snapshot,
    .rec_locate = world_rec_locate,
    .rec_goid = world_rec_goid,
    .rec_global = world_rec_global,
};
