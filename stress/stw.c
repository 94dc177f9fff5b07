// stw.c - stop the world: every worker parks at a barrier at its next safe point (where
// it holds no G), so the monitor can audit the queues with nothing moving.
#include "torture.h"

#include <time.h>

_Atomic int stw_requested;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv_arrived, cv_go;
static int arrived, live;
static uint64_t epoch;

void stw_init(void) {
    pthread_condattr_t a;
    pthread_condattr_init(&a);
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    pthread_cond_init(&cv_arrived, &a);
    pthread_cond_init(&cv_go, NULL);
    pthread_condattr_destroy(&a);
    live = srun()->nthreads;
    arrived = 0;
}

void stw_safepoint_slow(struct mstate *m) {
    pthread_mutex_lock(&mu);
    if (atomic_load_explicit(&stw_requested, memory_order_relaxed)) {
        uint64_t was = atomic_load_explicit(&m->doing, memory_order_relaxed);
        set_doing(m, OP_STOPPED, atomic_load_explicit(&m->pid, memory_order_relaxed), 0, 0);
        atomic_store_explicit(&m->at_barrier, 1, memory_order_relaxed);
        arrived++;
        pthread_cond_signal(&cv_arrived);
        for (uint64_t e = epoch; e == epoch;) {
            pthread_cond_wait(&cv_go, &mu);
        }
        arrived--;
        atomic_store_explicit(&m->at_barrier, 0, memory_order_relaxed);
        atomic_store_explicit(&m->doing, was, memory_order_relaxed);
    }
    pthread_mutex_unlock(&mu);
}

bool stw_stop(double timeout) {
    struct timespec dl;
    clock_gettime(CLOCK_MONOTONIC, &dl);
    uint64_t ns = (uint64_t)dl.tv_nsec + (uint64_t)(timeout * 1e9);
    dl.tv_sec += (time_t)(ns / 1000000000u);
    dl.tv_nsec = (long)(ns % 1000000000u);
    pthread_mutex_lock(&mu);
    atomic_store_explicit(&stw_requested, 1, memory_order_relaxed);
    bool ok = true;
    // Wait in slices: a failure elsewhere (a thread that threw never arrives) ends the wait.
    while (arrived < live) {
        struct timespec now, slice;
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec > dl.tv_sec || (now.tv_sec == dl.tv_sec && now.tv_nsec >= dl.tv_nsec)) {
            ok = false;
            break;
        }
        uint64_t sns = (uint64_t)now.tv_nsec + 50000000u;
        slice.tv_sec = now.tv_sec + (time_t)(sns / 1000000000u);
        slice.tv_nsec = (long)(sns % 1000000000u);
        if (slice.tv_sec > dl.tv_sec || (slice.tv_sec == dl.tv_sec && slice.tv_nsec > dl.tv_nsec)) {
            slice = dl;
        }
        pthread_cond_timedwait(&cv_arrived, &mu, &slice);
        if (arrived < live && stress_failed()) {
            ok = false;
            break;
        }
    }
    pthread_mutex_unlock(&mu);
    return ok;
}

void stw_start(void) {
    pthread_mutex_lock(&mu);
    atomic_store_explicit(&stw_requested, 0, memory_order_relaxed);
    epoch++;
    pthread_cond_broadcast(&cv_go);
    pthread_mutex_unlock(&mu);
}

void stw_thread_exit(struct mstate *m) {
    pthread_mutex_lock(&mu);
    live--;
    atomic_store_explicit(&m->exited, 1, memory_order_relaxed);
    pthread_cond_signal(&cv_arrived);
    pthread_mutex_unlock(&mu);
}

// ---- the round barrier of --schedule mode -------------------------------------------------
// Every thread runs its program once per round; rounds are separated by barriers. The last
// thread to arrive decides for everyone whether the run stops here, so all threads leave
// at the same barrier. round_barrier_abort releases everyone (a thread failed).
static pthread_mutex_t rb_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t rb_cv = PTHREAD_COND_INITIALIZER;
static int rb_waiting;
static uint64_t rb_gen;
static bool rb_quit, rb_abort;

bool round_barrier(struct mstate *m) {
    uint64_t was = atomic_load_explicit(&m->doing, memory_order_relaxed);
    set_doing(m, OP_STOPPED, atomic_load_explicit(&m->pid, memory_order_relaxed), 0, 0);
    pthread_mutex_lock(&rb_mu);
    if (!rb_abort) {
        if (++rb_waiting == srun()->nthreads) {
            rb_waiting = 0;
            rb_quit = atomic_load(&srun()->stop) != 0;
            rb_gen++;
            pthread_cond_broadcast(&rb_cv);
        } else {
            for (uint64_t g = rb_gen; g == rb_gen && !rb_abort;) {
                pthread_cond_wait(&rb_cv, &rb_mu);
            }
        }
    }
    bool quit = rb_quit || rb_abort;
    pthread_mutex_unlock(&rb_mu);
    atomic_store_explicit(&m->doing, was, memory_order_relaxed);
    return quit;
}

void round_barrier_abort(void) {
    pthread_mutex_lock(&rb_mu);
    rb_abort = true;
    pthread_cond_broadcast(&rb_cv);
    pthread_mutex_unlock(&rb_mu);
}
