// Refusal: two shared accesses whose order C would leave unspecified.
// refuse: proc.go:6:14: cannot import two shared accesses in one expression (C leaves their order unspecified) in runqget
package runtime

func runqget(pp *p) (gp *g, inheritTime bool) {
	return nil, atomic.LoadAcq(&pp.runqhead) == pp.runqtail
}
