// Rule: a plain read or write of a field other Ps touch is a relaxed seam access; the
// ordinal picks runqempty's second runqtail load (tail2); guintptr.cas is rq_casg;
// locals stay C locals; a named out-result is written through its pointer.
// want: guintptr oldnext = rq_plain_loadg(&_p_->runnext, RQ_AT(22, RQ_SITE_runqput_next));
// want: rq_casg(&_p_->runnext, oldnext, guintptr_of(gp), RQ_AT(23, RQ_SITE_runqput_nextcas))
// want: uint32_t t = rq_plain_load32(&_p_->runqtail, RQ_AT(33, RQ_SITE_runqput_tail));
// want: rq_plain_storeg(&_p_->runq[rq_ix((uint64_t)(t % (uint32_t)(RUNQ_CAP)), RUNQ_CAP)], guintptr_of(gp), RQ_AT(35, RQ_SITE_runqput_slot));
// want: rq_Load(&_p_->runqtail, RQ_AT(50, RQ_SITE_runqempty_tail2))
// want: rq_plain_load32(&_p_->status, RQ_AT(60, RQ_SITE_runqgrab_status)) == _Prunning
// want: rq_plain_storeg(&batch[rq_ix((uint64_t)(batchHead % (uint32_t)(RUNQ_CAP)), RUNQ_CAP)], next, RQ_AT(66, RQ_SITE_runqgrab_batch));
// want: gQueue runqdrain(p *_p_, uint32_t *n) {
// want:     (*n)++;
// want: return drainQ;
package runtime

func runqput(_p_ *p, gp *g, next bool) {
	if randomizeScheduler && next && fastrandn(2) == 0 {
		next = false
	}
	if next {
	retryNext:
		oldnext := _p_.runnext
		if !_p_.runnext.cas(oldnext, guintptr(unsafe.Pointer(gp))) {
			goto retryNext
		}
		if oldnext == 0 {
			return
		}
		gp = oldnext.ptr()
	}
retry:
	h := atomic.LoadAcq(&_p_.runqhead)
	t := _p_.runqtail
	if t-h < uint32(len(_p_.runq)) {
		_p_.runq[t%uint32(len(_p_.runq))].set(gp)
		atomic.StoreRel(&_p_.runqtail, t+1)
		return
	}
	if runqputslow(_p_, gp, h, t) {
		return
	}
	goto retry
}

func runqempty(_p_ *p) bool {
	for {
		head := atomic.Load(&_p_.runqhead)
		tail := atomic.Load(&_p_.runqtail)
		runnext := atomic.Loaduintptr((*uintptr)(unsafe.Pointer(&_p_.runnext)))
		if tail == atomic.Load(&_p_.runqtail) {
			return head == tail && runnext == 0
		}
	}
}

func runqgrab(_p_ *p, batch *[256]guintptr, batchHead uint32, stealRunNextG bool) uint32 {
	for {
		if stealRunNextG {
			if next := _p_.runnext; next != 0 {
				if _p_.status == _Prunning {
					usleep(3)
				}
				if !_p_.runnext.cas(next, 0) {
					continue
				}
				batch[batchHead%uint32(len(batch))] = next
				return 1
			}
		}
		return 0
	}
}

func runqdrain(_p_ *p) (drainQ gQueue, n uint32) {
	oldNext := _p_.runnext
	if oldNext != 0 && _p_.runnext.cas(oldNext, 0) {
		drainQ.pushBack(oldNext.ptr())
		n++
	}
	return
}
