// model.c - the sequential reference model (see model.h). Deliberately naive.
#include "model.h"

#include <string.h>

void model_init(model *m, uint32_t cap, int32_t nprocs) {
    memset(m, 0, sizeof *m);
    m->cap = cap;
    m->nprocs = nprocs;
}

static void ring_push(model *m, int pid, int32_t gp) {
    model_p *pp = &m->p[pid];
    pp->ring[(pp->head + pp->len) % m->cap] = gp;
    pp->len++;
}

static int32_t ring_pop(model *m, int pid) {
    model_p *pp = &m->p[pid];
    int32_t gp = pp->ring[pp->head % m->cap];
    pp->head = (pp->head + 1) % m->cap;
    pp->len--;
    return gp;
}

void model_globrunqput(model *m, int32_t gp) {
    m->glob[(m->ghead + m->glen) % MODEL_MAX_G] = gp;
    m->glen++;
}

void model_globrunqputhead(model *m, int32_t gp) {
    m->ghead = (m->ghead + MODEL_MAX_G - 1) % MODEL_MAX_G;
    m->glob[m->ghead] = gp;
    m->glen++;
}

void model_globrunqputbatch(model *m, const model_list *batch) {
    for (int32_t i = 0; i < batch->n; i++) {
        model_globrunqput(m, batch->g[i]);
    }
}

static int32_t glob_pop(model *m) {
    int32_t gp = m->glob[m->ghead];
    m->ghead = (m->ghead + 1) % MODEL_MAX_G;
    m->glen--;
    return gp;
}

void model_runqput(model *m, int pid, int32_t gp, bool next) {
    model_p *pp = &m->p[pid];
    if (next) {
        int32_t old = pp->runnext;
        pp->runnext = gp;
        if (old == 0) {
            return;
        }
        gp = old;
    }
    if (pp->len < m->cap) {
        ring_push(m, pid, gp);
        return;
    }
    // Overflow: the first half of the ring, then gp, to the global queue in that order.
    for (uint32_t i = 0; i < m->cap / 2; i++) {
        model_globrunqput(m, ring_pop(m, pid));
    }
    model_globrunqput(m, gp);
}

void model_runqputbatch(model *m, int pid, const model_list *batch) {
    int32_t i = 0;
    while (i < batch->n && m->p[pid].len < m->cap) {
        ring_push(m, pid, batch->g[i++]);
    }
    for (; i < batch->n; i++) {
        model_globrunqput(m, batch->g[i]);
    }
}

int32_t model_runqget(model *m, int pid, bool *inheritTime) {
    model_p *pp = &m->p[pid];
    if (pp->runnext != 0) {
        int32_t gp = pp->runnext;
        pp->runnext = 0;
        *inheritTime = true;
        return gp;
    }
    *inheritTime = false;
    if (pp->len == 0) {
        return 0;
    }
    return ring_pop(m, pid);
}

void model_runqdrain(model *m, int pid, model_list *out) {
    model_p *pp = &m->p[pid];
    out->n = 0;
    if (pp->runnext != 0) {
        out->g[out->n++] = pp->runnext;
        pp->runnext = 0;
    }
    while (pp->len > 0) {
        out->g[out->n++] = ring_pop(m, pid);
    }
}

uint32_t model_grab_count(const model *m, int victim, bool stealRunNext) {
    const model_p *v = &m->p[victim];
    uint32_t n = v->len - v->len / 2;
    if (n == 0 && stealRunNext && v->runnext != 0) {
        return 1;
    }
    return n;
}

int32_t model_runqsteal(model *m, int thief, int victim, bool stealRunNext) {
    model_p *v = &m->p[victim];
    uint32_t n = v->len - v->len / 2;
    if (n == 0) {
        if (stealRunNext && v->runnext != 0) {
            int32_t gp = v->runnext;
            v->runnext = 0;
            return gp;
        }
        return 0;
    }
    int32_t taken[MODEL_MAX_CAP];
    for (uint32_t i = 0; i < n; i++) {
        taken[i] = ring_pop(m, victim);
    }
    for (uint32_t i = 0; i + 1 < n; i++) {
        ring_push(m, thief, taken[i]);
    }
    return taken[n - 1];
}

bool model_runqempty(const model *m, int pid) {
    return m->p[pid].len == 0 && m->p[pid].runnext == 0;
}

int32_t model_globrunqget(model *m, int pid, int32_t max) {
    if (m->glen == 0) {
        return 0;
    }
    int32_t size = (int32_t)m->glen;
    int32_t n = size / m->nprocs + 1;
    if (n > size) {
        n = size;
    }
    if (max > 0 && n > max) {
        n = max;
    }
    if (n > (int32_t)m->cap / 2) {
        n = (int32_t)m->cap / 2;
    }
    // As Go: pop one, put one. Callers leave room for n-1 Gs in pid's ring (in Go
    // runqputslow would take sched.lock again here), so no put overflows.
    int32_t gp = glob_pop(m);
    for (n--; n > 0; n--) {
        model_runqput(m, pid, glob_pop(m), false);
    }
    return gp;
}

uint32_t model_ring_len(const model *m, int pid) {
    return m->p[pid].len;
}

uint32_t model_total(const model *m) {
    uint32_t t = m->glen;
    for (int i = 0; i < MODEL_MAX_P; i++) {
        t += m->p[i].len + (m->p[i].runnext != 0);
    }
    return t;
}
