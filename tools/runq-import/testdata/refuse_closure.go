// Refusal: a function literal that is not `name := func(...) R { return expr }`.
// refuse: proc.go:6:9: cannot import function literal (only one result and one return statement) in runqputbatch
package runtime

func runqputbatch(pp *p, q *gQueue, qsize int) {
	off := func(o uint32) {
		qsize++
	}
	off(1)
}
