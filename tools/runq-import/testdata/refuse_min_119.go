// Refusal: Go's builtin min in a 1.19-family file (Go 1.19 has no min; the 1.19 port has
// no rq_min_int32).
// refuse: proc.go:7:7: cannot import call of min in globrunqget
package runtime

func globrunqget(_p_ *p, max int32) *g {
	n := min(max, 2)
	if n == 0 {
		return nil
	}
	return nil
}
