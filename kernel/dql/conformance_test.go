package dql_test

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trailbook/trailbook/kernel/dql"
	"github.com/trailbook/trailbook/kernel/dql/dqltest"
)

type confCase struct {
	ID       string `json:"id"`
	Query    string `json:"query"`
	Expected []any  `json:"expected"`
	Ordered  bool   `json:"ordered"`
	Error    bool   `json:"error"`
}

// knownFailures reads testdata/conformance-known-failures.txt: "id  reason" lines.
func knownFailures(t *testing.T) map[string]string {
	out := map[string]string{}
	f, err := os.Open("testdata/conformance-known-failures.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		id, reason, _ := strings.Cut(line, " ")
		out[id] = strings.TrimSpace(reason)
	}
	return out
}

// TestConformance runs the shared conformance cases in-process, with the comparison
// rules of shared/conformance/README.md. A case listed as a known failure must fail
// (so the list stays honest); every other case must pass.
func TestConformance(t *testing.T) {
	dir := dqltest.SharedDir(t)
	files, _ := filepath.Glob(filepath.Join(dir, "conformance", "cases", "*.json"))
	known := knownFailures(t)
	passed := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var c confCase
		if err := json.Unmarshal(b, &c); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		ok, detail := runCase(t, c)
		_, isKnown := known[c.ID]
		switch {
		case ok && isKnown:
			t.Errorf("%s passes now: remove it from testdata/conformance-known-failures.txt", c.ID)
		case !ok && !isKnown:
			t.Errorf("%s: %s\nquery: %s", c.ID, detail, c.Query)
		case ok:
			passed++
		}
	}
	t.Logf("conformance: %d of %d cases pass", passed, len(files))
}

func runCase(t *testing.T, c confCase) (bool, string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	opt := dql.Options{}
	opt.Now = time.Now()
	res, err := dql.Run(ctx, c.Query, opt)
	if c.Error {
		if err != nil {
			return true, ""
		}
		return false, "expected an error, got a result"
	}
	if err != nil {
		return false, "error: " + dql.Report(err)
	}
	actual := dqltest.Decode(t, res.Records)
	if dqltest.SameRecords(actual, c.Expected, c.Ordered) {
		return true, ""
	}
	got, _ := json.Marshal(actual)
	want, _ := json.Marshal(c.Expected)
	return false, "got  " + string(got) + "\nwant " + string(want)
}
