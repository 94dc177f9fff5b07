// worlds.c - picks the world of a schedule's capacity.
#include "worlds.h"

#include <stddef.h>

const struct dsched_world *world_for_cap(int cap) {
    switch (cap) {
    case 4:
        return &d4_world;
    case 8:
        return &d8_world;
    case 256:
        return &d256_world;
    default:
        return NULL;
    }
}
