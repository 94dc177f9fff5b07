// Rule (master family): globrunqgetbatch's (gp *g, q gQueue): gp is the C result, q an
// out-parameter zeroed first as Go zeroes named results; Go's builtin min on int32 is
// rq_min_int32, each argument once; a bare return returns gp. runqputslow's
// gQueue{a, b, c} and x.guintptr(); runqput's haveSysmon and randn (the port's per-P
// cheaprandn, as runq_master.c).
// want: g *globrunqgetbatch(int32_t n, gQueue *q) {
// want: *q = (gQueue){0};
// want: if (rq_min_int32(n, rq_min_int32(sched.runq.size, 2)) < 2) {
// want: gQueue_pushBack(&(*q), gQueue_pop(&sched.runq));
// want: return gp;
// want: gQueue one = (gQueue){guintptr_of(gp), guintptr_of(gp), 1};
// want: if (haveSysmon) {
// want: if (cheaprandn(pp, 8) != 0) {
// want: void globrunqputbatch(gQueue *batch) {
// nowant: fastrandn(
package runtime

func globrunqgetbatch(n int32) (gp *g, q gQueue) {
	if min(n, sched.runq.size, 2) < 2 {
		return
	}
	q.pushBack(sched.runq.pop())
	gp = sched.runq.pop()
	return
}

func globrunqputbatch(batch *gQueue) {
}

func runqputslow(pp *p, gp *g, h, t uint32) bool {
	one := gQueue{gp.guintptr(), gp.guintptr(), 1}
	globrunqputbatch(&one)
	return true
}

func runqput(pp *p, gp *g, next bool) {
	if haveSysmon {
		return
	}
	if randn(8) != 0 {
		next = false
	}
}
