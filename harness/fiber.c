// fiber.c - see fiber.h. Everything sanitizer-specific about simulated threads is here.
#include "fiber.h"

#include <stdbool.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#if defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define FIBER_TSAN 1
#endif
#if __has_feature(address_sanitizer)
#define FIBER_ASAN 1
#endif
#endif
#if defined(__SANITIZE_THREAD__)
#define FIBER_TSAN 1
#endif
#if defined(__SANITIZE_ADDRESS__)
#define FIBER_ASAN 1
#endif

// The TSan hooks are needed even when this file itself is compiled without TSan (the
// engine is built uninstrumented under the tsan preset): RUNQ_TSAN_RUNTIME says the
// program links the TSan runtime.
#if defined(RUNQ_TSAN_RUNTIME)
#define FIBER_TSAN 1
#endif

#if FIBER_TSAN
void *__tsan_get_current_fiber(void);
void *__tsan_create_fiber(unsigned flags);
void __tsan_destroy_fiber(void *fiber);
void __tsan_switch_to_fiber(void *fiber, unsigned flags);
void __tsan_set_fiber_name(void *fiber, const char *name);
void __tsan_acquire(void *addr);
void __tsan_release(void *addr);
#define TSAN_NO_SYNC 1 // __tsan_switch_to_fiber_no_sync
#endif
#if FIBER_ASAN
void __sanitizer_start_switch_fiber(void **fake_stack_save, const void *bottom, size_t size);
void __sanitizer_finish_switch_fiber(void *fake_stack_save, const void **bottom_old,
                                     size_t *size_old);
void __asan_unpoison_memory_region(void const volatile *addr, size_t size);
void __lsan_register_root_region(const void *p, size_t size);
#endif

#if defined(__x86_64__)
void fiber_switch_asm(void **save_sp, void *new_sp);
void fiber_trampoline_asm(void);
#else
#include <ucontext.h>
#endif

#define FIBER_STACK (256 * 1024) // TSan+libFuzzer crash reports need >= 16 KiB; be generous
#define FIBER_GUARD 4096

struct fiber {
    void *sp; // saved stack pointer while suspended (x86-64)
#if !defined(__x86_64__)
    ucontext_t uc;
#endif
    fiber_fn fn;
    void *arg;
    char *stack; // lowest usable byte (above the guard page); NULL for main
    size_t stack_size;
    const char *name;
    int fresh; // next resume starts fn afresh
#if FIBER_TSAN
    void *tsan;
    char tsan_sync; // address this fiber releases to main through
#endif
#if FIBER_ASAN
    void *fake_stack;
#endif
};

static fiber main_fiber;
static fiber *current;
#if FIBER_TSAN
static char start_sync;
#endif
#if FIBER_ASAN
static const void *main_stack_bottom;
static size_t main_stack_size;
#endif

#define MAX_FIBERS 16
static fiber *all_fibers[MAX_FIBERS];
static int n_fibers;

void fiber_main_init(void) {
    if (current != NULL) {
        return;
    }
    main_fiber.name = "main";
#if FIBER_TSAN
    main_fiber.tsan = __tsan_get_current_fiber();
#endif
    current = &main_fiber;
}

fiber *fiber_main(void) {
    return &main_fiber;
}
fiber *fiber_current(void) {
    return current;
}

static void fiber_entry(void *fp);

static void prepare_stack(fiber *f) {
    f->fresh = 0;
#if FIBER_ASAN
    // An abandoned fiber leaves poisoned frames behind; the new run starts clean.
    __asan_unpoison_memory_region(f->stack, f->stack_size);
#endif
#if defined(__x86_64__)
    uintptr_t top = ((uintptr_t)(f->stack + f->stack_size)) & ~(uintptr_t)15;
    uint64_t *sp = (uint64_t *)(top - 64);
    uint32_t mx = 0x1F80;  // default MXCSR
    uint16_t fcw = 0x037F; // default x87 control word
    memset(sp, 0, 64);
    memcpy(&sp[0], &mx, 4);
    memcpy((char *)&sp[0] + 4, &fcw, 2);
    sp[4] = (uint64_t)(uintptr_t)fiber_entry; // r12
    sp[3] = (uint64_t)(uintptr_t)f;           // r13
    sp[7] = (uint64_t)(uintptr_t)fiber_trampoline_asm;
    f->sp = sp;
#else
    getcontext(&f->uc);
    f->uc.uc_stack.ss_sp = f->stack;
    f->uc.uc_stack.ss_size = f->stack_size;
    f->uc.uc_link = NULL;
    makecontext(&f->uc, (void (*)(void))fiber_entry_uc, 0);
#endif
}

fiber *fiber_create(const char *name, fiber_fn fn, void *arg) {
    if (n_fibers == MAX_FIBERS) {
        fprintf(stderr, "fiber: too many fibers\n");
        abort();
    }
    fiber *f = calloc(1, sizeof *f);
    char *mem = mmap(NULL, FIBER_STACK + FIBER_GUARD, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (f == NULL || mem == MAP_FAILED) {
        perror("fiber: stack");
        abort();
    }
    mprotect(mem, FIBER_GUARD, PROT_NONE); // overflow faults instead of corrupting
    f->stack = mem + FIBER_GUARD;
    f->stack_size = FIBER_STACK;
    f->fn = fn;
    f->arg = arg;
    f->name = name;
#if FIBER_ASAN
    // Pointers held only on a suspended fiber's stack are live: tell LeakSanitizer.
    __lsan_register_root_region(f->stack, f->stack_size);
#endif
#if FIBER_TSAN
    f->tsan = __tsan_create_fiber(0);
    __tsan_set_fiber_name(f->tsan, name);
#endif
    prepare_stack(f);
    all_fibers[n_fibers++] = f;
    return f;
}

void fiber_reset(fiber *f) {
    f->fresh = 1;
}

#if !defined(__x86_64__)
static void fiber_entry_uc(void) {
    fiber_entry(current);
}
#endif

static void after_switch(fiber *prev) {
    (void)prev;
#if FIBER_ASAN
    const void *bottom;
    size_t size;
    __sanitizer_finish_switch_fiber(current->fake_stack, &bottom, &size);
    if (prev == &main_fiber && main_stack_bottom == NULL) {
        main_stack_bottom = bottom;
        main_stack_size = size;
    }
#endif
}

static void fiber_entry(void *fp) {
    fiber *f = fp;
#if FIBER_ASAN
    const void *bottom;
    size_t size;
    __sanitizer_finish_switch_fiber(NULL, &bottom, &size);
    if (main_stack_bottom == NULL) {
        main_stack_bottom = bottom;
        main_stack_size = size;
    }
#endif
    f->fn(f->arg);
    fprintf(stderr, "fiber: %s returned\n", f->name);
    abort();
}

// The body of fiber_switch_to; final: the current fiber will not resume where it is (it
// is reset before its next run), so ASan may free its fake stack now. Without that, every
// reuse of a fiber leaks its fake frames (about 1 MB per execution with
// detect_stack_use_after_return=1).
static void switch_impl(fiber *f, bool final) {
    fiber *prev = current;
    if (f == prev) {
        return;
    }
    if (f->fresh) {
        prepare_stack(f);
    }
#if FIBER_ASAN
    void **save = final ? NULL : &prev->fake_stack;
    if (f == &main_fiber) {
        __sanitizer_start_switch_fiber(save, main_stack_bottom, main_stack_size);
    } else {
        __sanitizer_start_switch_fiber(save, f->stack, f->stack_size);
    }
#else
    (void) final;
#endif
#if FIBER_TSAN
    if (prev != &main_fiber) {
        // What prev did so far happens-before main's end-of-execution collect, even if
        // prev is abandoned (a failure) and never runs again. Fibers never acquire each
        // other's address, so this adds no edge between simulated threads.
        __tsan_release(&prev->tsan_sync);
    }
    // no_sync: a switch is not a synchronisation between simulated threads.
    __tsan_switch_to_fiber(f->tsan, TSAN_NO_SYNC);
#endif
    current = f;
#if defined(__x86_64__)
    fiber_switch_asm(&prev->sp, f->sp);
#else
    swapcontext(&prev->uc, &f->uc);
#endif
    after_switch(prev);
}

void fiber_switch_to(fiber *f) {
    switch_impl(f, false);
}

void fiber_exit_to(fiber *f) {
    current->fresh = 1;
    switch_impl(f, true);
}

void fiber_collect_sync(void) {
#if FIBER_TSAN
    for (int i = 0; i < n_fibers; i++) {
        __tsan_acquire(&all_fibers[i]->tsan_sync);
    }
#endif
}

void fiber_start_release(void) {
#if FIBER_TSAN
    __tsan_release(&start_sync);
#endif
}

void fiber_start_acquire(void) {
#if FIBER_TSAN
    __tsan_acquire(&start_sync);
#endif
}
