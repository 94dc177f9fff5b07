// world_setup.c - a world for one execution: reset for a schedule (its port, Ps, Gs and
// ledger), a v2 schedule's initial state placed in the queues, and the lookups and the
// snapshot runq-record's replays use.
#include "world_internal.h"

#include "interleave.h"
#include "memmodel.h"

#include <string.h>

// Queues the Gs of in (main context, before any thread runs: plain set-up, no steps).
static void place_initial(const struct sched_initial *in) {
    bool fresh;
    for (int pi = 0; pi < in->np && pi < NP; pi++) {
        atomic_store_explicit(w_head(pi), in->head[pi], memory_order_relaxed);
        atomic_store_explicit(w_tail(pi), in->tail[pi], memory_order_relaxed);
        ws.sh_head[pi] = in->head[pi];
        ws.sh_tail[pi] = in->tail[pi];
        for (uint32_t k = in->head[pi]; k != in->tail[pi]; k++) {
            uint32_t slot = k & ws.cap_mask;
            int i = placed_g(in->slots[pi][slot], &fresh);
            if (i < 0) {
                return;
            }
            ws.gw[i].where = GPLACE_RING;
            ws.gw[i].who = (int8_t)pi;
            ws.sh_ring[pi][slot] = i;
        }
        if (in->next[pi]) {
            int i = placed_g(in->next[pi], &fresh);
            if (i < 0) {
                return;
            }
            ws.gw[i].where = GPLACE_NEXT;
            ws.gw[i].who = (int8_t)pi;
            ws.sh_next[pi] = i;
            atomic_store_explicit(w_next(pi), (uintptr_t)w_g(i), memory_order_relaxed);
        }
    }
    void *last = NULL;
    uintptr_t head = 0;
    for (int k = 0; k < in->nglob; k++) {
        int i = placed_g(in->glob[k], &fresh);
        if (i < 0) {
            return;
        }
        ws.gw[i].where = GPLACE_GLOBAL;
        ws.sh_glob[(ws.sh_gh + (uint32_t)ws.sh_glen) % MAXG] = i;
        ws.sh_glen++;
        if (last) {
            *(uintptr_t *)((char *)last + ws.port.g_schedlink) = (uintptr_t)w_g(i);
        } else {
            head = (uintptr_t)w_g(i);
            *ws.port.glob_head = head;
        }
        last = w_g(i);
    }
    *ws.port.glob_tail = (uintptr_t)last;
    ws.port.set_global_size(in->nglob);
    // Every slot keeps what it held, stale copies too: a stale read must see the same G.
    for (int pi = 0; pi < in->np && pi < NP; pi++) {
        for (uint32_t slot = 0; slot < (uint32_t)ws.port.cap; slot++) {
            int32_t l = in->slots[pi][slot];
            if (l == 0) {
                continue;
            }
            int i = placed_g(l, &fresh);
            if (i < 0) {
                return;
            }
            if (fresh) { // queued nowhere: a G that ran (or is parked) in the recorded run
                ws.gw[i].where = GPLACE_DONE;
                ws.ndone++;
            }
            atomic_store_explicit(w_slot(pi, slot), (uintptr_t)w_g(i), memory_order_relaxed);
        }
    }
}

int w_locate(const void *addr, int *pid, uint32_t *slot) {
    int field;
    *slot = 0;
    int pi = which_p(addr, &field, slot);
    *pid = pi;
    return pi < 0 ? -1 : field;
}

int w_g_of(uintptr_t v) {
    return gidx((const void *)v);
}

void w_save_initial(struct sched_initial *out) {
    memset(out, 0, sizeof *out);
    out->np = ws.S->nthreads;
    for (int pi = 0; pi < ws.S->nthreads; pi++) {
        out->head[pi] = ws.sh_head[pi];
        out->tail[pi] = ws.sh_tail[pi];
        out->next[pi] = ws.sh_next[pi] >= 0 ? label_of(ws.sh_next[pi]) : 0;
        for (uint32_t slot = 0; slot < (uint32_t)ws.port.cap; slot++) {
            int i = gidx((void *)atomic_load_explicit(w_slot(pi, slot), memory_order_relaxed));
            out->slots[pi][slot] = i >= 0 ? label_of(i) : 0;
        }
    }
    for (int k = 0; k < ws.sh_glen && k < SCHED_INIT_MAX_G; k++) {
        out->glob[out->nglob++] = label_of(glob_at(k));
    }
}

void world_reset(const struct port_adapter *port, const schedule *s) {
    ws.port = *port;
    ws.cap_mask = (uint32_t)port->cap - 1;
    ws.layout = (struct qlayout){(uint32_t)port->cap, port->p_head, port->p_tail,
                                 port->p_runq,        port->p_next, port->g_schedlink};
    ws.ps_bytes = NP * port->p_size;
    ws.half_words = (uint32_t)(port->cap / 2 + 64) / 64;
    ws.S = s;
    ws.lin_on = (s->flags & SFLAG_WEAK) == 0;
    mm_set_region(ws.port.ps, ws.ps_bytes); // the memory model finds a P's words by offset
    port->reset(s);                         // sched, the Ps at s->start, each P's M
    for (int i = 0; i < NP; i++) {
        ws.sh_head[i] = ws.sh_tail[i] = s->start;
        ws.sh_next[i] = -1;
        ws.hand_count[i] = 0;
        ws.empty_victim[i] = -1;
        ws.lin[i].victim = -1;
    }
    memset(ws.gw, 0, sizeof(ws.gw[0]) * (size_t)(ws.ng > 0 ? ws.ng : 0));
    memset(ws.glabel, 0, sizeof(ws.glabel[0]) * (size_t)(ws.ng > 0 ? ws.ng : 0));
    ws.ng = 0;
    ws.ndone = 0;
    gshadow_reset();
    ws.lock_holder = -1;
    interleave_reset();
    if (s->init) {
        labels_new_run();
        place_initial(s->init);
    }
}
