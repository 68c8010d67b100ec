package table

import (
	"html"
	"strconv"
	"strings"

	"github.com/trailbook/trailbook/kernel/dql/value"
)

// HTML renders records as an HTML table under the given columns, followed by a count
// line ("3 records", or "showing 100 of 2,500 records" when total is larger). Every
// column name and value is escaped: log strings are attacker-controlled, and the
// output is shown by notebook front ends (JupyterLab, nbconvert, GitHub) that trust
// text/html. Control characters are stripped and long cells shortened, as in Text.
//
//	<table class="trailbook-table"><thead><tr><th>a</th></tr></thead>
//	<tbody><tr><td>&lt;b&gt;</td></tr></tbody></table>
//	<p class="trailbook-count">1 record</p>
func HTML(cols []string, recs []*value.Record, total int) string {
	var b strings.Builder
	b.WriteString(`<table class="trailbook-table"><thead><tr>`)
	for _, c := range cols {
		b.WriteString("<th>")
		b.WriteString(html.EscapeString(Clean(c)))
		b.WriteString("</th>")
	}
	b.WriteString("</tr></thead>\n<tbody>\n")
	for _, r := range recs {
		b.WriteString("<tr>")
		for _, c := range cols {
			b.WriteString("<td>")
			if v, ok := r.Get(c); ok {
				b.WriteString(html.EscapeString(cut(Text(v))))
			}
			b.WriteString("</td>")
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</tbody></table>\n")
	b.WriteString(`<p class="trailbook-count">`)
	b.WriteString(CountLine(len(recs), total))
	b.WriteString("</p>\n")
	return b.String()
}

// CountLine says how many records are shown: "1 record", "12 records", or "showing
// 100 of 2,500 records".
func CountLine(shown, total int) string {
	if shown >= total {
		if total == 1 {
			return "1 record"
		}
		return group(total) + " records"
	}
	return "showing " + group(shown) + " of " + group(total) + " records"
}

// group writes n with thousands separators: 2500 → "2,500".
func group(n int) string {
	s := strconv.Itoa(n)
	if n < 0 || len(s) <= 3 {
		return s
	}
	var b strings.Builder
	pre := len(s) % 3
	if pre > 0 {
		b.WriteString(s[:pre])
	}
	for i := pre; i < len(s); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}
