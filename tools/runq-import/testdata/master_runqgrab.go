// Rule (master family): runqgrab's syscall test. p.m and m.curg are plain reads of
// fields other threads write (relaxed seam loads, runq_master.c's sites runqgrab.m and
// runqgrab.curg); readgstatus is atomic.Load of gp.atomicstatus (seq_cst,
// runqgrab.gstatus); x &^ y is x & ~y; a package-level constant made of GOOS tests
// (as Go's osHasLowResTimer is) is resolved for linux. globrunqget() (no P) says: master.
// want: // API family: master (the signatures of queue/runq_master.c).
// want: #include "runq_master.h"
// want: m *mp = ((m *)(muintptr)rq_plain_loadg(&pp->m, RQ_AT(21, RQ_SITE_runqgrab_m)));
// want: g *gp = guintptr_ptr(rq_plain_loadg(&mp->curg, RQ_AT(25, RQ_SITE_runqgrab_curg)));
// want: if (gp != NULL && (rq_Load(&gp->atomicstatus, RQ_AT(26, RQ_SITE_runqgrab_gstatus)) & ~(uint32_t)_Gscan) == _Gsyscall) {
// want: { // GOOS resolved for linux (proc.go:29)
// want: rq_usleep3(RQ_AT(32, RQ_SITE_runqgrab_backoff));
// want: g *globrunqget(void) {
// want: if (sched.runq.size != 0) {
// nowant: RQ_AT(30,
package runtime

const coarseSleep = GOOS == "plan9" || GOOS == "windows"

func runqgrab(pp *p, batch *[256]guintptr, batchHead uint32, stealRunNextG bool) uint32 {
	mp := pp.m.ptr()
	if mp == nil {
		return 0
	}
	gp := mp.curg
	if gp != nil && readgstatus(gp)&^_Gscan == _Gsyscall {
		return 0
	}
	if coarseSleep {
		osyield()
	} else {
		usleep(3)
	}
	return 1
}

func globrunqget() *g {
	var gp *g
	if sched.runq.size != 0 {
		gp = sched.runq.pop()
	}
	return gp
}
