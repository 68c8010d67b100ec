package main

import (
	"fmt"
	"io"
	"time"

	"github.com/trailbook/trailbook/kernel/dql/funcs"
	"github.com/trailbook/trailbook/kernel/store"
)

func init() {
	register(command{name: "store", summary: "show or prune the store: store info | store delete", run: runStore})
}

const storeAbout = `
Maintains the store in --data.

  trailbook store info                        events, time range, size on disk, buckets
  trailbook store delete --bucket B           remove every event of bucket B
  trailbook store delete --before T           remove events older than T (timestamp)
  trailbook store delete --bucket B --before T`

func runStore(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("store", "store (info | delete) [flags]", storeAbout, stdout)
	data := fs.String("data", "", "store `DIR` (default $TRAILBOOK_DATA, else ./trailbook-data)")
	bucket := fs.String("bucket", "", "delete: the bucket to remove")
	before := fs.String("before", "", "delete: remove events before this `TIMESTAMP`")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || (pos[0] != "info" && pos[0] != "delete") {
		return usagef("expected 'info' or 'delete'")
	}
	dir := *data
	if dir == "" {
		dir = defaultDataDir()
	}
	st, err := store.Open(dir)
	if err != nil {
		return fmt.Errorf("cannot open the store in %s: %w", dir, err)
	}
	defer st.Close()
	if pos[0] == "info" {
		info, err := st.Info()
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "store:     %s\nevents:    %d\n", info.Dir, info.Events)
		if info.Events > 0 {
			fmt.Fprintf(stdout, "from:      %s\nto:        %s\n", info.First.UTC().Format(time.RFC3339), info.Last.UTC().Format(time.RFC3339))
		}
		fmt.Fprintf(stdout, "size:      %s in %d segments\n", humanBytes(info.Bytes), info.Segments)
		for _, b := range info.Buckets {
			fmt.Fprintf(stdout, "bucket:    %-24s %10d events  %s .. %s\n", b.Name, b.Events, b.First.UTC().Format(time.RFC3339), b.Last.UTC().Format(time.RFC3339))
		}
		return nil
	}
	if *bucket == "" && *before == "" {
		return usagef("delete needs --bucket, --before, or both")
	}
	var t time.Time
	if *before != "" {
		ns, ok := funcs.ParseTimestamp(*before, time.UTC)
		if !ok {
			return usagef("--before: cannot read %q as a timestamp", *before)
		}
		t = time.Unix(0, ns).UTC()
	}
	n, err := st.Delete(*bucket, t)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "deleted %d events\n", n)
	return nil
}
