// Refusal: a call the table does not know.
// refuse: proc.go:6:2: cannot import call of ready in globrunqput
package runtime

func globrunqput(gp *g) {
	ready(gp)
}
