// Refusal: Go's builtin min in a 1.19-family file (Go 1.19 has no min; the 1.19 port has
// no rq_min_int32).
// refuse: proc.go:7:5: cannot import call of min in globrunqget
package runtime

func globrunqget(pp *p, limit int32) *g {
	if min(limit, 3) > 1 {
		return nil
	}
	return nil
}
