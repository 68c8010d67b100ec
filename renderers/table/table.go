// Package table renders query results as aligned text for terminals: control
// characters stripped (log strings are attacker-controlled), long cells shortened.
package table

import (
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/trailbook/trailbook/kernel/dql/value"
)

// MaxCell is the widest a cell is printed before it is cut with "…".
const MaxCell = 60

// Text returns the terminal text of a value: strings as they are, nested values as
// JSON, control characters removed.
func Text(v value.Value) string {
	var s string
	switch v.Kind() {
	case value.KindString:
		s, _ = v.Str()
	case value.KindArray, value.KindRecord, value.KindTimeframe:
		s = string(value.AppendJSONL(nil, v))
	case value.KindTimestamp:
		t, _ := v.Timestamp()
		s = string(value.AppendTimestamp(nil, t))
	default:
		s = value.Format(v)
	}
	return Clean(s)
}

// Clean removes control and bidirectional-override characters, which could rewrite
// what a terminal shows.
func Clean(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) {
			if r == '\t' || r == '\n' {
				return ' '
			}
			return -1
		}
		return r
	}, s)
}

func cut(s string) string {
	if utf8.RuneCountInString(s) <= MaxCell {
		return s
	}
	r := []rune(s)
	return string(r[:MaxCell-1]) + "…"
}

// Write renders records under the given columns, with a count line at the end.
func Write(w io.Writer, cols []string, recs []*value.Record) error {
	cells := make([][]string, len(recs))
	width := make([]int, len(cols))
	for i, c := range cols {
		width[i] = utf8.RuneCountInString(Clean(c))
	}
	for ri, r := range recs {
		row := make([]string, len(cols))
		for i, c := range cols {
			v, ok := r.Get(c)
			if !ok {
				row[i] = ""
			} else {
				row[i] = cut(Text(v))
			}
			width[i] = max(width[i], utf8.RuneCountInString(row[i]))
		}
		cells[ri] = row
	}
	var b strings.Builder
	line := func(row []string) {
		for i, s := range row {
			if i > 0 {
				b.WriteString("  ")
			}
			b.WriteString(s)
			if i < len(row)-1 {
				b.WriteString(strings.Repeat(" ", width[i]-utf8.RuneCountInString(s)))
			}
		}
		b.WriteByte('\n')
	}
	head := make([]string, len(cols))
	rule := make([]string, len(cols))
	for i, c := range cols {
		head[i] = Clean(c)
		rule[i] = strings.Repeat("─", width[i])
	}
	if len(cols) > 0 {
		line(head)
		line(rule)
	}
	for _, row := range cells {
		line(row)
	}
	switch len(recs) {
	case 1:
		b.WriteString("(1 record)\n")
	default:
		b.WriteString("(" + strconv.Itoa(len(recs)) + " records)\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}
