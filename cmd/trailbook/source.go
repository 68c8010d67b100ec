package main

import (
	"context"
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
	if len(f.inputs) > 0 {
		return &files.Source{Paths: f.inputs, Bucket: f.bucket, Endpoint: f.endpoint}, func() {}, nil
	}
	if f.victorialogs != "" {
		return openVictoriaLogs(f.victorialogs)
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
