package kernel

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"sort"

	"github.com/trailbook/trailbook/kernel/dql/exec"
	"github.com/trailbook/trailbook/kernel/dql/value"
)

// Result is the kept result of a cell: what later cells reference by name, and what
// the UI pages through with GET /api/trailbook/results/{id}. A Result is immutable
// once made and may be read from any goroutine.
type Result struct {
	ID      string // random, unguessable: the REST API serves results by id
	Name    string // the cell's name ("cell3", or trailbook.name from its metadata)
	Columns []Column
	// Records are the kept records, in result order; records must not be changed.
	Records []*value.Record
	// Total is the number of records the query returned. It exceeds len(Records) when
	// the result was larger than the session keeps (Options.MaxResultBytes).
	Total int
	Bytes int64 // approximate memory held by Records
}

// Column is a result column: its name and the DQL type of its values ("string",
// "timestamp", …), "mixed" when values of several types share the column, "null"
// when it holds only nulls.
type Column struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// Truncated reports whether some records were counted but not kept.
func (r *Result) Truncated() bool { return r.Total > len(r.Records) }

// Page returns up to limit kept records from offset.
func (r *Result) Page(offset, limit int) []*value.Record {
	if offset < 0 || offset >= len(r.Records) || limit <= 0 {
		return nil
	}
	return r.Records[offset:min(len(r.Records), offset+limit)]
}

// NewResult makes a result of records already in memory (a script's value). The
// records become the result's: the caller must not change them afterwards.
func NewResult(name string, recs []*value.Record) *Result {
	r := &Result{ID: newResultID(), Name: name, Total: len(recs)}
	var cs columnSet
	for _, rec := range recs {
		r.Records = append(r.Records, rec)
		r.Bytes += recordSize(rec)
		cs.add(rec)
	}
	r.Columns = cs.columns()
	return r
}

// collect reads a running query to its end, keeping records up to the session's
// byte budget and counting the rest.
func (s *Session) collect(ctx context.Context, it exec.Iterator) (*Result, error) {
	r := &Result{ID: newResultID()}
	var cs columnSet
	full := false
	for {
		batch, err := it.Next(ctx)
		if err != nil {
			return nil, err
		}
		if batch == nil {
			break
		}
		for _, rec := range batch {
			r.Total++
			if full {
				continue
			}
			size := recordSize(rec)
			if r.Bytes+size > s.opt.MaxResultBytes && len(r.Records) > 0 {
				full = true
				continue
			}
			r.Records = append(r.Records, rec)
			r.Bytes += size
			cs.add(rec)
		}
	}
	r.Columns = cs.columns()
	return r, nil
}

// keep stores a result under its cell name, as the previous cell's result, and
// learns its field names for completion. A cell that finishes after a restart
// (gen is older) stores nothing.
func (s *Session) keep(gen int, r *Result) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if gen != s.restarts {
		return
	}
	for _, old := range s.results.add(r) {
		for name, id := range s.names {
			if id == old.ID {
				delete(s.names, name)
			}
		}
		if s.prev == old.ID {
			s.prev = ""
		}
	}
	if r.Name != "" {
		s.names[r.Name] = r.ID
	}
	s.prev = r.ID
	s.fields.learn(r)
}

// Result returns a kept result by id.
func (s *Session) Result(id string) (*Result, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.results.get(id)
}

// NamedResult returns the kept result of the cell called name.
func (s *Session) NamedResult(name string) (*Result, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.names[name]
	if !ok {
		return nil, false
	}
	return s.results.get(id)
}

// PreviousResult returns the result of the last cell that had one.
func (s *Session) PreviousResult() (*Result, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.prev == "" {
		return nil, false
	}
	return s.results.get(s.prev)
}

func newResultID() string {
	var b [16]byte
	rand.Read(b[:]) // never fails (crypto/rand)
	return hex.EncodeToString(b[:])
}

// resultStore keeps results, least recently used first out, within a count and a
// byte budget. The newest result always stays, even alone over the budget.
type resultStore struct {
	max      int
	maxBytes int64
	bytes    int64
	order    []*Result // least recently used first
}

func newResultStore(max int, maxBytes int64) *resultStore {
	return &resultStore{max: max, maxBytes: maxBytes}
}

// add stores r and returns the results it pushed out.
func (st *resultStore) add(r *Result) (evicted []*Result) {
	st.order = append(st.order, r)
	st.bytes += r.Bytes
	for len(st.order) > 1 && (len(st.order) > st.max || st.bytes > st.maxBytes) {
		old := st.order[0]
		st.order = st.order[1:]
		st.bytes -= old.Bytes
		evicted = append(evicted, old)
	}
	return evicted
}

// get returns a result by id and marks it used.
func (st *resultStore) get(id string) (*Result, bool) {
	for i, r := range st.order {
		if r.ID == id {
			copy(st.order[i:], st.order[i+1:])
			st.order[len(st.order)-1] = r
			return r, true
		}
	}
	return nil, false
}

// recordSize estimates the memory a record holds: enough to bound a session's
// results, cheap enough to run on every record of a large result.
func recordSize(r *value.Record) int64 {
	const recordOverhead = 64
	if raw := r.Raw(); raw != "" {
		return recordOverhead + int64(len(raw))
	}
	n := int64(recordOverhead)
	r.Range(func(name string, v value.Value) bool {
		n += int64(len(name)) + valueSize(v)
		return true
	})
	return n
}

func valueSize(v value.Value) int64 {
	const valueOverhead = 48 // the Value struct and a slice slot
	switch v.Kind() {
	case value.KindString:
		s, _ := v.Str()
		return valueOverhead + int64(len(s))
	case value.KindArray:
		a, _ := v.Array()
		n := int64(valueOverhead)
		for _, e := range a {
			n += valueSize(e)
		}
		return n
	case value.KindRecord:
		r, _ := v.Record()
		return valueOverhead + recordSize(r)
	}
	return valueOverhead
}

// columnSet gathers a result's columns in order of first appearance, with the
// type of their values.
type columnSet struct {
	cols  []Column
	index map[string]int
}

func (cs *columnSet) add(r *value.Record) {
	if cs.index == nil {
		cs.index = map[string]int{}
	}
	r.Range(func(name string, v value.Value) bool {
		i, ok := cs.index[name]
		if !ok {
			i = len(cs.cols)
			cs.index[name] = i
			cs.cols = append(cs.cols, Column{Name: name, Type: "null"})
		}
		if v.IsNull() {
			return true
		}
		switch t := v.Kind().String(); cs.cols[i].Type {
		case "null":
			cs.cols[i].Type = t
		case t, "mixed":
		default:
			cs.cols[i].Type = "mixed"
		}
		return true
	})
}

func (cs *columnSet) columns() []Column {
	if cs.cols == nil {
		return []Column{}
	}
	return cs.cols
}

// fieldSet is the field names a session has seen in its results, for completion:
// top-level names and member paths of record fields (event[userIdentity][arn]).
type fieldSet map[string]string // name or path → DQL type

// Bounds of what fieldSet learns from each result and keeps in all: enough for the
// fields of CloudTrail events, small enough that completion stays instant.
const (
	fieldSampleRecords = 200
	fieldMaxDepth      = 4
	fieldMaxNames      = 5000
)

func (fs *fieldSet) learn(r *Result) {
	if *fs == nil {
		*fs = fieldSet{}
	}
	for _, rec := range r.Records[:min(len(r.Records), fieldSampleRecords)] {
		fs.walk("", rec, 0)
	}
}

func (fs fieldSet) walk(prefix string, r *value.Record, depth int) {
	r.Range(func(name string, v value.Value) bool {
		if len(fs) >= fieldMaxNames {
			return false
		}
		path := name
		if prefix != "" {
			path = prefix + "[" + name + "]"
		}
		if _, seen := fs[path]; !seen || fs[path] == "null" {
			fs[path] = v.Kind().String()
		}
		if sub, ok := v.Record(); ok && depth+1 < fieldMaxDepth {
			fs.walk(path, sub, depth+1)
		}
		return true
	})
}

// sorted returns the known names and paths, sorted.
func (fs fieldSet) sorted() []string {
	out := make([]string, 0, len(fs))
	for n := range fs {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
