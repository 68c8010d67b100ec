package exec

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"

	"github.com/trailbook/trailbook/kernel/dql/plan"
	"github.com/trailbook/trailbook/kernel/dql/value"
)

// ErrRuntime is the class of errors that stop a query while it runs (a sub-query with
// the wrong shape, a source that fails). Test with errors.Is.
var ErrRuntime = errors.New("query failed")

// RuntimeError is an error of one command while the query runs.
type RuntimeError struct {
	Command string
	Err     error
}

func (e *RuntimeError) Error() string { return fmt.Sprintf("%s: %v", e.Command, e.Err) }

// Unwrap returns the cause.
func (e *RuntimeError) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrRuntime) true.
func (e *RuntimeError) Is(target error) bool { return target == ErrRuntime }

// operator is one running command. Next returns the next batch of records (the
// receiver owns them afterwards) or nil at the end; it is called from one goroutine.
type operator interface {
	Next(ctx context.Context) ([]*value.Record, error)
	Close()
}

// Options configure a run.
type Options struct {
	Source Source // where fetch reads; nil makes fetch fail
	// NoPushdown stops handing filters to the Source (tests compare both ways).
	NoPushdown bool
	// Parallelism is how many goroutines run the per-record steps after a fetch;
	// 0 means GOMAXPROCS, 1 runs everything on the caller's goroutine.
	Parallelism int
	// Trace, if set, is told how each fetch is run: whether its aggregation is handed
	// to the Source and, if not, why (trailbook query --explain).
	Trace func(msg string)

	warn *warnings // what the Sources warn about while the query runs
}

func (o Options) trace(format string, args ...any) {
	if o.Trace != nil {
		o.Trace(fmt.Sprintf(format, args...))
	}
}

func (o Options) workers() int {
	if o.Parallelism > 0 {
		return o.Parallelism
	}
	return runtime.GOMAXPROCS(0)
}

// Open starts running p and returns an iterator over its result records. Records
// are produced as the caller pulls them; memory stays bounded by what blocking
// commands (sort, summarize, join's right side) must hold.
func Open(ctx context.Context, p *plan.Plan, opt Options) (Iterator, error) {
	if opt.warn == nil {
		opt.warn = &warnings{}
	}
	op, err := build(ctx, p, opt)
	if err != nil {
		return nil, err
	}
	return &planIter{op: op, warn: opt.warn}, nil
}

type planIter struct {
	op   operator
	warn *warnings
}

// Warnings implements Warner: what the query's Sources said so far.
func (it *planIter) Warnings() []string { return it.warn.get() }

func (it *planIter) Next(ctx context.Context) ([]*value.Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return it.op.Next(ctx)
}

func (it *planIter) Close() error { it.op.Close(); return nil }

// Result is a whole query result.
type Result struct {
	Records  []*value.Record
	Warnings []string
}

// Columns returns the field names of the result in order of first appearance.
func (r *Result) Columns() []string {
	seen := map[string]bool{}
	var cols []string
	for _, rec := range r.Records {
		rec.Range(func(n string, _ value.Value) bool {
			if !seen[n] {
				seen[n] = true
				cols = append(cols, n)
			}
			return true
		})
	}
	return cols
}

// Run runs p to completion and collects the records.
func Run(ctx context.Context, p *plan.Plan, opt Options) (*Result, error) {
	it, err := Open(ctx, p, opt)
	if err != nil {
		return nil, err
	}
	defer it.Close()
	res := &Result{Warnings: Warnings(p)}
	for {
		batch, err := it.Next(ctx)
		if err != nil {
			return nil, err
		}
		if batch == nil {
			res.Warnings = append(res.Warnings, RuntimeWarnings(it)...)
			return res, nil
		}
		res.Records = append(res.Records, batch...)
	}
}

// Warner is implemented by iterators that can say what their records lack: a
// Source's scan of a cluster that answered without one of its nodes, say. The
// iterators of Open implement it for the whole query.
type Warner interface {
	Warnings() []string
}

// RuntimeWarnings returns what the Sources of a query run with Open warned about so
// far (a partial answer). Callers show them with the result, as they show the plan's
// Warnings.
func RuntimeWarnings(it Iterator) []string {
	if w, ok := it.(Warner); ok {
		return w.Warnings()
	}
	return nil
}

// warnings collects the runtime warnings of a query and its sub-queries, once each.
type warnings struct {
	mu   sync.Mutex
	list []string
}

func (w *warnings) add(ss ...string) {
	if w == nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, s := range ss {
		if !slices.Contains(w.list, s) {
			w.list = append(w.list, s)
		}
	}
}

func (w *warnings) get() []string {
	if w == nil {
		return nil
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.list)
}

// Warnings returns what a plan's commands warn about (ignored parameters), for
// callers that stream with Open.
func Warnings(p *plan.Plan) []string {
	var out []string
	for _, s := range p.Steps {
		if f, ok := s.(*plan.FetchStep); ok {
			out = append(out, f.Warnings...)
		}
	}
	return out
}

// build wires the operators of a plan.
func build(ctx context.Context, p *plan.Plan, opt Options) (operator, error) {
	subs, err := runSubs(ctx, p, opt)
	if err != nil {
		return nil, err
	}
	newCtx := func() *plan.Ctx { return plan.NewCtx(p.Env, subs) }
	var op operator
	steps := p.Steps
	// pre is an aggregation computed by the Source, for the step at preAt.
	var pre *preAggregated
	preAt := -1
	for i := 0; i < len(steps); i++ {
		s := steps[i]
		if stateless(s) {
			// A run of per-record steps after a fetch runs on every core, in order.
			j := i
			for j < len(steps) && stateless(steps[j]) {
				j++
			}
			run := steps[i:j]
			_, fromFetch := op.(*fetchOp)
			if workers := opt.workers(); fromFetch && workers > 1 {
				fns := make([]batchFunc, workers)
				for w := range fns {
					fns[w] = chainFunc(run, newCtx())
				}
				op = &parallelOp{in: op, fns: fns}
			} else {
				op = &chainOp{in: op, f: chainFunc(run, newCtx())}
			}
			i = j - 1
			continue
		}
		switch s := s.(type) {
		case *plan.DataStep:
			op = &dataOp{records: s.Records}
		case *plan.FetchStep:
			if opt.Source == nil {
				return nil, &RuntimeError{Command: "fetch", Err: errors.New("no log source is configured")}
			}
			req := ScanRequest{From: s.From, To: s.To, Buckets: s.Buckets}
			if !opt.NoPushdown {
				req.Filters = pushdown(steps[i+1:])
			}
			if a, at, err := aggregate(ctx, opt, s, steps[i+1:], req.Filters); err != nil {
				return nil, &RuntimeError{Command: "fetch", Err: err}
			} else if a != nil {
				pre, preAt = a, i+1+at
				op = &fetchOp{it: a.rest, warn: opt.warn}
				continue
			}
			it, err := opt.Source.Scan(ctx, req)
			if err != nil {
				return nil, &RuntimeError{Command: "fetch", Err: err}
			}
			op = &fetchOp{it: it, warn: opt.warn}
		case *plan.SortStep:
			op = &sortOp{in: op, cx: newCtx(), keys: s.Keys, desc: s.Desc}
		case *plan.LimitStep:
			op = &limitOp{in: op, n: s.N}
		case *plan.DedupStep:
			op = &dedupOp{in: op, cx: newCtx(), step: s}
		case *plan.ExpandStep:
			op = &expandOp{in: op, cx: newCtx(), step: s}
		case *plan.AppendStep:
			sub, err := build(ctx, s.Sub, opt)
			if err != nil {
				return nil, err
			}
			op = &appendOp{first: op, second: sub}
		case *plan.JoinStep:
			right, err := collect(ctx, s.Sub, opt)
			if err != nil {
				return nil, err
			}
			op = newJoinOp(op, newCtx(), s, right)
		case *plan.LookupStep:
			right, err := collect(ctx, s.Sub, opt)
			if err != nil {
				return nil, err
			}
			op = newLookupOp(op, newCtx(), s, right)
		case *plan.SummarizeStep:
			o := &summarizeOp{in: op, cx: newCtx(), step: s}
			if i == preAt {
				o.pre = pre
			}
			op = o
		case *plan.TimeseriesStep:
			o := &timeseriesOp{in: op, cx: newCtx(), step: s}
			if i == preAt {
				o.pre = pre
			}
			op = o
		case *plan.FieldsSummaryStep:
			op = &fieldsSummaryOp{in: op, step: s}
		default:
			panic(fmt.Sprintf("BUG: no operator for %T", s))
		}
	}
	if op == nil {
		op = &dataOp{}
	}
	return op, nil
}

// collect runs a sub-plan to completion.
func collect(ctx context.Context, p *plan.Plan, opt Options) ([]*value.Record, error) {
	res, err := Run(ctx, p, opt)
	if err != nil {
		return nil, err
	}
	return res.Records, nil
}

// runSubs runs the `in [query]` sub-queries of p and builds their value sets.
func runSubs(ctx context.Context, p *plan.Plan, opt Options) ([]plan.SubResult, error) {
	out := make([]plan.SubResult, len(p.Subs))
	for i, sp := range p.Subs {
		recs, err := collect(ctx, sp, opt)
		if err != nil {
			return nil, err
		}
		keys := map[string]struct{}{}
		for _, r := range recs {
			if r.Len() != 1 {
				return nil, &RuntimeError{Command: "in", Err: fmt.Errorf("the sub-query must return exactly one field, found %d", r.Len())}
			}
			_, v := r.Field(0)
			if !v.IsNull() {
				keys[string(value.AppendKey(nil, v))] = struct{}{}
			}
		}
		out[i] = plan.SubResult{Keys: keys}
	}
	return out, nil
}

// dataOp yields constant records, copied because later operators change them.
type dataOp struct {
	records []*value.Record
	done    bool
}

func (o *dataOp) Next(context.Context) ([]*value.Record, error) {
	if o.done || len(o.records) == 0 {
		return nil, nil
	}
	o.done = true
	out := make([]*value.Record, len(o.records))
	for i, r := range o.records {
		out[i] = r.Clone()
	}
	return out, nil
}

func (o *dataOp) Close() {}

type fetchOp struct {
	it   Iterator
	warn *warnings
}

func (o *fetchOp) Next(ctx context.Context) ([]*value.Record, error) {
	b, err := o.it.Next(ctx)
	if w, ok := o.it.(Warner); ok {
		o.warn.add(w.Warnings()...)
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &RuntimeError{Command: "fetch", Err: err}
	}
	return b, nil
}

func (o *fetchOp) Close() { o.it.Close() }
