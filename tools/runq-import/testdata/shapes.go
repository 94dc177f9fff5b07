// Rules: a local named like a C type is renamed; a divisor that is not a constant is
// checked; a closure is expanded at each call with its accesses in place; a tuple
// assignment evaluates the left side's indexes, then the right side, then writes, left to
// right; every index is checked; composite literals; *q = gQueue{}.
// want: guintptr g_ = rq_plain_loadg(
// want: int32_t n = sched.runqsize / (int32_t)rq_nz((int64_t)(sched.gomaxprocs)) + 1;
// want: if (n > (int32_t)(RUNQ_CAP) / 2) {
// want:             uint32_t imp_t1 = ((rq_plain_load32(&pp->runqtail, RQ_AT(46, RQ_SITE_runqputbatch_tail)) + (i)) % (uint32_t)(RUNQ_CAP));
// want:             uint32_t imp_t2 = ((rq_plain_load32(&pp->runqtail, RQ_AT(46, RQ_SITE_runqputbatch_tail)) + (j)) % (uint32_t)(RUNQ_CAP));
// want:             uint32_t imp_t3 = ((rq_plain_load32(&pp->runqtail, RQ_AT(46, RQ_SITE_runqputbatch_tail)) + (j)) % (uint32_t)(RUNQ_CAP));
// want:             guintptr imp_t4 = rq_plain_loadg(&pp->runq[rq_ix((uint64_t)(imp_t3), RUNQ_CAP)], RQ_AT(50, RQ_SITE_runqputbatch_slot));
// want:             uint32_t imp_t5 = ((rq_plain_load32(&pp->runqtail, RQ_AT(46, RQ_SITE_runqputbatch_tail)) + (i)) % (uint32_t)(RUNQ_CAP));
// want:             guintptr imp_t6 = rq_plain_loadg(&pp->runq[rq_ix((uint64_t)(imp_t5), RUNQ_CAP)], RQ_AT(50, RQ_SITE_runqputbatch_slot));
// want:             rq_plain_storeg(&pp->runq[rq_ix((uint64_t)(imp_t1), RUNQ_CAP)], imp_t4, RQ_AT(50, RQ_SITE_runqputbatch_slot));
// want:             rq_plain_storeg(&pp->runq[rq_ix((uint64_t)(imp_t2), RUNQ_CAP)], imp_t6, RQ_AT(50, RQ_SITE_runqputbatch_slot));
// want: gList stack = (gList){q->head};
// want: *q = (gQueue){0};
package runtime

func runqgrab(_p_ *p, batch *[256]guintptr, batchHead uint32, stealRunNextG bool) uint32 {
	for i := uint32(0); i < 2; i++ {
		g := _p_.runq[i%uint32(len(_p_.runq))]
		batch[(batchHead+i)%uint32(len(batch))] = g
	}
	return 0
}

func globrunqget(_p_ *p, max int32) *g {
	assertLockHeld(&sched.lock)
	if sched.runqsize == 0 {
		return nil
	}
	n := sched.runqsize/gomaxprocs + 1
	if n > int32(len(_p_.runq))/2 {
		n = int32(len(_p_.runq)) / 2
	}
	sched.runqsize -= n
	gp := sched.runq.pop()
	return gp
}

func runqputbatch(pp *p, q *gQueue, qsize int) {
	n := uint32(3)
	if randomizeScheduler {
		off := func(o uint32) uint32 {
			return (pp.runqtail + o) % uint32(len(pp.runq))
		}
		for i := uint32(1); i < n; i++ {
			j := fastrandn(i + 1)
			pp.runq[off(i)], pp.runq[off(j)] = pp.runq[off(j)], pp.runq[off(i)]
		}
	}
}

func (q *gQueue) popList() gList {
	stack := gList{q.head}
	*q = gQueue{}
	return stack
}
