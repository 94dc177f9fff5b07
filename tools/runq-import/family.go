package main

// family.go - the API families the importer knows. A Go version's run-queue code is
// ported against one family: its signatures (what the engine's ops call), the fields the
// functions may touch, the hand port's sites, and the C prologue (queue/runq.c's or
// queue/runq_master.c's). The importer picks the family whose signatures the proc.go
// has (detectFamily) and says which.

import (
	"go/ast"
	"sort"
	"strings"
)

type family struct {
	name    string // "1.19" / "master"
	handC   string // the hand port the import replaces
	specs   []funcSpec
	fields  map[string]map[string]field
	globals map[string]struct{ c, typ string }
	sites   []siteRule
	randC   string // C name of the port's per-P random number generator
	prelude string // prologue text (format: source name, SHA-256)
}

// masterFuncSpecs: Go master's signatures (queue/runq_master.h). What changed from 1.19:
// runqputbatch has no qsize, runqdrain returns only the gQueue (it counts itself),
// globrunqputbatch has no n, globrunqget takes one G with no P, and globrunqgetbatch is
// new (its gQueue result comes back through a pointer). The rest are 1.19's.
var masterFuncSpecs = func() []funcSpec {
	changed := map[string][]funcSpec{
		"globrunqputbatch": {{name: "globrunqputbatch", params: []string{"*gQueue"}, cname: "globrunqputbatch",
			cparams: []string{"gQueue *"}, ops: "drain, putbatch, put"}},
		"globrunqget": {
			{name: "globrunqget", results: []string{"*g"}, cname: "globrunqget", outs: []string{"ret"}, ops: "globget"},
			{name: "globrunqgetbatch", params: []string{"int32"}, results: []string{"*g", "gQueue"},
				cname: "globrunqgetbatch", cparams: []string{"int32_t", "gQueue *"}, outs: []string{"ret", "out"},
				ops: "globget"},
		},
		"runqputbatch": {{name: "runqputbatch", params: []string{"*p", "*gQueue"}, cname: "runqputbatch",
			cparams: []string{"p *", "gQueue *"}, ops: "putbatch, globget"}},
		"runqdrain": {{name: "runqdrain", params: []string{"*p"}, results: []string{"gQueue"}, cname: "runqdrain",
			cparams: []string{"p *"}, outs: []string{"ret"}, ops: "drain"}},
	}
	var out []funcSpec
	for i := range funcSpecs {
		if c, ok := changed[specKey(&funcSpecs[i])]; ok {
			out = append(out, c...)
			continue
		}
		out = append(out, funcSpecs[i])
	}
	return out
}()

// masterFields: 1.19's, plus what master's code touches: the queues' size, the victim's
// M and that M's current G (runqgrab's syscall test: plain reads of fields other threads
// write, so relaxed seam loads), and the G's atomicstatus (readgstatus: atomic.Load).
var masterFields = map[string]map[string]field{
	"p": {
		"runqhead": {typ: "uint32", shared: true},
		"runqtail": {typ: "uint32", shared: true},
		"runq":     {typ: "[256]guintptr", shared: true},
		"runnext":  {typ: "guintptr", shared: true},
		"status":   {typ: "uint32", shared: true},
		"m":        {typ: "muintptr", shared: true},
	},
	"m":      {"curg": {typ: "*g", shared: true}},
	"g":      {"schedlink": {typ: "guintptr", gwrite: true}, "atomicstatus": {typ: "uint32", shared: true}},
	"gQueue": {"head": {typ: "guintptr"}, "tail": {typ: "guintptr"}, "size": {typ: "int32"}},
	"gList":  {"head": {typ: "guintptr"}, "size": {typ: "int32"}},
	"schedt": {
		"runq": {typ: "gQueue"},
		"lock": {typ: "mutex"},
	},
}

var masterGlobals = map[string]struct{ c, typ string }{
	"sched":              {"sched", "schedt"},
	"gomaxprocs":         {"sched.gomaxprocs", "int32"},
	"randomizeScheduler": {"randomizeScheduler", "bool"},
	"haveSysmon":         {"haveSysmon", "bool"},
	"_Prunning":          {"_Prunning", "uint32"},
	"_Pidle":             {"_Pidle", "uint32"},
	"_Gsyscall":          {"_Gsyscall", "uint32"},
	"_Gscan":             {"_Gscan", "uint32"},
	"nil":                {"NULL", "nil"},
	"true":               {"true", "bool"},
	"false":              {"false", "bool"},
}

// masterSiteRules: 1.19's sites (master's functions touch the same places) plus the three
// only runq_master.c has (runqgrab's syscall test, runq_sites.h RUNQ_SITE_LIST_MASTER).
var masterSiteRules = append(append([]siteRule(nil), siteRules...),
	siteRule{"runqgrab", "m", "plain-load", 0, "runqgrab_m"},
	siteRule{"runqgrab", "curg", "plain-load", 0, "runqgrab_curg"},
	siteRule{"runqgrab", "atomicstatus", "Load", 0, "runqgrab_gstatus"},
)

var families = []*family{
	{name: "1.19", handC: "queue/runq.c", specs: funcSpecs, fields: fields, globals: globals,
		sites: siteRules, randC: "fastrandn", prelude: prologueText},
	{name: "master", handC: "queue/runq_master.c", specs: masterFuncSpecs, fields: masterFields,
		globals: masterGlobals, sites: masterSiteRules, randC: "cheaprandn", prelude: masterPrologueText},
}

func specKey(s *funcSpec) string {
	if s.recv != "" {
		return s.recv + "." + s.name
	}
	return s.name
}

// signature returns a function's Go parameter and result types as the rule table spells
// them; ok is false if one is of a type the port does not know.
func signature(fd *ast.FuncDecl, t *translator) (ps, rs []string, ok bool) {
	defer func() {
		if r := recover(); r != nil {
			if _, isRefusal := r.(*refusal); !isRefusal {
				panic(r)
			}
			ps, rs, ok = nil, nil, false
		}
	}()
	return typeList(t, fd.Type.Params), typeList(t, fd.Type.Results), true
}

// detectFamily picks the family whose signatures the file's functions have: the most
// exact signature matches, then the most functions present; a tie goes to the first
// (1.19). It also returns the functions whose signature decided.
func detectFamily(decls map[string]*ast.FuncDecl, t *translator) (*family, []string) {
	best, bestMatch, bestPresent := families[0], -1, -1
	var bestWhy []string
	for _, fam := range families {
		match, present := 0, 0
		var why []string
		for i := range fam.specs {
			s := &fam.specs[i]
			fd, ok := decls[specKey(s)]
			if !ok {
				continue
			}
			present++
			ps, rs, ok := signature(fd, t)
			if ok && sameList(ps, s.params) && sameList(rs, s.results) {
				match++
				why = append(why, specKey(s)+"("+strings.Join(ps, ", ")+")"+resultText(rs))
			}
		}
		if match > bestMatch || (match == bestMatch && present > bestPresent) {
			best, bestMatch, bestPresent, bestWhy = fam, match, present, why
		}
	}
	return best, bestWhy
}

func resultText(rs []string) string {
	switch len(rs) {
	case 0:
		return ""
	case 1:
		return " " + rs[0]
	}
	return " (" + strings.Join(rs, ", ") + ")"
}

// familyMarks: the signatures that tell the families apart, for the message that names
// the family found (the ones both families share say nothing).
func familyMarks(fam *family, why []string) []string {
	other := map[string]bool{}
	for _, f := range families {
		if f == fam {
			continue
		}
		for i := range f.specs {
			s := &f.specs[i]
			other[specKey(s)+"("+strings.Join(s.params, ", ")+")"+resultText(s.results)] = true
		}
	}
	var out []string
	for _, w := range why {
		if !other[w] {
			out = append(out, w)
		}
	}
	sort.Strings(out)
	return out
}
