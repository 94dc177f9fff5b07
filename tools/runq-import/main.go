// runq-import reads a Go proc.go (or a GOROOT) and writes a C port of its run-queue
// functions against the seam of queue/runq_seam.h: a drop-in replacement for
// queue/runq.c (same header, same entry points).
//
// usage: runq-import [-o OUT.c] PROC_GO|GOROOT
//
// It says on standard error which API family it found (1.19 or master: the signatures
// the engine's ops call) and writes a port of that family.
//
// Exit: 0 written; 2 bad input, or a construct outside the subset the rule table
// (rules.go) covers: "proc.go:LINE:COL: cannot import <construct> in <function>".
// The same input gives the same output, byte for byte.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	out := flag.String("o", "", "write the C file here (default: standard output)")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: runq-import [-o OUT.c] PROC_GO|GOROOT")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	path := flag.Arg(0)
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		path = filepath.Join(path, "src", "runtime", "proc.go")
	}
	src, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintf(os.Stderr, "runq-import: %v\n", err)
		os.Exit(2)
	}
	c, found, err := translateFamily(filepath.Base(path), src, true)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	// Which API family the ops will mean: the engine must run this port as that version
	// (runq-replay --go 1.19 / --go master).
	fmt.Fprintf(os.Stderr, "runq-import: %s: API family %s\n", path, found)
	if *out == "" {
		os.Stdout.Write(c)
		return
	}
	if err := os.WriteFile(*out, c, 0o644); err != nil {
		fmt.Fprintf(os.Stderr, "runq-import: %v\n", err)
		os.Exit(2)
	}
}
