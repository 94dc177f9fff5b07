// Refusal: go statement.
// refuse: proc.go:6:2: cannot import go statement in globrunqput
package runtime

func globrunqput(gp *g) {
	go globrunqputhead(gp)
}
