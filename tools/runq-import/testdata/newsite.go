// Rule: an access neither hand port has a site for (a third load of runqtail in
// runqempty) gets a new site, named <function>.<field>.<kind><n>, in the first imported
// slot; the file lists it, and registers its name with the engine.
// want: rq_Load(&_p_->runqtail, RQ_AT(16, RQ_SITE_imported_0) /* new site runqempty.runqtail.Load3 */)
// want: //   RQ_SITE_imported_0 = runqempty.runqtail.Load3
// want: const char *const runq_import_new_sites[2] = {"runqempty.runqtail.Load3", NULL};
// want: runq_site_import(i, runq_import_new_sites[i]);
// want: {RQ_SITE_imported_0, 16},
// want: {RQ_SITE_runqempty_tail2, 15},
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
