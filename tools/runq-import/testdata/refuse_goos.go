// Refusal: a condition that mixes GOOS with anything else.
// refuse: proc.go:6:26: cannot import GOOS condition stealRunNextG in runqgrab
package runtime

func runqgrab(_p_ *p, batch *[256]guintptr, batchHead uint32, stealRunNextG bool) uint32 {
	if GOOS != "windows" && stealRunNextG {
		usleep(3)
	}
	return 0
}
