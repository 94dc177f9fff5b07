// Refusal: a field the 1.19 table does not have (master's p.m).
// refuse: proc.go:6:5: cannot import field m of p in runqempty
package runtime

func runqempty(pp *p) bool {
	if pp.m != 0 {
		return false
	}
	return true
}
