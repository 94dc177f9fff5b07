// Refusal: a := of two variables.
// refuse: proc.go:6:2: cannot import multi-variable := in runqempty
package runtime

func runqempty(pp *p) bool {
	a, b := 1, 2
	return a == b
}
