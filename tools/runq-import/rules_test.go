package main

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// Each testdata/*.go is a snippet of proc.go-shaped functions: the names and signatures
// the importer recognises, with small bodies written for the test (not Go's code), each
// exercising one rule or refusal. Its leading comments say what the translation must
// contain ("// want: "), must not contain ("// nowant: "), or the exact refusal it must
// end in ("// refuse: ").
func TestSnippets(t *testing.T) {
	files, err := filepath.Glob("testdata/*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata: %v", err)
	}
	for _, f := range files {
		f := f
		t.Run(filepath.Base(f), func(t *testing.T) {
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			var want, nowant, refuse []string
			for _, l := range strings.Split(string(src), "\n") {
				switch {
				case strings.HasPrefix(l, "// want: "):
					want = append(want, strings.TrimPrefix(l, "// want: "))
				case strings.HasPrefix(l, "// nowant: "):
					nowant = append(nowant, strings.TrimPrefix(l, "// nowant: "))
				case strings.HasPrefix(l, "// refuse: "):
					refuse = append(refuse, strings.TrimPrefix(l, "// refuse: "))
				}
			}
			out, err := translateFile("proc.go", src, false)
			if len(refuse) > 0 {
				if err == nil {
					t.Fatalf("translated; want refusal %q", refuse[0])
				}
				if err.Error() != refuse[0] {
					t.Fatalf("refusal\n got: %s\nwant: %s", err, refuse[0])
				}
				return
			}
			if err != nil {
				t.Fatalf("refused: %v", err)
			}
			for _, w := range want {
				if !bytes.Contains(out, []byte(w)) {
					t.Errorf("output lacks %q", w)
				}
			}
			for _, w := range nowant {
				if bytes.Contains(out, []byte(w)) {
					t.Errorf("output has %q", w)
				}
			}
			if t.Failed() {
				t.Logf("output:\n%s", out)
			}
		})
	}
}

func goProc(t *testing.T) []byte {
	src, err := os.ReadFile(filepath.Join(runtime.GOROOT(), "src", "runtime", "proc.go"))
	if err != nil {
		t.Skipf("no Go tree: %v", err)
	}
	return src
}

// The same proc.go gives the same C file, byte for byte.
func TestDeterministic(t *testing.T) {
	src := goProc(t)
	a, err := importProc("proc.go", src)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		b, err := importProc("proc.go", src)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Fatal("two imports of the same proc.go differ")
		}
	}
}

// Every site the hand port has appears in the import of Go's own tree (1.19's sites).
func TestEverySiteUsed(t *testing.T) {
	src := goProc(t)
	if !strings.HasPrefix(runtime.Version(), "go1.19") {
		t.Skipf("Go %s: the 1.19 sites are checked on Go 1.19's tree", runtime.Version())
	}
	out, err := importProc("proc.go", src)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range siteRules {
		if !bytes.Contains(out, []byte("RQ_SITE_"+r.site+")")) {
			t.Errorf("site %s not used", r.site)
		}
	}
}

// A file without the run-queue functions is bad input, not a refusal of a construct.
func TestMissingFunctions(t *testing.T) {
	_, err := importProc("proc.go", []byte("package runtime\n\nfunc runqput(_p_ *p, gp *g, next bool) {}\n"))
	if err == nil || !strings.Contains(err.Error(), "no run-queue function") {
		t.Fatalf("got %v", err)
	}
}

// The installed Go's tree is Debian's 1.19: the importer must say so, by the signatures
// only 1.19 has.
func TestFamilyOfGoTree(t *testing.T) {
	src := goProc(t)
	if !strings.HasPrefix(runtime.Version(), "go1.19") {
		t.Skipf("Go %s: the 1.19 family is checked on Go 1.19's tree", runtime.Version())
	}
	_, found, err := translateFamily("proc.go", src, true)
	if err != nil {
		t.Fatal(err)
	}
	want := "1.19 (globrunqget(*p, int32) *g; globrunqputbatch(*gQueue, int32); runqdrain(*p) (gQueue, uint32); runqputbatch(*p, *gQueue, int))"
	if found != want {
		t.Fatalf("family\n got: %s\nwant: %s", found, want)
	}
}

// Go master's proc.go at the commit queue/runq_master.c ports (RUNQ_MASTER_PROC_GO; the
// file is not in this repository: docs/go-versions.md says where it comes from): the
// master family, the same C twice, every one of runq_master.c's sites used and no new
// site (every access is one the hand port has).
func TestMasterProc(t *testing.T) {
	path := os.Getenv("RUNQ_MASTER_PROC_GO")
	if path == "" {
		t.Skip("RUNQ_MASTER_PROC_GO not set")
	}
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	a, found, err := translateFamily("proc.go", src, true)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(found, "master (") {
		t.Fatalf("family %s, want master", found)
	}
	for i := 0; i < 3; i++ {
		b, _, err := translateFamily("proc.go", src, true)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Fatal("two imports of the same proc.go differ")
		}
	}
	for _, r := range masterSiteRules {
		if r.site == "runqputbatch_lock" || r.site == "runqputbatch_unlock" {
			continue // 1.19's runqputbatch spilled under sched.lock; master's does not
		}
		if !bytes.Contains(a, []byte("RQ_SITE_"+r.site+")")) {
			t.Errorf("site %s not used", r.site)
		}
	}
	if bytes.Contains(a, []byte("RQ_SITE_imported_")) {
		t.Error("the import of master has a new site; runq_master.c has every access")
	}
}
