// Refusal: a field the 1.19 table does not have (master's p.m).
// refuse: proc.go:6:5: cannot import field m of p in runqempty
package runtime

func runqempty(_p_ *p) bool {
	if _p_.m != 0 {
		return false
	}
	return true
}
