// runq_version.h - the port of the Go version this build was configured for.
//
// Code outside queue/ that drives the port (the engine's world, tests, stress) includes
// this instead of runq.h, and builds once per version: -DRUNQ_GO_MASTER selects Go
// master's port (runq_master.h), otherwise Go 1.19's (runq.h). RUNQ_GO_VERSION names it.
#ifndef RUNQ_VERSION_H
#define RUNQ_VERSION_H

#ifdef RUNQ_GO_MASTER
#include "runq_master.h"
#else
#include "runq.h"
#ifndef RUNQ_GO_VERSION
#define RUNQ_GO_VERSION "1.19"
#endif
#endif

#endif
