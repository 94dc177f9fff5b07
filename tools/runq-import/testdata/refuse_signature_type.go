// Refusal: a parameter of a type the port does not know.
// refuse: proc.go:5:17: cannot import changed signature (a parameter or result of a type the port does not know) (the port has (*g) (); it would change what op globput means) in globrunqput
package runtime

func globrunqput(gp *sudog) {
}
