// Rule (master family): runqgrab's syscall test. p.m and m.curg are plain reads of
// fields other threads write (relaxed seam loads, runq_master.c's sites runqgrab.m and
// runqgrab.curg); readgstatus is atomic.Load of gp.atomicstatus (seq_cst,
// runqgrab.gstatus); x &^ y is x & ~y; a package-level constant made of GOOS tests
// (osHasLowResTimer) is resolved for linux. globrunqget() (no P) says: master.
// want: // API family: master (the signatures of queue/runq_master.c).
// want: #include "runq_master.h"
// want: m *mp = ((m *)(muintptr)rq_plain_loadg(&pp->m, RQ_AT(28, RQ_SITE_runqgrab_m)));
// want: g *gp = guintptr_ptr(rq_plain_loadg(&mp->curg, RQ_AT(29, RQ_SITE_runqgrab_curg)));
// want: if (gp == NULL || (rq_Load(&gp->atomicstatus, RQ_AT(29, RQ_SITE_runqgrab_gstatus)) & ~(uint32_t)_Gscan) != _Gsyscall) {
// want: { // GOOS resolved for linux (proc.go:30)
// want: rq_usleep3(RQ_AT(31, RQ_SITE_runqgrab_backoff));
// want: g *globrunqget(void) {
// want: if (sched.runq.size == 0) {
// nowant: osyield
package runtime

const osHasLowResTimer = GOOS == "windows" || GOOS == "openbsd" || GOOS == "netbsd"

func runqgrab(pp *p, batch *[256]guintptr, batchHead uint32, stealRunNextG bool) uint32 {
	for {
		h := atomic.LoadAcq(&pp.runqhead)
		t := atomic.LoadAcq(&pp.runqtail)
		n := t - h
		if n == 0 {
			if next := pp.runnext; next != 0 {
				if pp.status == _Prunning {
					if mp := pp.m.ptr(); mp != nil {
						if gp := mp.curg; gp == nil || readgstatus(gp)&^_Gscan != _Gsyscall {
							if !osHasLowResTimer {
								usleep(3)
							} else {
								osyield()
							}
						}
					}
				}
				if !pp.runnext.cas(next, 0) {
					continue
				}
				batch[batchHead%uint32(len(batch))] = next
				return 1
			}
			return 0
		}
		return 0
	}
}

func globrunqget() *g {
	assertLockHeld(&sched.lock)

	if sched.runq.size == 0 {
		return nil
	}

	return sched.runq.pop()
}
