package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/trailbook/trailbook/kernel"
	"github.com/trailbook/trailbook/kernel/dql/funcs"
	"github.com/trailbook/trailbook/kernel/script"
	"github.com/trailbook/trailbook/kernel/scriptcell"
	"github.com/trailbook/trailbook/kernel/zmq"
	"github.com/trailbook/trailbook/renderers/bundle"
)

func init() {
	register(command{name: "kernel", summary: "run a Jupyter kernel over ZeroMQ (Jupyter starts it from the kernelspec)", run: runKernel})
}

const kernelAbout = `
Runs one trailbook kernel over ZeroMQ, the Jupyter kernel protocol: JupyterLab, VS
Code, nbconvert --execute, nbclient and papermill start it from the kernelspec that
'trailbook kernelspec install' writes, giving it a connection file (ports and
signing key). DQL, %%js and %%md cells run exactly as in 'trailbook serve'.

The kernel ends on a shutdown request, on SIGTERM, and when the process that started
it ($JPY_PARENT_PID, or its parent) has ended. SIGINT interrupts the running cell.

Other arguments are ignored, as Jupyter's console apps pass their own along.
When FILE does not exist, the kernel picks free ports on 127.0.0.1 and a random key
and writes them to FILE, for 'jupyter console --existing FILE'; ports given as 0 in
FILE are chosen and written back the same way.

Logs come from --input files, else --victorialogs, else the store in --data, else the
embedded demo data. --now (or $TRAILBOOK_NOW) fixes now(), for reproducible runs.

Examples:
  trailbook kernel -f /run/user/1000/jupyter/kernel-1234.json
  trailbook kernel -f kernel.json --data /srv/trailbook-data`

type kernelFlags struct {
	file          string
	data          string
	victorialogs  string
	partial       bool
	inputs        stringList
	bucket        string
	now           string
	rows          int
	scriptTimeout time.Duration
}

func runKernel(args []string, stdout, stderr io.Writer) error {
	var f kernelFlags
	fs := kernelFlagSet(&f, stdout)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	// Positional arguments are ignored: Jupyter's console apps (jupyter run, jupyter
	// console) pass the arguments they did not use on to the kernel, as ipykernel
	// tolerates.
	_ = pos
	switch {
	case f.file == "":
		return usagef("missing -f CONNECTION_FILE")
	case f.rows < 1:
		return usagef("--rows must be at least 1")
	}
	now, clock := time.Now(), time.Now
	if f.now != "" {
		ns, ok := funcs.ParseTimestamp(f.now, time.UTC)
		if !ok {
			return usagef("--now: cannot read %q as a timestamp", f.now)
		}
		now = time.Unix(0, ns).UTC()
		clock = func() time.Time { return now }
	}

	info, write, err := connection(f.file)
	if err != nil {
		return err
	}
	if _, err := os.Stat(f.file); errors.Is(err, os.ErrNotExist) {
		// A connection file the kernel made up is its own to remove, as
		// jupyter_client removes those it writes.
		defer os.Remove(f.file)
	}
	src, closeSource, err := openSource(sourceFlags{inputs: f.inputs, bucket: f.bucket, data: f.data, now: now, victorialogs: f.victorialogs, partial: f.partial}, stderr)
	if err != nil {
		return err
	}
	defer closeSource()
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	s := kernel.New("", kernel.Options{
		Source:   src,
		Renderer: bundle.Renderer{Rows: f.rows},
		Scripts:  scriptcell.Factory(f.scriptTimeout),
		Now:      clock,
		Logger:   logger,
	})
	defer s.Shutdown()

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	// SIGINT interrupts the running cell, as in every Jupyter kernel: a terminal's
	// Ctrl-C reaches the whole process group, and must not kill the kernel.
	interrupts := make(chan os.Signal, 1)
	signal.Notify(interrupts, os.Interrupt)
	defer signal.Stop(interrupts)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	parentGone := zmq.WatchParent(ctx, zmq.ParentPoll)
	go func() {
		for {
			select {
			case <-interrupts:
				s.Interrupt()
			case <-parentGone:
				cancel()
				return
			case <-ctx.Done():
				return
			}
		}
	}()

	var writeErr error
	opt := zmq.Options{Logger: logger}
	if write {
		opt.Bound = func(bound zmq.ConnectionInfo) {
			if writeErr = zmq.WriteConnectionFile(f.file, bound); writeErr != nil {
				cancel()
				return
			}
			fmt.Fprintf(stderr, "trailbook kernel: connection file %s (jupyter console --existing %s)\n", f.file, f.file)
		}
	}
	if err := zmq.Serve(ctx, info, s, opt); err != nil {
		return err
	}
	return writeErr
}

// kernelFlagSet defines the kernel's flags, which kernelspec install checks too.
func kernelFlagSet(f *kernelFlags, stdout io.Writer) *flag.FlagSet {
	fs := newFlagSet("kernel", "kernel -f CONNECTION_FILE [flags]", kernelAbout, stdout)
	fs.StringVar(&f.file, "f", "", "the Jupyter connection `FILE` (written when it does not exist)")
	fs.StringVar(&f.data, "data", "", "store `DIR` (default $TRAILBOOK_DATA, else ./trailbook-data)")
	registerVictoriaLogs(fs, &f.victorialogs, &f.partial)
	fs.Var(&f.inputs, "input", "read logs from `PATH` (file, directory, s3://bucket/prefix) instead of the store; repeatable")
	fs.StringVar(&f.bucket, "bucket", "default_logs", "dt.system.bucket of records read with --input")
	fs.StringVar(&f.now, "now", os.Getenv("TRAILBOOK_NOW"), "fix now() to `TIMESTAMP` (default $TRAILBOOK_NOW, else the clock)")
	fs.IntVar(&f.rows, "rows", bundle.DefaultRows, "table rows in a cell's output (there is no paging outside 'serve')")
	fs.DurationVar(&f.scriptTimeout, "script-timeout", script.DefaultTimeout, "time limit of a %%js cell")
	return fs
}

// connection reads the connection file, or makes up a connection when there is
// none. write says to write the file once the kernel listens: a new one, or one
// with a port of 0 that only the kernel can fill in (ipykernel does the same).
func connection(path string) (info zmq.ConnectionInfo, write bool, err error) {
	info, err = zmq.ReadConnectionFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return zmq.NewConnectionInfo(), true, nil
	}
	zero := info.ShellPort == 0 || info.ControlPort == 0 || info.StdinPort == 0 || info.IOPubPort == 0 || info.HBPort == 0
	return info, zero, err
}
