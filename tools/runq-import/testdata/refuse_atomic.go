// Refusal: an atomic the table does not map.
// refuse: proc.go:6:2: cannot import atomic.Xadd in runqempty
package runtime

func runqempty(pp *p) bool {
	atomic.Xadd(&pp.runqhead, 1)
	return true
}
