// world_describe.c - the world's trace text: the queue column of each row, what an op
// did (its end-of-op row), the value an access read or wrote, and where every G finished.
#include "world_internal.h"

#include <stdio.h>
#include <string.h>

// Appends "<verb> G1 G2 ..." (the first few, then the count) to an op's result text.
static void say_gs(char *buf, size_t n, const char *verb, const int *g, int count) {
    size_t off = strlen(buf);
    off += (size_t)snprintf(buf + off, n - off, "%s%s", off ? ", " : "", verb);
    for (int k = 0; k < count && off < n; k++) {
        if (k == 4 && count > 6) {
            off += (size_t)snprintf(buf + off, n - off, " .. G%d (%d)", g[count - 1] + 1, count);
            break;
        }
        off += (size_t)snprintf(buf + off, n - off, " G%d", g[k] + 1);
    }
    if (count == 0 && off < n) {
        snprintf(buf + off, n - off, " nothing");
    }
}

static void say_text(char *buf, size_t n, const char *text) {
    size_t off = strlen(buf);
    snprintf(buf + off, n - off, "%s", text);
}

// The Gs from ng0 on (created during an op), for its result text.
static void say_new_gs(char *buf, size_t n, const char *verb, int ng0) {
    int g[MAXG < 256 ? MAXG : 256], count = 0;
    for (int i = ng0; i < ws.ng && count < 256; i++) {
        g[count++] = i;
    }
    say_gs(buf, n, verb, g, count);
}

// What an op did, for the end-of-op trace row: "stole G1 G2, returned G3".
void describe_result(int t, const sched_op *op, char *result, size_t n, int ng0, const int *taken,
                     int ntaken, uint32_t tail0, int32_t got_ret, bool spilled) {
    int moved[256], nmoved = 0; // Gs that landed in t's ring during the op
    for (uint32_t k = tail0; k != ws.sh_tail[t] && nmoved < 256; k++) {
        moved[nmoved++] = ws.sh_ring[t][k & ws.cap_mask];
    }
    switch (op->kind) {
    case SOP_PUT:
    case SOP_PUTNEXT:
    case SOP_PUTBATCH:
        say_new_gs(result, n, "put", ng0);
        if (spilled) {
            say_text(result, n, ", spilled to the global queue");
        }
        break;
    case SOP_GLOBPUT:
        say_new_gs(result, n, "put", ng0);
        say_text(result, n, " on the global queue");
        break;
    case SOP_GLOBPUTHEAD:
        say_new_gs(result, n, "put", ng0);
        say_text(result, n, " at the global queue's head");
        break;
    case SOP_GET:
        say_gs(result, n, "got", taken, ntaken);
        break;
    case SOP_YIELD:
        say_gs(result, n, "yielded", taken, ntaken);
        break;
    case SOP_DRAIN:
        say_gs(result, n, "drained", taken, ntaken);
        if (ntaken) {
            say_text(result, n, " to the global queue");
        }
        break;
    case SOP_GLOBGET:
    case SOP_STEAL:
    case SOP_STEALNEXT:
        if (got_ret <= 0) {
            say_gs(result, n, op->kind == SOP_GLOBGET ? "got" : "stole", NULL, 0);
            break;
        }
        if (op->kind == SOP_GLOBGET) {
            int g = got_ret - 1;
            say_gs(result, n, "got", &g, 1);
            if (nmoved) {
                say_gs(result, n, "put in its ring", moved, nmoved);
            }
        } else if (nmoved == 0) {
            int g = got_ret - 1;
            say_gs(result, n, "stole and returned", &g, 1);
        } else {
            int g = got_ret - 1;
            say_gs(result, n, "stole", moved, nmoved);
            say_gs(result, n, "returned", &g, 1);
        }
        break;
    case SOP_IDLE:
    case SOP_RUNNING:
        snprintf(result, n, "status %s", op->kind == SOP_IDLE ? "idle" : "running");
        break;
    default:
        break;
    }
}

void w_describe(char *buf, size_t n) {
    size_t off = 0;
    for (int pi = 0; pi < ws.S->nthreads && off < n; pi++) {
        struct qview v = shadow_view(pi);
        uint32_t len = qview_len(&v);
        off += (size_t)snprintf(buf + off, n - off, "%sP%d[%u,%u)", pi ? " | " : "", pi, v.head,
                                v.tail);
        struct qitem it;
        for (struct qwalk w = qwalk_p(&v); qwalk_p_next(&w, &it);) {
            if (it.where == GPLACE_RING) { // the first 6, then the length
                if (it.pos < 6 && off < n) {
                    off += (size_t)snprintf(buf + off, n - off, " G%d", (int)it.g + 1);
                }
                if (it.pos + 1 >= 6 || off >= n) {
                    qwalk_p_skip_ring(&w);
                }
                continue;
            }
            if (len > 6 && off < n) {
                off += (size_t)snprintf(buf + off, n - off, " ..%u", len);
                len = 0; // said
            }
            if (off < n) {
                off += (size_t)snprintf(buf + off, n - off, " next=G%d", (int)it.g + 1);
            }
        }
        if (len > 6 && off < n) {
            off += (size_t)snprintf(buf + off, n - off, " ..%u", len);
        }
    }
    if (off < n) {
        off += (size_t)snprintf(buf + off, n - off, " | glob[%d]", ws.sh_glen);
    }
    for (int k = 0; k < ws.sh_glen && k < 6 && off < n; k++) {
        off += (size_t)snprintf(buf + off, n - off, " G%d", glob_at(k) + 1);
    }
    if (ws.sh_glen > 6 && off < n) {
        snprintf(buf + off, n - off, " ..%d", ws.sh_glen);
    }
}

// One line of Gs ("  ran by owner: G1 G2 ..."); every G is listed.
static void end_line(FILE *out, const char *where, int where_kind, int who) {
    int count = 0;
    for (int i = 0; i < ws.ng; i++) {
        if (ws.gw[i].where == where_kind && (who < 0 || ws.gw[i].who == who)) {
            fprintf(out, "%s G%d", count++ ? "" : where, i + 1);
        }
    }
    if (count) {
        fprintf(out, "\n");
    }
}

void w_describe_end(FILE *out) {
    fprintf(out, "where every G finished (%d created):\n", ws.ng);
    for (int t = 0; t < ws.S->nthreads; t++) {
        char label[48];
        snprintf(label, sizeof label, "  ran by %s:", tn(t));
        end_line(out, label, GPLACE_DONE, t);
    }
    for (int pi = 0; pi < ws.S->nthreads; pi++) {
        struct qview v = shadow_view(pi);
        struct qitem it;
        bool ring_line = false; // "  P0's ring: ..." begun
        for (struct qwalk w = qwalk_p(&v); qwalk_p_next(&w, &it);) {
            if (it.where == GPLACE_RING) {
                if (!ring_line) {
                    fprintf(out, "  P%d's ring:", pi);
                    ring_line = true;
                }
                fprintf(out, " G%d", (int)it.g + 1);
                continue;
            }
            if (ring_line) {
                fprintf(out, "\n");
                ring_line = false;
            }
            fprintf(out, "  P%d's runnext: G%d\n", pi, (int)it.g + 1);
        }
        if (ring_line) {
            fprintf(out, "\n");
        }
    }
    if (ws.sh_glen) {
        fprintf(out, "  global queue:");
        for (int k = 0; k < ws.sh_glen; k++) {
            fprintf(out, " G%d", glob_at(k) + 1);
        }
        fprintf(out, "\n");
    }
    for (int t = 0; t < ws.S->nthreads; t++) {
        char label[48];
        snprintf(label, sizeof label, "  still in %s's hand:", tn(t));
        end_line(out, label, GPLACE_HAND, t);
    }
}

void w_describe_value(enum runq_site site, const void *addr, uintptr_t v, char *buf, size_t n) {
    (void)site;
    if (ws.port.describe(addr, v, buf, n)) {
        return;
    }
    int field;
    uint32_t slot = 0;
    int pi = which_p(addr, &field, &slot);
    if (pi < 0) {
        snprintf(buf, n, "%s", "");
        return;
    }
    switch (field) {
    case F_HEAD:
        snprintf(buf, n, "P%d.h=%u", pi, (uint32_t)v);
        break;
    case F_TAIL:
        snprintf(buf, n, "P%d.t=%u", pi, (uint32_t)v);
        break;
    case F_NEXT:
    case F_SLOT: {
        char gname[16];
        int i = gidx((void *)v);
        if (i < 0) {
            snprintf(gname, sizeof gname, "%s", i == -1 ? "nil" : "?");
        } else {
            snprintf(gname, sizeof gname, "G%d", i + 1);
        }
        if (field == F_NEXT) {
            snprintf(buf, n, "P%d.next=%s", pi, gname);
        } else {
            snprintf(buf, n, "P%d[%u]=%s", pi, slot, gname);
        }
        break;
    }
    default:
        snprintf(buf, n, "P%d.status=%u", pi, (uint32_t)v);
        break;
    }
}

void w_sizes(uint32_t *ring_len, bool *has_next, int *glob_len) {
    for (int pi = 0; pi < ws.S->nthreads; pi++) {
        ring_len[pi] = ws.sh_tail[pi] - ws.sh_head[pi];
        has_next[pi] = ws.sh_next[pi] >= 0;
    }
    *glob_len = ws.sh_glen;
}
