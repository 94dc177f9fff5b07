// Refusal: a condition that mixes GOOS with anything else.
// refuse: proc.go:6:5: cannot import GOOS condition stealRunNextG in runqgrab
package runtime

func runqgrab(pp *p, batch *[256]guintptr, batchHead uint32, stealRunNextG bool) uint32 {
	if stealRunNextG || GOOS == "linux" {
		return 1
	}
	return 0
}
