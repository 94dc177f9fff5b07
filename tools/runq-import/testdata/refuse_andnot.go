// Refusal: &^ on a type other than uint32 (the port's ~ is on uint32 only).
// refuse: proc.go:6:10: cannot import operator &^ on int32 in globrunqget
package runtime

func globrunqget() *g {
	even := sched.runq.size &^ 1
	if even > 0 {
		return sched.runq.pop()
	}
	return nil
}
