// Refusal: two shared accesses whose order C would leave unspecified.
// refuse: proc.go:6:7: cannot import two shared accesses in one expression (C leaves their order unspecified) in runqget
package runtime

func runqget(_p_ *p) (gp *g, inheritTime bool) {
	n := _p_.runqtail - atomic.LoadAcq(&_p_.runqhead)
	if n == 0 {
		return nil, false
	}
	return nil, false
}
