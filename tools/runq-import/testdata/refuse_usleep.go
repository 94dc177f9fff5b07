// Refusal: usleep other than the 3 us back-off.
// refuse: proc.go:6:2: cannot import usleep(5) (only usleep(3), the runnext back-off) in runqgrab
package runtime

func runqgrab(pp *p, batch *[256]guintptr, batchHead uint32, stealRunNextG bool) uint32 {
	usleep(5)
	return 0
}
