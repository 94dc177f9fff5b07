// Refusal: readgstatus of something other than a *g variable (its argument would be a
// second access, unordered against the load).
// refuse: proc.go:7:8: cannot import call of readgstatus in runqgrab
package runtime

func runqgrab(pp *p, batch *[256]guintptr, batchHead uint32, stealRunNextG bool) uint32 {
	st := readgstatus(batch[batchHead%uint32(len(batch))].ptr())
	return st & 7
}

func globrunqget() *g {
	return nil
}
