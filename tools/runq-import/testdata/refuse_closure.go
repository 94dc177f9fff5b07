// Refusal: a function literal that is not `name := func(...) R { return expr }`.
// refuse: proc.go:6:10: cannot import function literal (only one result and one return statement) in runqputbatch
package runtime

func runqputbatch(pp *p, q *gQueue, qsize int) {
	bump := func() {
		qsize += 2
	}
	bump()
}
