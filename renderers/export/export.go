// Package export writes query results as files: JSON lines in the typed encoding, the
// Grail-style JSON envelope, and CSV defused against spreadsheet formula injection
// (spec/dql.md §12, spec/interfaces.md). Writers stream: they take records one batch
// at a time.
package export

import (
	"bufio"
	"encoding/csv"
	"io"
	"strconv"
	"strings"

	"github.com/tidwall/gjson"
	"github.com/trailbook/trailbook/kernel/dql/value"
)

// JSONL writes one JSON object per record, values in the typed encoding
// (`--format jsonl`, what the conformance runner reads).
type JSONL struct {
	w   *bufio.Writer
	buf []byte
}

// NewJSONL returns a JSON lines writer.
func NewJSONL(w io.Writer) *JSONL { return &JSONL{w: bufio.NewWriterSize(w, 64<<10)} }

// Write writes records.
func (j *JSONL) Write(recs []*value.Record) error {
	for _, r := range recs {
		j.buf = value.AppendRecordJSONL(j.buf[:0], r)
		j.buf = append(j.buf, '\n')
		if _, err := j.w.Write(j.buf); err != nil {
			return err
		}
	}
	return nil
}

// Close flushes.
func (j *JSONL) Close() error { return j.w.Flush() }

// Grail writes the envelope {"records":[…],"types":[…]} with longs and durations as
// strings (spec/dql.md §12.1), so Grail tooling can read it.
type Grail struct {
	w       *bufio.Writer
	buf     []byte
	n       int
	types   []typeRange
	started bool
}

type typeRange struct {
	first, last int
	sig         string
	mapping     []byte
}

// NewGrail returns a Grail envelope writer.
func NewGrail(w io.Writer) *Grail { return &Grail{w: bufio.NewWriterSize(w, 64<<10)} }

// TypeName is the Grail type name of a value.
func TypeName(v value.Value) string {
	if v.IsNull() {
		return "null"
	}
	return v.Kind().String()
}

// Write writes records.
func (g *Grail) Write(recs []*value.Record) error {
	if !g.started {
		g.started = true
		if _, err := g.w.WriteString(`{"records":[`); err != nil {
			return err
		}
	}
	for _, r := range recs {
		g.buf = g.buf[:0]
		if g.n > 0 {
			g.buf = append(g.buf, ',')
		}
		g.buf = value.AppendRecordGrail(g.buf, r)
		if _, err := g.w.Write(g.buf); err != nil {
			return err
		}
		var sig strings.Builder
		mapping := []byte{'{'}
		first := true
		r.Range(func(name string, v value.Value) bool {
			sig.WriteString(name)
			sig.WriteByte(0)
			sig.WriteString(TypeName(v))
			sig.WriteByte(0)
			if !first {
				mapping = append(mapping, ',')
			}
			first = false
			mapping = gjson.AppendJSONString(mapping, name)
			mapping = append(mapping, `:{"type":`...)
			mapping = gjson.AppendJSONString(mapping, TypeName(v))
			mapping = append(mapping, '}')
			return true
		})
		mapping = append(mapping, '}')
		if k := len(g.types); k > 0 && g.types[k-1].sig == sig.String() {
			g.types[k-1].last = g.n
		} else {
			g.types = append(g.types, typeRange{first: g.n, last: g.n, sig: sig.String(), mapping: mapping})
		}
		g.n++
	}
	return nil
}

// Close writes the types and flushes.
func (g *Grail) Close() error {
	if !g.started {
		g.w.WriteString(`{"records":[`)
	}
	g.w.WriteString(`],"types":[`)
	for i, t := range g.types {
		if i > 0 {
			g.w.WriteByte(',')
		}
		g.buf = append(g.buf[:0], `{"indexRange":[`...)
		g.buf = appendInt(g.buf, t.first)
		g.buf = append(g.buf, ',')
		g.buf = appendInt(g.buf, t.last)
		g.buf = append(g.buf, `],"mappings":`...)
		g.buf = append(g.buf, t.mapping...)
		g.buf = append(g.buf, '}')
		g.w.Write(g.buf)
	}
	g.w.WriteString("]}\n")
	return g.w.Flush()
}

func appendInt(dst []byte, n int) []byte { return strconv.AppendInt(dst, int64(n), 10) }

// CSV writes RFC 4180 CSV with a header row. Columns must be known up front (a
// query's result columns); nested values are JSON text; a cell that begins with =, +,
// -, @, tab or CR is prefixed with ' so spreadsheets do not run it as a formula.
type CSV struct {
	w    *csv.Writer
	cols []string
	row  []string
}

// NewCSV returns a CSV writer and writes the header.
func NewCSV(w io.Writer, cols []string) (*CSV, error) {
	c := &CSV{w: csv.NewWriter(w), cols: cols, row: make([]string, len(cols))}
	head := make([]string, len(cols))
	for i, n := range cols {
		head[i] = Defuse(n)
	}
	return c, c.w.Write(head)
}

// Cell is the CSV text of a value: empty for null, strings as they are, timestamps in
// the JSON form, nested values as JSON.
func Cell(v value.Value) string {
	switch v.Kind() {
	case value.KindNull:
		return ""
	case value.KindString:
		s, _ := v.Str()
		return s
	case value.KindTimestamp:
		t, _ := v.Timestamp()
		return string(value.AppendTimestamp(nil, t))
	case value.KindArray, value.KindRecord, value.KindTimeframe:
		return string(value.AppendJSONL(nil, v))
	}
	return value.Format(v)
}

// Defuse prefixes a cell that a spreadsheet would evaluate as a formula with '.
func Defuse(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}

// Write writes records.
func (c *CSV) Write(recs []*value.Record) error {
	for _, r := range recs {
		for i, col := range c.cols {
			c.row[i] = Defuse(Cell(r.Lookup(col)))
		}
		if err := c.w.Write(c.row); err != nil {
			return err
		}
	}
	return nil
}

// Close flushes.
func (c *CSV) Close() error {
	c.w.Flush()
	return c.w.Error()
}
