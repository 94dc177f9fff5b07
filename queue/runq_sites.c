// runq_sites.c - names of the seam's sites (runq_sites.h), for traces and schedule text.
// Independent of ring capacity, so it is built once however many port copies link.
#include "runq_sites.h"

#include <string.h>

// The seam's sites, as names for traces and schedule files.
static const char *const site_names[] = {
#define RUNQ_SITE_NAME(id, name, what) name,
    RUNQ_SITE_LIST(RUNQ_SITE_NAME) RUNQ_SITE_LIST_MASTER(RUNQ_SITE_NAME)
#undef RUNQ_SITE_NAME
};
static const char *const site_whats[] = {
#define RUNQ_SITE_WHAT(id, name, what) what,
    RUNQ_SITE_LIST(RUNQ_SITE_WHAT) RUNQ_SITE_LIST_MASTER(RUNQ_SITE_WHAT)
#undef RUNQ_SITE_WHAT
};

const char *runq_site_name(enum runq_site site) {
    return (unsigned)site < RQ_SITE_COUNT ? site_names[site] : "?";
}
const char *runq_site_what(enum runq_site site) {
    return (unsigned)site < RQ_SITE_COUNT ? site_whats[site] : "?";
}
int runq_site_lookup(const char *name) {
    for (int i = 0; i < RQ_SITE_COUNT; i++) {
        if (strcmp(site_names[i], name) == 0) {
            return i;
        }
    }
    return -1;
}
