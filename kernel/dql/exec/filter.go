package exec

import (
	"context"

	"github.com/trailbook/trailbook/kernel/dql/value"
)

// limitOp is `limit n`: it stops pulling once n records have passed.
type limitOp struct {
	in   operator
	n    int64
	seen int64
}

func (o *limitOp) Next(ctx context.Context) ([]*value.Record, error) {
	if o.seen >= o.n {
		return nil, nil
	}
	batch, err := o.in.Next(ctx)
	if batch == nil || err != nil {
		return nil, err
	}
	if left := o.n - o.seen; int64(len(batch)) > left {
		batch = batch[:left]
	}
	o.seen += int64(len(batch))
	return batch, nil
}

func (o *limitOp) Close() { o.in.Close() }

// appendOp is `append [query]`: the input, then the sub-query's records.
type appendOp struct {
	first, second operator
	firstDone     bool
}

func (o *appendOp) Next(ctx context.Context) ([]*value.Record, error) {
	if !o.firstDone {
		b, err := o.first.Next(ctx)
		if err != nil || b != nil {
			return b, err
		}
		o.firstDone = true
	}
	return o.second.Next(ctx)
}

func (o *appendOp) Close() { o.first.Close(); o.second.Close() }

// drain pulls every record of an operator.
func drain(ctx context.Context, in operator, fn func(r *value.Record)) error {
	for {
		// Blocking operators pull everything here: check for interrupts per batch.
		if err := ctx.Err(); err != nil {
			return err
		}
		batch, err := in.Next(ctx)
		if err != nil {
			return err
		}
		if batch == nil {
			return nil
		}
		for _, r := range batch {
			fn(r)
		}
	}
}

// emit hands out collected records in batches.
type emitter struct {
	recs []*value.Record
	pos  int
}

func (e *emitter) next() []*value.Record {
	if e.pos >= len(e.recs) {
		return nil
	}
	end := min(e.pos+BatchSize, len(e.recs))
	b := e.recs[e.pos:end]
	e.pos = end
	return b
}
