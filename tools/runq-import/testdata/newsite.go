// Rule: an access neither hand port has a site for (a third load of runqtail in
// runqempty) gets a new site, named <function>.<field>.<kind><n>, in the first imported
// slot; the file lists it, and registers its name with the engine.
// want: uint32_t c = rq_Load(&pp->runqtail, RQ_AT(15, RQ_SITE_imported_0) /* new site runqempty.runqtail.Load3 */);
// want: //   RQ_SITE_imported_0 = runqempty.runqtail.Load3
// want: const char *const runq_import_new_sites[2] = {"runqempty.runqtail.Load3", NULL};
// want: runq_site_import(i, runq_import_new_sites[i]);
// want: {RQ_SITE_imported_0, 15},
// want: {RQ_SITE_runqempty_tail2, 14},
package runtime

func runqempty(pp *p) bool {
	a := atomic.Load(&pp.runqtail)
	b := atomic.Load(&pp.runqtail)
	c := atomic.Load(&pp.runqtail)
	return a+c == b+b
}
