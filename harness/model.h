// model.h - the sequential reference model of the run queues.
//
// What the queue means, written as plainly as possible, with none of the port's
// concurrency: each P has a FIFO ring of capacity cap and a runnext slot, and there is one
// global FIFO. Gs are small integers (ids > 0). Every port operation has a model twin;
// oracles run both and compare. The capacity is a run-time value here, so one model
// serves every build of the port.
#ifndef HARNESS_MODEL_H
#define HARNESS_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#define MODEL_MAX_P 8
#define MODEL_MAX_CAP 256
#define MODEL_MAX_G 20000

typedef struct model_p {
    int32_t ring[MODEL_MAX_CAP]; // ring[(head + i) % cap], i < len
    uint32_t head, len;
    int32_t runnext; // 0 = none
} model_p;

typedef struct model {
    uint32_t cap;
    int32_t nprocs; // gomaxprocs, for globrunqget's fair share
    model_p p[MODEL_MAX_P];
    int32_t glob[MODEL_MAX_G]; // global queue: glob[(ghead + i) % MODEL_MAX_G], i < glen
    uint32_t ghead, glen;
} model;

// A list of G ids, for batches and results.
typedef struct model_list {
    int32_t n;
    int32_t g[MODEL_MAX_G];
} model_list;

void model_init(model *m, uint32_t cap, int32_t nprocs);

// runqput: next=true puts gp in runnext and kicks the old runnext to the ring's tail.
// A full ring moves its first cap/2 Gs and then the new G to the global queue.
void model_runqput(model *m, int pid, int32_t gp, bool next);
// runqputbatch: as many as fit at the ring's tail, the rest (in order) to the global queue.
void model_runqputbatch(model *m, int pid, const model_list *batch);
// runqget: runnext first (inheritTime), else the ring's head, else 0.
int32_t model_runqget(model *m, int pid, bool *inheritTime);
// runqdrain: runnext then the ring in order.
void model_runqdrain(model *m, int pid, model_list *out);
// runqsteal: thief takes ceil(len/2) from the victim's head; with stealRunNext and an
// empty ring it takes runnext. The last taken is returned, the others go to the thief's
// ring in order. Returns 0 if nothing was taken.
int32_t model_runqsteal(model *m, int thief, int victim, bool stealRunNext);
// runqgrab's count for the current state (what a steal would take).
uint32_t model_grab_count(const model *m, int victim, bool stealRunNext);
bool model_runqempty(const model *m, int pid);

void model_globrunqput(model *m, int32_t gp);
void model_globrunqputhead(model *m, int32_t gp);
void model_globrunqputbatch(model *m, const model_list *batch);
// globrunqget: n = min(glen/nprocs + 1, glen, max if > 0, cap/2); returns the first, puts
// the other n-1 on pid's local queue with runqput(next=false).
int32_t model_globrunqget(model *m, int pid, int32_t max);

// Local queue length (ring only) and the total number of queued Gs (rings, runnexts,
// global).
uint32_t model_ring_len(const model *m, int pid);
uint32_t model_total(const model *m);

#endif
