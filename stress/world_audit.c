// world_audit.c - the audit, with the world stopped (stw.c) or quiet between --schedule
// rounds: every G is in exactly one place (a P's ring or runnext, the global queue, parked)
// and its holder token agrees; counts add up; every P has exactly one owner.
#include "qwalk.h" // the queue walker and enum gplace, shared with the engine
#include "torture.h"

#include <string.h>

#include "runq_version.h" // after the system headers: its name prefix must not touch them
#include "world.h"        // after runq_version.h: this copy's names

// ---- audit (world stopped) ---------------------------------------------------------------

// A G's place: its kind (enum gplace, the vocabulary the engine's ledger uses too), its P
// and its position (ring: from the head; global queue: from its head), packed in a word.
uint32_t *loc_count;
uint32_t *loc_first;
static bool audit_ok;
// This copy's port, for the walker (qwalk.h) the engine uses too.
static const struct qlayout qlayout = {
    RUNQ_CAP,          offsetof(p, runqhead), offsetof(p, runqtail),
    offsetof(p, runq), offsetof(p, runnext),  offsetof(g, schedlink)};

const struct qlayout *world_qlayout(void) {
    return &qlayout;
}

static uint32_t loc_pack(enum gplace kind, int pid, uint32_t idx) {
    return (uint32_t)kind | (uint32_t)(pid & 0xff) << 4 | idx << 12;
}

static void loc_describe(uint32_t l, char *buf, size_t len) {
    enum gplace kind = (enum gplace)(l & 15);
    int pid = (int)((l >> 4) & 0xff);
    uint32_t idx = l >> 12;
    switch (kind) {
    case GPLACE_RING:
        snprintf(buf, len, "P%d ring [head+%u]", pid, idx);
        break;
    case GPLACE_NEXT:
        snprintf(buf, len, "P%d runnext", pid);
        break;
    case GPLACE_GLOBAL:
        snprintf(buf, len, "global queue [%u]", idx);
        break;
    case GPLACE_PARKED:
        snprintf(buf, len, "parked on P%d", pid);
        break;
    default:
        snprintf(buf, len, "nowhere");
    }
}

static void mark(g *gp, enum gplace kind, int pid, uint32_t idx) {
    char a[64], b[256];
    uint32_t l = loc_pack(kind, pid, idx);
    uint32_t goid = goid_of(gp);
    if (goid == 0) {
        loc_describe(l, a, sizeof a);
        audit_ok = false;
        stress_fail(-1, INV_BAD_G, "audit: %s holds %p, which is not a G", a, (void *)gp);
        return;
    }
    if (loc_count[goid]++ == 0) {
        loc_first[goid] = l;
    } else {
        loc_describe(loc_first[goid], a, sizeof a);
        loc_describe(l, b, sizeof b);
        audit_ok = false;
        stress_fail(-1, INV_DUP_G, "audit: g%u is in two places: %s and %s", goid, a, b);
    }
    // The holder token of a G in a run queue says queued; of a parked G, parked.
    int want = gplace_queued(kind) ? TOK_QUEUED : TOK_PARKED;
    if (ledger_state(goid) != want) {
        loc_describe(l, a, sizeof a);
        ledger_describe(goid, b, sizeof b);
        audit_ok = false;
        stress_fail(-1, INV_AUDIT_TOKEN, "audit: g%u is in %s but its token says %s", goid, a, b);
    }
}

bool world_audit(void) {
#ifdef STRESS_UNCHECKED
    return true; // the world still stops (the loop's safe points are the same), unchecked
#endif
    audit_ok = true;
    memset(loc_count, 0, ((size_t)srun()->params.gs + 1) * sizeof *loc_count);
    for (int i = 0; i < srun()->params.procs; i++) {
        // Relaxed reads: the barrier's mutex (stw.c) orders them after every move.
        struct qview v = qview_of_port(world_qlayout(), &allp[i]);
        struct qwalk w = qwalk_p(&v);
        if (qview_len(&v) > (uint32_t)RUNQ_CAP) {
            audit_ok = false;
            stress_fail(-1, INV_AUDIT_COUNT, "audit: P%d head=%u tail=%u: length %u > capacity %d",
                        i, v.head, v.tail, qview_len(&v), RUNQ_CAP);
            qwalk_p_skip_ring(&w); // runnext is still walked
        }
        struct qitem it;
        while (qwalk_p_next(&w, &it)) {
            mark(guintptr_ptr(it.g), it.where, i, it.pos);
        }
        for (int k = 0; k < px[i].nparked; k++) {
            mark(px[i].parked[k], GPLACE_PARKED, i, 0);
        }
    }
    // At most gs + 1 Gs: one more than the population says the list has a cycle.
    uint32_t n = 0;
    g *last = NULL;
    struct qitem it;
    for (struct qwalk_list w =
             qwalk_list(world_qlayout(), sched.runq.head, (uint32_t)srun()->params.gs + 1);
         qwalk_list_next(&w, &it);) {
        g *gp = guintptr_ptr(it.g);
        mark(gp, GPLACE_GLOBAL, 0, n);
        if (goid_of(gp) == 0) {
            break; // its schedlink is not read
        }
        last = gp;
        n++;
    }
    if ((int64_t)n != GLOBAL_SIZE() || guintptr_of(last) != sched.runq.tail) {
        audit_ok = false;
        stress_fail(-1, INV_AUDIT_COUNT,
                    "audit: global queue: runqsize=%d but the list holds %u%s, tail %s",
                    (int)GLOBAL_SIZE(), n,
                    n > (uint32_t)srun()->params.gs ? " or more (cycle?)" : "",
                    guintptr_of(last) == sched.runq.tail ? "ok" : "does not match");
    }
    uint64_t total = 0;
    for (uint32_t goid = 1; goid <= (uint32_t)srun()->params.gs; goid++) {
        total += loc_count[goid];
        if (loc_count[goid] == 0) {
            char d[256];
            ledger_describe(goid, d, sizeof d);
            audit_ok = false;
            stress_fail(-1, INV_LOST_G, "audit: g%u is nowhere; it was last %s", goid, d);
        } else if (!ledger_payload_ok(goid)) {
            char d[256], a[64];
            ledger_describe(goid, d, sizeof d);
            loc_describe(loc_first[goid], a, sizeof a);
            audit_ok = false;
            stress_fail(-1, INV_PAYLOAD_MISMATCH, "audit: g%u in %s: payload does not match: %s",
                        goid, a, d);
        }
    }
    if (total != (uint64_t)srun()->params.gs) {
        audit_ok = false;
        stress_fail(-1, INV_AUDIT_COUNT, "audit: %llu G places counted, population is %d",
                    (unsigned long long)total, srun()->params.gs);
    }
    // Every P is owned by one thread, or idle on the pidle list (never both, never neither).
    int owners[STRESS_MAX_PROCS] = {0};
    for (int i = 0; i < srun()->nthreads; i++) {
        int pid = atomic_load(&srun()->m[i].pid);
        if (pid >= 0) {
            owners[pid]++;
        }
    }
    for (int k = 0; k < npidle; k++) {
        owners[pidle[k]]++;
    }
    for (int i = 0; i < srun()->params.procs; i++) {
        if (owners[i] != 1) {
            audit_ok = false;
            stress_fail(-1, INV_P_OWNER, "audit: P%d has %d owners (threads + idle list)", i,
                        owners[i]);
        }
    }
    return audit_ok;
}
