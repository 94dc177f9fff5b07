// runq_ns.h - optional name prefix for the port's symbols.
//
// Ring capacity is a compile-time constant (as len(p.runq) is in Go), so a program that
// searches several capacities links several copies of the port. Building with
// -DRUNQ_NS=c8_ renames every external symbol of runq.c (runqput -> c8_runqput); the
// source still says runqput. Without RUNQ_NS nothing is renamed. Go master's port
// (runq_master.c) is prefixed per version too: cm8_ (native), dm8_ (deterministic).
#ifndef RUNQ_NS_H
#define RUNQ_NS_H

#ifdef RUNQ_NS
#define RQ_NS_CAT2(a, b) a##b
#define RQ_NS_CAT(a, b) RQ_NS_CAT2(a, b)
#define RQ_NS(name) RQ_NS_CAT(RUNQ_NS, name)
#define sched RQ_NS(sched)
#define randomizeScheduler RQ_NS(randomizeScheduler)
#define runq_set_randomize RQ_NS(runq_set_randomize)
#define fastrandn RQ_NS(fastrandn)
#define runq_p_init RQ_NS(runq_p_init)
#define runq_sched_init RQ_NS(runq_sched_init)
#define gQueue_empty RQ_NS(gQueue_empty)
#define gQueue_push RQ_NS(gQueue_push)
#define gQueue_pushBack RQ_NS(gQueue_pushBack)
#define gQueue_pushBackAll RQ_NS(gQueue_pushBackAll)
#define gQueue_pop RQ_NS(gQueue_pop)
#define gQueue_popList RQ_NS(gQueue_popList)
#define gList_empty RQ_NS(gList_empty)
#define gList_push RQ_NS(gList_push)
#define gList_pushAll RQ_NS(gList_pushAll)
#define gList_pop RQ_NS(gList_pop)
#define globrunqput RQ_NS(globrunqput)
#define globrunqputhead RQ_NS(globrunqputhead)
#define globrunqputbatch RQ_NS(globrunqputbatch)
#define globrunqget RQ_NS(globrunqget)
#define runqempty RQ_NS(runqempty)
#define runqput RQ_NS(runqput)
#define runqputslow RQ_NS(runqputslow)
#define runqputbatch RQ_NS(runqputbatch)
#define runqget RQ_NS(runqget)
#define runqdrain RQ_NS(runqdrain)
#define runqgrab RQ_NS(runqgrab)
#define runqsteal RQ_NS(runqsteal)
// Go master's port (runq_master.c) adds these.
#define globrunqgetbatch RQ_NS(globrunqgetbatch)
#define cheaprandn RQ_NS(cheaprandn)
#define haveSysmon RQ_NS(haveSysmon)
#define runq_set_sysmon RQ_NS(runq_set_sysmon)
#endif

#endif
