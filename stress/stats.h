// stats.h - the statistics (stats.c): counters summed, the periodic line, --json.
#ifndef STRESS_STATS_H
#define STRESS_STATS_H

#include "run.h"

struct stats_snapshot {
    double t; // seconds since start
    uint64_t ctr[CTR_N];
    int64_t globq, parked;
    uint64_t audits, errors;
};

struct stress_engine;
struct rec_snapshot;
void stats_collect(struct stats_snapshot *s, const struct stress_engine *e, uint64_t audits);
// stats_print: "LABEL key: value ..." (totals over the whole run, rates over [prev, now]),
// wrapped at STRESS_LINE_MAX, only the counters that apply to the run's mode.
void stats_print(const char *label, const struct stats_snapshot *now,
                 const struct stats_snapshot *prev);
// stats_json writes the run's JSON summary; returns 0 on success.
int stats_json(const char *path, const struct stats_snapshot *s, const char *verdict,
               const char *reproduce);

#endif
