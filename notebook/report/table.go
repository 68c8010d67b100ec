package report

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// tableData is an application/vnd.trailbook.table+json value:
// {"columns":[{"name","type"}],"records":[…],"total":N,"kept":K}.
type tableData struct {
	Columns []struct {
		Name string `json:"name"`
		Type string `json:"type"`
	} `json:"columns"`
	Records []json.RawMessage `json:"records"`
	Total   *int              `json:"total"`
}

// table renders a table output from its data, every name and value escaped.
func (r *writer) table(raw json.RawMessage) {
	var t tableData
	if err := json.Unmarshal(raw, &t); err != nil {
		r.b.WriteString(`<p class="output muted">(a table output that cannot be read)</p>` + "\n")
		return
	}
	rows := make([]record, 0, min(len(t.Records), r.opt.MaxRows))
	for _, rec := range t.Records[:min(len(t.Records), r.opt.MaxRows)] {
		rows = append(rows, fields(rec))
	}
	var cols, types []string
	seen := map[string]bool{}
	for _, c := range t.Columns {
		if !seen[c.Name] {
			seen[c.Name] = true
			cols, types = append(cols, c.Name), append(types, c.Type)
		}
	}
	// Columns the records have but the header does not list (older writers).
	for _, row := range rows {
		for _, f := range row {
			if !seen[f.name] {
				seen[f.name] = true
				cols, types = append(cols, f.name), append(types, "")
			}
		}
	}
	typeOf := make(map[string]string, len(cols))
	for i, c := range cols {
		typeOf[c] = types[i]
	}
	total := len(t.Records)
	if t.Total != nil {
		total = *t.Total
	}

	b := &r.b
	b.WriteString("<div class=\"output table\"><div class=\"scroll\"><table>\n<thead><tr><th class=\"index\">#</th>")
	for i, c := range cols {
		b.WriteString("<th")
		if types[i] != "" {
			b.WriteString(` title="` + esc(clean(types[i])) + `"`)
		}
		b.WriteString(">" + esc(clean(c)) + "</th>")
	}
	b.WriteString("</tr></thead>\n<tbody>\n")
	for n, row := range rows {
		b.WriteString("<tr><td class=\"index\">" + strconv.Itoa(n+1) + "</td>")
		for _, c := range cols {
			v, ok := row.get(c)
			switch {
			case !ok:
				b.WriteString("<td></td>")
			case string(v) == "null":
				b.WriteString(`<td class="null">null</td>`)
			default:
				text, kind := cellText(v, typeOf[c])
				b.WriteString(`<td class="` + kind + `">` + esc(clean(text)) + "</td>")
			}
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</tbody></table></div>\n<p class=\"count\">" + countLine(len(rows), total) + "</p></div>\n")
}

// countLine says how many records the table shows.
func countLine(shown, total int) string {
	noun := "records"
	if total == 1 {
		noun = "record"
	}
	if shown >= total {
		return group(total) + " " + noun
	}
	return "showing " + group(shown) + " of " + group(total) + " " + noun
}

// group writes n with thousands separators.
func group(n int) string {
	s := strconv.Itoa(n)
	if n < 0 || len(s) <= 3 {
		return s
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// cellText returns a typed JSON value as table text, and its kind for styling:
// strings as they are, numbers and booleans as written, records and arrays as
// compact JSON; by the column's DQL type, durations (nanoseconds in the typed
// encoding) as 1h30m0s and timeframes as "start – end".
func cellText(v json.RawMessage, typ string) (text, kind string) {
	switch typ {
	case "duration":
		if ns, err := strconv.ParseInt(string(v), 10, 64); err == nil {
			return time.Duration(ns).String(), "number"
		}
	case "timeframe":
		var tf struct{ Start, End string }
		if json.Unmarshal(v, &tf) == nil && tf.Start != "" && tf.End != "" {
			return tf.Start + " – " + tf.End, "string"
		}
	}
	switch v[0] {
	case '"':
		var s string
		json.Unmarshal(v, &s) // a valid JSON string: fields checked it
		return s, "string"
	case '{', '[':
		var buf bytes.Buffer
		if json.Compact(&buf, v) != nil {
			return string(v), "nested"
		}
		return buf.String(), "nested"
	case 't', 'f':
		return string(v), "boolean"
	}
	return string(v), "number"
}

// record is a record's fields in their order.
type record []field

type field struct {
	name  string
	value json.RawMessage
}

func (r record) get(name string) (json.RawMessage, bool) {
	for _, f := range r {
		if f.name == name {
			return f.value, true
		}
	}
	return nil, false
}

// fields decodes a JSON object keeping its member order (a map would lose the
// result's column order). Anything else is a record of no fields.
func fields(raw json.RawMessage) record {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil
	}
	var out record
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return out
		}
		name, _ := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return out
		}
		out = append(out, field{name, v})
	}
	return out
}
