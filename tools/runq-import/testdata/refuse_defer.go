// Refusal: defer.
// refuse: proc.go:6:2: cannot import defer statement in globrunqput
package runtime

func globrunqput(gp *g) {
	defer unlock(&sched.lock)
}
