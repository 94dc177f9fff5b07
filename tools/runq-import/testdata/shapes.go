// Rules: a local named like a C type is renamed; a divisor that is not a constant is
// checked; a closure is expanded at each call with its accesses in place; a tuple
// assignment evaluates the left side's indexes, then the right side, then writes, left to
// right; every index is checked; composite literals; *q = gQueue{}.
// want: guintptr g_ = rq_plain_loadg(&pp->runnext, RQ_AT(22, RQ_SITE_runqgrab_next));
// want: if (g_ != 0) {
// want: int32_t per = limit / (int32_t)rq_nz((int64_t)(sched.gomaxprocs));
// want: if (per > (int32_t)(RUNQ_CAP) / 4) {
// want:     uint32_t imp_t1 = ((rq_plain_load32(&pp->runqtail, RQ_AT(39, RQ_SITE_runqputbatch_tail)) + (0)) % (uint32_t)(RUNQ_CAP));
// want:     uint32_t imp_t2 = ((rq_plain_load32(&pp->runqtail, RQ_AT(39, RQ_SITE_runqputbatch_tail)) + (1)) % (uint32_t)(RUNQ_CAP));
// want:     uint32_t imp_t3 = ((rq_plain_load32(&pp->runqtail, RQ_AT(39, RQ_SITE_runqputbatch_tail)) + (1)) % (uint32_t)(RUNQ_CAP));
// want:     guintptr imp_t4 = rq_plain_loadg(&pp->runq[rq_ix((uint64_t)(imp_t3), RUNQ_CAP)], RQ_AT(41, RQ_SITE_runqputbatch_slot));
// want:     uint32_t imp_t5 = ((rq_plain_load32(&pp->runqtail, RQ_AT(39, RQ_SITE_runqputbatch_tail)) + (2)) % (uint32_t)(RUNQ_CAP));
// want:     guintptr imp_t6 = rq_plain_loadg(&pp->runq[rq_ix((uint64_t)(imp_t5), RUNQ_CAP)], RQ_AT(41, RQ_SITE_runqputbatch_slot));
// want:     rq_plain_storeg(&pp->runq[rq_ix((uint64_t)(imp_t1), RUNQ_CAP)], imp_t4, RQ_AT(41, RQ_SITE_runqputbatch_slot));
// want:     rq_plain_storeg(&pp->runq[rq_ix((uint64_t)(imp_t2), RUNQ_CAP)], imp_t6, RQ_AT(41, RQ_SITE_runqputbatch_slot));
// want: *q = (gQueue){0};
// want: return (gList){keep.head};
package runtime

func runqgrab(pp *p, batch *[256]guintptr, batchHead uint32, stealRunNextG bool) uint32 {
	g := pp.runnext
	if g != 0 {
		return 1
	}
	return 0
}

func globrunqget(pp *p, limit int32) *g {
	per := limit / gomaxprocs
	if per > int32(len(pp.runq))/4 {
		return nil
	}
	return nil
}

func runqputbatch(pp *p, q *gQueue, qsize int) {
	at := func(k uint32) uint32 {
		return (pp.runqtail + k) % uint32(len(pp.runq))
	}
	pp.runq[at(0)], pp.runq[at(1)] = pp.runq[at(1)], pp.runq[at(2)]
}

func (q *gQueue) popList() gList {
	keep := *q
	*q = gQueue{}
	return gList{keep.head}
}
