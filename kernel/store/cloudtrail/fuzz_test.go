package cloudtrail

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/tidwall/gjson"
)

// FuzzIngestLine puts one arbitrary line between two good events and checks
// that ingest accounts for it: a non-blank line is counted, as events or as
// malformed, and never takes its good neighbours with it.
//
//	line 1: a good event
//	line 2: the fuzzed bytes (newlines removed)
//	line 3: a good event
//
// Properties:
//   - Read never panics and returns no error;
//   - both good events come out, byte for byte, at lines 1 and 3;
//   - a blank line counts nothing; a valid event line counts exactly one
//     event with Raw equal to the line; a line that cannot start a JSON value
//     counts exactly one malformed record;
//   - any other line yields events at line 2 or malformed records, unless it
//     is a wrapper that can hold no events (an empty array, a digest, a
//     CloudWatch control message);
//   - every event's Raw is a valid JSON object.
//
// The whole input is also read unchanged (newlines kept), where only the last
// property and "no panic" must hold.
func FuzzIngestLine(f *testing.F) {
	good := []byte(`{"eventVersion":"1.09","eventTime":"2024-03-01T13:10:00Z","eventSource":"s3.amazonaws.com","eventName":"GetObject"}`)
	for _, name := range []string{"06-unicode.ndjson", "09-invalid-line.ndjson", "05-cwl-export-000000.log", "14-crlf-blank-lines.ndjson", "08-truncated-final-line.ndjson"} {
		b, err := os.ReadFile(filepath.Join(sharedData(f), "edge-cases", "logs", name))
		if err != nil {
			f.Fatal(err)
		}
		for _, l := range bytes.Split(b, []byte("\n")) {
			f.Add(l)
		}
	}
	for _, s := range []string{
		"", " \t\r", "{}", "[]", "[", "{", `{"a":`, `{"a":"`, `[{"a":1}`, `{"Records":[`, `{"Records":[{"a":1},{"b":2}]}`,
		`{"messageType":"DATA_MESSAGE","logEvents":[{"message":"{\"a\":1}"}]}`, `{"logEvents":[`, `{"a":1}{"b":2}`,
		`{"digestStartTime":"x","logFiles":[]}`, `2024-03-01T11:00:01.000Z {"a":1}`, `2024-03-01T11:00:01.000Z [`, `"\"}{`, "hello", "12345",
		"\xef\xbb\xbf{}", `{"a":"\\"}`, `{"a":"\"}`, `{"a":1}]`, `]`, `}`, `,`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		if len(raw) > 4096 {
			return // bound the work; long lines are tested in TestHugeLines
		}
		line := bytes.ReplaceAll(raw, []byte("\n"), nil)
		in := bytes.Join([][]byte{good, line, good, nil}, []byte("\n"))
		evs, st := readInput(t, in)

		if len(evs) < 2 || !bytes.Equal(evs[0].Raw, good) || evs[0].Line != 1 {
			t.Fatalf("the first good event was lost: %d events, problems %v", len(evs), st.Problems)
		}
		last := evs[len(evs)-1]
		if !bytes.Equal(last.Raw, good) || last.Line != 3 {
			t.Fatalf("the last good event was lost: last %q at line %d, problems %v", last.Raw, last.Line, st.Problems)
		}
		mid := int64(0) // events that line 2 yielded
		for _, e := range evs[1 : len(evs)-1] {
			if e.Line != 2 {
				t.Fatalf("event at line %d, want 2: %q", e.Line, e.Raw)
			}
			mid++
		}
		for _, e := range evs {
			if len(e.Raw) == 0 || e.Raw[0] != '{' || !gjson.ValidBytes(e.Raw) {
				t.Fatalf("event is not a JSON object: %q", e.Raw)
			}
		}

		trimmed := bytes.Trim(line, " \t\r")
		switch {
		case len(trimmed) == 0:
			if mid != 0 || st.Malformed != 0 {
				t.Fatalf("blank line counted: %d events, %d malformed", mid, st.Malformed)
			}
		case trimmed[0] == '{' && gjson.ValidBytes(trimmed) && !hasWrapperHint(trimmed):
			if mid != 1 || st.Malformed != 0 || !bytes.Equal(evs[1].Raw, trimmed) {
				t.Fatalf("event line: %d events, %d malformed, problems %v", mid, st.Malformed, st.Problems)
			}
		case !startsValue(trimmed[0]):
			if mid != 0 || st.Malformed != 1 {
				t.Fatalf("junk line: %d events, %d malformed", mid, st.Malformed)
			}
		case mid+st.Malformed == 0:
			if !bytes.Contains(trimmed, []byte("[")) && !hasWrapperHint(trimmed) {
				t.Fatalf("line %q was dropped without a count", trimmed)
			}
		}

		// The raw bytes as a whole input: no panic, only JSON objects out.
		evs, _ = readInput(t, raw)
		for _, e := range evs {
			if len(e.Raw) == 0 || e.Raw[0] != '{' || !gjson.ValidBytes(e.Raw) || e.Line < 1 {
				t.Fatalf("event is not a JSON object: %q at line %d", e.Raw, e.Line)
			}
		}
	})
}

func hasWrapperHint(b []byte) bool {
	for _, h := range wrapperHints {
		if bytes.Contains(b, h) {
			return true
		}
	}
	return false
}

// startsValue reports whether a line starting with c can hold a record: an
// object, an array, or an export line's timestamp.
func startsValue(c byte) bool {
	return c == '{' || c == '[' || ('0' <= c && c <= '9') || c == 0xef // a byte order mark
}
