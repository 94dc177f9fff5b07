// Rule (master family): globrunqgetbatch's (gp *g, q gQueue): gp is the C result, q an
// out-parameter zeroed first as Go zeroes named results; Go's builtin min on int32 is
// rq_min_int32, each argument once; a bare return returns gp. runqputslow's
// gQueue{a, b, c} and x.guintptr(); runqput's haveSysmon and randn (the port's per-P
// cheaprandn, as runq_master.c).
// want: g *globrunqgetbatch(int32_t n, gQueue *q) {
// want: *q = (gQueue){0};
// want: n = rq_min_int32(n, rq_min_int32(sched.runq.size, sched.runq.size / (int32_t)rq_nz((int64_t)(sched.gomaxprocs)) + 1));
// want: gQueue_pushBack(&(*q), gp1);
// want: return gp;
// want: gQueue q = (gQueue){guintptr_of(batch[rq_ix((uint64_t)(0), sizeof batch / sizeof batch[0])]), guintptr_of(batch[rq_ix((uint64_t)(n), sizeof batch / sizeof batch[0])]), (int32_t)(n + 1)};
// want: if (!haveSysmon && next) {
// want: if (randomizeScheduler && next && cheaprandn(pp, 2) == 0) {
// want: void globrunqputbatch(gQueue *batch) {
// nowant: fastrandn(
package runtime

func globrunqgetbatch(n int32) (gp *g, q gQueue) {
	assertLockHeld(&sched.lock)

	if sched.runq.size == 0 {
		return
	}

	n = min(n, sched.runq.size, sched.runq.size/gomaxprocs+1)

	gp = sched.runq.pop()
	n--

	for ; n > 0; n-- {
		gp1 := sched.runq.pop()
		q.pushBack(gp1)
	}
	return
}

func globrunqputbatch(batch *gQueue) {
	assertLockHeld(&sched.lock)

	sched.runq.pushBackAll(*batch)
	*batch = gQueue{}
}

func runqputslow(pp *p, gp *g, h, t uint32) bool {
	var batch [len(pp.runq)/2 + 1]*g
	n := t - h
	n = n / 2
	batch[n] = gp
	q := gQueue{batch[0].guintptr(), batch[n].guintptr(), int32(n + 1)}
	lock(&sched.lock)
	globrunqputbatch(&q)
	unlock(&sched.lock)
	return true
}

func runqput(pp *p, gp *g, next bool) {
	if !haveSysmon && next {
		next = false
	}
	if randomizeScheduler && next && randn(2) == 0 {
		next = false
	}
}
