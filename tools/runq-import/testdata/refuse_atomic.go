// Refusal: an atomic the table does not map.
// refuse: proc.go:6:2: cannot import atomic.Xadd in runqempty
package runtime

func runqempty(_p_ *p) bool {
	atomic.Xadd(&_p_.runqhead, 1)
	return true
}
