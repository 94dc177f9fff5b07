// Refusal: &^ on a type other than uint32 (the port's ~ is on uint32 only).
// refuse: proc.go:7:5: cannot import operator &^ on int32 in globrunqget
package runtime

func globrunqget() *g {
	assertLockHeld(&sched.lock)
	if sched.runq.size&^1 == 0 {
		return nil
	}
	return nil
}
