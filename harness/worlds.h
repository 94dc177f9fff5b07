// worlds.h - the deterministic engine's worlds, one per compiled ring capacity.
#ifndef HARNESS_WORLDS_H
#define HARNESS_WORLDS_H

#include "dsched.h"

#ifdef RUNQ_NS
// world.c is built once per capacity; each copy exports its own dN_world.
#define WORLD_SYMBOL RQ_NS(world)
#endif

extern const struct dsched_world d4_world, d8_world, d256_world;

// The world for a capacity (4, 8 or 256), or NULL.
const struct dsched_world *world_for_cap(int cap);

#endif
