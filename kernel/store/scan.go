package store

import (
	"context"
	"runtime"
	"slices"
	"sort"
	"strings"

	"github.com/trailbook/trailbook/kernel/dql/exec"
	"github.com/trailbook/trailbook/kernel/dql/value"
)

// unitRows is the number of rows a scan worker handles at once: large enough to
// amortise the hand-off, small enough that the records waiting in order (workers ×
// 2 units) stay within a few tens of megabytes.
const unitRows = 4096

// Pushed-down predicate kinds.
const (
	predColumn   = iota // a dictionary column
	predLogLevel        // loglevel, from errorCode's null-ness
	predBucket          // dt.system.bucket, constant per segment
)

// pred is a compiled exec.Predicate that the store can answer.
type pred struct {
	kind int
	col  int
	op   exec.Op
	strs []string
}

// Verdicts of a predicate on a cell. maybe is for "other" cells (a number where a
// string was expected): the executor decides.
const (
	no    = 0
	maybe = 1
	yes   = 2
)

// evalString applies p's comparison to a string.
func (p *pred) evalString(s string) bool {
	switch p.op {
	case exec.OpEq:
		return s == p.strs[0]
	case exec.OpNe:
		return s != p.strs[0]
	case exec.OpIn:
		return slices.Contains(p.strs, s)
	case exec.OpStartsWith:
		return strings.HasPrefix(s, p.strs[0])
	case exec.OpContains:
		return strings.Contains(s, p.strs[0])
	case exec.OpLt:
		return s < p.strs[0]
	case exec.OpLe:
		return s <= p.strs[0]
	case exec.OpGt:
		return s > p.strs[0]
	case exec.OpGe:
		return s >= p.strs[0]
	case exec.OpIsNull:
		return false
	case exec.OpIsNotNull:
		return true
	}
	return false
}

func (p *pred) evalNull() bool { return p.op == exec.OpIsNull }

func verdict(b bool) uint8 {
	if b {
		return yes
	}
	return no
}

// plan is a compiled ScanRequest.
type scanPlan struct {
	from, to int64
	buckets  []string
	preds    []pred
	exact    bool  // every filter was compiled: rows judged yes pass them all
	empty    bool  // a filter on a constant field fails: no record can pass
	filter   []int // columns the predicates read
	build    []int // … plus those record building reads
}

// compile maps a request's filters to columns. A filter the store cannot answer
// exactly — an unknown path, a non-string operand, an unknown operator — is left to
// the executor (Filters are hints); timestamp filters narrow the time range.
func compile(req exec.ScanRequest) scanPlan {
	sp := scanPlan{from: req.From, to: req.To, buckets: req.Buckets, exact: true}
	for _, f := range req.Filters {
		if !sp.add(f) {
			sp.exact = false
		}
	}
	for _, p := range sp.preds {
		switch p.kind {
		case predColumn:
			sp.filter = append(sp.filter, p.col)
		case predLogLevel:
			sp.filter = append(sp.filter, colErrorCode)
		}
	}
	build := append([]int{colErrorCode}, sp.filter...)
	for i := range recordColumns {
		build = append(build, len(contentColumns)+i)
	}
	slices.Sort(sp.filter)
	sp.filter = slices.Compact(sp.filter)
	slices.Sort(build)
	sp.build = slices.Compact(build)
	return sp
}

func (sp *scanPlan) add(f exec.Predicate) bool {
	if len(f.Path) == 1 && f.Path[0] == exec.FieldTimestamp {
		return sp.addTime(f)
	}
	p := pred{op: f.Op}
	switch f.Op {
	case exec.OpIsNull, exec.OpIsNotNull:
	case exec.OpIn:
	case exec.OpEq, exec.OpNe, exec.OpStartsWith, exec.OpContains, exec.OpLt, exec.OpLe, exec.OpGt, exec.OpGe:
		if len(f.Values) != 1 {
			return false
		}
	default:
		return false
	}
	for _, v := range f.Values {
		s, ok := v.Str()
		if !ok {
			return false
		}
		p.strs = append(p.strs, s)
	}
	switch {
	case len(f.Path) == 1 && (f.Path[0] == exec.FieldService || f.Path[0] == exec.FieldResourceType):
		c := serviceCloudTrail
		if f.Path[0] == exec.FieldResourceType {
			c = resourceTrail
		}
		if !p.evalString(c) {
			sp.empty = true
		}
		return true
	case len(f.Path) == 1 && f.Path[0] == exec.FieldLogLevel:
		p.kind = predLogLevel
	case len(f.Path) == 1 && f.Path[0] == exec.FieldBucket:
		p.kind = predBucket
	default:
		col := columnFor(f.Path)
		if col < 0 {
			return false
		}
		// isNull on an event member is left to the executor: `parse content,
		// "JSON:event"` fails on events longer than the JSON matcher's limit (128,000
		// bytes by default), whose members then all read null although the column holds
		// their values. Every other pushed comparison is false on null, so a column's
		// "yes" for such an event only lets through a row the executor drops.
		if f.Path[0] == exec.FieldContent && f.Op == exec.OpIsNull {
			return false
		}
		p.kind, p.col = predColumn, col
	}
	sp.preds = append(sp.preds, p)
	return true
}

// addTime folds a comparison of the timestamp into [from, to).
func (sp *scanPlan) addTime(f exec.Predicate) bool {
	var ok bool
	sp.from, sp.to, ok = exec.NarrowTime(sp.from, sp.to, f)
	return ok
}

// columnFor returns the column that answers path, or -1.
func columnFor(path []string) int {
	for i, c := range contentColumns {
		if slices.Equal(c.path, path) {
			return i
		}
	}
	for i, c := range recordColumns {
		if slices.Equal(c.path, path) {
			return len(contentColumns) + i
		}
	}
	return -1
}

// Scan implements exec.Source: it returns the records of [req.From, req.To) in the
// buckets req.Buckets selects, skipping rows that pushed-down filters reject by their
// columns alone. Records come segment by segment, in time order within a segment.
// Up to GOMAXPROCS workers decode units of rows ahead of the caller.
func (s *Store) Scan(ctx context.Context, req exec.ScanRequest) (exec.Iterator, error) {
	sp := compile(req)
	if sp.empty || sp.from >= sp.to {
		return &scanIter{done: true}, nil
	}
	segs, err := s.snapshot()
	if err != nil {
		return nil, err
	}
	var units []unit
	for _, seg := range segs {
		m := seg.meta
		if m.rows == 0 || m.max < sp.from || m.min >= sp.to || !MatchBuckets(sp.buckets, m.bucket) {
			continue
		}
		skip := false
		for i := range sp.preds {
			if p := &sp.preds[i]; p.kind == predBucket && !p.evalString(m.bucket) {
				skip = true
			}
		}
		if skip {
			continue
		}
		for lo := int64(0); lo < m.rows; lo += unitRows {
			units = append(units, unit{seg: seg, lo: int(lo), hi: int(min(lo+unitRows, m.rows))})
		}
	}
	it := &scanIter{sp: sp, units: units, limit: req.Limit}
	if len(units) == 0 {
		it.done = true
	}
	return it, nil
}

// unit is a range of a segment's rows, the work of one scan step.
type unit struct {
	seg    *segment
	lo, hi int
}

type unitResult struct {
	recs    []*value.Record
	certain []bool // recs[i] passes every filter for sure
	err     error
}

// scanIter runs the units on workers and hands their records out in unit order.
type scanIter struct {
	sp    scanPlan
	units []unit
	limit int

	started bool
	done    bool
	cancel  context.CancelFunc
	slots   []chan unitResult
	sem     chan struct{}
	next    int // next unit to hand out
	cur     unitResult
	pos     int
	passed  int // certain records handed out, for Limit
}

func (it *scanIter) start() {
	it.started = true
	ctx, cancel := context.WithCancel(context.Background())
	it.cancel = cancel
	workers := min(runtime.GOMAXPROCS(0), len(it.units))
	it.slots = make([]chan unitResult, len(it.units))
	for i := range it.slots {
		it.slots[i] = make(chan unitResult, 1)
	}
	it.sem = make(chan struct{}, 2*workers)
	work := make(chan int)
	go func() {
		defer close(work)
		for i := range it.units {
			select {
			case it.sem <- struct{}{}:
			case <-ctx.Done():
				return
			}
			select {
			case work <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	for w := 0; w < workers; w++ {
		go func() {
			var br *blockReader
			defer func() {
				if br != nil {
					br.close()
				}
			}()
			for i := range work {
				if ctx.Err() != nil {
					it.slots[i] <- unitResult{err: ctx.Err()}
					continue
				}
				it.slots[i] <- it.run(&it.units[i], &br)
			}
		}()
	}
}

// Next implements exec.Iterator.
func (it *scanIter) Next(ctx context.Context) ([]*value.Record, error) {
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if it.done {
			return nil, nil
		}
		if it.pos < len(it.cur.recs) {
			end := min(it.pos+exec.BatchSize, len(it.cur.recs))
			out := it.cur.recs[it.pos:end]
			if it.limit > 0 {
				for i := it.pos; i < end; i++ {
					if it.cur.certain[i] {
						it.passed++
						if it.passed >= it.limit {
							out = it.cur.recs[it.pos : i+1]
							it.finish()
							return out, nil
						}
					}
				}
			}
			it.pos = end
			return out, nil
		}
		if it.next >= len(it.units) {
			it.finish()
			return nil, nil
		}
		if !it.started {
			it.start()
		}
		select {
		case res := <-it.slots[it.next]:
			<-it.sem
			it.next++
			if res.err != nil {
				it.finish()
				return nil, res.err
			}
			it.cur, it.pos = res, 0
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

func (it *scanIter) finish() {
	it.done = true
	it.cur = unitResult{}
	if it.cancel != nil {
		it.cancel() // workers stop after their current unit
		it.cancel = nil
	}
}

// Close implements exec.Iterator.
func (it *scanIter) Close() error {
	it.finish()
	return nil
}

// run filters and decodes one unit.
func (it *scanIter) run(u *unit, brp **blockReader) unitResult {
	sp := &it.sp
	v, err := u.seg.view(sp.filter, false)
	if err != nil {
		return unitResult{err: err}
	}
	lo := max(u.lo, sort.Search(len(v.times), func(i int) bool { return v.times[i] >= sp.from }))
	hi := min(u.hi, sort.Search(len(v.times), func(i int) bool { return v.times[i] >= sp.to }))
	if lo >= hi {
		return unitResult{}
	}
	// Selection: row indexes with their verdict so far.
	sel := make([]int32, 0, hi-lo)
	ver := make([]uint8, 0, hi-lo)
	for i := lo; i < hi; i++ {
		sel = append(sel, int32(i))
		ver = append(ver, yes)
	}
	exact := sp.exact
	for pi := range sp.preds {
		p := &sp.preds[pi]
		var col *dictColumn
		var table []uint8
		switch p.kind {
		case predBucket:
			continue // decided per segment
		case predLogLevel:
			col = v.cols[colErrorCode]
			if col == nil {
				exact = false
				continue
			}
			info, errv := verdict(p.evalString("INFO")), verdict(p.evalString("ERROR"))
			table = make([]uint8, len(col.strs)+codeFirst)
			for k := range table {
				table[k] = errv
			}
			table[codeNull] = info
		case predColumn:
			col = v.cols[p.col]
			if col == nil {
				exact = false // an older segment without this column
				continue
			}
			table = make([]uint8, len(col.strs)+codeFirst)
			table[codeNull] = verdict(p.evalNull())
			table[codeOther] = maybe
			for k, str := range col.strs {
				table[k+codeFirst] = verdict(p.evalString(str))
			}
		}
		n := 0
		for j, r := range sel {
			t := table[col.code(int(r))]
			if t == no {
				continue
			}
			sel[n] = r
			ver[n] = min(ver[j], t)
			n++
		}
		sel, ver = sel[:n], ver[:n]
		if n == 0 {
			return unitResult{}
		}
	}
	if v, err = u.seg.view(sp.build, true); err != nil {
		return unitResult{err: err}
	}
	if *brp == nil || (*brp).s != u.seg {
		if *brp != nil {
			(*brp).close()
		}
		*brp = newBlockReader(u.seg, v)
	}
	br := *brp
	errCol := v.cols[colErrorCode]
	regCol := v.cols[len(contentColumns)+rcolRegion]
	accCol := v.cols[len(contentColumns)+rcolAccount]
	srcCol := v.cols[len(contentColumns)+rcolSource]
	if errCol == nil || regCol == nil || accCol == nil || srcCol == nil {
		return unitResult{err: corruptf("segment %q lacks a record column", u.seg.path)}
	}
	res := unitResult{recs: make([]*value.Record, 0, len(sel)), certain: make([]bool, 0, len(sel))}
	for j, r := range sel {
		raw, err := br.raw(int(r), v.ends)
		if err != nil {
			return unitResult{err: err}
		}
		rec := newRecord(v.times[r], unsafeString(raw), dictStr(regCol, int(r)), dictStr(accCol, int(r)),
			u.seg.meta.bucket, dictStr(srcCol, int(r)), errCol.code(int(r)) != codeNull)
		res.recs = append(res.recs, rec)
		res.certain = append(res.certain, exact && ver[j] == yes)
	}
	return res
}

// dictStr returns row i's string, "" for null.
func dictStr(c *dictColumn, i int) string {
	code := c.code(i)
	if code < codeFirst {
		return ""
	}
	return c.str(code)
}
