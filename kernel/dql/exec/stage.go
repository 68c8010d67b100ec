package exec

import (
	"context"
	"sync"

	"github.com/trailbook/trailbook/kernel/dql/plan"
	"github.com/trailbook/trailbook/kernel/dql/value"
)

// batchFunc transforms one batch: filter, parse, fieldsAdd… It may reuse the batch's
// slice and change its records. It checks ctx every checkEvery records, because
// per-record work can be expensive (levenshteinDistance on long strings) and an
// interrupt must land within a second; a cancelled call returns nil.
type batchFunc func(ctx context.Context, batch []*value.Record) []*value.Record

// checkEvery is how many records a batch function handles between looks at ctx.
const checkEvery = 64

// stateless reports whether a step transforms each record on its own, so that a run
// of such steps can process batches independently.
func stateless(s plan.Step) bool {
	switch s.(type) {
	case *plan.FilterStep, *plan.SearchStep, *plan.FieldsStep, *plan.KeepStep,
		*plan.RenameStep, *plan.FlattenStep, *plan.ParseStep:
		return true
	}
	return false
}

// chainFunc composes the batch functions of a run of stateless steps, with an
// evaluation context of its own (contexts hold per-goroutine iteration state).
func chainFunc(steps []plan.Step, cx *plan.Ctx) batchFunc {
	fns := make([]batchFunc, len(steps))
	for i, s := range steps {
		fns[i] = stepFunc(s, cx)
	}
	return func(ctx context.Context, b []*value.Record) []*value.Record {
		for _, f := range fns {
			if len(b) == 0 {
				return b
			}
			b = f(ctx, b)
		}
		return b
	}
}

func filterFunc(cond plan.Eval, cx *plan.Ctx, out bool) batchFunc {
	return func(ctx context.Context, b []*value.Record) []*value.Record {
		kept := b[:0]
		for i, r := range b {
			if i%checkEvery == checkEvery-1 && ctx.Err() != nil {
				return nil
			}
			if cond(cx, r).IsTrue() != out {
				kept = append(kept, r)
			}
		}
		return kept
	}
}

func mapFunc(f func(*value.Record) *value.Record) batchFunc {
	return func(ctx context.Context, b []*value.Record) []*value.Record {
		for i, r := range b {
			if i%checkEvery == checkEvery-1 && ctx.Err() != nil {
				return nil
			}
			b[i] = f(r)
		}
		return b
	}
}

func stepFunc(s plan.Step, cx *plan.Ctx) batchFunc {
	switch s := s.(type) {
	case *plan.FilterStep:
		return filterFunc(s.Cond.Eval, cx, s.Out)
	case *plan.SearchStep:
		return filterFunc(s.Cond.Eval, cx, false)
	case *plan.FieldsStep:
		return mapFunc(fieldsFunc(s, cx))
	case *plan.KeepStep:
		return mapFunc(keepFunc(s))
	case *plan.RenameStep:
		return mapFunc(renameFunc(s))
	case *plan.FlattenStep:
		return mapFunc(flattenFunc(s))
	case *plan.ParseStep:
		return mapFunc(parseFunc(s, cx))
	}
	panic("BUG: stepFunc on a stateful step")
}

// chainOp runs a batch function over its input on the calling goroutine.
type chainOp struct {
	in operator
	f  batchFunc
}

func (o *chainOp) Next(ctx context.Context) ([]*value.Record, error) {
	for {
		batch, err := o.in.Next(ctx)
		if batch == nil || err != nil {
			return nil, err
		}
		// The input may reuse its slice on the next call; filters write into it.
		if out := o.f(ctx, batch); len(out) > 0 {
			return out, nil
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
}

func (o *chainOp) Close() { o.in.Close() }

// parallelOp runs one batch function per worker over the input's batches and hands
// the results out in input order, so that what follows sees exactly what a
// sequential run would. One goroutine pulls the input (operators are pulled from one
// goroutine at a time); workers transform; Next reorders.
type parallelOp struct {
	in      operator
	fns     []batchFunc // one per worker
	started bool
	cancel  context.CancelFunc
	results chan seqBatch
	pending map[int]seqBatch
	next    int
	tokens  chan struct{} // one per batch in flight; Next returns them
	wg      sync.WaitGroup
	done    bool
	err     error
}

type seqBatch struct {
	seq   int
	batch []*value.Record
	err   error
	last  bool
}

func (o *parallelOp) start(ctx context.Context) {
	o.started = true
	ctx, o.cancel = context.WithCancel(ctx)
	workers := len(o.fns)
	jobs := make(chan seqBatch, workers)
	o.results = make(chan seqBatch, 2*workers)
	o.pending = map[int]seqBatch{}
	// Bound the batches in flight so a slow consumer holds back the reader.
	tokens := make(chan struct{}, 4*workers)
	o.wg.Add(1)
	go func() {
		defer o.wg.Done()
		defer close(jobs)
		for seq := 0; ; seq++ {
			select {
			case tokens <- struct{}{}:
			case <-ctx.Done():
				return
			}
			batch, err := o.in.Next(ctx)
			if err != nil || batch == nil {
				select {
				case o.results <- seqBatch{seq: seq, err: err, last: true}:
				case <-ctx.Done():
				}
				return
			}
			own := append([]*value.Record(nil), batch...)
			select {
			case jobs <- seqBatch{seq: seq, batch: own}:
			case <-ctx.Done():
				return
			}
		}
	}()
	for _, f := range o.fns {
		o.wg.Add(1)
		go func(f batchFunc) {
			defer o.wg.Done()
			for j := range jobs {
				j.batch = f(ctx, j.batch)
				select {
				case o.results <- j:
				case <-ctx.Done():
					return
				}
			}
		}(f)
	}
	o.tokens = tokens
}

func (o *parallelOp) Next(ctx context.Context) ([]*value.Record, error) {
	if o.err != nil || o.done {
		return nil, o.err
	}
	if !o.started {
		o.start(ctx)
	}
	for {
		r, ok := o.pending[o.next]
		if !ok {
			select {
			case r = <-o.results:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
			if r.seq != o.next {
				o.pending[r.seq] = r
				continue
			}
		} else {
			delete(o.pending, o.next)
		}
		o.next++
		if r.last {
			o.err = r.err
			if r.err == nil {
				o.done = true
			}
			return nil, r.err
		}
		<-o.tokens
		if len(r.batch) > 0 {
			return r.batch, nil
		}
	}
}

func (o *parallelOp) Close() {
	if o.cancel != nil {
		o.cancel()
		o.wg.Wait()
	}
	o.in.Close()
}
