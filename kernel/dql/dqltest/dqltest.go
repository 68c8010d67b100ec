// Package dqltest holds what tests of query results share: the comparison rules of
// shared/conformance/README.md and the location of the shared test material.
package dqltest

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/trailbook/trailbook/kernel/dql/value"
)

// SharedDir returns the absolute path of shared/ beside the repository. Tests that
// need it fail, never skip, when it is missing.
func SharedDir(t testing.TB) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "..", "..", "..", "..", "shared")
	dir, _ = filepath.Abs(dir)
	if _, err := os.Stat(filepath.Join(dir, "spec")); err != nil {
		t.Fatalf("shared material not found at %s: clone shared/ beside the repository (%v)", dir, err)
	}
	return dir
}

// Decode turns records into decoded JSON values in the typed (jsonl) encoding.
func Decode(t testing.TB, recs []*value.Record) []any {
	t.Helper()
	out := make([]any, 0, len(recs))
	for _, r := range recs {
		var v any
		if err := json.Unmarshal(value.AppendRecordJSONL(nil, r), &v); err != nil {
			t.Fatalf("record does not encode as JSON: %v", err)
		}
		out = append(out, v)
	}
	return out
}

// Equal compares a decoded actual value with an expected one: numbers by value with
// a relative tolerance of 1e-9, records as maps where absent equals null.
func Equal(a, e any) bool {
	switch e := e.(type) {
	case nil:
		return a == nil
	case bool:
		ab, ok := a.(bool)
		return ok && ab == e
	case float64:
		af, ok := a.(float64)
		return ok && math.Abs(af-e) <= 1e-9*math.Max(1, math.Abs(e))
	case string:
		as, ok := a.(string)
		return ok && as == e
	case []any:
		aa, ok := a.([]any)
		if !ok || len(aa) != len(e) {
			return false
		}
		for i := range e {
			if !Equal(aa[i], e[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		am, ok := a.(map[string]any)
		if !ok {
			return false
		}
		for k, v := range am {
			if !Equal(v, e[k]) {
				return false
			}
		}
		for k, v := range e {
			if _, ok := am[k]; !ok && v != nil {
				return false
			}
		}
		return true
	}
	return false
}

// SameRecords compares result lists, in order or as multisets.
func SameRecords(actual, expected []any, ordered bool) bool {
	if len(actual) != len(expected) {
		return false
	}
	if ordered {
		for i := range expected {
			if !Equal(actual[i], expected[i]) {
				return false
			}
		}
		return true
	}
	left := append([]any{}, actual...)
	for _, e := range expected {
		found := false
		for i, a := range left {
			if Equal(a, e) {
				left = append(left[:i], left[i+1:]...)
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
