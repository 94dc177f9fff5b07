// gplace.c - see gplace.h.
#include "gplace.h"

const char *gplace_name(enum gplace w) {
    static const char *const names[GPLACE_COUNT] = {
        "free", "in hand", "in ring", "in runnext", "in the global queue", "done", "parked"};
    return (unsigned)w < GPLACE_COUNT ? names[w] : "?";
}
