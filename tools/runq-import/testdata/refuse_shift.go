// Refusal: an operator outside the subset (shift).
// refuse: proc.go:6:7: cannot import operator << in runqempty
package runtime

func runqempty(pp *p) bool {
	x := atomic.Load(&pp.runqhead) << 1
	return x == 0
}
