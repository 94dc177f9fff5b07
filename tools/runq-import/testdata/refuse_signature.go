// Refusal: a file of the 1.19 family (globrunqget, globrunqputbatch as 1.19 has them)
// with master's runqputbatch (no qsize): that changes what the putbatch op means.
// refuse: proc.go:13:18: cannot import changed signature (*p, *gQueue) () (the port has (*p, *gQueue, int) (); it would change what op putbatch means) in runqputbatch
package runtime

func globrunqputbatch(batch *gQueue, n int32) {
}

func globrunqget(pp *p, max int32) *g {
	return nil
}

func runqputbatch(pp *p, q *gQueue) {
}
