// Refusal: a divisor that reads shared memory (checking it would read it twice).
// refuse: proc.go:6:12: cannot import divisor with a shared access in runqempty
package runtime

func runqempty(pp *p) bool {
	x := 10 / atomic.Load(&pp.runqhead)
	return x == 0
}
