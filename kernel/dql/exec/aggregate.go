package exec

import (
	"context"
	"errors"

	"github.com/trailbook/trailbook/kernel/dql/value"
)

// Aggregator is a Source that can compute an aggregation itself, so that a cluster
// sends groups instead of records. The executor calls Aggregate instead of Scan when
// every command between a fetch and a summarize or makeTimeseries can be said to the
// Source exactly (see AggregateRequest): filters and filterOuts on fields and event
// member paths, `parse content, "JSON:event"`, and fieldsAdd, fieldsRename,
// fieldsRemove, fieldsKeep and fields that only name such paths.
//
// A Source may aggregate only part of the matching records, the part where it can
// be exact, and hand the others back as Rest: the executor runs the query's commands
// over them as over a scan and merges their groups with the Source's. It keeps what
// belongs to DQL — output names and types, makeTimeseries slots, empty-slot nulls,
// default:, rate:, group order — so a Source only filters, groups and counts.
//
// Aggregate returns an error wrapping ErrNotAggregated when it cannot answer the
// request exactly; the executor then scans, as for any Source. It must never answer
// approximately.
type Aggregator interface {
	Source
	Aggregate(ctx context.Context, req AggregateRequest) (*Aggregation, error)
}

// ErrNotAggregated is what an Aggregator returns (wrapped, with the reason) for a
// request it cannot compute exactly.
var ErrNotAggregated = errors.New("the log source cannot compute this aggregation exactly")

// AggregateRequest is a fetch, the commands up to an aggregation, and the
// aggregation, with every field reference resolved to a Predicate-style path:
// [field] for a record field, ["content", k1, k2, …] for the event member
// event[k1][k2].
type AggregateRequest struct {
	// Scan is what Scan would get: the time range and buckets, which apply exactly,
	// and the pushed-down filters, hints for the Rest scan. For makeTimeseries the
	// range is cut to the series' timeframe.
	Scan ScanRequest
	// Where is every filter between the fetch and the aggregation: a record is
	// aggregated when it passes each of them.
	Where []Filter
	// By are the group paths, one per by: item; a group is one combination of their
	// values (null is a value).
	By [][]string
	// Aggs are the aggregations, one per aggregation function call of the command.
	Aggs []AggSpec
	// Interval > 0 asks for groups per makeTimeseries slot as well: the slots are
	// [Origin + k·Interval, Origin + (k+1)·Interval).
	Interval int64
	Origin   int64
}

// Filter is one filter command: with Out (filterOut), a record passes when Cond is
// not true (false or null); otherwise when Cond is true.
type Filter struct {
	Cond Cond
	Out  bool
}

// CondOp is the operator of a Cond.
type CondOp string

// The operators of a Cond.
const (
	CondPred CondOp = "pred" // Pred
	CondAnd  CondOp = "and"  // every Arg, three-valued
	CondOr   CondOp = "or"   // any Arg, three-valued
	CondNot  CondOp = "not"  // Args[0] negated; not null is null
)

// Cond is a filter condition in DQL's three-valued logic (spec/dql.md §4.5). A
// predicate is null when its Path is null (except isNull and isNotNull, never null)
// and, for the ordering operators, when Path and value are of types that do not
// compare (§4.4); == between such types is false and != true (§4.3).
type Cond struct {
	Op   CondOp
	Pred Predicate
	Args []Cond
}

// AggFunc names an aggregation an Aggregator may compute.
type AggFunc string

// The aggregations. The executor feeds an AggPart into the query's own accumulator,
// so that results keep DQL's types and null rules.
const (
	// AggCount is count(): AggPart.Count records.
	AggCount AggFunc = "count"
	// AggCountIf is countIf(Cond): AggPart.Count records where Cond is true.
	AggCountIf AggFunc = "countIf"
	// AggDistinct is countDistinct(Path) and its variants: AggPart.Values holds each
	// distinct non-null value once.
	AggDistinct AggFunc = "countDistinct"
	// AggMin and AggMax are min(Path) and max(Path): AggPart.Values holds the
	// smallest (largest) non-null value of each type present, none for no values.
	AggMin AggFunc = "min"
	AggMax AggFunc = "max"
	// AggSum and AggAvg are sum(Path) and avg(Path). A Source can answer them only
	// for records whose values are not numbers, which make the result null:
	// AggPart.Values holds one such value when there is any, else none.
	AggSum AggFunc = "sum"
	AggAvg AggFunc = "avg"
)

// AggSpec is one aggregation of an AggregateRequest.
type AggSpec struct {
	Func AggFunc
	Path []string // the argument; nil for AggCount and AggCountIf
	Cond *Cond    // AggCountIf's condition
}

// Aggregation is an Aggregator's answer: the groups it computed and the records it
// left to the executor. Every record that passes the request is in exactly one of
// them.
type Aggregation struct {
	Rows []AggregateRow
	// Rest yields the records the Source did not aggregate: a superset of those that
	// pass the request (the executor applies the filters again) and none of those
	// counted in Rows. nil when there are none.
	Rest Iterator
	// Warnings say what the answer lacks (a partial answer of a cluster).
	Warnings []string
}

// AggregateRow is one group (one group and slot for makeTimeseries).
type AggregateRow struct {
	Keys  []value.Value // one per AggregateRequest.By: typed, null where the path is null
	Slot  int64         // the start of the row's slot, when Interval > 0
	First int64         // the timestamp of the row's earliest record: groups come in order of it
	Parts []AggPart
}

// AggPart is one aggregation of one AggregateRow; see AggFunc for its meaning.
type AggPart struct {
	Count  int64
	Values []value.Value
}
