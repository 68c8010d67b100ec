package main

import (
	"io"
	"time"

	"github.com/trailbook/trailbook/kernel/dql/exec"
	"github.com/trailbook/trailbook/kernel/store/files"
)

// sourceFlags select where fetch logs reads.
type sourceFlags struct {
	inputs   []string
	bucket   string
	endpoint string
	data     string
	now      time.Time
}

// openSource returns the log source: --input files, else the store, else the demo data.
func openSource(f sourceFlags, stderr io.Writer) (exec.Source, func(), error) {
	if len(f.inputs) > 0 {
		return &files.Source{Paths: f.inputs, Bucket: f.bucket, Endpoint: f.endpoint}, func() {}, nil
	}
	return nil, func() {}, nil
}
