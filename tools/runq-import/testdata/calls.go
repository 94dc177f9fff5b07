// Rule: throw, usleep(3)/osyield, lock/unlock of sched.lock, fastrandn/cheaprandn (the
// function's P first), gp.schedlink.set (rq_gwrite first), GOOS resolved for linux.
// want: rq_throw("runqputslow: queue is not full");
// want: rq_lock(&sched.lock, RQ_AT(36, RQ_SITE_runqputslow_lock));
// want: rq_unlock(&sched.lock, RQ_AT(38, RQ_SITE_runqputslow_unlock));
// want: uint32_t j = fastrandn(_p_, i + 1);
// want: rq_gwrite(batch[rq_ix((uint64_t)(i), sizeof batch / sizeof batch[0])]);
// want: g *batch[RUNQ_CAP / 2 + 1] = {0};
// want: rq_usleep3(RQ_AT(45, RQ_SITE_runqgrab_backoff));
// nowant: RQ_AT(47,
// want: rq_usleep3(RQ_AT(52, RQ_SITE_runqgrab_backoff));
// want: uint32_t j = fastrandn(pp, i + 1);
// want: assertLockHeld(&sched.lock);
package runtime

func runqputslow(_p_ *p, gp *g, h, t uint32) bool {
	var batch [len(_p_.runq)/2 + 1]*g
	n := t - h
	n = n / 2
	if n != uint32(len(_p_.runq)/2) {
		throw("runqputslow: queue is not full")
	}
	batch[n] = gp
	if randomizeScheduler {
		for i := uint32(1); i <= n; i++ {
			j := fastrandn(i + 1)
			batch[i], batch[j] = batch[j], batch[i]
		}
	}
	for i := uint32(0); i < n; i++ {
		batch[i].schedlink.set(batch[i+1])
	}
	var q gQueue
	q.head.set(batch[0])
	q.tail.set(batch[n])
	lock(&sched.lock)
	globrunqputbatch(&q, int32(n+1))
	unlock(&sched.lock)
	return true
}

func runqgrab(_p_ *p, batch *[256]guintptr, batchHead uint32, stealRunNextG bool) uint32 {
	for {
		if GOOS != "windows" && GOOS != "openbsd" && GOOS != "netbsd" {
			usleep(3)
		} else {
			osyield()
		}
		if GOOS == "windows" {
			usleep(3)
		} else {
			osyield()
		}
		return 0
	}
}

func runqputbatch(pp *p, q *gQueue, qsize int) {
	n := uint32(0)
	for i := uint32(1); i < n; i++ {
		j := cheaprandn(i + 1)
		qsize -= int(j)
	}
}

func globrunqput(gp *g) {
	assertLockHeld(&sched.lock)
	sched.runq.pushBack(gp)
	sched.runqsize++
}
