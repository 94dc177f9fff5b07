// invariants.c - see invariants.h.
#include "invariants.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *name;
    unsigned emitters;
    const char *meaning;
} table[INV_COUNT] = {
#define INV(name, id, emitters, meaning) [INV_##name] = {id, emitters, meaning},
#include "invariants.def"
#undef INV
};

static void check(enum inv_id id) {
    if ((unsigned)id >= INV_COUNT) {
        fprintf(stderr, "!!! internal error: invariant id %d is not in harness/invariants.def\n",
                (int)id);
        abort();
    }
}

const char *inv_name(enum inv_id id) {
    check(id);
    return table[id].name;
}

const char *inv_meaning(enum inv_id id) {
    check(id);
    return table[id].meaning;
}

unsigned inv_emitters(enum inv_id id) {
    check(id);
    return table[id].emitters;
}

int inv_lookup(const char *name) {
    for (int i = 0; i < INV_COUNT; i++) {
        if (strcmp(table[i].name, name) == 0) {
            return i;
        }
    }
    return -1;
}

const char *inv_emitters_text(unsigned emitters) {
    static const char *const names[] = {"engine", "stress", "tools", "ci"};
    static char buf[64];
    buf[0] = 0;
    for (unsigned b = 0; b < 4; b++) {
        if (emitters >> b & 1) {
            snprintf(buf + strlen(buf), sizeof buf - strlen(buf), "%s%s", buf[0] ? ", " : "",
                     names[b]);
        }
    }
    return buf;
}
