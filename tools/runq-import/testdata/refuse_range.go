// Refusal: range.
// refuse: proc.go:6:2: cannot import range loop in runqget
package runtime

func runqget(pp *p) (gp *g, inheritTime bool) {
	for range pp.runq {
	}
	return nil, false
}
