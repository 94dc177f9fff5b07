// Refusal: switch.
// refuse: proc.go:6:2: cannot import switch statement in globrunqput
package runtime

func globrunqput(gp *g) {
	switch {
	}
}
