// Refusal: more new sites than queue/runq_sites.h has imported slots (16): the first
// two loads of runqtail have the hand port's sites, the next 16 take the 16 slots.
// refuse: proc.go:25:6: cannot import runqempty.runqtail.Load19 (a new site, and the port has room for 16: queue/runq_sites.h RUNQ_SITE_LIST_IMPORTED) in runqempty
package runtime

func runqempty(pp *p) bool {
	t := atomic.Load(&pp.runqtail)
	t = atomic.Load(&pp.runqtail)
	t = atomic.Load(&pp.runqtail)
	t = atomic.Load(&pp.runqtail)
	t = atomic.Load(&pp.runqtail)
	t = atomic.Load(&pp.runqtail)
	t = atomic.Load(&pp.runqtail)
	t = atomic.Load(&pp.runqtail)
	t = atomic.Load(&pp.runqtail)
	t = atomic.Load(&pp.runqtail)
	t = atomic.Load(&pp.runqtail)
	t = atomic.Load(&pp.runqtail)
	t = atomic.Load(&pp.runqtail)
	t = atomic.Load(&pp.runqtail)
	t = atomic.Load(&pp.runqtail)
	t = atomic.Load(&pp.runqtail)
	t = atomic.Load(&pp.runqtail)
	t = atomic.Load(&pp.runqtail)
	t = atomic.Load(&pp.runqtail)
	return t == 0
}
