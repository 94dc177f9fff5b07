// worlds.h - the deterministic engine's worlds, one per compiled ring capacity and Go
// version (the world's code is compiled once; each binds its port adapter, worlds.c).
#ifndef HARNESS_WORLDS_H
#define HARNESS_WORLDS_H

#include "dsched.h"

extern const struct dsched_world d4_world, d8_world, d256_world;
extern const struct dsched_world dm4_world, dm8_world, dm256_world;

// The world for a Go version (enum sched_version) and capacity (4, 8 or 256), or NULL.
const struct dsched_world *world_for(int version, int cap);

#endif
