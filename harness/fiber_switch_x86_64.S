// fiber_switch_x86_64.S - the context switch for harness/fiber.c (System V x86-64).
// void fiber_switch_asm(void **save_sp, void *new_sp)
// Saves callee-saved registers, MXCSR and the x87 control word on the current stack,
// stores the stack pointer in *save_sp, and resumes the context whose stack is new_sp.
#if defined(__x86_64__)
    .text
    .globl fiber_switch_asm
    .type fiber_switch_asm,@function
fiber_switch_asm:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    subq $8, %rsp
    stmxcsr (%rsp)
    fnstcw 4(%rsp)
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    ldmxcsr (%rsp)
    fldcw 4(%rsp)
    addq $8, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size fiber_switch_asm,.-fiber_switch_asm

// First entry of a new fiber: r12 = function, r13 = argument. The stack is 16-byte
// aligned here, as at a call site.
    .globl fiber_trampoline_asm
    .type fiber_trampoline_asm,@function
fiber_trampoline_asm:
    movq %r13, %rdi
    callq *%r12
    ud2
    .size fiber_trampoline_asm,.-fiber_trampoline_asm
#endif
    .section .note.GNU-stack,"",@progbits
