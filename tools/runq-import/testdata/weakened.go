// Rule: an access that differs from the hand port's only in its order keeps the site
// (a plain store where Go has StoreRel is runqput.publish, as ci/mutants' weakened
// variants name it).
// want: rq_plain_store32(&pp->runqtail, n + 2, RQ_AT(11, RQ_SITE_runqput_publish) /* plain-store where the hand port's site has another order */);
// nowant: RQ_SITE_imported_
package runtime

func runqput(pp *p, gp *g, next bool) {
	n := pp.runqtail
	if next {
		pp.runqtail = n + 2
	}
}
