// runq_sites.c - names of the seam's sites (runq_sites.h), for traces and schedule text.
// Independent of ring capacity, so it is built once however many port copies link.
#include "runq_sites.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// The seam's sites, as names for traces and schedule files.
static const char *const site_names[] = {
#define RUNQ_SITE_NAME(id, name, what) name,
    RUNQ_SITE_LIST(RUNQ_SITE_NAME) RUNQ_SITE_LIST_MASTER(RUNQ_SITE_NAME)
        RUNQ_SITE_LIST_IMPORTED(RUNQ_SITE_NAME)
#undef RUNQ_SITE_NAME
};
static const char *const site_whats[] = {
#define RUNQ_SITE_WHAT(id, name, what) what,
    RUNQ_SITE_LIST(RUNQ_SITE_WHAT) RUNQ_SITE_LIST_MASTER(RUNQ_SITE_WHAT)
        RUNQ_SITE_LIST_IMPORTED(RUNQ_SITE_WHAT)
#undef RUNQ_SITE_WHAT
};
// The names an imported port gave its new sites (runq_site_import); NULL: not named.
static const char *imported_names[RQ_SITE_COUNT - RQ_SITE_COUNT_MASTER];

void runq_site_import(int i, const char *name) {
    if (i < 0 || i >= RQ_SITE_COUNT - RQ_SITE_COUNT_MASTER || name == NULL) {
        fprintf(stderr, "runq_site_import: no imported slot %d\n", i);
        abort();
    }
    if (imported_names[i] != NULL && strcmp(imported_names[i], name) != 0) {
        fprintf(stderr, "runq_site_import: slot %d is %s already, not %s\n", i, imported_names[i],
                name);
        abort();
    }
    imported_names[i] = name;
}

const char *runq_site_name(enum runq_site site) {
    if ((int)site >= RQ_SITE_COUNT_MASTER && (unsigned)site < RQ_SITE_COUNT &&
        imported_names[site - RQ_SITE_COUNT_MASTER] != NULL) {
        return imported_names[site - RQ_SITE_COUNT_MASTER];
    }
    return (unsigned)site < RQ_SITE_COUNT ? site_names[site] : "?";
}
const char *runq_site_what(enum runq_site site) {
    return (unsigned)site < RQ_SITE_COUNT ? site_whats[site] : "?";
}
int runq_site_lookup(const char *name) {
    for (int i = 0; i < RQ_SITE_COUNT; i++) {
        if (strcmp(runq_site_name((enum runq_site)i), name) == 0) {
            return i;
        }
    }
    return -1;
}
