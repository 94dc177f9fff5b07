package main

// rules.go - the one rule table: how each Go construct of the run-queue code maps onto
// the C port's seam (queue/runq_seam.h). queue/README.md ("Importing a proc.go")
// documents the same table for readers; the unit tests (rules_test.go) exercise each row.
// family.go has what only Go master's API family adds.

import (
	"fmt"
	"strconv"
	"strings"
)

// ---- types -----------------------------------------------------------------------------

// cTypes maps a Go type (as written, after resolving the run queue's names) to C.
var cTypes = map[string]string{
	"uint32":   "uint32_t",
	"int32":    "int32_t",
	"int":      "int",
	"bool":     "bool",
	"guintptr": "guintptr",
	"*g":       "g *",
	"*p":       "p *",
	"gQueue":   "gQueue",
	"*gQueue":  "gQueue *",
	"gList":    "gList",
	"*gList":   "gList *",
	"*m":       "m *",
	"muintptr": "muintptr",
	// runqgrab's batch is the thief's own ring: the C ring's element type, capacity RUNQ_CAP.
	"*[256]guintptr": "_Atomic(guintptr) *",
}

// field describes one struct field the ported functions may touch.
type field struct {
	typ string
	// shared: other Ps access it concurrently. A plain Go read or write of it becomes a
	// relaxed seam access (rq_plain_*); atomics on it become their seam operation.
	shared bool
	// gwrite: a write to it is a write to a G's fields: rq_gwrite(gp) announces it first.
	gwrite bool
}

// fields: struct -> field -> description. A field not listed is refused.
var fields = map[string]map[string]field{
	"p": {
		"runqhead": {typ: "uint32", shared: true},
		"runqtail": {typ: "uint32", shared: true},
		"runq":     {typ: "[256]guintptr", shared: true},
		"runnext":  {typ: "guintptr", shared: true},
		"status":   {typ: "uint32", shared: true},
	},
	"g":      {"schedlink": {typ: "guintptr", gwrite: true}},
	"gQueue": {"head": {typ: "guintptr"}, "tail": {typ: "guintptr"}},
	"gList":  {"head": {typ: "guintptr"}},
	"schedt": {
		"runq":     {typ: "gQueue"},
		"runqsize": {typ: "int32"},
		"lock":     {typ: "mutex"},
	},
}

// globals: package-level names the functions may use, with their C spelling and type.
var globals = map[string]struct{ c, typ string }{
	"sched":              {"sched", "schedt"},
	"gomaxprocs":         {"sched.gomaxprocs", "int32"},
	"randomizeScheduler": {"randomizeScheduler", "bool"},
	"_Prunning":          {"_Prunning", "uint32"},
	"_Pidle":             {"_Pidle", "uint32"},
	"nil":                {"NULL", "nil"},
	"true":               {"true", "bool"},
	"false":              {"false", "bool"},
}

// goos is the GOOS an `if GOOS ...` branch is resolved for.
const goos = "linux"

// ---- atomics ---------------------------------------------------------------------------

// atomicRule: a runtime/internal/atomic call on &X.field, X a *p.
type atomicRule struct {
	seam string // seam operation
	kind string // the access kind, as the site table names it
	typ  string // the field's Go type the operation takes
	args int    // arguments after the address
	res  string // Go type of the result ("" for none)
}

var atomicRules = map[string]atomicRule{
	"LoadAcq":     {seam: "rq_LoadAcq", kind: "LoadAcq", typ: "uint32", args: 0, res: "uint32"},
	"StoreRel":    {seam: "rq_StoreRel", kind: "StoreRel", typ: "uint32", args: 1},
	"CasRel":      {seam: "rq_CasRel", kind: "CasRel", typ: "uint32", args: 2, res: "bool"},
	"Load":        {seam: "rq_Load", kind: "Load", typ: "uint32", args: 0, res: "uint32"},
	"Loaduintptr": {seam: "rq_Loadg", kind: "Loaduintptr", typ: "guintptr", args: 0, res: "guintptr"},
}

// guintptr.cas on a shared field (Casuintptr: seq_cst).
const casgSeam = "rq_casg"

// plainSeam: a plain read or write of a shared field, by the field's type (relaxed).
var plainSeam = map[string]map[string]string{
	"load":  {"uint32": "rq_plain_load32", "guintptr": "rq_plain_loadg"},
	"store": {"uint32": "rq_plain_store32", "guintptr": "rq_plain_storeg"},
}

// ---- calls -----------------------------------------------------------------------------

// callRule: a call of a package-level function other than a ported one.
type callRule struct {
	c    string // C function (or macro)
	res  string // Go result type
	site string // access kind if the call is a seam operation with a site ("" if none)
	// How the arguments map: "same" (each translated), "lock" (&sched.lock),
	// "rand" (the function's P first, then the bound), "usleep3" (only usleep(3)),
	// "none" (no arguments), "string" (one string literal).
	args string
}

var callRules = map[string]callRule{
	"throw":          {c: "rq_throw", args: "string"},
	"lock":           {c: "rq_lock", site: "lock", args: "lock"},
	"unlock":         {c: "rq_unlock", site: "unlock", args: "lock"},
	"assertLockHeld": {c: "assertLockHeld", args: "lock"},
	"usleep":         {c: "rq_usleep3", site: "backoff", args: "usleep3"},
	"osyield":        {c: "rq_usleep3", site: "backoff", args: "none"},
	"fastrandn":      {c: "fastrandn", res: "uint32", args: "rand"},
	"cheaprandn":     {c: "fastrandn", res: "uint32", args: "rand"},
	"randn":          {c: "fastrandn", res: "uint32", args: "rand"},
}

// methodRules: methods of gQueue/gList (the ported ones) by receiver type and name.
type methodRule struct {
	c   string
	res string
}

var methodRules = map[string]map[string]methodRule{
	"gQueue": {
		"empty":       {"gQueue_empty", "bool"},
		"push":        {"gQueue_push", ""},
		"pushBack":    {"gQueue_pushBack", ""},
		"pushBackAll": {"gQueue_pushBackAll", ""},
		"pop":         {"gQueue_pop", "*g"},
		"popList":     {"gQueue_popList", "gList"},
	},
	"gList": {
		"empty":   {"gList_empty", "bool"},
		"push":    {"gList_push", ""},
		"pushAll": {"gList_pushAll", ""},
		"pop":     {"gList_pop", "*g"},
	},
}

// ---- the ported functions --------------------------------------------------------------

// funcSpec: a function the port has, with the Go signature it must have and its C form.
type funcSpec struct {
	recv    string   // "gQueue" / "gList" for methods
	name    string   // Go name
	params  []string // Go parameter types, in order
	results []string // Go result types
	cname   string
	cparams []string // C parameter types (Go's parameters, then out-parameters)
	// outs: for each Go result, "ret" (the C return value) or "out" (a pointer
	// parameter after Go's parameters; "out?" if the caller may pass NULL).
	outs []string
	ops  string // the schedule ops whose meaning rests on this signature
}

var funcSpecs = []funcSpec{
	{name: "globrunqput", params: []string{"*g"}, cname: "globrunqput", cparams: []string{"g *"}, ops: "globput"},
	{name: "globrunqputhead", params: []string{"*g"}, cname: "globrunqputhead", cparams: []string{"g *"}, ops: "globputhead"},
	{name: "globrunqputbatch", params: []string{"*gQueue", "int32"}, cname: "globrunqputbatch",
		cparams: []string{"gQueue *", "int32_t"}, ops: "drain, putbatch, put"},
	{name: "globrunqget", params: []string{"*p", "int32"}, results: []string{"*g"}, cname: "globrunqget",
		cparams: []string{"p *", "int32_t"}, outs: []string{"ret"}, ops: "globget"},
	{name: "runqempty", params: []string{"*p"}, results: []string{"bool"}, cname: "runqempty",
		cparams: []string{"p *"}, outs: []string{"ret"}, ops: "empty"},
	{name: "runqput", params: []string{"*p", "*g", "bool"}, cname: "runqput",
		cparams: []string{"p *", "g *", "bool"}, ops: "put, putnext, yield"},
	{name: "runqputslow", params: []string{"*p", "*g", "uint32", "uint32"}, results: []string{"bool"},
		cname: "runqputslow", cparams: []string{"p *", "g *", "uint32_t", "uint32_t"}, outs: []string{"ret"}, ops: "put"},
	{name: "runqputbatch", params: []string{"*p", "*gQueue", "int"}, cname: "runqputbatch",
		cparams: []string{"p *", "gQueue *", "int"}, ops: "putbatch"},
	{name: "runqget", params: []string{"*p"}, results: []string{"*g", "bool"}, cname: "runqget",
		cparams: []string{"p *", "bool *"}, outs: []string{"ret", "out?"}, ops: "get, yield"},
	{name: "runqdrain", params: []string{"*p"}, results: []string{"gQueue", "uint32"}, cname: "runqdrain",
		cparams: []string{"p *", "uint32_t *"}, outs: []string{"ret", "out"}, ops: "drain"},
	{name: "runqgrab", params: []string{"*p", "*[256]guintptr", "uint32", "bool"}, results: []string{"uint32"},
		cname: "runqgrab", cparams: []string{"p *", "_Atomic(guintptr) *", "uint32_t", "bool"}, outs: []string{"ret"},
		ops: "steal, stealnext"},
	{name: "runqsteal", params: []string{"*p", "*p", "bool"}, results: []string{"*g"}, cname: "runqsteal",
		cparams: []string{"p *", "p *", "bool"}, outs: []string{"ret"}, ops: "steal, stealnext"},
	{recv: "gQueue", name: "empty", results: []string{"bool"}, cname: "gQueue_empty",
		cparams: []string{"const gQueue *"}, outs: []string{"ret"}, ops: "putbatch, drain"},
	{recv: "gQueue", name: "push", params: []string{"*g"}, cname: "gQueue_push", cparams: []string{"gQueue *", "g *"}, ops: "globputhead"},
	{recv: "gQueue", name: "pushBack", params: []string{"*g"}, cname: "gQueue_pushBack", cparams: []string{"gQueue *", "g *"}, ops: "globput, drain"},
	{recv: "gQueue", name: "pushBackAll", params: []string{"gQueue"}, cname: "gQueue_pushBackAll", cparams: []string{"gQueue *", "gQueue"}, ops: "drain, putbatch, put"},
	{recv: "gQueue", name: "pop", results: []string{"*g"}, cname: "gQueue_pop", cparams: []string{"gQueue *"}, outs: []string{"ret"}, ops: "globget, putbatch"},
	{recv: "gQueue", name: "popList", results: []string{"gList"}, cname: "gQueue_popList", cparams: []string{"gQueue *"}, outs: []string{"ret"}, ops: "none (unused by the engine)"},
	{recv: "gList", name: "empty", results: []string{"bool"}, cname: "gList_empty", cparams: []string{"const gList *"}, outs: []string{"ret"}, ops: "none (unused by the engine)"},
	{recv: "gList", name: "push", params: []string{"*g"}, cname: "gList_push", cparams: []string{"gList *", "g *"}, ops: "none (unused by the engine)"},
	{recv: "gList", name: "pushAll", params: []string{"gQueue"}, cname: "gList_pushAll", cparams: []string{"gList *", "gQueue"}, ops: "none (unused by the engine)"},
	{recv: "gList", name: "pop", results: []string{"*g"}, cname: "gList_pop", cparams: []string{"gList *"}, outs: []string{"ret"}, ops: "none (unused by the engine)"},
}

// ---- sites -----------------------------------------------------------------------------

// siteRule names the access (function, field, kind, ordinal) with the hand port's site.
// ordinal 0 matches every occurrence; n > 0 matches the n-th access of that function,
// field and kind in source order. Kinds: the atomic's name (LoadAcq, StoreRel, CasRel,
// Load, Loaduintptr), cas (guintptr.cas), plain-load, plain-store, lock, unlock, backoff.
type siteRule struct {
	fn, field, kind string
	ordinal         int
	site            string // runq_sites.h id (RQ_SITE_<site>)
}

var siteRules = []siteRule{
	{"runqempty", "runqhead", "Load", 0, "runqempty_head"},
	{"runqempty", "runqtail", "Load", 1, "runqempty_tail"},
	{"runqempty", "runqtail", "Load", 2, "runqempty_tail2"},
	{"runqempty", "runnext", "Loaduintptr", 0, "runqempty_next"},

	{"runqput", "runnext", "plain-load", 0, "runqput_next"},
	{"runqput", "runnext", "cas", 0, "runqput_nextcas"},
	{"runqput", "runqhead", "LoadAcq", 0, "runqput_head"},
	{"runqput", "runqtail", "plain-load", 0, "runqput_tail"},
	{"runqput", "runq", "plain-store", 0, "runqput_slot"},
	{"runqput", "runqtail", "StoreRel", 0, "runqput_publish"},

	{"runqputslow", "runq", "plain-load", 0, "runqputslow_slot"},
	{"runqputslow", "runqhead", "CasRel", 0, "runqputslow_headcas"},
	{"runqputslow", "sched.lock", "lock", 0, "runqputslow_lock"},
	{"runqputslow", "sched.lock", "unlock", 0, "runqputslow_unlock"},

	{"runqputbatch", "runqhead", "LoadAcq", 0, "runqputbatch_head"},
	{"runqputbatch", "runqtail", "plain-load", 0, "runqputbatch_tail"},
	{"runqputbatch", "runq", "plain-store", 0, "runqputbatch_slot"},
	{"runqputbatch", "runq", "plain-load", 0, "runqputbatch_slot"},
	{"runqputbatch", "runqtail", "StoreRel", 0, "runqputbatch_publish"},
	{"runqputbatch", "sched.lock", "lock", 0, "runqputbatch_lock"},
	{"runqputbatch", "sched.lock", "unlock", 0, "runqputbatch_unlock"},

	{"runqget", "runnext", "plain-load", 0, "runqget_next"},
	{"runqget", "runnext", "cas", 0, "runqget_nextcas"},
	{"runqget", "runqhead", "LoadAcq", 0, "runqget_head"},
	{"runqget", "runqtail", "plain-load", 0, "runqget_tail"},
	{"runqget", "runq", "plain-load", 0, "runqget_slot"},
	{"runqget", "runqhead", "CasRel", 0, "runqget_headcas"},

	{"runqdrain", "runnext", "plain-load", 0, "runqdrain_next"},
	{"runqdrain", "runnext", "cas", 0, "runqdrain_nextcas"},
	{"runqdrain", "runqhead", "LoadAcq", 0, "runqdrain_head"},
	{"runqdrain", "runqtail", "plain-load", 0, "runqdrain_tail"},
	{"runqdrain", "runqhead", "CasRel", 0, "runqdrain_headcas"},
	{"runqdrain", "runq", "plain-load", 0, "runqdrain_slot"},

	{"runqgrab", "runqhead", "LoadAcq", 0, "runqgrab_head"},
	{"runqgrab", "runqtail", "LoadAcq", 0, "runqgrab_tail"},
	{"runqgrab", "runnext", "plain-load", 0, "runqgrab_next"},
	{"runqgrab", "status", "plain-load", 0, "runqgrab_status"},
	{"runqgrab", "", "backoff", 0, "runqgrab_backoff"},
	{"runqgrab", "runnext", "cas", 0, "runqgrab_nextcas"},
	{"runqgrab", "runq", "plain-load", 0, "runqgrab_slot"},
	{"runqgrab", "batch", "plain-store", 0, "runqgrab_batch"},
	{"runqgrab", "runqhead", "CasRel", 0, "runqgrab_headcas"},

	{"runqsteal", "runqtail", "plain-load", 0, "runqsteal_tail"},
	{"runqsteal", "runq", "plain-load", 0, "runqsteal_slot"},
	{"runqsteal", "runqhead", "LoadAcq", 0, "runqsteal_head"},
	{"runqsteal", "runqtail", "StoreRel", 0, "runqsteal_publish"},
}

// siteClass: the direction of an access kind. A site names a place, not a memory order:
// when Go's access differs from the hand port's only in its order (a plain store where
// the hand port has StoreRel, as a weakened variant has), it is the same access and keeps
// the site, matched by function, field, direction and ordinal within that direction.
var siteClass = map[string]string{
	"LoadAcq": "load", "Load": "load", "Loaduintptr": "load", "plain-load": "load",
	"StoreRel": "store", "plain-store": "store",
	"CasRel": "cas", "cas": "cas",
	"lock": "lock", "unlock": "unlock", "backoff": "backoff",
}

// lookupSite returns the site for an access of that function, field and kind: ordKind is
// its ordinal (1-based, source order) among accesses of the same kind, ordClass among
// those of the same direction. An exact kind wins (an exact ordinal over a wildcard);
// else the direction decides, and byOrder says the kind differs from the hand port's.
// "" if no site, or if the direction matches two different sites.
func lookupSite(rules []siteRule, fn, fld, kind string, ordKind, ordClass int) (site string, byOrder bool) {
	for _, ord := range []int{ordKind, 0} {
		for _, r := range rules {
			if r.fn == fn && r.field == fld && r.kind == kind && r.ordinal == ord {
				return r.site, false
			}
		}
	}
	found := ""
	for _, r := range rules {
		if r.fn == fn && r.field == fld && siteClass[r.kind] == siteClass[kind] &&
			(r.ordinal == 0 || r.ordinal == ordClass) {
			if found != "" && found != r.site {
				return "", false
			}
			found = r.site
		}
	}
	return found, found != ""
}

// ---- new sites -------------------------------------------------------------------------

// maxNewSites: the imported slots queue/runq_sites.h reserves (RUNQ_SITE_LIST_IMPORTED).
const maxNewSites = 16

// newSiteName names an access neither hand port has a site for, from what it is:
// <function>.<field>.<kind><n>, n its ordinal (1-based, source order) among the accesses
// of that kind on that field in that function; sched.lock's lock and unlock, and the
// back-off, have no field part ("runqput.lock1", "runqgrab.backoff2"). The same proc.go
// gives the same names in the same slots.
func newSiteName(fn, fld, kind string, ord int) string {
	if fld == "" || fld == "sched.lock" {
		return fmt.Sprintf("%s.%s%d", fn, kind, ord)
	}
	return fmt.Sprintf("%s.%s.%s%d", fn, fld, kind, ord)
}

// newSitesText: the generated file's table of its new sites, and (deterministic engine
// only: the native backend ignores sites) a constructor that gives the engine their names.
func newSitesText(news []string) string {
	var b strings.Builder
	b.WriteString("\n// The new sites, by slot (queue/runq_sites.h RUNQ_SITE_LIST_IMPORTED).\n")
	b.WriteString("#ifdef RUNQ_NS\n#define runq_import_new_sites RQ_NS(runq_import_new_sites)\n")
	b.WriteString("#define runq_import_nnew_sites RQ_NS(runq_import_nnew_sites)\n#endif\n")
	fmt.Fprintf(&b, "const char *const runq_import_new_sites[%d] = {", len(news)+1)
	for _, n := range news {
		fmt.Fprintf(&b, "%s, ", strconv.Quote(n))
	}
	b.WriteString("NULL};\n")
	fmt.Fprintf(&b, "const int runq_import_nnew_sites = %d;\n", len(news))
	if len(news) > 0 {
		b.WriteString("#if defined(RUNQ_SEAM_DSCHED)\n")
		b.WriteString("__attribute__((constructor)) static void imp_name_new_sites(void) {\n")
		b.WriteString("    for (int i = 0; i < runq_import_nnew_sites; i++) {\n")
		b.WriteString("        runq_site_import(i, runq_import_new_sites[i]);\n")
		b.WriteString("    }\n}\n#endif\n")
	}
	return b.String()
}
