package victorialogs

import (
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tidwall/gjson"

	"github.com/trailbook/trailbook/kernel/dql/exec"
)

// VictoriaLogs field names of an entry (see the package documentation).
const (
	fieldTime    = "_time"
	fieldMsg     = "_msg"
	fieldKey     = "trailbook.key"
	fieldBatch   = "trailbook.batch"
	fieldPartial = "trailbook.partial"
	// fieldNonString lists the flattened members that are not non-empty strings.
	fieldNonString = "trailbook.nonstring"
	// fieldFormat is the version of the rules an entry was written with; see
	// formatVersion.
	fieldFormat = "trailbook.format"
)

// formatVersion is the value of fieldFormat in the entries ingest writes now. Entries
// without it were written before trailbook.nonstring listed objects; aggregation
// pushdown leaves them to the local engine (aggregate.go).
const formatVersion = "2"

// streamFields are the entry's stream fields, in the order of _stream_fields.
var streamFields = []string{exec.FieldBucket, exec.FieldAccount, exec.FieldRegion}

// Limits of flattening. Past them an event is marked partial rather than sent as a
// line that VictoriaLogs would refuse: by default it reads lines up to 256 KiB and
// 1,000 fields, and CloudTrail events reach a few hundred KiB.
const (
	maxFlatFields = 400      // flattened members per event
	maxFlatValue  = 8 << 10  // bytes of one flattened value
	maxFlatBytes  = 64 << 10 // bytes of all flattened values of an event
	maxFlatDepth  = 12       // nesting depth
	maxFlatName   = 256      // bytes of a flattened name
	reservedFirst = "_"      // a top-level key with this prefix is not flattened
	partialValue  = "1"      // the value of fieldPartial
	timeLayout    = time.RFC3339Nano
)

// reservedTop are the top-level event keys that are not flattened, because their
// flattened names could clash with the entry's own fields.
var reservedTop = map[string]bool{"aws": true, "dt": true, "log": true, "loglevel": true, "trailbook": true}

// flatName returns the VictoriaLogs field that holds the event member at path (keys
// from the event's top level), and false when such a member is never flattened.
// Ingest and the filter translation both use it, so that a filter is pushed down only
// for a field that ingest writes with exactly that meaning.
func flatName(path []string) (string, bool) {
	if len(path) == 0 || len(path) > maxFlatDepth || reservedTop[path[0]] || strings.HasPrefix(path[0], reservedFirst) {
		return "", false
	}
	n := 0
	for _, k := range path {
		if !flatKey(k) {
			return "", false
		}
		n += len(k) + 1
	}
	if n-1 > maxFlatName {
		return "", false
	}
	return strings.Join(path, "."), true
}

// flatKey reports whether an object key can be part of a flattened name: not empty,
// valid UTF-8, no dot (which would make `{"a.b":1}` and `{"a":{"b":1}}` one field) and
// no control character.
func flatKey(k string) bool {
	if k == "" || !utf8.ValidString(k) {
		return false
	}
	for i := 0; i < len(k); i++ {
		if c := k[i]; c == '.' || c < 0x20 || c == 0x7f {
			return false
		}
	}
	return true
}

// flattener appends the flattened members of one event to a JSON line.
type flattener struct {
	dst     []byte
	nonstr  []byte // names of members whose value is not a non-empty string
	fields  int
	bytes   int
	partial bool
	path    []string
}

// flatten appends `,"name":"value"` for every member of the event object raw that can
// be flattened: strings decoded, numbers as written, booleans as true/false, arrays as
// their JSON text, objects recursively; nulls and empty strings are left out, as
// VictoriaLogs stores no empty values. Within an object the first of several members
// with one name wins, as value.Record.Get does. It reports whether some member was
// left out for a limit (the event is then partial).
//
// It also appends trailbook.nonstring, the space-separated names of the members
// whose value is not a non-empty string (numbers, booleans, nulls, empty strings,
// arrays, objects). In VictoriaLogs every value is a string, "" is no value and an
// object is no field: this field tells the entries where a stored field (or its
// absence) means what DQL sees from those where it does not, which aggregation
// pushdown needs to filter and group exactly (aggregate.go).
func flatten(dst []byte, raw []byte) ([]byte, bool) {
	f := flattener{dst: dst}
	f.object(gjson.ParseBytes(raw), 0)
	if len(f.nonstr) > maxFlatValue {
		f.partial = true
	} else if len(f.nonstr) > 0 {
		f.dst = appendField(f.dst, fieldNonString, string(f.nonstr))
	}
	return f.dst, f.partial
}

func (f *flattener) object(obj gjson.Result, depth int) {
	if depth >= maxFlatDepth {
		f.partial = true
		return
	}
	var seen []string // keys met in this object: objects are small, a slice beats a map
	obj.ForEach(func(k, v gjson.Result) bool {
		key := k.Str
		if slices.Contains(seen, key) {
			return true
		}
		seen = append(seen, key)
		f.path = append(f.path, key)
		defer func() { f.path = f.path[:len(f.path)-1] }()
		name, ok := flatName(f.path)
		if !ok {
			if len(f.path) > maxFlatDepth || len(strings.Join(f.path, ".")) > maxFlatName {
				f.partial = true
			}
			return true
		}
		var val string
		switch v.Type {
		case gjson.String:
			val = v.Str
		case gjson.Number:
			val = v.Raw
		case gjson.True:
			val = "true"
		case gjson.False:
			val = "false"
		case gjson.JSON:
			if v.IsObject() {
				// An object is no stored field, and no value either: list it, so
				// that an aggregation grouping by its path does not take it for null.
				f.listNonString(name)
				f.object(v, depth+1)
				return true
			}
			val = v.Raw
		}
		if v.Type != gjson.String || val == "" {
			f.listNonString(name)
		}
		if val == "" {
			return true
		}
		if len(val) > maxFlatValue || f.fields >= maxFlatFields || f.bytes+len(val) > maxFlatBytes {
			f.partial = true
			return true
		}
		f.fields++
		f.bytes += len(val)
		f.dst = append(f.dst, ',')
		f.dst = appendJSONString(f.dst, name)
		f.dst = append(f.dst, ':')
		f.dst = appendJSONString(f.dst, val)
		return true
	})
}

// listNonString adds a member's name to trailbook.nonstring.
func (f *flattener) listNonString(name string) {
	if len(f.nonstr) > 0 {
		f.nonstr = append(f.nonstr, ' ')
	}
	f.nonstr = append(f.nonstr, name...)
}

// appendJSONString appends s as a JSON string. Only the quote, the backslash and
// control characters are escaped; every other byte, invalid UTF-8 included, is
// copied, so that VictoriaLogs stores and returns s byte for byte.
func appendJSONString[T ~string | ~[]byte](dst []byte, s T) []byte {
	const hex = "0123456789abcdef"
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		dst = append(dst, s[start:i]...)
		switch c {
		case '"', '\\':
			dst = append(dst, '\\', c)
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
		start = i + 1
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// appendField appends `,"name":"value"`, or nothing for an empty value.
func appendField(dst []byte, name, val string) []byte {
	if val == "" {
		return dst
	}
	dst = append(dst, ',')
	dst = appendJSONString(dst, name)
	dst = append(dst, ':')
	return appendJSONString(dst, val)
}

// formatTime formats ns since the epoch for LogsQL and for _time: RFC 3339 in UTC
// with as many fractional digits as needed, which VictoriaLogs reads to the
// nanosecond.
func formatTime(ns int64) string {
	return time.Unix(0, ns).UTC().Format(timeLayout)
}

// quote quotes s as a LogsQL string literal. LogsQL decodes double-quoted strings as
// Go string literals, so strconv.Quote's output reads back as s, whatever s holds.
func quote(s string) string { return strconv.Quote(s) }
