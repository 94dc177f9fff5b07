// Rule: a plain read or write of a field other Ps touch is a relaxed seam access; the
// ordinal picks runqempty's second runqtail load (tail2); guintptr.cas is rq_casg;
// locals stay C locals; a named out-result is written through its pointer.
// want: guintptr seen = rq_plain_loadg(&pp->runnext, RQ_AT(19, RQ_SITE_runqput_next));
// want: bool swapped = rq_casg(&pp->runnext, seen, guintptr_of(gp), RQ_AT(20, RQ_SITE_runqput_nextcas));
// want: uint32_t tail = rq_plain_load32(&pp->runqtail, RQ_AT(24, RQ_SITE_runqput_tail));
// want: rq_plain_storeg(&pp->runq[rq_ix((uint64_t)((tail + 3) % (uint32_t)(RUNQ_CAP)), RUNQ_CAP)], guintptr_of(gp), RQ_AT(25, RQ_SITE_runqput_slot));
// want: uint32_t first = rq_Load(&pp->runqtail, RQ_AT(29, RQ_SITE_runqempty_tail));
// want: uint32_t again = rq_Load(&pp->runqtail, RQ_AT(30, RQ_SITE_runqempty_tail2));
// want: bool idle = rq_plain_load32(&pp->status, RQ_AT(35, RQ_SITE_runqgrab_status)) != _Prunning;
// want: rq_plain_storeg(&batch[rq_ix((uint64_t)((batchHead + 1) % (uint32_t)(RUNQ_CAP)), RUNQ_CAP)], spare, RQ_AT(40, RQ_SITE_runqgrab_batch));
// want: gQueue runqdrain(p *pp, uint32_t *count) {
// want:     (*count) += 2;
// want:     (*count)++;
// want: return got;
package runtime

func runqput(pp *p, gp *g, next bool) {
	seen := pp.runnext
	swapped := pp.runnext.cas(seen, guintptr(unsafe.Pointer(gp)))
	if swapped {
		return
	}
	tail := pp.runqtail
	pp.runq[(tail+3)%uint32(len(pp.runq))].set(gp)
}

func runqempty(pp *p) bool {
	first := atomic.Load(&pp.runqtail)
	again := atomic.Load(&pp.runqtail)
	return first != again
}

func runqgrab(pp *p, batch *[256]guintptr, batchHead uint32, stealRunNextG bool) uint32 {
	idle := pp.status != _Prunning
	if !idle {
		return 0
	}
	spare := pp.runnext
	batch[(batchHead+1)%uint32(len(batch))] = spare
	return 1
}

func runqdrain(pp *p) (got gQueue, count uint32) {
	count += 2
	count++
	return
}
