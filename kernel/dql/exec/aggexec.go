package exec

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/trailbook/trailbook/kernel/dql/plan"
	"github.com/trailbook/trailbook/kernel/dql/value"
)

// preAggregated is what an Aggregator computed for a summarize or makeTimeseries.
type preAggregated struct {
	rows  []AggregateRow
	specs []AggSpec
	rest  Iterator
}

// sorted returns the rows by their first record's time, then by keys and slot, so
// that groups come in a defined order whatever order the Source answered in.
func (p *preAggregated) sorted() []AggregateRow {
	rows := slices.Clone(p.rows)
	slices.SortStableFunc(rows, func(a, b AggregateRow) int {
		if a.First != b.First {
			if a.First < b.First {
				return -1
			}
			return 1
		}
		for i := range a.Keys {
			if c := value.Compare(a.Keys[i], b.Keys[i]); c != 0 {
				return c
			}
		}
		switch {
		case a.Slot < b.Slot:
			return -1
		case a.Slot > b.Slot:
			return 1
		}
		return 0
	})
	return rows
}

// firstTimes keeps, per group, the time of its earliest record, when part of the
// groups were computed by a Source: its groups have no stream order, so the output
// lists groups by first appearance in time (spec/dql.md §8 "order of first
// appearance", in time order), groups of equal time in the order met.
type firstTimes struct{ t []int64 }

func (f *firstTimes) see(gi int, t int64) {
	for len(f.t) <= gi {
		f.t = append(f.t, math.MaxInt64)
	}
	f.t[gi] = min(f.t[gi], t)
}

func (f *firstTimes) seeRecord(gi int, r *value.Record) {
	t, ok := r.Lookup(FieldTimestamp).Timestamp()
	if !ok {
		t = math.MaxInt64
	}
	f.see(gi, t)
}

// order returns the output order of n groups: as met, or by first time when a Source
// computed some of them.
func (f *firstTimes) order(n int) []int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	if f.t == nil {
		return idx
	}
	for len(f.t) < n {
		f.t = append(f.t, math.MaxInt64)
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch {
		case f.t[a] < f.t[b]:
			return -1
		case f.t[a] > f.t[b]:
			return 1
		}
		return 0
	})
	return idx
}

// aggregate hands the aggregation after a fetch to the Source when it is an
// Aggregator and the steps allow it. It returns nil (and no error) when the fetch
// must be scanned instead; at is the aggregation's index in steps.
func aggregate(ctx context.Context, opt Options, fetch *plan.FetchStep, steps []plan.Step, hints []Predicate) (pre *preAggregated, at int, err error) {
	ag, ok := opt.Source.(Aggregator)
	if !ok || opt.NoPushdown {
		return nil, 0, nil
	}
	m, reason := matchAggregation(fetch, steps)
	if reason != "" {
		opt.trace("aggregation: not handed to the source (%s); every matching record is scanned", reason)
		return nil, 0, nil
	}
	m.req.Scan.Filters = hints
	a, err := ag.Aggregate(ctx, m.req)
	if errors.Is(err, ErrNotAggregated) {
		opt.trace("aggregation: the source declined (%v); every matching record is scanned", err)
		return nil, 0, nil
	}
	if err != nil {
		return nil, 0, err
	}
	for _, row := range a.Rows {
		if len(row.Keys) != len(m.req.By) || len(row.Parts) != len(m.req.Aggs) {
			if a.Rest != nil {
				a.Rest.Close()
			}
			return nil, 0, fmt.Errorf("the log source answered an aggregation with %d keys and %d values per group, want %d and %d",
				len(row.Keys), len(row.Parts), len(m.req.By), len(m.req.Aggs))
		}
	}
	opt.warn.add(a.Warnings...)
	local := "nothing more"
	if rest := steps[m.at+1:]; len(rest) > 0 {
		local = commandNames(rest)
	}
	opt.trace("aggregation: %s computed by the source (%d groups); in trailbook: the commands up to it over the records the source left, then %s",
		steps[m.at].Cmd().Name, len(a.Rows), local)
	rest := a.Rest
	if rest == nil {
		rest = emptyIter{}
	}
	return &preAggregated{rows: a.Rows, specs: m.req.Aggs, rest: rest}, m.at, nil
}

func commandNames(steps []plan.Step) string {
	names := make([]string, len(steps))
	for i, s := range steps {
		names[i] = s.Cmd().Name
	}
	return strings.Join(names, " | ")
}

// emptyIter yields nothing.
type emptyIter struct{}

func (emptyIter) Next(context.Context) ([]*value.Record, error) { return nil, nil }
func (emptyIter) Close() error                                  { return nil }
