// runq_sites.h - the named places in the port where it touches shared memory.
//
// Every seam call in runq.c passes one of these sites. The native backend ignores
// them (they compile away); the deterministic backend uses them as scheduling points
// and trace labels, and schedules name them ("thief1 runs until after runqgrab.head").
// Names are part of the schedule text format: rename only with a format version bump.
#ifndef RUNQ_SITES_H
#define RUNQ_SITES_H

// X(enum-suffix, "text name", what happens there)
#define RUNQ_SITE_LIST(X)                                                                          \
    X(runqempty_head, "runqempty.head", "atomic load of runqhead")                                 \
    X(runqempty_tail, "runqempty.tail", "atomic load of runqtail")                                 \
    X(runqempty_next, "runqempty.next", "atomic load of runnext")                                  \
    X(runqempty_tail2, "runqempty.tail2", "second atomic load of runqtail")                        \
    X(runqput_next, "runqput.next", "owner reads runnext")                                         \
    X(runqput_nextcas, "runqput.nextcas", "owner CASes runnext to the new G")                      \
    X(runqput_head, "runqput.head", "load-acquire of runqhead")                                    \
    X(runqput_tail, "runqput.tail", "owner reads its own runqtail")                                \
    X(runqput_slot, "runqput.slot", "owner writes the ring slot at tail")                          \
    X(runqput_publish, "runqput.publish", "store-release of runqtail")                             \
    X(runqputslow_slot, "runqputslow.slot", "owner copies a ring slot into its batch")             \
    X(runqputslow_headcas, "runqputslow.headcas", "cas-release of runqhead")                       \
    X(runqputslow_lock, "runqputslow.lock", "takes sched.lock")                                    \
    X(runqputslow_unlock, "runqputslow.unlock", "releases sched.lock")                             \
    X(runqputbatch_head, "runqputbatch.head", "load-acquire of runqhead")                          \
    X(runqputbatch_tail, "runqputbatch.tail", "owner reads its own runqtail")                      \
    X(runqputbatch_slot, "runqputbatch.slot", "owner writes a ring slot past tail")                \
    X(runqputbatch_publish, "runqputbatch.publish", "store-release of runqtail")                   \
    X(runqputbatch_lock, "runqputbatch.lock", "takes sched.lock")                                  \
    X(runqputbatch_unlock, "runqputbatch.unlock", "releases sched.lock")                           \
    X(runqget_next, "runqget.next", "owner reads runnext")                                         \
    X(runqget_nextcas, "runqget.nextcas", "owner CASes runnext to 0")                              \
    X(runqget_head, "runqget.head", "load-acquire of runqhead")                                    \
    X(runqget_tail, "runqget.tail", "owner reads its own runqtail")                                \
    X(runqget_slot, "runqget.slot", "owner reads the ring slot at head")                           \
    X(runqget_headcas, "runqget.headcas", "cas-release of runqhead")                               \
    X(runqdrain_next, "runqdrain.next", "owner reads runnext")                                     \
    X(runqdrain_nextcas, "runqdrain.nextcas", "owner CASes runnext to 0")                          \
    X(runqdrain_head, "runqdrain.head", "load-acquire of runqhead")                                \
    X(runqdrain_tail, "runqdrain.tail", "owner reads its own runqtail")                            \
    X(runqdrain_headcas, "runqdrain.headcas", "cas-release of runqhead")                           \
    X(runqdrain_slot, "runqdrain.slot", "owner reads a drained ring slot")                         \
    X(runqgrab_head, "runqgrab.head", "load-acquire of the victim's runqhead")                     \
    X(runqgrab_tail, "runqgrab.tail", "load-acquire of the victim's runqtail")                     \
    X(runqgrab_next, "runqgrab.next", "thief reads the victim's runnext")                          \
    X(runqgrab_status, "runqgrab.status", "thief reads the victim's status")                       \
    X(runqgrab_backoff, "runqgrab.backoff", "usleep(3) before stealing runnext")                   \
    X(runqgrab_nextcas, "runqgrab.nextcas", "thief CASes the victim's runnext to 0")               \
    X(runqgrab_slot, "runqgrab.slot", "thief reads a victim ring slot")                            \
    X(runqgrab_batch, "runqgrab.batch", "thief writes its own ring slot past its tail")            \
    X(runqgrab_headcas, "runqgrab.headcas", "cas-release of the victim's runqhead")                \
    X(runqsteal_tail, "runqsteal.tail", "thief reads its own runqtail")                            \
    X(runqsteal_slot, "runqsteal.slot", "thief reads the G it will return")                        \
    X(runqsteal_head, "runqsteal.head", "load-acquire of its own runqhead")                        \
    X(runqsteal_publish, "runqsteal.publish", "store-release of its own runqtail")                 \
    X(caller_lock, "caller.lock", "a caller of globrunq* takes sched.lock")                        \
    X(caller_unlock, "caller.unlock", "a caller of globrunq* releases sched.lock")

// Sites only Go master's port has (runqgrab's syscall test). They come after every 1.19
// site so that 1.19 byte schedules, which pick a site as a byte modulo the 1.19 count,
// keep their meaning (schedule.c).
#define RUNQ_SITE_LIST_MASTER(X)                                                                   \
    X(runqgrab_m, "runqgrab.m", "thief reads the victim's m")                                      \
    X(runqgrab_curg, "runqgrab.curg", "thief reads that m's current G")                            \
    X(runqgrab_gstatus, "runqgrab.gstatus", "atomic load of that G's status (readgstatus)")

// Slots for an imported port's new sites: accesses of a proc.go that neither hand port
// has (tools/runq-import names them <function>.<field>.<kind><n> and gives the engine the
// names with runq_site_import). They come after the master sites, so byte schedules of
// either version keep their meaning; until a port names a slot it is "imported.<i>".
#define RUNQ_SITE_LIST_IMPORTED(X)                                                                 \
    X(imported_0, "imported.0", "a new site of an imported port")                                  \
    X(imported_1, "imported.1", "a new site of an imported port")                                  \
    X(imported_2, "imported.2", "a new site of an imported port")                                  \
    X(imported_3, "imported.3", "a new site of an imported port")                                  \
    X(imported_4, "imported.4", "a new site of an imported port")                                  \
    X(imported_5, "imported.5", "a new site of an imported port")                                  \
    X(imported_6, "imported.6", "a new site of an imported port")                                  \
    X(imported_7, "imported.7", "a new site of an imported port")                                  \
    X(imported_8, "imported.8", "a new site of an imported port")                                  \
    X(imported_9, "imported.9", "a new site of an imported port")                                  \
    X(imported_10, "imported.10", "a new site of an imported port")                                \
    X(imported_11, "imported.11", "a new site of an imported port")                                \
    X(imported_12, "imported.12", "a new site of an imported port")                                \
    X(imported_13, "imported.13", "a new site of an imported port")                                \
    X(imported_14, "imported.14", "a new site of an imported port")                                \
    X(imported_15, "imported.15", "a new site of an imported port")

enum runq_site {
#define RUNQ_SITE_ENUM(id, name, what) RQ_SITE_##id,
    RUNQ_SITE_LIST(RUNQ_SITE_ENUM) RUNQ_SITE_LIST_MASTER(RUNQ_SITE_ENUM)
        RUNQ_SITE_LIST_IMPORTED(RUNQ_SITE_ENUM)
#undef RUNQ_SITE_ENUM
            RQ_SITE_COUNT
};
// The number of sites Go 1.19's port has: the master-only ones start there.
#define RQ_SITE_COUNT_V119 ((int)RQ_SITE_runqgrab_m)
// The number of sites the hand ports have: the imported slots start there.
#define RQ_SITE_COUNT_MASTER ((int)RQ_SITE_imported_0)

// runq_site_name returns the text name of a site ("runqgrab.head"), or "?" if out of range.
const char *runq_site_name(enum runq_site site);
// runq_site_what returns the one-line description of a site.
const char *runq_site_what(enum runq_site site);
// runq_site_lookup returns the site with that text name, or -1.
int runq_site_lookup(const char *name);
// runq_site_import names imported slot i (0 <= i < 16) as an imported port's new site;
// the name must outlive the program. Naming a slot again with another name aborts (one
// imported port per program).
void runq_site_import(int i, const char *name);

#endif
