// initial.c - the "initial" section of a runq-schedule v2 file (see initial.h).
#include "initial.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

// Every initial state ever made stays on this list: schedules are plain values that are
// copied and never freed, so the states they point to live as long as the process.
struct initial_block {
    struct initial_block *next;
    struct sched_initial in;
};
static struct initial_block *blocks;

struct sched_initial *sched_initial_new(void) {
    struct initial_block *b = calloc(1, sizeof *b);
    if (b == NULL) {
        return NULL;
    }
    b->next = blocks;
    blocks = b;
    return &b->in;
}

static int number(const char *tok, unsigned long long hi, unsigned long long *v) {
    if (tok == NULL || !isdigit((unsigned char)tok[0])) {
        return -1;
    }
    char *end;
    errno = 0;
    unsigned long long x = strtoull(tok, &end, 10);
    if (errno || *end || x > hi) {
        return -1;
    }
    *v = x;
    return 0;
}

int sched_initial_parse_line(struct sched_initial *in, int cap, char *line, char *err,
                             size_t errlen) {
    char *tok[SCHED_INIT_MAX_CAP + 4];
    int nt = 0;
    for (char *save = NULL, *t = strtok_r(line, " \t\r", &save);
         t && nt < (int)(sizeof tok / sizeof tok[0]); t = strtok_r(NULL, " \t\r", &save)) {
        tok[nt++] = t;
    }
    if (nt == 0) {
        return 0;
    }
    unsigned long long v;
    if (strcmp(tok[0], "global") == 0) {
        for (int i = 1; i < nt; i++) {
            if (number(tok[i], 0x7fffffff, &v) || v == 0) {
                snprintf(err, errlen,
                         "expected G labels (1..2147483647) after 'global', found '%s'", tok[i]);
                return -1;
            }
            if (in->nglob == SCHED_INIT_MAX_G) {
                snprintf(err, errlen, "more than %d Gs on the global queue", SCHED_INIT_MAX_G);
                return -1;
            }
            in->glob[in->nglob++] = (int32_t)v;
        }
        return 0;
    }
    int ti = -1;
    for (int t = 0; t < SCHED_MAX_THREADS; t++) {
        if (strcmp(tok[0], sched_thread_name(t)) == 0) {
            ti = t;
        }
    }
    if (ti >= 0) {
        if (nt < 2 || strcmp(tok[1], "puts") != 0) {
            snprintf(err, errlen, "expected '%s puts G...' in the initial section", tok[0]);
            return -1;
        }
        for (int i = 2; i < nt; i++) {
            if (number(tok[i], 0x7fffffff, &v) || v == 0) {
                snprintf(err, errlen, "expected G labels (1..2147483647) after 'puts', found '%s'",
                         tok[i]);
                return -1;
            }
            if (in->nputs[ti] == in->capputs[ti]) {
                uint32_t n = in->capputs[ti] ? 2 * in->capputs[ti] : 64;
                int32_t *q = realloc(in->puts[ti], n * sizeof *q);
                if (q == NULL) {
                    snprintf(err, errlen, "out of memory");
                    return -1;
                }
                in->puts[ti] = q;
                in->capputs[ti] = n;
            }
            in->puts[ti][in->nputs[ti]++] = (int32_t)v;
        }
        return 0;
    }
    int pi = -1;
    if (tok[0][0] == 'P' && tok[0][1] >= '0' && tok[0][1] < '0' + SCHED_MAX_THREADS &&
        tok[0][2] == 0) {
        pi = tok[0][1] - '0';
    }
    if (pi < 0 || nt < 2) {
        snprintf(err, errlen,
                 "expected 'P<n> head H tail T', 'P<n> next G', 'P<n> slot K G...' or "
                 "'global G...' in the initial section, found '%s'",
                 tok[0]);
        return -1;
    }
    if (pi >= in->np) {
        in->np = pi + 1;
    }
    if (strcmp(tok[1], "head") == 0) {
        unsigned long long t;
        if (nt != 5 || number(tok[2], 0xffffffffull, &v) || strcmp(tok[3], "tail") != 0 ||
            number(tok[4], 0xffffffffull, &t)) {
            snprintf(err, errlen, "expected 'P%d head H tail T' (uint32 indices)", pi);
            return -1;
        }
        in->head[pi] = (uint32_t)v;
        in->tail[pi] = (uint32_t)t;
    } else if (strcmp(tok[1], "next") == 0) {
        if (nt != 3 || number(tok[2], 0x7fffffff, &v)) {
            snprintf(err, errlen, "expected 'P%d next G' (a label, 0 for nil)", pi);
            return -1;
        }
        in->next[pi] = (int32_t)v;
    } else if (strcmp(tok[1], "slot") == 0) {
        if (nt < 4 || number(tok[2], (unsigned long long)cap - 1, &v)) {
            snprintf(err, errlen, "expected 'P%d slot K G...' with K in 0..%d", pi, cap - 1);
            return -1;
        }
        unsigned k = (unsigned)v;
        for (int i = 3; i < nt; i++, k++) {
            if (k >= (unsigned)cap || number(tok[i], 0x7fffffff, &v)) {
                snprintf(err, errlen,
                         "expected G labels (0 for nil) for slots up to %d, found '%s'", cap - 1,
                         tok[i]);
                return -1;
            }
            in->slots[pi][k] = (int32_t)v;
        }
    } else {
        snprintf(err, errlen, "expected 'head', 'next' or 'slot' after 'P%d', found '%s'", pi,
                 tok[1]);
        return -1;
    }
    return 0;
}

static int label_cmp(const void *a, const void *b) {
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return x < y ? -1 : x > y;
}

int sched_initial_check(const struct sched_initial *in, int cap, char *err, size_t errlen) {
    static int32_t all[SCHED_MAX_THREADS * (SCHED_INIT_MAX_CAP + 1) + SCHED_INIT_MAX_G];
    int n = 0;
    for (int pi = 0; pi < in->np; pi++) {
        uint32_t len = in->tail[pi] - in->head[pi];
        if (len > (uint32_t)cap) {
            snprintf(err, errlen, "initial: P%d holds %u Gs (tail - head) in a ring of %d", pi, len,
                     cap);
            return -1;
        }
        for (uint32_t k = 0; k < len; k++) {
            int32_t l = in->slots[pi][(in->head[pi] + k) % (uint32_t)cap];
            if (l == 0) {
                snprintf(err, errlen, "initial: P%d's slot %u is in [head, tail) but holds no G",
                         pi, (in->head[pi] + k) % (uint32_t)cap);
                return -1;
            }
            all[n++] = l;
        }
        if (in->next[pi]) {
            all[n++] = in->next[pi];
        }
    }
    for (int i = 0; i < in->nglob; i++) {
        all[n++] = in->glob[i];
    }
    qsort(all, (size_t)n, sizeof all[0], label_cmp);
    for (int i = 1; i < n; i++) {
        if (all[i] == all[i - 1]) {
            snprintf(err, errlen, "initial: G %d is queued in two places", all[i]);
            return -1;
        }
    }
    return 0;
}

void sched_initial_print(const struct sched_initial *in, int cap, FILE *out) {
    fprintf(out, "initial\n");
    for (int pi = 0; pi < in->np; pi++) {
        fprintf(out, "  P%d head %u tail %u\n", pi, in->head[pi], in->tail[pi]);
        if (in->next[pi]) {
            fprintf(out, "  P%d next %d\n", pi, in->next[pi]);
        }
        for (int k = 0; k < cap; k += 16) {
            bool any = false;
            for (int j = k; j < k + 16 && j < cap; j++) {
                any |= in->slots[pi][j] != 0;
            }
            if (!any) {
                continue;
            }
            fprintf(out, "  P%d slot %d", pi, k);
            for (int j = k; j < k + 16 && j < cap; j++) {
                fprintf(out, " %d", in->slots[pi][j]);
            }
            fprintf(out, "\n");
        }
    }
    for (int i = 0; i < in->nglob; i += 16) {
        fprintf(out, "  global");
        for (int j = i; j < i + 16 && j < in->nglob; j++) {
            fprintf(out, " %d", in->glob[j]);
        }
        fprintf(out, "\n");
    }
    for (int t = 0; t < SCHED_MAX_THREADS; t++) {
        for (uint32_t i = 0; i < in->nputs[t]; i += 16) {
            fprintf(out, "  %s puts", sched_thread_name(t));
            for (uint32_t j = i; j < i + 16 && j < in->nputs[t]; j++) {
                fprintf(out, " %d", in->puts[t][j]);
            }
            fprintf(out, "\n");
        }
    }
}
