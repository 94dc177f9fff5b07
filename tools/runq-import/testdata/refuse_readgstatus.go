// Refusal: readgstatus of something other than a *g variable (its argument would be a
// second access, unordered against the load).
// refuse: proc.go:8:6: cannot import call of readgstatus in runqgrab
package runtime

func runqgrab(pp *p, batch *[256]guintptr, batchHead uint32, stealRunNextG bool) uint32 {
	if pp.status == _Prunning {
		if readgstatus(pp.runnext.ptr()) == _Gsyscall {
			return 0
		}
	}
	return 0
}

func globrunqget() *g {
	return nil
}
