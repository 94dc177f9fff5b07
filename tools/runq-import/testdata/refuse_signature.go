// Refusal: master's runqputbatch (no qsize) changes the putbatch op.
// refuse: proc.go:5:18: cannot import changed signature (*p, *gQueue) () (the port has (*p, *gQueue, int) (); it would change what op putbatch means) in runqputbatch
package runtime

func runqputbatch(pp *p, q *gQueue) {
}
