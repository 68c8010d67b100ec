package exec

import (
	"context"

	"github.com/trailbook/trailbook/kernel/dql/value"
)

// BatchSize is the number of records operators aim to pass per batch: large enough to
// amortise per-call overhead, small enough to stay in cache.
const BatchSize = 1024

// Source is where `fetch logs` reads records: the embedded store, raw files given with
// --input, or a remote cluster. The executor never imports an implementation; the
// caller (kernel, CLI) hands one in.
//
// Scan is called once per fetch per query run, possibly from several queries at once,
// so implementations must be safe for concurrent use.
type Source interface {
	Scan(ctx context.Context, req ScanRequest) (Iterator, error)
}

// ScanRequest is what fetch asks of a Source: the time range, the buckets and the
// filters the planner could push down.
//
// Filters are hints for skipping work: a Source may apply any subset of them, or none,
// and may return records that fail them, because the executor applies the query's
// filters again. A Source must never drop a record that passes all of them. From/To and
// Buckets, however, must be applied exactly.
type ScanRequest struct {
	From, To int64    // [From, To) on the record's timestamp, ns since the epoch
	Buckets  []string // dt.system.bucket patterns (`*` wildcards); nil means every bucket
	Filters  []Predicate
	// Limit, when > 0, says that the query needs only the first Limit records that pass
	// the filters, in the Source's order.
	Limit int
}

// Op is a pushed-down comparison.
type Op string

// The pushed-down comparison operators.
const (
	OpEq         Op = "==" // Path == Values[0]
	OpNe         Op = "!=" // Path != Values[0] (true comparison: a null Path fails it)
	OpIn         Op = "in" // Path equals one of Values
	OpStartsWith Op = "startsWith"
	OpContains   Op = "contains"
	OpLt         Op = "<"
	OpLe         Op = "<="
	OpGt         Op = ">"
	OpGe         Op = ">="
	OpIsNull     Op = "isNull"
	OpIsNotNull  Op = "isNotNull"
)

// Predicate is one conjunct of a fetch's pushed-down filter: Path Op Values, where Path
// names a record field (["aws.region"]) or, when Path[0] is "content", a member path in
// the event JSON (["content", "userIdentity", "arn"], from
// `parse content, "JSON:event" | filter event[userIdentity][arn] == …`). Comparisons
// follow DQL (spec/dql.md §4.3–4.4): case-sensitive, numbers by value, a missing member
// is null and fails every Op except OpIsNull.
type Predicate struct {
	Path   []string
	Op     Op
	Values []value.Value
}

// Iterator yields the records of one scan in batches.
//
// Next returns the next batch, or a nil batch at the end. The caller owns the returned
// records (it may change them); the slice itself may be reused by the next call. Next
// is called from one goroutine at a time; ctx cancellation must make it return promptly
// with ctx.Err(). Close releases resources and may be called at any time, once.
type Iterator interface {
	Next(ctx context.Context) ([]*value.Record, error)
	Close() error
}

// Record field names of a stored CloudTrail event (spec/dql.md §14), in order.
const (
	FieldTimestamp    = "timestamp"
	FieldContent      = "content"
	FieldService      = "aws.service"
	FieldRegion       = "aws.region"
	FieldAccount      = "aws.account.id"
	FieldResourceType = "aws.resource.type"
	FieldBucket       = "dt.system.bucket"
	FieldLogSource    = "log.source"
	FieldLogLevel     = "loglevel"
)

// NarrowTime folds a pushed-down predicate on the record's timestamp into the range
// [from, to) and reports whether it could: Sources use it to read less.
func NarrowTime(from, to int64, p Predicate) (int64, int64, bool) {
	if p.Op == OpIsNotNull {
		return from, to, true // every record has a timestamp
	}
	if len(p.Values) != 1 {
		return from, to, false
	}
	t, ok := p.Values[0].Timestamp()
	if !ok {
		return from, to, false
	}
	switch p.Op {
	case OpEq:
		return max(from, t), min(to, t+1), true
	case OpGe:
		return max(from, t), to, true
	case OpGt:
		return max(from, t+1), to, true
	case OpLt:
		return from, min(to, t), true
	case OpLe:
		return from, min(to, t+1), true
	}
	return from, to, false
}
