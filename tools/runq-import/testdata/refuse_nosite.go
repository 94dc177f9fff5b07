// Refusal: an access the hand port has no site for (a third load of runqtail).
// refuse: proc.go:9:7: cannot import Load of runqtail (access #3 of its kind: no site in queue/runq_sites.h) in runqempty
package runtime

func runqempty(_p_ *p) bool {
	for {
		tail := atomic.Load(&_p_.runqtail)
		if tail == atomic.Load(&_p_.runqtail) {
			if atomic.Load(&_p_.runqtail) == 0 {
				return true
			}
		}
	}
}
