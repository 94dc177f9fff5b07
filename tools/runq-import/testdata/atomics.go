// Rule: each runtime/internal/atomic call maps to its seam operation, with its site.
// want: uint32_t h = rq_LoadAcq(&_p_->runqhead, RQ_AT(16, RQ_SITE_runqget_head));
// want: rq_CasRel(&_p_->runqhead, h, h + 1, RQ_AT(22, RQ_SITE_runqget_headcas))
// want: rq_Load(&_p_->runqhead, RQ_AT(30, RQ_SITE_runqempty_head))
// want: rq_Loadg(&_p_->runnext, RQ_AT(32, RQ_SITE_runqempty_next))
// want: rq_StoreRel(&_p_->runqtail, t + n, RQ_AT(51, RQ_SITE_runqsteal_publish));
package runtime

func runqget(_p_ *p) (gp *g, inheritTime bool) {
	next := _p_.runnext
	if next != 0 && _p_.runnext.cas(next, 0) {
		return next.ptr(), true
	}

	for {
		h := atomic.LoadAcq(&_p_.runqhead)
		t := _p_.runqtail
		if t == h {
			return nil, false
		}
		gp := _p_.runq[h%uint32(len(_p_.runq))].ptr()
		if atomic.CasRel(&_p_.runqhead, h, h+1) {
			return gp, false
		}
	}
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

func runqsteal(_p_, p2 *p, stealRunNextG bool) *g {
	t := _p_.runqtail
	n := runqgrab(p2, &_p_.runq, t, stealRunNextG)
	if n == 0 {
		return nil
	}
	n--
	gp := _p_.runq[(t+n)%uint32(len(_p_.runq))].ptr()
	if n == 0 {
		return gp
	}
	h := atomic.LoadAcq(&_p_.runqhead)
	atomic.StoreRel(&_p_.runqtail, t+n)
	return gp
}
