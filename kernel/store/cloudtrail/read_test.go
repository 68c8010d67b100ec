package cloudtrail

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// sharedData returns the shared CloudTrail data folder, /work/shared/data/cloudtrail
// beside the repo. The tests need it: a missing folder fails, never skips.
func sharedData(t testing.TB) string {
	t.Helper()
	_, self, _, ok := runtime.Caller(0)
	if !ok {
		t.Fatal("cannot locate the test file to find ../shared")
	}
	dir := filepath.Join(filepath.Dir(self), "..", "..", "..", "..", "shared", "data", "cloudtrail")
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("shared test data is missing: %v (the repo expects ../shared/data/cloudtrail beside it)", err)
	}
	return dir
}

// readAll reads paths and returns every event with the stats.
func readAll(t testing.TB, paths []string, opt Options) ([]Event, Stats) {
	t.Helper()
	var evs []Event
	st, err := Read(context.Background(), paths, opt, func(b []Event) error {
		evs = append(evs, b...)
		return nil
	})
	if err != nil {
		t.Fatalf("Read(%q): %v", paths, err)
	}
	if st.Events != int64(len(evs)) {
		t.Fatalf("Stats.Events = %d, fn saw %d events", st.Events, len(evs))
	}
	return evs, st
}

// readInput reads data through the stdin path.
func readInput(t testing.TB, data []byte) ([]Event, Stats) {
	t.Helper()
	return readAll(t, []string{"-"}, Options{Stdin: bytes.NewReader(data)})
}

func gzipBytes(t testing.TB, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestEdgeCases(t *testing.T) {
	dir := filepath.Join(sharedData(t), "edge-cases")
	var want struct {
		Totals struct {
			Files, Events, Malformed int64
			SkippedFiles             int64 `json:"skipped_files"`
		}
		Files map[string]struct{ Events, Malformed, Skipped int64 }
	}
	data, err := os.ReadFile(filepath.Join(dir, "expected-ingest.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatalf("cannot parse expected-ingest.json: %v", err)
	}
	if len(want.Files) != 16 {
		t.Fatalf("expected-ingest.json lists %d files, want 16", len(want.Files))
	}
	for name, w := range want.Files {
		t.Run(name, func(t *testing.T) {
			evs, st := readAll(t, []string{filepath.Join(dir, "logs", name)}, Options{})
			if st.Events != w.Events || st.Malformed != w.Malformed || st.SkippedFiles != w.Skipped || st.Files != 1 || st.FailedFiles != 0 {
				t.Fatalf("got events=%d malformed=%d skipped=%d files=%d failed=%d, want %d/%d/%d/1/0; problems %v",
					st.Events, st.Malformed, st.SkippedFiles, st.Files, st.FailedFiles, w.Events, w.Malformed, w.Skipped, st.Problems)
			}
			if st.Malformed != int64(len(st.Problems)) {
				t.Fatalf("%d malformed but problems %v", st.Malformed, st.Problems)
			}
			for _, e := range evs {
				if !json.Valid(e.Raw) || e.Raw[0] != '{' {
					t.Fatalf("event at line %d is not a JSON object: %.80q", e.Line, e.Raw)
				}
			}
		})
	}
	t.Run("folder", func(t *testing.T) {
		_, st := readAll(t, []string{filepath.Join(dir, "logs")}, Options{})
		w := want.Totals
		if st.Files != w.Files || st.Events != w.Events || st.Malformed != w.Malformed || st.SkippedFiles != w.SkippedFiles {
			t.Fatalf("got files=%d events=%d malformed=%d skipped=%d, want %d/%d/%d/%d",
				st.Files, st.Events, st.Malformed, st.SkippedFiles, w.Files, w.Events, w.Malformed, w.SkippedFiles)
		}
		if st.Files != 16 || st.Events != 45 || st.Malformed != 2 || st.SkippedFiles != 2 {
			t.Fatalf("totals drifted from EXPECTED.md: %+v", st)
		}
	})
}

func TestEdgeCaseProblems(t *testing.T) {
	dir := filepath.Join(sharedData(t), "edge-cases", "logs")
	_, st := readAll(t, []string{dir}, Options{})
	var got []string
	for _, p := range st.Problems {
		got = append(got, strings.TrimPrefix(p.String(), dir+string(filepath.Separator)))
	}
	want := []string{
		`08-truncated-final-line.ndjson:4: truncated record: unexpected end of input`,
		`09-invalid-line.ndjson:3: invalid JSON: expected string for object key, found ','`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("problems\n got: %q\nwant: %q", got, want)
	}
}

func TestFolders(t *testing.T) {
	data := sharedData(t)
	f := func(folder string, events int64) {
		t.Helper()
		var sum struct{ Events, Files int64 }
		b, err := os.ReadFile(filepath.Join(data, folder, "summary.json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &sum); err != nil {
			t.Fatalf("%s/summary.json: %v", folder, err)
		}
		if sum.Events != events {
			t.Fatalf("%s/summary.json says %d events, the test expects %d", folder, sum.Events, events)
		}
		_, st := readAll(t, []string{filepath.Join(data, folder, "logs")}, Options{})
		if st.Events != events || st.Malformed != 0 || st.FailedFiles != 0 || st.SkippedFiles != 0 || st.Files != sum.Files {
			t.Fatalf("%s: %+v, want %d events in %d files and no problems", folder, st, events, sum.Files)
		}
	}
	f("awsdocs-cloudtrail-user-guide", 19)
	f("invictus-aws-dataset", 2900)
	f("stratus-red-team-detonation-logs", 310)
}

// TestRawExact checks Raw against encoding/json's json.RawMessage, which holds
// the exact bytes of a value: every Records element, array element and single
// event of the real data sets must come out byte for byte.
func TestRawExact(t *testing.T) {
	data := sharedData(t)
	for _, folder := range []string{"awsdocs-cloudtrail-user-guide", "invictus-aws-dataset", "stratus-red-team-detonation-logs"} {
		files, err := filepath.Glob(filepath.Join(data, folder, "logs", "*"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no files in %s: %v", folder, err)
		}
		for _, path := range files {
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			var want []json.RawMessage
			var records struct{ Records []json.RawMessage }
			switch trimmed := bytes.TrimSpace(b); {
			case trimmed[0] == '[':
				err = json.Unmarshal(b, &want)
			case bytes.Contains(trimmed[:min(len(trimmed), 40)], []byte(`"Records"`)):
				err = json.Unmarshal(b, &records)
				want = records.Records
			default:
				want = []json.RawMessage{trimmed}
			}
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			evs, _ := readAll(t, []string{path}, Options{})
			if len(evs) != len(want) {
				t.Fatalf("%s: %d events, want %d", path, len(evs), len(want))
			}
			for i := range evs {
				if !bytes.Equal(evs[i].Raw, want[i]) {
					t.Fatalf("%s: event %d Raw differs\n got: %.200q\nwant: %.200q", path, i, evs[i].Raw, want[i])
				}
				if evs[i].Source != path {
					t.Fatalf("Source = %q, want %q", evs[i].Source, path)
				}
			}
		}
	}
}

func TestRawEdgeShapes(t *testing.T) {
	dir := filepath.Join(sharedData(t), "edge-cases", "logs")
	lines := func(name string) [][]byte {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		var out [][]byte
		for _, l := range bytes.Split(b, []byte("\n")) {
			if l = bytes.TrimSpace(l); len(l) > 0 {
				out = append(out, l)
			}
		}
		return out
	}
	check := func(name string, want [][]byte, wantLines []int) {
		t.Helper()
		evs, _ := readAll(t, []string{filepath.Join(dir, name)}, Options{})
		if len(evs) != len(want) {
			t.Fatalf("%s: %d events, want %d", name, len(evs), len(want))
		}
		for i, e := range evs {
			if !bytes.Equal(e.Raw, want[i]) {
				t.Fatalf("%s: event %d\n got: %.120q\nwant: %.120q", name, i, e.Raw, want[i])
			}
			if wantLines != nil && e.Line != wantLines[i] {
				t.Fatalf("%s: event %d at line %d, want %d", name, i, e.Line, wantLines[i])
			}
		}
	}
	check("06-unicode.ndjson", lines("06-unicode.ndjson"), []int{1, 2, 3})
	check("07-large-requestParameters.ndjson", lines("07-large-requestParameters.ndjson"), []int{1, 2})
	check("14-crlf-blank-lines.ndjson", lines("14-crlf-blank-lines.ndjson"), []int{2, 5})
	l9 := lines("09-invalid-line.ndjson")
	check("09-invalid-line.ndjson", [][]byte{l9[0], l9[1], l9[3], l9[4]}, []int{1, 2, 4, 5})

	var exported [][]byte
	for _, l := range lines("05-cwl-export-000000.log") {
		_, js, _ := bytes.Cut(l, []byte(" "))
		exported = append(exported, js)
	}
	check("05-cwl-export-000000.log", exported, []int{1, 2})

	// CloudWatch Logs messages: Raw is the decoded string.
	var payload struct{ LogEvents []struct{ Message string } }
	zr, err := os.Open(filepath.Join(dir, "04-cwl-subscription-data-message.json.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	gz, err := gzip.NewReader(zr)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.NewDecoder(gz).Decode(&payload); err != nil {
		t.Fatal(err)
	}
	var msgs [][]byte
	for _, e := range payload.LogEvents {
		msgs = append(msgs, []byte(e.Message))
	}
	check("04-cwl-subscription-data-message.json.gz", msgs, nil)
}

func TestAccountRegionFromName(t *testing.T) {
	dir := filepath.Join(sharedData(t), "edge-cases", "logs")
	evs, _ := readAll(t, []string{filepath.Join(dir, "111122223333_CloudTrail_us-east-1_20240301T0915Z_EdgeCaseGzip0001.json.gz")}, Options{})
	for _, e := range evs {
		if e.Account != "111122223333" || e.Region != "us-east-1" {
			t.Fatalf("Account, Region = %q, %q", e.Account, e.Region)
		}
	}
	evs, _ = readAll(t, []string{filepath.Join(dir, "12-array.json")}, Options{})
	if evs[0].Account != "" || evs[0].Region != "" {
		t.Fatalf("a plain name gave Account, Region = %q, %q", evs[0].Account, evs[0].Region)
	}
}

// TestShapes pins the splitting of inline inputs: kept events (their Raw and
// line), malformed count, skipped files and problems.
func TestShapes(t *testing.T) {
	type want struct {
		raws      []string // Raw of each event, in order
		lines     []int    // Line of each event
		malformed int64
		skipped   int64
		problems  []string // Problem.String() without the "-:" source
	}
	f := func(name, in string, w want) {
		t.Helper()
		evs, st := readInput(t, []byte(in))
		var raws []string
		var lines []int
		for _, e := range evs {
			raws = append(raws, string(e.Raw))
			lines = append(lines, e.Line)
		}
		var probs []string
		for _, p := range st.Problems {
			probs = append(probs, strings.TrimPrefix(p.String(), "-:"))
		}
		if fmt.Sprint(raws) != fmt.Sprint(w.raws) || (w.lines != nil && fmt.Sprint(lines) != fmt.Sprint(w.lines)) ||
			st.Malformed != w.malformed || st.SkippedFiles != w.skipped || (w.problems != nil && fmt.Sprint(probs) != fmt.Sprint(w.problems)) {
			t.Fatalf("%s:\n got raws %q lines %v malformed %d skipped %d problems %q\nwant raws %q lines %v malformed %d skipped %d problems %q",
				name, raws, lines, st.Malformed, st.SkippedFiles, probs, w.raws, w.lines, w.malformed, w.skipped, w.problems)
		}
	}
	f("json lines", "{\"a\":1}\n{\"b\":2}\n", want{raws: []string{`{"a":1}`, `{"b":2}`}, lines: []int{1, 2}})
	f("crlf, blank and white lines", "\r\n{\"a\":1}\r\n \t \r\n\n{\"b\":2}\r\n", want{raws: []string{`{"a":1}`, `{"b":2}`}, lines: []int{2, 5}})
	f("no final newline", "{\"a\":1}\n{\"b\":2}", want{raws: []string{`{"a":1}`, `{"b":2}`}})
	f("empty object", "{}\n", want{raws: []string{`{}`}})
	f("empty input", "", want{})
	f("white space only", " \n\r\n\t", want{})
	f("bad middle line", "{\"a\":1}\n{\"a\":,}\n{\"c\":3}\n", want{raws: []string{`{"a":1}`, `{"c":3}`}, lines: []int{1, 3}, malformed: 1,
		problems: []string{`2: invalid JSON: expected string for object key, found '}'`}})
	f("unbalanced middle line", "{\"a\":1}\n{\"b\":\n{\"c\":3}\n", want{raws: []string{`{"a":1}`, `{"c":3}`}, lines: []int{1, 3}, malformed: 1,
		problems: []string{`2: invalid JSON: unexpected end of line`}})
	f("unterminated string line", "{\"a\":1}\n{\"b\":\"x\n{\"c\":3}\n", want{raws: []string{`{"a":1}`, `{"c":3}`}, malformed: 1,
		problems: []string{`2: invalid JSON: unexpected end of line in string`}})
	f("open array line", "{\"a\":1}\n[\n{\"c\":3}\n", want{raws: []string{`{"a":1}`, `{"c":3}`}, lines: []int{1, 3}, malformed: 1})
	f("open wrapper line", "{\"a\":1}\n{\"logEvents\":[\n{\"c\":3}\n", want{raws: []string{`{"a":1}`, `{"c":3}`}, lines: []int{1, 3}, malformed: 1})
	f("string open across lines in a document", "[\n{\"a\":\"x\n}]\n", want{malformed: 1})
	f("broken first line", "{\"a\":1,,\n{\"c\":3}\n", want{raws: []string{`{"c":3}`}, malformed: 1})
	f("truncated last line", "{\"a\":1}\n{\"b\":\"x", want{raws: []string{`{"a":1}`}, malformed: 1,
		problems: []string{`2: truncated record: unexpected end of input`}})
	f("text lines", "hello\n{\"a\":1}\nworld\n", want{raws: []string{`{"a":1}`}, lines: []int{2}, malformed: 2,
		problems: []string{`1: not a JSON object: "hello"`, `3: not a JSON object: "world"`}})
	f("scalars", "123\n\"x\"\nnull\n{\"a\":1}\n", want{raws: []string{`{"a":1}`}, malformed: 3})
	f("concatenated objects", `{"a":1}{"b":2} {"c":3}`, want{raws: []string{`{"a":1}`, `{"b":2}`, `{"c":3}`}})
	f("array of events", "[\n  {\"a\":1},\n  {\"b\":[2]}\n]\n", want{raws: []string{`{"a":1}`, `{"b":[2]}`}, lines: []int{2, 3}})
	f("empty array", "[]", want{})
	f("array with non-objects", `[1,{"a":1},"x",[],{"b":2}]`, want{raws: []string{`{"a":1}`, `{"b":2}`}, malformed: 3})
	f("array trailing comma", `[{"a":1},]`, want{raws: []string{`{"a":1}`}})
	f("records", `{"Records":[{"a":1},{"b":{"c":[1,2]}}]}`, want{raws: []string{`{"a":1}`, `{"b":{"c":[1,2]}}`}, lines: []int{1, 1}})
	f("records with other keys", `{"x":{"Records":[{"no":1}]},"Records":[ {"a":"]}\"["} ],"z":"Records"}`, want{raws: []string{`{"a":"]}\"["}`}})
	f("records pretty", "{\n \"Records\": [\n  {\n   \"a\": 1\n  },\n  {\"b\": \"\\\\\"}\n ]\n}\n",
		want{raws: []string{"{\n   \"a\": 1\n  }", `{"b": "\\"}`}, lines: []int{3, 6}})
	f("records empty", `{"Records":[]}`, want{})
	f("records bad element", `{"Records":[{"a":1},{"a":,},7,{"c":3}]}`, want{raws: []string{`{"a":1}`, `{"c":3}`}, malformed: 2})
	f("records not an array", `{"Records":{"a":1}}`, want{malformed: 1})
	f("records cut in an element", `{"Records":[{"a":1},{"b":`, want{raws: []string{`{"a":1}`}, malformed: 1,
		problems: []string{`1: truncated record: unexpected end of input`}})
	f("records cut between elements", `{"Records":[{"a":1},`, want{raws: []string{`{"a":1}`}, malformed: 0,
		problems: []string{`1: truncated input: unexpected end of input`}})
	f("records missing comma", `{"Records":[{"a":1} {"b":2}]}`, want{raws: []string{`{"a":1}`}, malformed: 1,
		problems: []string{`1: invalid JSON: expected "," or "]" after array element, found '{'`}})
	f("broken pretty document", "[\n {\"a\":1},\n {\"b\":2}\n \"c\"\n {\"d\":4}\n]\n",
		want{raws: []string{`{"a":1}`, `{"b":2}`}, malformed: 1, problems: []string{
			`4: invalid JSON: expected "," or "]" after array element, found '"'`, `4: rest of file skipped after invalid JSON`}})
	f("broken first record swallowing a line", "{\"a\":\n{\"b\":1}\n{\"c\":2}\n", want{raws: []string{`{"c":2}`}, lines: []int{3}, malformed: 1,
		problems: []string{`1: invalid JSON: expected "," or "}" after object member, found '{'`}})
	f("missing comma in a pretty array", "[\n {\"a\":1}\n {\"b\":2}\n]\n", want{raws: []string{`{"a":1}`, `{"b":2}`}, lines: []int{2, 3}, malformed: 2})
	f("records one per line", "{\"Records\":[{\"a\":1}]}\n{\"Records\":[{\"b\":2}]}\n", want{raws: []string{`{"a":1}`, `{"b":2}`}, lines: []int{1, 2}})
	f("single pretty event then another", "{\n \"a\": 1\n}\n{\"b\":2}\n", want{raws: []string{"{\n \"a\": 1\n}", `{"b":2}`}, lines: []int{1, 4}})
	f("export lines", "2024-03-01T11:00:01.000Z {\"a\":1}\r\n2024-03-01T11:00:02.000Z\t{\"b\":2}\n2024-03-01T11:00:03.000Z not json\n",
		want{raws: []string{`{"a":1}`, `{"b":2}`}, malformed: 1})
	f("cloudwatch subscription", `{"messageType":"DATA_MESSAGE","logEvents":[{"id":"1","timestamp":1,"message":"{\"a\":\"\\u00e9\"}"},{"id":"2","message":"not json"},{"id":"3"},{"id":"4","message":" {\"b\":2}\n"}]}`,
		want{raws: []string{`{"a":"\u00e9"}`, `{"b":2}`}, malformed: 2})
	f("cloudwatch control", `{"messageType":"CONTROL_MESSAGE","logEvents":[{"id":"","timestamp":1,"message":"CWL CONTROL MESSAGE: Checking health of destination Firehose."}]}`,
		want{skipped: 1})
	f("firehose payloads back to back", `{"messageType":"DATA_MESSAGE","logEvents":[{"message":"{\"a\":1}"}]}{"messageType":"DATA_MESSAGE","logEvents":[{"message":"{\"b\":2}"}]}`,
		want{raws: []string{`{"a":1}`, `{"b":2}`}})
	f("digest by content", "{\n \"awsAccountId\": \"111122223333\",\n \"digestStartTime\": \"2015-08-17T14:01:31Z\",\n \"logFiles\": []\n}\n", want{skipped: 1})
	f("byte order mark", "\xef\xbb\xbf{\"a\":1}\n", want{raws: []string{`{"a":1}`}, lines: []int{1}})
	f("escapes and brackets in strings", `[{"a":"\\\"}]{["},{"b":"\\"}]`, want{raws: []string{`{"a":"\\\"}]{["}`, `{"b":"\\"}`}})
	f("invalid utf-8 is kept", "{\"a\":\"\xff\"}\n", want{raws: []string{"{\"a\":\"\xff\"}"}})
}

func TestHugeLines(t *testing.T) {
	for _, size := range []int{initialWindow + 100, fastLineMax + 100} {
		big := `{"eventName":"Big","requestParameters":{"p":"` + strings.Repeat("x", size) + `"}}`
		in := "{\"a\":1}\n" + big + "\n{\"b\":2}\n"
		evs, st := readInput(t, []byte(in))
		if len(evs) != 3 || st.Malformed != 0 || string(evs[1].Raw) != big || evs[2].Line != 3 {
			t.Fatalf("size %d: %d events, %d malformed, line %d", size, len(evs), st.Malformed, evs[len(evs)-1].Line)
		}
		rec := `{"Records":[{"a":1},` + big + `,{"b":2}]}`
		evs, st = readInput(t, gzipBytes(t, []byte(rec)))
		if len(evs) != 3 || st.Malformed != 0 || string(evs[1].Raw) != big {
			t.Fatalf("size %d in Records: %d events, %d malformed", size, len(evs), st.Malformed)
		}
	}
}

func TestRecordTooLarge(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates 64 MiB")
	}
	in := "{\"a\":1}\n{\"b\":\"" + strings.Repeat("x", maxRecord) + "\"}\n{\"c\":3}\n"
	evs, st := readInput(t, []byte(in))
	if len(evs) != 2 || st.Malformed != 1 || !strings.Contains(st.Problems[0].Msg, "larger than 64 MiB") {
		t.Fatalf("%d events, %d malformed, problems %v", len(evs), st.Malformed, st.Problems)
	}
}

func TestStdin(t *testing.T) {
	dir := filepath.Join(sharedData(t), "edge-cases", "logs")
	data, err := os.ReadFile(filepath.Join(dir, "111122223333_CloudTrail_us-east-1_20240301T0915Z_EdgeCaseGzip0001.json.gz"))
	if err != nil {
		t.Fatal(err)
	}
	evs, st := readAll(t, []string{"-"}, Options{Stdin: bytes.NewReader(data)})
	if len(evs) != 3 || st.Files != 1 || st.Bytes != int64(len(data)) {
		t.Fatalf("%d events, stats %+v", len(evs), st)
	}
	if evs[0].Source != "-" || evs[0].Account != "" || evs[0].Line != 1 {
		t.Fatalf("event from stdin: Source %q Account %q Line %d", evs[0].Source, evs[0].Account, evs[0].Line)
	}
}

func TestWalk(t *testing.T) {
	root := t.TempDir()
	write := func(rel, content string) {
		t.Helper()
		p := filepath.Join(root, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	acctDir := "AWSLogs/111122223333/CloudTrail/eu-west-1/2024/03/01/"
	write("b.json", `{"n":2}`)
	write("a/z.json", `{"n":1}`)
	write(acctDir+"111122223333_CloudTrail_eu-west-1_20240301T0000Z_abc.json", `{"Records":[{"n":0}]}`)
	write("AWSLogs/111122223333/CloudTrail-Digest/eu-west-1/2024/03/01/111122223333_CloudTrail-Digest_eu-west-1_t_eu-west-1_20240301T0000Z.json", `{"n":"digest"}`)
	write(".hidden.json", `{"n":"hidden"}`)
	write(".git/x.json", `{"n":"hidden dir"}`)
	write("c/.d.json", `{"n":"hidden file"}`)
	if err := os.Symlink(filepath.Join(root, "nowhere"), filepath.Join(root, "dangling.json")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(root, "a"), filepath.Join(root, "dirlink")); err != nil {
		t.Fatal(err)
	}
	evs, st := readAll(t, []string{root}, Options{})
	var got []string
	for _, e := range evs {
		rel, _ := filepath.Rel(root, e.Source)
		got = append(got, fmt.Sprintf("%s %s %s %s", filepath.ToSlash(rel), e.Raw, e.Account, e.Region))
	}
	want := []string{
		acctDir + "111122223333_CloudTrail_eu-west-1_20240301T0000Z_abc.json {\"n\":0} 111122223333 eu-west-1",
		`a/z.json {"n":1}  `,
		`b.json {"n":2}  `,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("walk\n got: %q\nwant: %q", got, want)
	}
	if st.Files != 4 || st.SkippedFiles != 1 {
		t.Fatalf("Files %d SkippedFiles %d, want 4 and 1", st.Files, st.SkippedFiles)
	}
	// A hidden file named explicitly is read.
	evs, _ = readAll(t, []string{filepath.Join(root, ".hidden.json")}, Options{})
	if len(evs) != 1 {
		t.Fatalf("explicit hidden file: %d events", len(evs))
	}
}

func TestGzipConcatenated(t *testing.T) {
	in := append(gzipBytes(t, []byte("{\"a\":1}\n{\"b\":2}\n")), gzipBytes(t, []byte(`{"c":3}`))...)
	in = append(in, gzipBytes(t, []byte(`{"Records":[{"d":4}]}`))...)
	evs, st := readInput(t, in)
	var got []string
	for _, e := range evs {
		got = append(got, string(e.Raw))
	}
	if fmt.Sprint(got) != `[{"a":1} {"b":2} {"c":3} {"d":4}]` || st.Malformed != 0 {
		t.Fatalf("got %q, %d malformed", got, st.Malformed)
	}
}

func TestGzipTruncated(t *testing.T) {
	var recs []string
	for i := range 300 {
		recs = append(recs, fmt.Sprintf(`{"eventID":"%d","eventName":"GetObject","requestParameters":{"key":"%s"}}`, i, strings.Repeat("k", i%50)))
	}
	f := func(name, plain string, wantPrefix []string) {
		t.Helper()
		gz := gzipBytes(t, []byte(plain))
		cut := gz[:len(gz)*2/3]
		evs, st := readInput(t, cut)
		if len(evs) == 0 || len(evs) >= len(wantPrefix) {
			t.Fatalf("%s: %d events from a truncated gzip of %d", name, len(evs), len(wantPrefix))
		}
		for i, e := range evs {
			if string(e.Raw) != wantPrefix[i] {
				t.Fatalf("%s: event %d = %q, want %q", name, i, e.Raw, wantPrefix[i])
			}
		}
		if st.Malformed != 1 || st.FailedFiles != 1 || len(st.Problems) != 1 ||
			!strings.Contains(st.Problems[0].Msg, "truncated record: unexpected EOF") {
			t.Fatalf("%s: malformed %d failed %d problems %v", name, st.Malformed, st.FailedFiles, st.Problems)
		}
	}
	f("json lines", strings.Join(recs, "\n")+"\n", recs)
	f("records", `{"Records":[`+strings.Join(recs, ",")+`]}`, recs)

	// Cut in the gzip trailer: every record was read, none lost.
	gz := gzipBytes(t, []byte(strings.Join(recs, "\n")+"\n"))
	evs, st := readInput(t, gz[:len(gz)-4])
	if len(evs) != len(recs) || st.Malformed != 0 || st.FailedFiles != 1 {
		t.Fatalf("cut trailer: %d events, %d malformed, %d failed", len(evs), st.Malformed, st.FailedFiles)
	}
	// Garbage instead of gzip: one failed file, nothing else.
	evs, st = readInput(t, []byte{0x1f, 0x8b, 0, 0})
	if len(evs) != 0 || st.FailedFiles != 1 || st.Malformed != 0 {
		t.Fatalf("bad gzip header: %d events, %+v", len(evs), st)
	}
}

func TestCancel(t *testing.T) {
	dir := filepath.Join(sharedData(t), "invictus-aws-dataset", "logs")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	calls := 0
	st, err := Read(ctx, []string{dir}, Options{BatchSize: 10}, func(b []Event) error {
		calls++
		cancel()
		return nil
	})
	if !errors.Is(err, context.Canceled) || calls != 1 || st.Events != 10 {
		t.Fatalf("err %v after %d calls, %d events", err, calls, st.Events)
	}
	st, err = Read(ctx, []string{dir}, Options{}, func([]Event) error { return nil })
	if !errors.Is(err, context.Canceled) || st.Events != 0 {
		t.Fatalf("cancelled before the start: err %v, %d events", err, st.Events)
	}
}

func TestFnError(t *testing.T) {
	dir := filepath.Join(sharedData(t), "stratus-red-team-detonation-logs", "logs")
	stop := errors.New("store full")
	st, err := Read(context.Background(), []string{dir}, Options{BatchSize: 7}, func(b []Event) error {
		return stop
	})
	if err != stop || st.Events != 0 {
		t.Fatalf("err %v, %d events", err, st.Events)
	}
}

func TestNoInput(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing.json")
	st, err := Read(context.Background(), []string{missing}, Options{}, func([]Event) error { return nil })
	if !errors.Is(err, ErrNoInput) || st.FailedFiles != 1 || st.Files != 1 {
		t.Fatalf("missing file: err %v, %+v", err, st)
	}
	want := "no input could be read: " + missing + ": cannot open: no such file or directory"
	if err.Error() != want {
		t.Fatalf("error\n got: %s\nwant: %s", err, want)
	}
	if _, err := Read(context.Background(), []string{t.TempDir()}, Options{}, func([]Event) error { return nil }); !errors.Is(err, ErrNoInput) {
		t.Fatalf("empty directory: err %v", err)
	}
	if _, err := Read(context.Background(), nil, Options{}, func([]Event) error { return nil }); !errors.Is(err, ErrNoInput) {
		t.Fatalf("no paths: err %v", err)
	}
	// One good path is enough: the missing one is a problem, not an error.
	good := filepath.Join(sharedData(t), "edge-cases", "logs", "12-array.json")
	evs, st := readAll(t, []string{missing, good}, Options{})
	if len(evs) != 2 || st.FailedFiles != 1 || st.Files != 2 || len(st.Problems) != 1 {
		t.Fatalf("%d events, %+v", len(evs), st)
	}
	// A folder of digests only was read: nothing to do is not a failure.
	digest := filepath.Join(sharedData(t), "edge-cases", "logs", "111122223333_CloudTrail-Digest_us-east-2_awscloudtrail-us-east-2_us-east-2_20151019T040000Z.json")
	if _, st := readAll(t, []string{digest}, Options{}); st.SkippedFiles != 1 {
		t.Fatalf("digest: %+v", st)
	}
}

func TestProgress(t *testing.T) {
	dir := filepath.Join(sharedData(t), "invictus-aws-dataset", "logs")
	var calls []Progress
	_, st := readAll(t, []string{dir}, Options{Progress: func(p Progress) { calls = append(calls, p) }})
	if len(calls) == 0 {
		t.Fatal("Progress was never called")
	}
	last := calls[len(calls)-1]
	if last.BytesTotal != st.Bytes || last.BytesRead != st.Bytes || last.Events != 2900 || last.Files != 55 {
		t.Fatalf("last progress %+v, stats %+v", last, st)
	}
	_, _ = readAll(t, []string{"-"}, Options{Stdin: strings.NewReader(`{"a":1}`), Progress: func(p Progress) {
		if p.BytesTotal != 0 {
			t.Fatalf("stdin has no known size, got BytesTotal %d", p.BytesTotal)
		}
	}})
}

func TestBatchesAndRetention(t *testing.T) {
	dir := filepath.Join(sharedData(t), "invictus-aws-dataset", "logs")
	var kept [][]byte
	var copies [][]byte
	st, err := Read(context.Background(), []string{dir}, Options{BatchSize: 100}, func(b []Event) error {
		if len(b) == 0 || len(b) > 100 {
			t.Fatalf("batch of %d", len(b))
		}
		for _, e := range b {
			kept = append(kept, e.Raw)
			copies = append(copies, bytes.Clone(e.Raw))
		}
		return nil
	})
	if err != nil || st.Events != 2900 {
		t.Fatalf("err %v, %d events", err, st.Events)
	}
	for i := range kept {
		if !bytes.Equal(kept[i], copies[i]) {
			t.Fatalf("event %d's Raw changed after its batch was handed on", i)
		}
	}
}
