package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/trailbook/trailbook/kernel/dql/exec"
	"github.com/trailbook/trailbook/kernel/store"
	"github.com/trailbook/trailbook/kernel/store/demo"
	"github.com/trailbook/trailbook/kernel/store/files"
)

// sourceFlags select where fetch logs reads.
type sourceFlags struct {
	inputs   []string
	bucket   string
	endpoint string
	data     string // --data as given; "" for the default
	now      time.Time
	// victorialogs is the --victorialogs URL; "" for the store.
	victorialogs string
	// partial is --partial: VictoriaLogs answers without its unavailable storage
	// nodes, and results say they are partial.
	partial bool
}

// partialUsage is the help text of --partial, beside every --victorialogs that reads.
const partialUsage = "with --victorialogs: when a storage node is down, answer from the nodes that are up and mark the result partial with a warning, instead of failing"

// registerVictoriaLogs registers --victorialogs URL and --partial, the flags of every
// command that reads logs from a VictoriaLogs cluster; pass both to openSource.
func registerVictoriaLogs(fs *flag.FlagSet, url *string, partial *bool) {
	fs.StringVar(url, "victorialogs", defaultVictoriaLogs(), victoriaLogsUsage)
	fs.BoolVar(partial, "partial", false, partialUsage)
}

// defaultDataDir is $TRAILBOOK_DATA, else ./trailbook-data (spec/interfaces.md).
func defaultDataDir() string {
	if d := os.Getenv("TRAILBOOK_DATA"); d != "" {
		return d
	}
	return "trailbook-data"
}

// openSource returns the log source: --input files; else the store in --data (or the
// default data directory when it holds events); else the embedded demo data, which it
// says on stderr in one line.
func openSource(f sourceFlags, stderr io.Writer) (exec.Source, func(), error) {
	if f.partial && (len(f.inputs) > 0 || f.victorialogs == "") {
		return nil, nil, usagef("--partial applies to --victorialogs only")
	}
	if len(f.inputs) > 0 {
		return &files.Source{Paths: f.inputs, Bucket: f.bucket, Endpoint: f.endpoint}, func() {}, nil
	}
	if f.victorialogs != "" {
		return openVictoriaLogs(f.victorialogs, f.partial)
	}
	dir := f.data
	explicit := dir != ""
	if !explicit {
		dir = defaultDataDir()
		explicit = os.Getenv("TRAILBOOK_DATA") != ""
	}
	if _, err := os.Stat(dir); err == nil || explicit {
		st, err := store.Open(dir)
		if err != nil {
			return nil, nil, fmt.Errorf("cannot open the store in %s: %w", dir, err)
		}
		if explicit || !st.Empty() {
			return st, func() { st.Close() }, nil
		}
		st.Close()
	}
	abs, _ := filepath.Abs(dir)
	return &announced{Source: demo.Source(f.now), note: fmt.Sprintf("trailbook: no logs ingested in %s; using the embedded demo data (ingest your own with 'trailbook ingest')\n", abs), w: stderr}, func() {}, nil
}

// announced says once, on the first fetch, that the demo data is in use; queries
// that fetch nothing (data record(...)) print no note.
type announced struct {
	exec.Source
	note string
	w    io.Writer
	once sync.Once
}

func (a *announced) Scan(ctx context.Context, req exec.ScanRequest) (exec.Iterator, error) {
	a.once.Do(func() { io.WriteString(a.w, a.note) })
	return a.Source.Scan(ctx, req)
}
