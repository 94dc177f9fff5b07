// Refusal: an operator outside the subset (shift).
// refuse: proc.go:6:7: cannot import operator << in runqempty
package runtime

func runqempty(_p_ *p) bool {
	x := atomic.Load(&_p_.runqhead) << 1
	return x == 0
}
