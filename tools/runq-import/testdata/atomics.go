// Rule: each runtime/internal/atomic call maps to its seam operation, with its site.
// want: uint32_t seen = rq_LoadAcq(&pp->runqhead, RQ_AT(10, RQ_SITE_runqget_head));
// want: *inheritTime = rq_CasRel(&pp->runqhead, seen, seen + 2, RQ_AT(11, RQ_SITE_runqget_headcas));
// want: if (rq_Load(&pp->runqhead, RQ_AT(15, RQ_SITE_runqempty_head)) > 9) {
// want: return rq_Loadg(&pp->runnext, RQ_AT(18, RQ_SITE_runqempty_next)) != 0;
// want: rq_StoreRel(&pp->runqtail, 5, RQ_AT(22, RQ_SITE_runqsteal_publish));
package runtime

func runqget(pp *p) (gp *g, inheritTime bool) {
	seen := atomic.LoadAcq(&pp.runqhead)
	return nil, atomic.CasRel(&pp.runqhead, seen, seen+2)
}

func runqempty(pp *p) bool {
	if atomic.Load(&pp.runqhead) > 9 {
		return false
	}
	return atomic.Loaduintptr((*uintptr)(unsafe.Pointer(&pp.runnext))) != 0
}

func runqsteal(pp, p2 *p, stealRunNextG bool) *g {
	atomic.StoreRel(&pp.runqtail, 5)
	return nil
}
