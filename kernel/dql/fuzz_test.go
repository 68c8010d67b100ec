package dql_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/trailbook/trailbook/kernel/dql"
	"github.com/trailbook/trailbook/kernel/dql/dqltest"
)

// FuzzQuery compiles and runs arbitrary queries over `data` records: whatever the
// text, the engine returns a result or an error, never a panic, and a static error
// points inside the query.
func FuzzQuery(f *testing.F) {
	dir := dqltest.SharedDir(f)
	files, _ := filepath.Glob(filepath.Join(dir, "conformance", "cases", "*.json"))
	for _, file := range files {
		b, _ := os.ReadFile(file)
		var c struct{ Query string }
		if json.Unmarshal(b, &c) == nil {
			f.Add(c.Query)
		}
	}
	f.Fuzz(func(t *testing.T, q string) {
		if len(q) > 2000 {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		opt := dql.Options{}
		opt.Now = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)
		res, err := dql.Run(ctx, q, opt)
		if err != nil {
			_ = dql.Report(err)
			return
		}
		for _, r := range res.Records {
			_ = r.Len()
		}
	})
}
