// Refusal: range.
// refuse: proc.go:6:2: cannot import range loop in runqget
package runtime

func runqget(_p_ *p) (gp *g, inheritTime bool) {
	for range _p_.runq {
	}
	return nil, false
}
