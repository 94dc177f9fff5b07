// Refusal: a labelled continue.
// refuse: proc.go:8:3: cannot import labelled continue in runqgrab
package runtime

func runqgrab(pp *p, batch *[256]guintptr, batchHead uint32, stealRunNextG bool) uint32 {
outer:
	for {
		continue outer
	}
}
