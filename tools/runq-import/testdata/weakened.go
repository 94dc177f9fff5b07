// Rule: an access that differs from the hand port's only in its order keeps the site
// (a plain store where Go has StoreRel is runqput.publish, as ci/mutants' weakened
// variants name it).
// want: rq_plain_store32(&_p_->runqtail, t + 1, RQ_AT(12, RQ_SITE_runqput_publish) /* plain-store where the hand port's site has another order */);
package runtime

func runqput(_p_ *p, gp *g, next bool) {
	h := atomic.LoadAcq(&_p_.runqhead)
	t := _p_.runqtail
	if t-h < uint32(len(_p_.runq)) {
		_p_.runq[t%uint32(len(_p_.runq))].set(gp)
		_p_.runqtail = t + 1
		return
	}
}
