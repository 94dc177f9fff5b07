// torture.h - everything the parts of runq-torture share, one header per concern:
//   params.h  parameters, op mixes, --inject, the option parser
//   clock.h   the run's clock (now, t0)
//   run.h     per-thread state and struct stress_run (the run's shared state, srun())
//   oplog.h   operations as logged
//   ledger.h  the G ledger
//   report.h  failures and output
//   stw.h     stop the world
//   stats.h   statistics
//   engine.h  the per-capacity engine (world_*.c), the only part that knows the capacity
// The arrows: stress -> harness (invariants, schedule) -> queue; nothing in the library
// needs the driver's (main.c's) symbols.
#ifndef STRESS_TORTURE_H
#define STRESS_TORTURE_H

#include "clock.h"
#include "engine.h"
#include "ledger.h"
#include "oplog.h"
#include "params.h"
#include "report.h"
#include "run.h"
#include "stats.h"
#include "stw.h"

#endif
