package store

import (
	"github.com/tidwall/gjson"

	"github.com/trailbook/trailbook/kernel/dql/exec"
)

// column describes one dictionary-encoded column of a segment: a member of the event
// JSON (Path[0] == "content", as in exec.Predicate) or a field of the §14 record.
type column struct {
	name string   // section name in the segment file
	path []string // the exec.Predicate path it answers
}

// The hot fields: what the tutorial and the investigation templates filter and group
// on. Adding a column is backward compatible (old segments lack the section, and a
// predicate on a missing section is not pushed down); removing or reordering one
// changes nothing on disk either, since sections are found by name.
var contentColumns = []column{
	{"c:eventSource", []string{"content", "eventSource"}},
	{"c:eventName", []string{"content", "eventName"}},
	{"c:errorCode", []string{"content", "errorCode"}},
	{"c:errorMessage", []string{"content", "errorMessage"}},
	{"c:awsRegion", []string{"content", "awsRegion"}},
	{"c:sourceIPAddress", []string{"content", "sourceIPAddress"}},
	{"c:eventType", []string{"content", "eventType"}},
	{"c:recipientAccountId", []string{"content", "recipientAccountId"}},
	{"c:userIdentity.type", []string{"content", "userIdentity", "type"}},
	{"c:userIdentity.arn", []string{"content", "userIdentity", "arn"}},
	{"c:userIdentity.userName", []string{"content", "userIdentity", "userName"}},
	{"c:userIdentity.accountId", []string{"content", "userIdentity", "accountId"}},
	{"c:requestParameters.origin", []string{"content", "requestParameters", "origin"}},
	{"c:responseElements.ConsoleLogin", []string{"content", "responseElements", "ConsoleLogin"}},
	{"c:additionalEventData.MFAUsed", []string{"content", "additionalEventData", "MFAUsed"}},
}

// Indexes into contentColumns that extraction and record building use directly.
const (
	colErrorCode = 2
	colAwsRegion = 4
	colRecipient = 7
)

// Record-level columns: the §14 fields that vary per event. timestamp is the time
// section, dt.system.bucket is per segment, loglevel follows from errorCode, and
// aws.service and aws.resource.type are constants.
var recordColumns = []column{
	{"r:aws.region", []string{exec.FieldRegion}},
	{"r:aws.account.id", []string{exec.FieldAccount}},
	{"r:log.source", []string{exec.FieldLogSource}},
}

const (
	rcolRegion = iota
	rcolAccount
	rcolSource
	numRecordColumns
)

// numColumns is the number of dictionary columns of a segment.
var numColumns = len(contentColumns) + len(recordColumns)

// Cell states. A column holds, per row, either the member's string value or one of
// these: absent and JSON null are the same to a query (null), and a number, boolean,
// object or array at a string column's path is "other", which no pushed-down
// comparison can decide.
const (
	codeNull  = 0
	codeOther = 1
	codeFirst = 2 // first dictionary entry
)

// cell is an extracted value: kind is codeNull, codeOther or codeFirst (a string).
type cell struct {
	kind uint8
	str  string
}

// topLevel maps a top-level member name to the content columns it feeds: either the
// member itself (sub == "") or a member of it.
var topLevel = func() map[string][]struct {
	col int
	sub string
} {
	m := map[string][]struct {
		col int
		sub string
	}{}
	for i, c := range contentColumns {
		p := c.path[1:]
		sub := ""
		if len(p) == 2 {
			sub = p[1]
		} else if len(p) != 1 {
			panic("BUG: content column paths have one or two members")
		}
		m[p[0]] = append(m[p[0]], struct {
			col int
			sub string
		}{i, sub})
		if (sub == "") != (m[p[0]][0].sub == "") || sub == "" && len(m[p[0]]) > 1 {
			panic("BUG: a member is both a column and an object of columns")
		}
	}
	return m
}()

// extracted is what ingest reads from one event in a single pass.
type extracted struct {
	timeRes gjson.Result
	cells   [16]cell // contentColumns; sized with room to spare, checked in init
}

func init() {
	if len(contentColumns) > len(extracted{}.cells) {
		panic("BUG: extracted.cells is smaller than contentColumns")
	}
}

// extract walks the top level of raw once, filling the content columns and finding
// eventTime. For each member it keeps the first occurrence, as gjson.Get (and so
// BuildRecord and `parse content, "JSON:event"`) does.
func extract(raw []byte, x *extracted) {
	*x = extracted{}
	var seen [16]bool
	timeSeen := false
	// unsafeString: ParseBytes would copy the event; the strings extracted alias raw,
	// which ingest keeps unchanged until the batch is written.
	gjson.Parse(unsafeString(raw)).ForEach(func(k, v gjson.Result) bool {
		if k.Str == "eventTime" {
			if !timeSeen {
				x.timeRes, timeSeen = v, true
			}
			return true
		}
		cols, ok := topLevel[k.Str]
		if !ok {
			return true
		}
		if cols[0].sub == "" {
			// A top-level string member (one column per such name).
			if !seen[cols[0].col] {
				seen[cols[0].col] = true
				x.cells[cols[0].col] = cellOf(v)
			}
			return true
		}
		// An object whose members feed columns: one pass over it for all of them,
		// first occurrence of each, as gjson.Get would find it.
		fresh := false
		for _, c := range cols {
			if !seen[c.col] {
				seen[c.col], fresh = true, true
			}
		}
		if !fresh || !v.IsObject() {
			return true // a later duplicate, or a member of a non-object: null
		}
		var got [16]bool
		v.ForEach(func(sk, sv gjson.Result) bool {
			for _, c := range cols {
				if c.sub == sk.Str && !got[c.col] {
					got[c.col] = true
					x.cells[c.col] = cellOf(sv)
				}
			}
			return true
		})
		return true
	})
}

func cellOf(r gjson.Result) cell {
	switch r.Type {
	case gjson.String:
		return cell{codeFirst, r.Str}
	case gjson.Null:
		return cell{}
	}
	if !r.Exists() {
		return cell{}
	}
	return cell{kind: codeOther}
}

// escapePath escapes gjson's path syntax characters in a member name.
func escapePath(s string) string {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '.', '*', '?', '|', '#', '@', '\\', '!', '=', '<', '>', '%':
			out := make([]byte, 0, len(s)+4)
			for j := 0; j < len(s); j++ {
				switch s[j] {
				case '.', '*', '?', '|', '#', '@', '\\', '!', '=', '<', '>', '%':
					out = append(out, '\\')
				}
				out = append(out, s[j])
			}
			return string(out)
		}
	}
	return s
}
