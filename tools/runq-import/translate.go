package main

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"sort"
	"strconv"
	"strings"
)

// refusal is the one error the importer reports about its input.
type refusal struct {
	pos       token.Position
	construct string
	fn        string
}

func (r *refusal) Error() string {
	return fmt.Sprintf("%s:%d:%d: cannot import %s in %s", r.pos.Filename, r.pos.Line, r.pos.Column,
		r.construct, r.fn)
}

// siteUse is one seam access of the generated port, for the site/line table.
type siteUse struct {
	site string
	line int
	fn   string
	kind string
	fld  string
}

type varInfo struct {
	c      string // C spelling
	typ    string // Go type ("[]*g" for a local array)
	arrLen string // C length of a local array
	out    bool   // an out-parameter: the C spelling is a pointer, reads are (*c)
	subst  string // closure parameter: the C text of the argument
}

// val is a translated expression.
type val struct {
	c   string
	typ string
	op  bool // contains an ordered operation (a seam access, a call that makes some)
	// konst: a constant expression (literals, len of a ring, conversions and arithmetic
	// of constants)
	konst bool
}

type translator struct {
	fam     *family
	news    *[]string // new sites of the file, in order of first use (their slot)
	fset    *token.FileSet
	fn      string // Go function name ("runqput", "gQueue.pop") for messages
	siteFn  string // name the site table uses
	spec    *funcSpec
	vars    map[*ast.Object]*varInfo
	clos    map[*ast.Object]*ast.FuncLit
	firstP  string
	counts  map[string]int
	sites   *[]siteUse
	buf     *bytes.Buffer
	depth   int
	tmp     int
	results []*varInfo // named results (nil entries for unnamed)
	used    map[*ast.Object]bool
}

// cReserved: C keywords and the port's type names a Go local may not keep as its name.
var cReserved = map[string]bool{
	"g": true, "p": true, "gQueue": true, "gList": true, "schedt": true, "guintptr": true,
	"auto": true, "char": true, "const": true, "double": true, "enum": true, "extern": true,
	"float": true, "int": true, "long": true, "register": true, "short": true, "signed": true,
	"sizeof": true, "static": true, "struct": true, "typedef": true, "union": true,
	"unsigned": true, "void": true, "volatile": true, "while": true, "do": true, "inline": true,
	"restrict": true, "bool": true, "NULL": true, "dummy": true, "true": true, "false": true,
	"errno": true, "assert": true, "assertLockHeld": true, "runq_import_sites": true,
}

func cIdent(name string) string {
	if cReserved[name] || strings.HasPrefix(name, "rq_") || strings.HasPrefix(name, "RQ_") ||
		strings.HasPrefix(name, "RUNQ_") {
		return name + "_"
	}
	return name
}

func (t *translator) refuse(n ast.Node, format string, a ...interface{}) {
	panic(&refusal{pos: t.fset.Position(n.Pos()), construct: fmt.Sprintf(format, a...), fn: t.fn})
}

func (t *translator) line(n ast.Node) int { return t.fset.Position(n.Pos()).Line }

// file is the Go source's name, as the generated comments and messages give it.
func (t *translator) file() string { return t.fset.File(token.Pos(1)).Name() }

func (t *translator) emit(format string, a ...interface{}) {
	t.buf.WriteString(strings.Repeat("    ", t.depth))
	fmt.Fprintf(t.buf, format, a...)
	t.buf.WriteByte('\n')
}

func (t *translator) newTmp() string {
	t.tmp++
	return fmt.Sprintf("imp_t%d", t.tmp)
}

// site names the access and records it; refuses an access the hand port has no site for.
func (t *translator) site(n ast.Node, fld, kind string) string {
	key := fld + "|" + kind
	t.counts[key]++
	ckey := fld + "|class:" + siteClass[kind]
	t.counts[ckey]++
	s, byOrder := lookupSite(t.fam.sites, t.siteFn, fld, kind, t.counts[key], t.counts[ckey])
	l := t.line(n)
	if s == "" {
		// An access neither hand port has: a new site, named after what it is.
		name := newSiteName(t.siteFn, fld, kind, t.counts[key])
		slot := -1
		for i, have := range *t.news {
			if have == name {
				slot = i
			}
		}
		if slot < 0 {
			if len(*t.news) == maxNewSites {
				t.refuse(n, "%s (a new site, and the port has room for %d: queue/runq_sites.h RUNQ_SITE_LIST_IMPORTED)", name, maxNewSites)
			}
			*t.news = append(*t.news, name)
			slot = len(*t.news) - 1
		}
		s = fmt.Sprintf("imported_%d", slot)
		*t.sites = append(*t.sites, siteUse{site: s, line: l, fn: t.siteFn, kind: kind, fld: fld})
		return fmt.Sprintf("RQ_AT(%d, RQ_SITE_%s) /* new site %s */", l, s, name)
	}
	*t.sites = append(*t.sites, siteUse{site: s, line: l, fn: t.siteFn, kind: kind, fld: fld})
	if byOrder {
		return fmt.Sprintf("RQ_AT(%d, RQ_SITE_%s) /* %s where the hand port's site has another order */", l, s, kind)
	}
	return fmt.Sprintf("RQ_AT(%d, RQ_SITE_%s)", l, s)
}

// ---- types -----------------------------------------------------------------------------

func (t *translator) goType(e ast.Expr) string {
	switch x := e.(type) {
	case *ast.Ident:
		switch x.Name {
		case "uint32", "int32", "int", "bool", "guintptr", "gQueue", "gList", "muintptr":
			return x.Name
		}
	case *ast.StarExpr:
		if id, ok := x.X.(*ast.Ident); ok && (id.Name == "g" || id.Name == "p" || id.Name == "m" || id.Name == "gQueue" || id.Name == "gList") {
			return "*" + id.Name
		}
		if at, ok := x.X.(*ast.ArrayType); ok {
			if l, ok := at.Len.(*ast.BasicLit); ok && l.Value == "256" {
				if id, ok := at.Elt.(*ast.Ident); ok && id.Name == "guintptr" {
					return "*[256]guintptr"
				}
			}
		}
	}
	t.refuse(e, "type %s", exprText(t.fset, e))
	return ""
}

func cType(typ string) string {
	if c, ok := cTypes[typ]; ok {
		return c
	}
	return ""
}

func structOf(typ string) string { return strings.TrimPrefix(typ, "*") }

// ---- expressions -----------------------------------------------------------------------

func isUntyped(typ string) bool { return typ == "untyped int" }

// expr translates an rvalue.
func (t *translator) expr(e ast.Expr) val {
	switch x := e.(type) {
	case *ast.BasicLit:
		if x.Kind == token.INT {
			return val{c: x.Value, typ: "untyped int", konst: true}
		}
		t.refuse(e, "literal %s", x.Value)
	case *ast.ParenExpr:
		v := t.expr(x.X)
		return val{c: "(" + v.c + ")", typ: v.typ, op: v.op, konst: v.konst}
	case *ast.Ident:
		return t.ident(x)
	case *ast.SelectorExpr:
		return t.selector(x)
	case *ast.IndexExpr:
		base, idx, elem, shared, fld := t.index(x)
		if shared {
			seam := plainSeam["load"][elem]
			return val{c: fmt.Sprintf("%s(&%s[%s], %s)", seam, base.c, idx, t.site(x, fld, "plain-load")), typ: elem, op: true}
		}
		return val{c: fmt.Sprintf("%s[%s]", base.c, idx), typ: elem, op: base.op}
	case *ast.StarExpr:
		v := t.expr(x.X)
		if !strings.HasPrefix(v.typ, "*") || v.typ == "*g" || v.typ == "*p" {
			t.refuse(e, "dereference of %s", v.typ)
		}
		return val{c: "*" + v.c, typ: strings.TrimPrefix(v.typ, "*"), op: v.op}
	case *ast.UnaryExpr:
		switch x.Op {
		case token.NOT:
			v := t.expr(x.X)
			return val{c: "!" + v.c, typ: "bool", op: v.op}
		case token.SUB:
			v := t.expr(x.X)
			return val{c: "-" + v.c, typ: v.typ, op: v.op}
		case token.AND:
			return t.addrOf(x)
		}
		t.refuse(e, "operator %s", x.Op)
	case *ast.BinaryExpr:
		return t.binary(x)
	case *ast.CallExpr:
		return t.call(x)
	case *ast.CompositeLit:
		id, ok := x.Type.(*ast.Ident)
		if !ok || (id.Name != "gQueue" && id.Name != "gList") {
			t.refuse(e, "composite literal %s", exprText(t.fset, x.Type))
		}
		if len(x.Elts) == 0 {
			return val{c: "(" + id.Name + "){0}", typ: id.Name}
		}
		var parts []string
		op := false
		for _, el := range x.Elts {
			if _, kv := el.(*ast.KeyValueExpr); kv {
				t.refuse(el, "keyed composite literal")
			}
			v := t.expr(el)
			if v.op {
				if op {
					t.refuse(el, "two shared accesses in one composite literal")
				}
				op = true
			}
			parts = append(parts, v.c)
		}
		return val{c: "(" + id.Name + "){" + strings.Join(parts, ", ") + "}", typ: id.Name, op: op}
	case *ast.FuncLit:
		t.refuse(e, "function literal (only `name := func(...) T { return expr }` called directly)")
	}
	t.refuse(e, "expression %s", exprText(t.fset, e))
	return val{}
}

func (t *translator) ident(x *ast.Ident) val {
	if x.Obj != nil {
		if v, ok := t.vars[x.Obj]; ok {
			t.used[x.Obj] = true
			if v.subst != "" {
				return val{c: v.subst, typ: v.typ}
			}
			if v.out {
				return val{c: "(*" + v.c + ")", typ: v.typ}
			}
			return val{c: v.c, typ: v.typ}
		}
		if _, ok := t.clos[x.Obj]; ok {
			t.refuse(x, "use of function literal %s other than a call", x.Name)
		}
		if !isPackageLevel(x.Obj) {
			t.refuse(x, "variable %s", x.Name)
		}
	}
	if g, ok := t.fam.globals[x.Name]; ok {
		return val{c: g.c, typ: g.typ}
	}
	t.refuse(x, "identifier %s", x.Name)
	return val{}
}

// fieldOf returns the C text of X and the field description of X.f.
func (t *translator) fieldOf(x *ast.SelectorExpr) (val, field, string) {
	base := t.expr(x.X)
	st := structOf(base.typ)
	fs, ok := t.fam.fields[st]
	if !ok {
		t.refuse(x, "selector .%s on %s", x.Sel.Name, base.typ)
	}
	f, ok := fs[x.Sel.Name]
	if !ok {
		t.refuse(x, "field %s of %s", x.Sel.Name, st)
	}
	sep := "."
	if strings.HasPrefix(base.typ, "*") {
		sep = "->"
	}
	return val{c: base.c + sep + x.Sel.Name, typ: f.typ, op: base.op}, f, x.Sel.Name
}

func (t *translator) selector(x *ast.SelectorExpr) val {
	if id, ok := x.X.(*ast.Ident); ok && id.Obj == nil && (id.Name == "atomic" || id.Name == "unsafe") {
		t.refuse(x, "%s.%s other than called", id.Name, x.Sel.Name)
	}
	v, f, name := t.fieldOf(x)
	if f.shared {
		switch f.typ {
		case "*g": // a *g field in Go, a guintptr word in the port (m.curg)
			return val{c: fmt.Sprintf("guintptr_ptr(rq_plain_loadg(&%s, %s))", v.c, t.site(x, name, "plain-load")), typ: f.typ, op: true}
		case "muintptr": // p.m: the same word size as a guintptr
			return val{c: fmt.Sprintf("(muintptr)rq_plain_loadg(&%s, %s)", v.c, t.site(x, name, "plain-load")), typ: f.typ, op: true}
		}
		seam, ok := plainSeam["load"][f.typ]
		if !ok {
			t.refuse(x, "plain read of %s (%s)", name, f.typ)
		}
		return val{c: fmt.Sprintf("%s(&%s, %s)", seam, v.c, t.site(x, name, "plain-load")), typ: f.typ, op: true}
	}
	if f.typ == "mutex" {
		t.refuse(x, "use of sched.lock other than lock/unlock/assertLockHeld")
	}
	return v
}

// index translates a[i]: the base's C text, the checked index, the element type, and
// whether the element is shared (a ring slot) with the field name the sites use.
func (t *translator) index(x *ast.IndexExpr) (val, string, string, bool, string) {
	var base val
	shared := false
	fld := ""
	if sel, ok := x.X.(*ast.SelectorExpr); ok {
		var f field
		base, f, fld = t.fieldOf(sel)
		shared = f.shared
	} else {
		base = t.expr(x.X)
		if id, ok := x.X.(*ast.Ident); ok && base.typ == "*[256]guintptr" {
			shared = true
			fld = id.Name
		}
	}
	var elem string
	switch base.typ {
	case "[256]guintptr", "*[256]guintptr":
		elem = "guintptr"
	case "[]*g":
		elem = "*g"
	default:
		t.refuse(x, "index of %s", base.typ)
	}
	iv := t.expr(x.Index)
	if iv.op && base.op {
		t.refuse(x, "two shared accesses in one index expression")
	}
	if iv.typ != "uint32" && iv.typ != "int" && iv.typ != "int32" && !isUntyped(iv.typ) {
		t.refuse(x.Index, "index of type %s", iv.typ)
	}
	// Go checks every index; so does the port (rq_ix throws "index out of range").
	n := "RUNQ_CAP"
	if base.typ == "[]*g" {
		n = fmt.Sprintf("sizeof %s / sizeof %s[0]", base.c, base.c)
	}
	idx := fmt.Sprintf("rq_ix((uint64_t)(%s), %s)", iv.c, n)
	if iv.typ != "uint32" && !isUntyped(iv.typ) {
		idx = fmt.Sprintf("rq_ix((uint64_t)(int64_t)(%s), %s)", iv.c, n)
	}
	base.op = base.op || iv.op
	return base, idx, elem, shared, fld
}

// addrOf: &x, for a local gQueue, or &X.runq (the thief's own ring, runqsteal -> runqgrab).
func (t *translator) addrOf(x *ast.UnaryExpr) val {
	if sel, ok := x.X.(*ast.SelectorExpr); ok {
		v, f, name := t.fieldOf(sel)
		if name == "runq" && f.typ == "[256]guintptr" {
			return val{c: v.c, typ: "*[256]guintptr", op: v.op}
		}
		t.refuse(x, "address of %s", name)
	}
	if id, ok := x.X.(*ast.Ident); ok {
		v := t.ident(id)
		if v.typ == "gQueue" || v.typ == "gList" {
			return val{c: "&" + v.c, typ: "*" + v.typ}
		}
	}
	t.refuse(x, "address of %s", exprText(t.fset, x.X))
	return val{}
}

func (t *translator) binary(x *ast.BinaryExpr) val {
	switch x.Op {
	case token.LAND, token.LOR:
		l, r := t.expr(x.X), t.expr(x.Y)
		// C evaluates && and || left to right, as Go does.
		return val{c: l.c + " " + x.Op.String() + " " + r.c, typ: "bool", op: l.op || r.op}
	case token.ADD, token.SUB, token.MUL, token.QUO, token.REM, token.EQL, token.NEQ, token.LSS,
		token.GTR, token.LEQ, token.GEQ, token.AND, token.OR, token.XOR:
	case token.AND_NOT:
		// x &^ y (bit clear) is x & ~y, with ~y in x's unsigned type.
		l, r := t.expr(x.X), t.expr(x.Y)
		if l.op && r.op {
			t.refuse(x, "two shared accesses in one expression (C leaves their order unspecified)")
		}
		typ := l.typ
		if isUntyped(typ) {
			typ = r.typ
		}
		if typ != "uint32" || (!isUntyped(r.typ) && r.typ != "uint32") {
			t.refuse(x, "operator &^ on %s", typ)
		}
		return val{c: fmt.Sprintf("(%s & ~(uint32_t)%s)", l.c, r.c), typ: typ, op: l.op || r.op, konst: l.konst && r.konst}
	default:
		t.refuse(x, "operator %s", x.Op)
	}
	l, r := t.expr(x.X), t.expr(x.Y)
	if l.op && r.op {
		t.refuse(x, "two shared accesses in one expression (C leaves their order unspecified)")
	}
	typ := l.typ
	if isUntyped(typ) {
		typ = r.typ
	}
	if !isUntyped(l.typ) && !isUntyped(r.typ) && l.typ != r.typ && !(l.typ == "nil" || r.typ == "nil") {
		t.refuse(x, "mixed operand types %s and %s", l.typ, r.typ)
	}
	rc := r.c
	switch x.Op {
	case token.EQL, token.NEQ, token.LSS, token.GTR, token.LEQ, token.GEQ:
		typ = "bool"
	case token.QUO, token.REM:
		// C's / and % truncate toward zero as Go's do. Go panics on a zero divisor where C
		// is undefined: a divisor that is not a constant is checked (rq_nz throws).
		if !r.konst {
			if r.op {
				t.refuse(x.Y, "divisor with a shared access")
			}
			ct := cType(r.typ)
			if ct == "" {
				t.refuse(x.Y, "divisor of type %s", r.typ)
			}
			rc = fmt.Sprintf("(%s)rq_nz((int64_t)(%s))", ct, r.c)
		}
	}
	return val{c: l.c + " " + x.Op.String() + " " + rc, typ: typ, op: l.op || r.op, konst: l.konst && r.konst}
}

// ---- calls -----------------------------------------------------------------------------

func (t *translator) args(call *ast.CallExpr, from int) ([]string, bool) {
	var out []string
	op := false
	for _, a := range call.Args[from:] {
		v := t.expr(a)
		if v.op {
			if op {
				t.refuse(a, "two shared accesses in the arguments of one call")
			}
			op = true
		}
		out = append(out, v.c)
	}
	return out, op
}

// sharedAddr: the argument of an atomic, &X.f with f a shared field.
func (t *translator) sharedAddr(e ast.Expr) (val, field, string) {
	// atomic.Loaduintptr((*uintptr)(unsafe.Pointer(&x))) is how Go loads a guintptr.
	if c, ok := e.(*ast.CallExpr); ok && len(c.Args) == 1 {
		if pe, ok := c.Fun.(*ast.ParenExpr); ok {
			if st, ok := pe.X.(*ast.StarExpr); ok && isIdent(st.X, "uintptr") {
				if inner, ok := c.Args[0].(*ast.CallExpr); ok && isSel(inner.Fun, "unsafe", "Pointer") && len(inner.Args) == 1 {
					e = inner.Args[0]
				}
			}
		}
	}
	u, ok := e.(*ast.UnaryExpr)
	if !ok || u.Op != token.AND {
		t.refuse(e, "atomic on %s (not &P.field)", exprText(t.fset, e))
	}
	sel, ok := u.X.(*ast.SelectorExpr)
	if !ok {
		t.refuse(e, "atomic on %s", exprText(t.fset, u.X))
	}
	v, f, name := t.fieldOf(sel)
	if !f.shared {
		t.refuse(e, "atomic on unshared field %s", name)
	}
	return v, f, name
}

func (t *translator) call(x *ast.CallExpr) val {
	switch fun := x.Fun.(type) {
	case *ast.SelectorExpr:
		if pkg, ok := fun.X.(*ast.Ident); ok && pkg.Obj == nil && pkg.Name == "atomic" {
			r, ok := atomicRules[fun.Sel.Name]
			if !ok {
				t.refuse(x, "atomic.%s", fun.Sel.Name)
			}
			if len(x.Args) != r.args+1 {
				t.refuse(x, "atomic.%s with %d arguments", fun.Sel.Name, len(x.Args))
			}
			addr, f, name := t.sharedAddr(x.Args[0])
			if f.typ != r.typ {
				t.refuse(x, "atomic.%s on %s (%s)", fun.Sel.Name, name, f.typ)
			}
			rest, op := t.args(x, 1)
			if op || addr.op {
				t.refuse(x, "shared access inside the arguments of atomic.%s", fun.Sel.Name)
			}
			parts := append([]string{"&" + addr.c}, rest...)
			parts = append(parts, t.site(x, name, r.kind))
			return val{c: fmt.Sprintf("%s(%s)", r.seam, strings.Join(parts, ", ")), typ: r.res, op: true}
		}
		if pkg, ok := fun.X.(*ast.Ident); ok && pkg.Obj == nil && pkg.Name == "unsafe" {
			t.refuse(x, "unsafe.%s", fun.Sel.Name)
		}
		return t.method(x, fun)
	case *ast.Ident:
		if fun.Obj != nil {
			if lit, ok := t.clos[fun.Obj]; ok {
				return t.inlineClosure(x, lit)
			}
		}
		return t.funcCall(x, fun)
	case *ast.ParenExpr:
		t.refuse(x, "conversion %s", exprText(t.fset, x.Fun))
	}
	t.refuse(x, "call of %s", exprText(t.fset, x.Fun))
	return val{}
}

func (t *translator) method(x *ast.CallExpr, fun *ast.SelectorExpr) val {
	name := fun.Sel.Name
	// guintptr methods: the receiver is a guintptr-typed field or local.
	switch name {
	case "ptr":
		v := t.expr(fun.X)
		if v.typ == "muintptr" && len(x.Args) == 0 && t.fam.fields["m"] != nil {
			return val{c: "((m *)" + v.c + ")", typ: "*m", op: v.op}
		}
		if v.typ != "guintptr" || len(x.Args) != 0 {
			t.refuse(x, "%s.ptr()", v.typ)
		}
		return val{c: "guintptr_ptr(" + v.c + ")", typ: "*g", op: v.op}
	case "guintptr":
		v := t.expr(fun.X)
		if v.typ != "*g" || len(x.Args) != 0 {
			t.refuse(x, "%s.guintptr()", v.typ)
		}
		return val{c: "guintptr_of(" + v.c + ")", typ: "guintptr", op: v.op}
	case "cas":
		sel, ok := fun.X.(*ast.SelectorExpr)
		if !ok {
			t.refuse(x, "cas on %s", exprText(t.fset, fun.X))
		}
		recv, f, fld := t.fieldOf(sel)
		if f.typ != "guintptr" || !f.shared || len(x.Args) != 2 {
			t.refuse(x, "cas on %s", fld)
		}
		a, op := t.args(x, 0)
		if op || recv.op {
			t.refuse(x, "shared access inside the arguments of cas")
		}
		return val{c: fmt.Sprintf("%s(&%s, %s, %s, %s)", casgSeam, recv.c, a[0], a[1], t.site(x, fld, "cas")), typ: "bool", op: true}
	case "set":
		t.refuse(x, "set() used as a value")
	}
	recv := t.expr(fun.X)
	st := structOf(recv.typ)
	mr, ok := methodRules[st][name]
	if !ok {
		t.refuse(x, "method %s.%s", st, name)
	}
	self := recv.c
	if !strings.HasPrefix(recv.typ, "*") {
		self = "&" + recv.c
		if recv.op {
			t.refuse(x, "method on a shared value")
		}
	}
	a, op := t.args(x, 0)
	if op && recv.op {
		t.refuse(x, "two shared accesses in one call")
	}
	return val{c: fmt.Sprintf("%s(%s)", mr.c, strings.Join(append([]string{self}, a...), ", ")), typ: mr.res, op: op || recv.op}
}

var convTypes = map[string]string{"uint32": "uint32_t", "int32": "int32_t", "int": "int"}

func (t *translator) funcCall(x *ast.CallExpr, fun *ast.Ident) val {
	name := fun.Name
	if fun.Obj != nil && fun.Obj.Kind != ast.Fun {
		t.refuse(x, "call of local %s", name)
	}
	if ct, ok := convTypes[name]; ok {
		if len(x.Args) != 1 {
			t.refuse(x, "conversion %s", name)
		}
		v := t.expr(x.Args[0])
		return val{c: fmt.Sprintf("(%s)(%s)", ct, v.c), typ: name, op: v.op, konst: v.konst}
	}
	switch name {
	case "len":
		if len(x.Args) == 1 {
			if sel, ok := x.Args[0].(*ast.SelectorExpr); ok {
				if v, f, _ := t.fieldOf(sel); f.typ == "[256]guintptr" && !v.op {
					return val{c: "RUNQ_CAP", typ: "int", konst: true}
				}
			}
			if id, ok := x.Args[0].(*ast.Ident); ok {
				if v := t.ident(id); v.typ == "*[256]guintptr" {
					return val{c: "RUNQ_CAP", typ: "int", konst: true}
				}
			}
		}
		t.refuse(x, "len of %s", exprText(t.fset, x.Args[0]))
	case "guintptr":
		if len(x.Args) == 1 {
			if in, ok := x.Args[0].(*ast.CallExpr); ok && isSel(in.Fun, "unsafe", "Pointer") && len(in.Args) == 1 {
				v := t.expr(in.Args[0])
				if v.typ == "*g" {
					return val{c: "guintptr_of(" + v.c + ")", typ: "guintptr", op: v.op}
				}
			}
		}
		t.refuse(x, "conversion %s", exprText(t.fset, x))
	}
	switch name {
	case "readgstatus": // atomic.Load of gp.atomicstatus (seq_cst)
		if _, ok := t.fam.fields["g"]["atomicstatus"]; ok && len(x.Args) == 1 {
			v := t.expr(x.Args[0])
			if v.typ == "*g" && !v.op && !hasCall(x.Args[0]) {
				return val{c: fmt.Sprintf("rq_Load(&%s->atomicstatus, %s)", v.c, t.site(x, "atomicstatus", "Load")), typ: "uint32", op: true}
			}
		}
		t.refuse(x, "call of readgstatus")
	case "min":
		if t.fam.name == "master" && len(x.Args) >= 2 {
			a, op := t.args(x, 0)
			typ := ""
			for _, e := range x.Args {
				if v := t.expr(e); !isUntyped(v.typ) {
					if typ != "" && typ != v.typ {
						t.refuse(x, "min of mixed types")
					}
					typ = v.typ
				}
			}
			if typ != "int32" {
				t.refuse(x, "min of %s", typ)
			}
			c := a[len(a)-1]
			for i := len(a) - 2; i >= 0; i-- {
				c = fmt.Sprintf("rq_min_int32(%s, %s)", a[i], c)
			}
			return val{c: c, typ: typ, op: op}
		}
		t.refuse(x, "call of min")
	}
	if r, ok := callRules[name]; ok {
		if r.args == "rand" {
			r.c = t.fam.randC
		}
		return t.ruleCall(x, name, r)
	}
	for i := range t.fam.specs {
		s := &t.fam.specs[i]
		if s.recv == "" && s.name == name {
			if len(s.results) > 1 {
				t.refuse(x, "call of %s (more than one result)", name)
			}
			a, _ := t.args(x, 0)
			res := ""
			if len(s.results) == 1 {
				res = s.results[0]
			}
			return val{c: fmt.Sprintf("%s(%s)", s.cname, strings.Join(a, ", ")), typ: res, op: true}
		}
	}
	t.refuse(x, "call of %s", name)
	return val{}
}

func (t *translator) ruleCall(x *ast.CallExpr, name string, r callRule) val {
	var parts []string
	switch r.args {
	case "string":
		lit, ok := onlyArg(x).(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			t.refuse(x, "%s without one string literal", name)
		}
		s, err := strconv.Unquote(lit.Value)
		if err != nil {
			t.refuse(x, "string literal %s", lit.Value)
		}
		parts = []string{strconv.Quote(s)}
	case "lock":
		a := onlyArg(x)
		u, ok := a.(*ast.UnaryExpr)
		if !ok || u.Op != token.AND || exprText(t.fset, u.X) != "sched.lock" {
			t.refuse(x, "%s of %s (only &sched.lock)", name, exprText(t.fset, a))
		}
		parts = []string{"&sched.lock"}
	case "usleep3":
		a := onlyArg(x)
		if lit, ok := a.(*ast.BasicLit); !ok || lit.Value != "3" {
			t.refuse(x, "usleep(%s) (only usleep(3), the runnext back-off)", exprText(t.fset, a))
		}
	case "none":
		if len(x.Args) != 0 {
			t.refuse(x, "%s with arguments", name)
		}
	case "rand":
		if t.firstP == "" {
			t.refuse(x, "%s in a function without a P parameter", name)
		}
		a, op := t.args(x, 0)
		if len(a) != 1 || op {
			t.refuse(x, "%s with these arguments", name)
		}
		parts = []string{t.firstP, a[0]}
	}
	if r.site != "" {
		fld := ""
		if r.args == "lock" {
			fld = "sched.lock"
		}
		parts = append(parts, t.site(x, fld, r.site))
	}
	return val{c: fmt.Sprintf("%s(%s)", r.c, strings.Join(parts, ", ")), typ: r.res, op: true}
}

func onlyArg(x *ast.CallExpr) ast.Expr {
	if len(x.Args) != 1 {
		return x
	}
	return x.Args[0]
}

// inlineClosure expands a call of `name := func(a T) R { return expr }`: the argument
// (which must make no access, so evaluating it once or not at all is the same) replaces
// the parameter; the body's accesses happen at the call, as in Go.
func (t *translator) inlineClosure(x *ast.CallExpr, lit *ast.FuncLit) val {
	params := flatParams(lit.Type.Params)
	if len(params) != len(x.Args) {
		t.refuse(x, "call of a function literal with %d arguments", len(x.Args))
	}
	for i, p := range params {
		a := t.expr(x.Args[i])
		if a.op || hasCall(x.Args[i]) {
			t.refuse(x.Args[i], "argument with a call or shared access to a function literal")
		}
		typ := t.goType(p.typ)
		if a.typ != typ && !isUntyped(a.typ) {
			t.refuse(x.Args[i], "argument of type %s for %s", a.typ, typ)
		}
		t.vars[p.name.Obj] = &varInfo{c: p.name.Name, typ: typ, subst: "(" + a.c + ")"}
	}
	ret := lit.Body.List[0].(*ast.ReturnStmt)
	v := t.expr(ret.Results[0])
	return val{c: "(" + v.c + ")", typ: t.goType(lit.Type.Results.List[0].Type), op: v.op}
}

// ---- statements ------------------------------------------------------------------------

func (t *translator) block(list []ast.Stmt) {
	for _, s := range list {
		t.stmt(s)
	}
}

func (t *translator) stmt(s ast.Stmt) {
	switch x := s.(type) {
	case *ast.ExprStmt:
		call, ok := x.X.(*ast.CallExpr)
		if !ok {
			t.refuse(s, "expression statement")
		}
		if sel, ok := call.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == "set" {
			t.setCall(call, sel)
			return
		}
		v := t.expr(call)
		t.emit("%s;", v.c)
	case *ast.AssignStmt:
		t.assign(x)
	case *ast.IncDecStmt:
		lhs := t.lvalue(x.X)
		if lhs.shared {
			t.refuse(s, "%s of a shared field", x.Tok)
		}
		t.emit("%s%s;", lhs.c, x.Tok)
	case *ast.DeclStmt:
		t.decl(x)
	case *ast.ReturnStmt:
		t.ret(x)
	case *ast.IfStmt:
		t.ifStmt(x)
	case *ast.ForStmt:
		t.forStmt(x)
	case *ast.BlockStmt:
		t.emit("{")
		t.depth++
		t.block(x.List)
		t.depth--
		t.emit("}")
	case *ast.LabeledStmt:
		t.emit("%s:;", x.Label.Name)
		t.stmt(x.Stmt)
	case *ast.BranchStmt:
		if x.Label != nil && x.Tok != token.GOTO {
			t.refuse(s, "labelled %s", x.Tok)
		}
		switch x.Tok {
		case token.GOTO:
			t.emit("goto %s;", x.Label.Name)
		case token.CONTINUE:
			t.emit("continue;")
		case token.BREAK:
			t.emit("break;")
		default:
			t.refuse(s, "%s statement", x.Tok)
		}
	case *ast.EmptyStmt:
	case *ast.GoStmt:
		t.refuse(s, "go statement")
	case *ast.DeferStmt:
		t.refuse(s, "defer statement")
	case *ast.SwitchStmt, *ast.TypeSwitchStmt:
		t.refuse(s, "switch statement")
	case *ast.SelectStmt:
		t.refuse(s, "select statement")
	case *ast.RangeStmt:
		t.refuse(s, "range loop")
	case *ast.SendStmt:
		t.refuse(s, "channel send")
	default:
		t.refuse(s, "statement %T", s)
	}
}

// lhs is an assignable place.
type lhs struct {
	c      string // C lvalue (or, if shared, the address expression without &)
	typ    string
	shared bool
	fld    string
	gwrite string // the G whose field this is (rq_gwrite before the write)
	op     bool
	node   ast.Node
}

func (t *translator) lvalue(e ast.Expr) lhs {
	switch x := e.(type) {
	case *ast.Ident:
		if x.Name == "_" {
			t.refuse(e, "blank assignment")
		}
		if x.Obj == nil || t.vars[x.Obj] == nil {
			t.refuse(e, "assignment to %s", x.Name)
		}
		v := t.ident(x)
		return lhs{c: v.c, typ: v.typ, node: e}
	case *ast.SelectorExpr:
		v, f, name := t.fieldOf(x)
		l := lhs{c: v.c, typ: f.typ, shared: f.shared, fld: name, op: v.op, node: e}
		if f.gwrite {
			if hasCall(x.X) && !isPtrCall(x.X) {
				t.refuse(e, "write to a G's field through a call")
			}
			l.gwrite = t.expr(x.X).c
		}
		if f.typ == "mutex" {
			t.refuse(e, "assignment to sched.lock")
		}
		if f.typ == "[256]guintptr" {
			t.refuse(e, "assignment to a whole ring")
		}
		return l
	case *ast.IndexExpr:
		base, idx, elem, shared, fld := t.index(x)
		return lhs{c: base.c + "[" + idx + "]", typ: elem, shared: shared, fld: fld, op: base.op, node: e}
	case *ast.StarExpr:
		v := t.expr(x.X)
		if v.typ != "*gQueue" && v.typ != "*gList" {
			t.refuse(e, "assignment through %s", v.typ)
		}
		return lhs{c: "*" + v.c, typ: strings.TrimPrefix(v.typ, "*"), op: v.op, node: e}
	case *ast.ParenExpr:
		return t.lvalue(x.X)
	}
	t.refuse(e, "assignment to %s", exprText(t.fset, e))
	return lhs{}
}

// store emits lhs = value (value already translated).
func (t *translator) store(l lhs, v string, vop bool) {
	if l.op && vop {
		t.refuse(l.node, "two shared accesses in one assignment")
	}
	if l.gwrite != "" {
		t.emit("rq_gwrite(%s);", l.gwrite)
	}
	if l.shared {
		seam, ok := plainSeam["store"][l.typ]
		if !ok {
			t.refuse(l.node, "plain write of %s", l.fld)
		}
		t.emit("%s(&%s, %s, %s);", seam, l.c, v, t.site(l.node, l.fld, "plain-store"))
		return
	}
	t.emit("%s = %s;", l.c, v)
}

// setCall: x.set(gp) on a guintptr place.
func (t *translator) setCall(call *ast.CallExpr, sel *ast.SelectorExpr) {
	if len(call.Args) != 1 {
		t.refuse(call, "set with %d arguments", len(call.Args))
	}
	l := t.lvalue(sel.X)
	if l.typ != "guintptr" {
		t.refuse(call, "set on %s", l.typ)
	}
	v := t.expr(call.Args[0])
	if v.typ != "*g" && v.typ != "nil" {
		t.refuse(call, "set of %s", v.typ)
	}
	t.store(l, "guintptr_of("+v.c+")", v.op)
}

func (t *translator) declare(id *ast.Ident, typ, init string, arrLen string) {
	if strings.HasPrefix(id.Name, "imp_") {
		t.refuse(id, "identifier %s (the importer's temporaries)", id.Name)
	}
	c := cIdent(id.Name)
	t.vars[id.Obj] = &varInfo{c: c, typ: typ, arrLen: arrLen}
	if arrLen != "" {
		t.emit("g *%s[%s] = {0};", c, arrLen)
		return
	}
	ct := cType(typ)
	if ct == "" {
		t.refuse(id, "variable %s of type %s", id.Name, typ)
	}
	sep := " "
	if strings.HasSuffix(ct, "*") {
		sep = ""
	}
	if init == "" {
		init = "{0}"
		if typ != "gQueue" && typ != "gList" {
			init = "0"
		}
	}
	t.emit("%s%s%s = %s;", ct, sep, c, init)
}

func (t *translator) assign(x *ast.AssignStmt) {
	switch x.Tok {
	case token.DEFINE:
		if len(x.Lhs) != len(x.Rhs) {
			t.refuse(x, "multi-value :=")
		}
		if len(x.Lhs) == 1 {
			if lit, ok := x.Rhs[0].(*ast.FuncLit); ok {
				t.closure(x.Lhs[0].(*ast.Ident), lit)
				return
			}
		}
		for i, l := range x.Lhs {
			id := l.(*ast.Ident)
			if id.Obj == nil || id.Obj.Decl != x {
				t.refuse(x, ":= that assigns the existing %s", id.Name)
			}
			if len(x.Lhs) > 1 {
				t.refuse(x, "multi-variable :=")
			}
			v := t.expr(x.Rhs[i])
			typ := v.typ
			if isUntyped(typ) {
				typ = "int"
			}
			t.declare(id, typ, v.c, "")
		}
	case token.ASSIGN:
		if len(x.Lhs) != len(x.Rhs) {
			t.refuse(x, "multi-value assignment")
		}
		if len(x.Lhs) == 1 {
			l := t.lvalue(x.Lhs[0])
			v := t.expr(x.Rhs[0])
			t.checkAssignable(x, l.typ, v.typ)
			t.store(l, v.c, v.op)
			return
		}
		t.tuple(x)
	case token.ADD_ASSIGN, token.SUB_ASSIGN, token.MUL_ASSIGN, token.QUO_ASSIGN, token.REM_ASSIGN:
		l := t.lvalue(x.Lhs[0])
		if l.shared || l.gwrite != "" {
			t.refuse(x, "%s on a shared field", x.Tok)
		}
		v := t.expr(x.Rhs[0])
		t.checkAssignable(x, l.typ, v.typ)
		if l.op && v.op {
			t.refuse(x, "two shared accesses in one assignment")
		}
		t.emit("%s %s %s;", l.c, x.Tok, v.c)
	default:
		t.refuse(x, "assignment %s", x.Tok)
	}
}

func (t *translator) checkAssignable(n ast.Node, to, from string) {
	if to == from || isUntyped(from) || (from == "nil" && (to == "*g" || to == "guintptr")) {
		return
	}
	t.refuse(n, "assignment of %s to %s", from, to)
}

// tuple: a, b = c, d. Go evaluates the left side's index operands and then the right
// side's values, in order, then assigns left to right: so does the C, through temporaries.
func (t *translator) tuple(x *ast.AssignStmt) {
	var places []lhs
	for _, e := range x.Lhs {
		ix, ok := e.(*ast.IndexExpr)
		if !ok {
			l := t.lvalue(e)
			if l.op || l.gwrite != "" {
				t.refuse(e, "tuple assignment to %s", exprText(t.fset, e))
			}
			places = append(places, l)
			continue
		}
		// evaluate the index now, into a temporary
		tmp := t.newTmp()
		iv := t.expr(ix.Index)
		it := iv.typ
		if isUntyped(it) {
			it = "int"
		}
		t.emit("%s %s = %s;", cType(it), tmp, iv.c)
		places = append(places, t.lvalueWithIndex(ix, tmp, it))
	}
	var vals []string
	for i, e := range x.Rhs {
		var v val
		if ix, ok := e.(*ast.IndexExpr); ok {
			tmp := t.newTmp()
			iv := t.expr(ix.Index)
			it := iv.typ
			if isUntyped(it) {
				it = "int"
			}
			t.emit("%s %s = %s;", cType(it), tmp, iv.c)
			v = t.indexLoad(ix, tmp, it)
		} else {
			v = t.expr(e)
		}
		t.checkAssignable(x, places[i].typ, v.typ)
		tmp := t.newTmp()
		t.emit("%s%s%s = %s;", cType(places[i].typ), sepFor(cType(places[i].typ)), tmp, v.c)
		vals = append(vals, tmp)
	}
	for i, l := range places {
		t.store(l, vals[i], false)
	}
}

func sepFor(ct string) string {
	if strings.HasSuffix(ct, "*") {
		return ""
	}
	return " "
}

// lvalueWithIndex / indexLoad: a[tmp] where the index was already evaluated into tmp.
func (t *translator) lvalueWithIndex(ix *ast.IndexExpr, tmp, it string) lhs {
	l := t.withTmpIndex(ix, tmp, it, func() interface{} { return t.lvalue(ix) })
	return l.(lhs)
}

func (t *translator) indexLoad(ix *ast.IndexExpr, tmp, it string) val {
	return t.withTmpIndex(ix, tmp, it, func() interface{} { return t.expr(ix) }).(val)
}

func (t *translator) withTmpIndex(ix *ast.IndexExpr, tmp, it string, f func() interface{}) interface{} {
	saved := ix.Index
	id := &ast.Ident{NamePos: saved.Pos(), Name: tmp, Obj: ast.NewObj(ast.Var, tmp)}
	t.vars[id.Obj] = &varInfo{c: tmp, typ: it}
	ix.Index = id
	defer func() { ix.Index = saved }()
	return f()
}

func (t *translator) decl(x *ast.DeclStmt) {
	gd, ok := x.Decl.(*ast.GenDecl)
	if !ok || gd.Tok != token.VAR {
		t.refuse(x, "declaration")
	}
	for _, sp := range gd.Specs {
		vs := sp.(*ast.ValueSpec)
		if len(vs.Values) != 0 || vs.Type == nil {
			t.refuse(x, "var with a value")
		}
		for _, id := range vs.Names {
			if at, ok := vs.Type.(*ast.ArrayType); ok && at.Len != nil {
				if st, ok := at.Elt.(*ast.StarExpr); ok && isIdent(st.X, "g") {
					n := t.expr(at.Len)
					if n.op {
						t.refuse(at.Len, "array length with a shared access")
					}
					t.declare(id, "[]*g", "", n.c)
					continue
				}
				t.refuse(vs.Type, "array of %s", exprText(t.fset, at.Elt))
			}
			t.declare(id, t.goType(vs.Type), "", "")
		}
	}
}

func (t *translator) ret(x *ast.ReturnStmt) {
	spec := t.spec
	if len(x.Results) == 0 {
		if len(spec.results) == 0 {
			t.emit("return;")
			return
		}
		// bare return with named results
		for i, o := range spec.outs {
			if o == "ret" {
				if t.results[i] == nil {
					t.refuse(x, "bare return without named results")
				}
				t.emit("return %s;", t.results[i].c)
				return
			}
		}
		t.emit("return;")
		return
	}
	if len(x.Results) != len(spec.results) {
		t.refuse(x, "return of %d values", len(x.Results))
	}
	var retC string
	ops := 0
	var outs []string
	for i, r := range x.Results {
		v := t.expr(r)
		if v.op {
			ops++
		}
		t.checkAssignable(r, spec.results[i], v.typ)
		if spec.outs[i] == "ret" {
			retC = v.c
		} else {
			outs = append(outs, fmt.Sprintf("*%s = %s;", t.outName(i), v.c))
		}
	}
	if ops > 1 {
		t.refuse(x, "return with two shared accesses")
	}
	if len(outs) == 0 {
		t.emit("return %s;", retC)
		return
	}
	t.emit("{")
	t.depth++
	for _, o := range outs {
		t.emit("%s", o)
	}
	t.emit("return %s;", retC)
	t.depth--
	t.emit("}")
}

func (t *translator) outName(i int) string {
	if t.results[i] != nil {
		return t.results[i].c
	}
	return fmt.Sprintf("out%d", i)
}

// goosValue evaluates a condition made only of GOOS comparisons for goos; ok=false if
// the condition does not mention GOOS; refuses a condition that mixes GOOS with others.
func (t *translator) goosValue(e ast.Expr) (bool, bool) {
	if !mentionsGOOS(e) {
		return false, false
	}
	var ev func(e ast.Expr) bool
	ev = func(e ast.Expr) bool {
		switch x := e.(type) {
		case *ast.Ident:
			// a package-level constant defined by GOOS tests (osHasLowResTimer)
			if v := goosConst(x); v != nil {
				return ev(v)
			}
		case *ast.ParenExpr:
			return ev(x.X)
		case *ast.UnaryExpr:
			if x.Op == token.NOT {
				return !ev(x.X)
			}
		case *ast.BinaryExpr:
			switch x.Op {
			case token.LAND:
				return ev(x.X) && ev(x.Y)
			case token.LOR:
				return ev(x.X) || ev(x.Y)
			case token.EQL, token.NEQ:
				if isIdent(x.X, "GOOS") {
					if lit, ok := x.Y.(*ast.BasicLit); ok && lit.Kind == token.STRING {
						s, _ := strconv.Unquote(lit.Value)
						return (s == goos) == (x.Op == token.EQL)
					}
				}
			}
		}
		t.refuse(e, "GOOS condition %s", exprText(t.fset, e))
		return false
	}
	return ev(e), true
}

func (t *translator) ifStmt(x *ast.IfStmt) {
	if x.Init == nil {
		if v, ok := t.goosValue(x.Cond); ok {
			t.emit("{ // GOOS resolved for %s (%s:%d)", goos, t.file(), t.line(x))
			t.depth++
			if v {
				t.block(x.Body.List)
			} else if x.Else != nil {
				t.stmt(x.Else)
			}
			t.depth--
			t.emit("}")
			return
		}
	}
	if x.Init != nil {
		t.emit("{")
		t.depth++
		t.stmt(x.Init)
	}
	c := t.expr(x.Cond)
	if c.typ != "bool" {
		t.refuse(x.Cond, "condition of type %s", c.typ)
	}
	t.emit("if (%s) {", c.c)
	t.depth++
	t.block(x.Body.List)
	t.depth--
	if x.Else != nil {
		t.emit("} else {")
		t.depth++
		if b, ok := x.Else.(*ast.BlockStmt); ok {
			t.block(b.List)
		} else {
			t.stmt(x.Else)
		}
		t.depth--
	}
	t.emit("}")
	if x.Init != nil {
		t.depth--
		t.emit("}")
	}
}

func (t *translator) forStmt(x *ast.ForStmt) {
	init, post := "", ""
	if x.Init != nil {
		as, ok := x.Init.(*ast.AssignStmt)
		if !ok || as.Tok != token.DEFINE || len(as.Lhs) != 1 {
			t.refuse(x.Init, "loop initialiser")
		}
		id := as.Lhs[0].(*ast.Ident)
		v := t.expr(as.Rhs[0])
		if v.op {
			t.refuse(x.Init, "loop initialiser with a shared access")
		}
		typ := v.typ
		if isUntyped(typ) {
			typ = "int"
		}
		t.vars[id.Obj] = &varInfo{c: cIdent(id.Name), typ: typ}
		init = fmt.Sprintf("%s %s = %s", cType(typ), cIdent(id.Name), v.c)
	}
	if x.Post != nil {
		switch p := x.Post.(type) {
		case *ast.IncDecStmt:
			l := t.lvalue(p.X)
			if l.shared || l.op {
				t.refuse(p, "loop post statement on a shared field")
			}
			post = l.c + p.Tok.String()
		default:
			t.refuse(p, "loop post statement")
		}
	}
	cond := ""
	if x.Cond != nil {
		c := t.expr(x.Cond)
		if c.typ != "bool" {
			t.refuse(x.Cond, "condition of type %s", c.typ)
		}
		cond = c.c
	}
	if init == "" && cond == "" && post == "" {
		t.emit("for (;;) {")
	} else {
		t.emit("for (%s; %s; %s) {", init, cond, post)
	}
	t.depth++
	t.block(x.Body.List)
	t.depth--
	t.emit("}")
}

// closure records `name := func(...) R { return expr }` for inlining at its calls.
func (t *translator) closure(id *ast.Ident, lit *ast.FuncLit) {
	if lit.Type.Results == nil || len(lit.Type.Results.List) != 1 || len(lit.Type.Results.List[0].Names) > 1 ||
		len(lit.Body.List) != 1 {
		t.refuse(lit, "function literal (only one result and one return statement)")
	}
	ret, ok := lit.Body.List[0].(*ast.ReturnStmt)
	if !ok || len(ret.Results) != 1 {
		t.refuse(lit, "function literal (only `return expr`)")
	}
	t.clos[id.Obj] = lit
	t.emit("// %s: a function literal, expanded at each call (%s:%d)", id.Name, t.file(), t.line(lit))
}

// ---- helpers ---------------------------------------------------------------------------

type param struct {
	name *ast.Ident
	typ  ast.Expr
}

func flatParams(fl *ast.FieldList) []param {
	var out []param
	if fl == nil {
		return out
	}
	for _, f := range fl.List {
		if len(f.Names) == 0 {
			out = append(out, param{nil, f.Type})
		}
		for _, n := range f.Names {
			out = append(out, param{n, f.Type})
		}
	}
	return out
}

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}

func isSel(e ast.Expr, pkg, name string) bool {
	s, ok := e.(*ast.SelectorExpr)
	return ok && isIdent(s.X, pkg) && s.Sel.Name == name
}

func isPtrCall(e ast.Expr) bool {
	c, ok := e.(*ast.CallExpr)
	if !ok {
		return false
	}
	s, ok := c.Fun.(*ast.SelectorExpr)
	return ok && s.Sel.Name == "ptr" && len(c.Args) == 0 && !hasCall(s.X)
}

func hasCall(e ast.Node) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		if c, ok := n.(*ast.CallExpr); ok {
			if isPtrCall(c) {
				return true
			}
			found = true
		}
		return !found
	})
	return found
}

// goosConst: the value of a package-level constant of the same file whose value is a
// GOOS condition (const osHasLowResTimer = GOOS == "windows" || ...), else nil.
func goosConst(id *ast.Ident) ast.Expr {
	if id.Obj == nil || id.Obj.Kind != ast.Con {
		return nil
	}
	vs, ok := id.Obj.Decl.(*ast.ValueSpec)
	if !ok {
		return nil
	}
	for i, n := range vs.Names {
		if n.Name == id.Name && i < len(vs.Values) && mentions(vs.Values[i], "GOOS") {
			return vs.Values[i]
		}
	}
	return nil
}

// mentionsGOOS: e tests GOOS, itself or through such a constant.
func mentionsGOOS(e ast.Node) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && (id.Name == "GOOS" && id.Obj == nil || goosConst(id) != nil) {
			found = true
		}
		return !found
	})
	return found
}

func mentions(e ast.Node, name string) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && id.Name == name && id.Obj == nil {
			found = true
		}
		return !found
	})
	return found
}

func exprText(fset *token.FileSet, e ast.Node) string {
	var b bytes.Buffer
	if err := printNode(&b, fset, e); err != nil {
		return fmt.Sprintf("%T", e)
	}
	return b.String()
}

// ---- functions and the file ------------------------------------------------------------

func recvType(fd *ast.FuncDecl) string {
	if fd.Recv == nil || len(fd.Recv.List) != 1 {
		return ""
	}
	if st, ok := fd.Recv.List[0].Type.(*ast.StarExpr); ok {
		if id, ok := st.X.(*ast.Ident); ok {
			return id.Name
		}
	}
	return "?"
}

func typeList(t *translator, fl *ast.FieldList) []string {
	var out []string
	for _, p := range flatParams(fl) {
		out = append(out, t.goType(p.typ))
	}
	return out
}

func sameList(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func (t *translator) function(fd *ast.FuncDecl, spec *funcSpec) {
	// The signature must be the one the engine's ops were written against.
	sigNode := fd.Type.Params
	checkSig := func() (got string, ok bool) {
		defer func() {
			if r := recover(); r != nil {
				got, ok = "(a parameter or result of a type the port does not know)", false
			}
		}()
		ps, rs := typeList(t, fd.Type.Params), typeList(t, fd.Type.Results)
		got = "(" + strings.Join(ps, ", ") + ") (" + strings.Join(rs, ", ") + ")"
		return got, sameList(ps, spec.params) && sameList(rs, spec.results)
	}
	if got, ok := checkSig(); !ok {
		want := "(" + strings.Join(spec.params, ", ") + ") (" + strings.Join(spec.results, ", ") + ")"
		t.refuse(sigNode, "changed signature %s (the port has %s; it would change what op %s means)", got, want, spec.ops)
	}
	var cparams []string
	ci := 0
	addParam := func(name string, ct string) {
		sep := " "
		if strings.HasSuffix(ct, "*") {
			sep = ""
		}
		cparams = append(cparams, ct+sep+name)
	}
	var prologue []string
	if fd.Recv != nil {
		r := fd.Recv.List[0]
		name := "recv"
		if len(r.Names) == 1 {
			name = cIdent(r.Names[0].Name)
			t.vars[r.Names[0].Obj] = &varInfo{c: name, typ: "*" + spec.recv}
		}
		addParam(name, spec.cparams[ci])
		ci++
	}
	for i, p := range flatParams(fd.Type.Params) {
		name := fmt.Sprintf("arg%d", i)
		if p.name != nil && p.name.Name != "_" {
			name = cIdent(p.name.Name)
			t.vars[p.name.Obj] = &varInfo{c: name, typ: spec.params[i]}
			if spec.params[i] == "*p" && t.firstP == "" {
				t.firstP = name
			}
		}
		addParam(name, spec.cparams[ci])
		ci++
	}
	cret := "void"
	t.results = make([]*varInfo, len(spec.results))
	resNames := flatParams(fd.Type.Results)
	for i, o := range spec.outs {
		var id *ast.Ident
		if i < len(resNames) {
			id = resNames[i].name
		}
		if o == "ret" {
			cret = cType(spec.results[i])
			if id != nil && id.Name != "_" {
				v := &varInfo{c: cIdent(id.Name), typ: spec.results[i]}
				t.results[i] = v
				t.vars[id.Obj] = v
			}
			continue
		}
		name := fmt.Sprintf("out%d", i)
		if id != nil && id.Name != "_" {
			name = cIdent(id.Name)
		}
		v := &varInfo{c: name, typ: spec.results[i], out: true}
		t.results[i] = v
		if id != nil {
			t.vars[id.Obj] = v
		}
		addParam(name, spec.cparams[ci])
		ci++
		if o == "out?" {
			prologue = append(prologue, fmt.Sprintf("%s imp_%s_dummy;", cType(spec.results[i]), name),
				fmt.Sprintf("if (%s == NULL) {", name), fmt.Sprintf("    %s = &imp_%s_dummy;", name, name), "}")
		}
		zero := "0"
		if spec.results[i] == "gQueue" || spec.results[i] == "gList" {
			zero = "(" + spec.results[i] + "){0}"
		}
		prologue = append(prologue, fmt.Sprintf("*%s = %s;", name, zero))
	}
	if cret == "" {
		t.refuse(fd.Type, "result type")
	}
	// Named results returned by value are C locals, zeroed as in Go (only if used).
	body := &bytes.Buffer{}
	saved := t.buf
	t.buf = body
	t.depth = 1
	t.block(fd.Body.List)
	t.buf = saved
	fmt.Fprintf(t.buf, "// %s: %s:%d\n", t.fn, t.file(), t.line(fd))
	sep := " "
	if strings.HasSuffix(cret, "*") {
		sep = ""
	}
	if len(cparams) == 0 {
		cparams = []string{"void"}
	}
	fmt.Fprintf(t.buf, "%s%s%s(%s) {\n", cret, sep, spec.cname, strings.Join(cparams, ", "))
	for i, o := range spec.outs {
		if o == "ret" && t.results[i] != nil && t.usedResult(fd, i) {
			v := t.results[i]
			init := "0"
			if v.typ == "gQueue" || v.typ == "gList" {
				init = "{0}"
			}
			fmt.Fprintf(t.buf, "    %s%s%s = %s;\n", cType(v.typ), sepFor(cType(v.typ)), v.c, init)
		}
	}
	for _, l := range prologue {
		fmt.Fprintf(t.buf, "    %s\n", l)
	}
	t.buf.Write(body.Bytes())
	t.buf.WriteString("}\n\n")
}

func (t *translator) usedResult(fd *ast.FuncDecl, i int) bool {
	resNames := flatParams(fd.Type.Results)
	if i >= len(resNames) || resNames[i].name == nil {
		return false
	}
	return t.used[resNames[i].name.Obj] || hasBareReturn(fd.Body)
}

func hasBareReturn(b *ast.BlockStmt) bool {
	found := false
	ast.Inspect(b, func(n ast.Node) bool {
		if _, ok := n.(*ast.FuncLit); ok {
			return false
		}
		if r, ok := n.(*ast.ReturnStmt); ok && len(r.Results) == 0 {
			found = true
		}
		return !found
	})
	return found
}

// importProc translates the run-queue functions of a proc.go.
func importProc(name string, src []byte) ([]byte, error) {
	out, _, err := translateFamily(name, src, true)
	return out, err
}

// translateFile translates the ported functions src has; with all, every one of them must
// be there (a proc.go), else only those present (the unit tests' snippets).
func translateFile(name string, src []byte, all bool) ([]byte, error) {
	out, _, err := translateFamily(name, src, all)
	return out, err
}

// translateFamily is translateFile that also says which API family it found and by which
// signatures ("master: globrunqget() *g, ...").
func translateFamily(name string, src []byte, all bool) (out []byte, found string, err error) {
	fset := token.NewFileSet()
	f, perr := parser.ParseFile(fset, name, src, parser.ParseComments)
	if perr != nil {
		return nil, "", fmt.Errorf("%s: not a Go file: %v", name, perr)
	}
	decls := map[string]*ast.FuncDecl{}
	for _, d := range f.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok {
			key := fd.Name.Name
			if r := recvType(fd); r != "" {
				key = r + "." + key
			}
			decls[key] = fd
		}
	}
	var missing []string
	type item struct {
		fd   *ast.FuncDecl
		spec *funcSpec
		key  string
	}
	var items []item
	probe := &translator{fset: fset, fn: "(signature)", vars: map[*ast.Object]*varInfo{}}
	fam, why := detectFamily(decls, probe)
	found = fam.name
	if marks := familyMarks(fam, why); len(marks) > 0 {
		found += " (" + strings.Join(marks, "; ") + ")"
	}
	for i := range fam.specs {
		s := &fam.specs[i]
		key := specKey(s)
		fd, ok := decls[key]
		if !ok {
			missing = append(missing, key)
			continue
		}
		items = append(items, item{fd, s, key})
	}
	if len(missing) > 0 && all {
		return nil, found, fmt.Errorf("%s: no run-queue function %s (not a proc.go of a Go version the port knows; nearest API family: %s)", name, strings.Join(missing, ", "), fam.name)
	}
	sort.SliceStable(items, func(a, b int) bool { return items[a].fd.Pos() < items[b].fd.Pos() })

	var sites []siteUse
	var news []string
	var body bytes.Buffer
	defer func() {
		if r := recover(); r != nil {
			rf, ok := r.(*refusal)
			if !ok {
				panic(r)
			}
			out, found, err = nil, "", rf
		}
	}()
	for _, it := range items {
		t := &translator{fam: fam, news: &news, fset: fset, fn: it.key, siteFn: it.key, spec: it.spec,
			vars: map[*ast.Object]*varInfo{}, clos: map[*ast.Object]*ast.FuncLit{},
			counts: map[string]int{}, sites: &sites, buf: &body, used: map[*ast.Object]bool{}}
		if it.fd.Body == nil {
			t.refuse(it.fd, "function without a body")
		}
		t.function(it.fd, it.spec)
	}
	sum := sha256.Sum256(src)
	var b bytes.Buffer
	fmt.Fprintf(&b, fam.prelude, name, sum, fam.name, fam.handC)
	if len(news) > 0 {
		fmt.Fprintf(&b, "// New sites: accesses neither hand port has a site for, named\n")
		fmt.Fprintf(&b, "// <function>.<field>.<kind><n> (n: the access's ordinal among those of its kind on\n")
		fmt.Fprintf(&b, "// that field in that function, in source order). They take the imported slots of\n")
		fmt.Fprintf(&b, "// queue/runq_sites.h in this order; the engine names them so (runq_site_import).\n")
		for i, n := range news {
			fmt.Fprintf(&b, "//   RQ_SITE_imported_%d = %s\n", i, n)
		}
		b.WriteString("\n")
	}
	b.Write(body.Bytes())
	fmt.Fprintf(&b, "// Every seam access above, in source order: its site and its line in %s.\n", name)
	b.WriteString("const struct runq_import_site runq_import_sites[] = {\n")
	for _, s := range sites {
		fmt.Fprintf(&b, "    {RQ_SITE_%s, %d},\n", s.site, s.line)
	}
	b.WriteString("};\n")
	fmt.Fprintf(&b, "const int runq_import_nsites = %d;\n", len(sites))
	fmt.Fprintf(&b, "const char runq_import_source[] = %s;\n", strconv.Quote(name))
	b.WriteString(newSitesText(news))
	return b.Bytes(), found, nil
}

// isPackageLevel: an object declared outside any function (the parser resolves those of
// the same file too); locals are all in t.vars.
func isPackageLevel(o *ast.Object) bool {
	switch d := o.Decl.(type) {
	case *ast.ValueSpec, *ast.FuncDecl, *ast.TypeSpec:
		_ = d
		return true
	}
	return false
}
