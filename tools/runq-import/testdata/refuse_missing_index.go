// Refusal: indexing a value that is not a ring or a local array.
// refuse: proc.go:6:7: cannot import index of uint32 in runqempty
package runtime

func runqempty(pp *p) bool {
	x := atomic.Load(&pp.runqhead)[0]
	return x == 0
}
