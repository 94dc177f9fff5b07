// Rule: throw, usleep(3)/osyield, lock/unlock of sched.lock, fastrandn/cheaprandn (the
// function's P first), gp.schedlink.set (rq_gwrite first), GOOS resolved for linux.
// want: rq_throw("fixture: nothing to move");
// want: g *spare[RUNQ_CAP / 4] = {0};
// want: uint32_t k = fastrandn(owner, t - h);
// want: rq_gwrite(spare[rq_ix((uint64_t)(k), sizeof spare / sizeof spare[0])]);
// want: spare[rq_ix((uint64_t)(k), sizeof spare / sizeof spare[0])]->schedlink = guintptr_of(gp);
// want: rq_lock(&sched.lock, RQ_AT(26, RQ_SITE_runqputslow_lock));
// want: assertLockHeld(&sched.lock);
// want: rq_unlock(&sched.lock, RQ_AT(28, RQ_SITE_runqputslow_unlock));
// want: { // GOOS resolved for linux (proc.go:33)
// want: rq_usleep3(RQ_AT(34, RQ_SITE_runqgrab_backoff));
// nowant: RQ_AT(36,
// nowant: RQ_AT(39,
// want: rq_usleep3(RQ_AT(41, RQ_SITE_runqgrab_backoff));
// want: if (fastrandn(pp, (uint32_t)(qsize)) == 0) {
package runtime

func runqputslow(owner *p, gp *g, h, t uint32) bool {
	var spare [len(owner.runq) / 4]*g
	if h == t {
		throw("fixture: nothing to move")
	}
	k := fastrandn(t - h)
	spare[k].schedlink.set(gp)
	lock(&sched.lock)
	assertLockHeld(&sched.lock)
	unlock(&sched.lock)
	return false
}

func runqgrab(pp *p, batch *[256]guintptr, batchHead uint32, stealRunNextG bool) uint32 {
	if GOOS == "linux" || GOOS == "android" {
		usleep(3)
	} else {
		osyield()
	}
	if !(GOOS != "plan9") {
		usleep(3)
	} else {
		osyield()
	}
	return 0
}

func runqputbatch(pp *p, q *gQueue, qsize int) {
	if cheaprandn(uint32(qsize)) == 0 {
		qsize--
	}
}
