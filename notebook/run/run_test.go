package run

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trailbook/trailbook/kernel"
	"github.com/trailbook/trailbook/kernel/dql/exec"
	"github.com/trailbook/trailbook/kernel/dql/value"
	"github.com/trailbook/trailbook/kernel/protocol"
	"github.com/trailbook/trailbook/notebook"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// testNow is the fixed now() of the test kernels.
var testNow = time.Date(2024, 3, 1, 16, 30, 0, 0, time.UTC)

func options(src exec.Source) Options {
	return Options{Kernel: kernel.Options{
		Source:   src,
		Renderer: testRenderer{},
		Scripts:  func() kernel.ScriptRunner { return &echoScripts{} },
		Now:      func() time.Time { return testNow },
	}}
}

// testRenderer renders a table as the real renderer's MIME types, with small
// fixed contents, and a chart for results that have a field "series".
type testRenderer struct{}

func (testRenderer) Table(r *kernel.Result) protocol.MimeBundle {
	b := protocol.MimeBundle{}
	var recs []string
	for _, rec := range r.Records {
		recs = append(recs, string(value.AppendRecordJSONL(nil, rec)))
	}
	b[protocol.MIMETable] = json.RawMessage(fmt.Sprintf(`{"columns":[],"records":[%s],"total":%d}`, strings.Join(recs, ","), r.Total))
	b.SetText(protocol.MIMEHTML, fmt.Sprintf("<table><tr><td>%d records</td></tr></table>", r.Total))
	b.SetText(protocol.MIMEText, fmt.Sprintf("%d records\nof %s", r.Total, r.Name))
	return b
}

func (testRenderer) Chart(r *kernel.Result) protocol.MimeBundle {
	if len(r.Records) == 0 || r.Records[0].Lookup("series").IsNull() {
		return nil
	}
	return protocol.MimeBundle{
		protocol.MIMEECharts: json.RawMessage(`{"series":[{"name":"s","data":[[0,1]]}]}`),
		protocol.MIMEPNG:     json.RawMessage(`"iVBORw0KGgo="`),
		protocol.MIMEText:    json.RawMessage(`"line chart of 1 series: s"`),
	}
}

// echoScripts runs %%js cells of the form "print TEXT", "fail TEXT" or "result
// NAME" (the count of records of the named result), enough to see streams, script
// errors and results by name.
type echoScripts struct{}

func (*echoScripts) Reset() {}

func (*echoScripts) Run(ctx context.Context, code string, env kernel.ScriptEnv) (kernel.ScriptValue, error) {
	verb, arg, _ := strings.Cut(strings.TrimSpace(code), " ")
	switch verb {
	case "print":
		env.Print("stdout", arg+"\n")
		env.Print("stdout", "again\n")
		env.Print("stderr", "warned\n")
		return kernel.ScriptValue{}, nil
	case "many":
		for i := range 50000 {
			env.Print("stdout", fmt.Sprintf("line %d\n", i))
		}
		return kernel.ScriptValue{}, nil
	case "fail":
		return kernel.ScriptValue{}, &kernel.ScriptError{Line: 1, Col: 1, Msg: arg}
	case "result":
		r, ok := env.Result(arg)
		if !ok {
			return kernel.ScriptValue{}, &kernel.ScriptError{Msg: "no result " + arg}
		}
		return kernel.ScriptValue{Value: value.String(fmt.Sprintf("%s has %d records", arg, r.Total))}, nil
	}
	return kernel.ScriptValue{}, errors.New("unknown script")
}

// build makes a notebook of cells: "md:TEXT" is a markdown cell, "name=N:CODE" a
// named code cell, anything else a code cell.
func build(t testing.TB, meta string, cells ...string) *notebook.Notebook {
	t.Helper()
	var nb struct {
		Cells    []map[string]any `json:"cells"`
		Metadata json.RawMessage  `json:"metadata"`
		NBFormat int              `json:"nbformat"`
		Minor    int              `json:"nbformat_minor"`
	}
	nb.NBFormat, nb.Minor, nb.Metadata = 4, 5, json.RawMessage(meta)
	for i, src := range cells {
		c := map[string]any{"id": fmt.Sprintf("c%d", i), "metadata": map[string]any{}}
		switch {
		case strings.HasPrefix(src, "md:"):
			c["cell_type"], c["source"] = "markdown", strings.TrimPrefix(src, "md:")
		case strings.HasPrefix(src, "name="):
			name, code, _ := strings.Cut(strings.TrimPrefix(src, "name="), ":")
			c["cell_type"], c["source"], c["outputs"], c["execution_count"] = "code", code, []any{}, nil
			c["metadata"] = map[string]any{"trailbook": map[string]any{"name": name}}
		default:
			// A stale output from an earlier run, which running must replace.
			c["cell_type"], c["source"], c["execution_count"] = "code", src, 7
			c["outputs"] = []any{map[string]any{"output_type": "stream", "name": "stdout", "text": "stale"}}
		}
		nb.Cells = append(nb.Cells, c)
	}
	data, err := json.Marshal(nb)
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := notebook.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	return parsed
}

// encoded returns the notebook as written, with run times replaced by a fixed
// text so that goldens stay stable.
func encoded(t *testing.T, nb *notebook.Notebook) string {
	t.Helper()
	data, err := notebook.Encode(nb)
	if err != nil {
		t.Fatal(err)
	}
	return timing.ReplaceAllString(string(data), `"$1": "TIME"`)
}

var timing = regexp.MustCompile(`"((?:iopub|shell)\.[a-z_]+)": "[^"]*"`)

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (go test -update rewrites it):\n got:\n%s\nwant:\n%s", path, got, want)
	}
}

// TestNotebook runs every kind of cell and pins the executed notebook: outputs in
// nbformat's shapes, execution counts, markdown kept, stale outputs replaced.
func TestNotebook(t *testing.T) {
	nb := build(t, `{"kernelspec":{"name":"trailbook","display_name":"trailbook (DQL)","language":"dql"}}`,
		"md:# Title <b>kept</b>",
		"name=first:data record(a = 1), record(a = 2)",
		"%%js\nprint hello <script>",
		"",
		"%%md\n**bold**",
		"data record(series = array(1, 2))",
		"%%js\nresult first",
	)
	before := encoded(t, nb)
	ex, err := Notebook(context.Background(), nb, options(nil))
	if err != nil {
		t.Fatal(err)
	}
	if ex.Failed != 0 || ex.Err() != nil {
		t.Fatalf("Failed = %d, Err %v", ex.Failed, ex.Err())
	}
	if after := encoded(t, nb); after != before {
		t.Errorf("running changed the input notebook")
	}
	var ran []string
	for _, c := range ex.Cells {
		rows := -1
		if c.Result != nil {
			rows = c.Result.Total
		}
		ran = append(ran, fmt.Sprintf("%d:%s:%d", c.Index, c.Name, rows))
	}
	if got, want := strings.Join(ran, " "), "1:first:2 2:cell2:-1 4:cell3:-1 5:cell4:1 6:cell5:-1"; got != want {
		t.Errorf("cells ran (index:name:rows) %s, want %s", got, want)
	}
	golden(t, "all-kinds.ipynb", encoded(t, ex.Notebook))
}

// TestStopsAtFirstError checks nbclient's default: a failed cell stops the run,
// later cells are left without outputs or counts; KeepGoing runs them.
func TestStopsAtFirstError(t *testing.T) {
	cells := []string{"data record(a = 1)", "data record(a = ", "%%js\nfail boom", "data record(b = 2)"}
	for _, keepGoing := range []bool{false, true} {
		t.Run(fmt.Sprintf("keepGoing=%v", keepGoing), func(t *testing.T) {
			opt := options(nil)
			opt.KeepGoing = keepGoing
			ex, err := Notebook(context.Background(), build(t, `{}`, cells...), opt)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, c := range ex.Notebook.Cells {
				var kinds []string
				for _, o := range c.Outputs {
					var out struct {
						OutputType string `json:"output_type"`
						Ename      string `json:"ename"`
					}
					json.Unmarshal(o, &out)
					kinds = append(kinds, strings.TrimSpace(out.OutputType+" "+out.Ename))
				}
				n := "-"
				if c.ExecutionCount != nil {
					n = fmt.Sprint(*c.ExecutionCount)
				}
				got = append(got, n+"["+strings.Join(kinds, ",")+"]")
			}
			want := "1[execute_result] 2[error DQLSyntaxError] -[] -[]"
			wantFailed := 1
			if keepGoing {
				want = "1[execute_result] 2[error DQLSyntaxError] 3[error ScriptError] 4[execute_result]"
				wantFailed = 2
			}
			if strings.Join(got, " ") != want {
				t.Errorf("cells %s, want %s", strings.Join(got, " "), want)
			}
			if ex.Failed != wantFailed {
				t.Errorf("Failed = %d, want %d", ex.Failed, wantFailed)
			}
			if e := ex.Err(); e == nil || e.Ename != protocol.ErrDQLSyntax {
				t.Errorf("Err() = %v, want the DQLSyntaxError", e)
			}
		})
	}
}

// scanSource records the timeframes fetch asks for and serves one record.
type scanSource struct {
	mu   sync.Mutex
	reqs []exec.ScanRequest
}

func (s *scanSource) Scan(ctx context.Context, req exec.ScanRequest) (exec.Iterator, error) {
	s.mu.Lock()
	s.reqs = append(s.reqs, req)
	s.mu.Unlock()
	r := value.NewRecord(1)
	r.Append("timestamp", value.Timestamp(req.From))
	return &oneIter{recs: []*value.Record{r}}, nil
}

type oneIter struct{ recs []*value.Record }

func (it *oneIter) Next(context.Context) ([]*value.Record, error) {
	out := it.recs
	it.recs = nil
	return out, nil
}

func (it *oneIter) Close() error { return nil }

// TestTimeframe checks that the notebook's trailbook.timeframe is fetch's default,
// and that a bad one fails before anything runs.
func TestTimeframe(t *testing.T) {
	src := &scanSource{}
	nb := build(t, `{"trailbook":{"timeframe":{"from":"-7d","to":"-1d"}}}`, "fetch logs", "fetch logs, from: -1h")
	if _, err := Notebook(context.Background(), nb, options(src)); err != nil {
		t.Fatal(err)
	}
	if len(src.reqs) != 2 {
		t.Fatalf("%d scans, want 2", len(src.reqs))
	}
	got := []string{time.Unix(0, src.reqs[0].From).UTC().Format(time.RFC3339), time.Unix(0, src.reqs[0].To).UTC().Format(time.RFC3339),
		time.Unix(0, src.reqs[1].From).UTC().Format(time.RFC3339)}
	want := []string{"2024-02-23T16:30:00Z", "2024-02-29T16:30:00Z", "2024-03-01T15:30:00Z"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("scanned from/to %v, want %v", got, want)
	}

	bad := build(t, `{"trailbook":{"timeframe":{"from":"yesterday-ish"}}}`, "fetch logs")
	if _, err := Notebook(context.Background(), bad, options(src)); err == nil || !strings.Contains(err.Error(), "trailbook.timeframe") {
		t.Errorf("bad timeframe: err %v", err)
	}
}

// foreverSource streams records until the scan's context is cancelled.
type foreverSource struct{ started chan struct{} }

func (f *foreverSource) Scan(ctx context.Context, req exec.ScanRequest) (exec.Iterator, error) {
	select {
	case f.started <- struct{}{}:
	default:
	}
	return &foreverIter{ts: req.From}, nil
}

type foreverIter struct{ ts int64 }

func (it *foreverIter) Next(ctx context.Context) ([]*value.Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	batch := make([]*value.Record, 64)
	for i := range batch {
		r := value.NewRecord(1)
		r.Append("timestamp", value.Timestamp(it.ts))
		batch[i] = r
	}
	return batch, nil
}

func (it *foreverIter) Close() error { return nil }

// TestCancel interrupts the running cell when the context ends and still returns
// what ran, with the Interrupted error in that cell.
func TestCancel(t *testing.T) {
	src := &foreverSource{started: make(chan struct{}, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-src.started
		cancel()
	}()
	opt := options(src)
	opt.KeepGoing = true // cancellation stops the run all the same
	nb := build(t, `{}`, "data record(a = 1)", "fetch logs | summarize count()", "data record(b = 2)")
	ex, err := Notebook(ctx, nb, opt)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if ex == nil || len(ex.Cells) != 2 || ex.Failed != 1 {
		t.Fatalf("executed %+v", ex)
	}
	if e := ex.Cells[1].Err; e == nil || e.Ename != protocol.ErrInterrupted {
		t.Errorf("cell 1 error %v, want Interrupted", e)
	}
	if c := ex.Notebook.Cells[2]; len(c.Outputs) != 0 || c.ExecutionCount != nil {
		t.Errorf("cell 2 ran after the cancel: %s", c.Outputs)
	}
}

// TestCellTimeout interrupts a cell that runs over CellTimeout and says why.
func TestCellTimeout(t *testing.T) {
	opt := options(&foreverSource{started: make(chan struct{}, 1)})
	opt.CellTimeout = 50 * time.Millisecond
	ex, err := Notebook(context.Background(), build(t, `{}`, "fetch logs | summarize count()", "data record(a = 1)"), opt)
	if err != nil {
		t.Fatal(err)
	}
	e := ex.Err()
	if e == nil || e.Ename != protocol.ErrInterrupted || e.Evalue != "the cell did not finish within the time limit of 50ms" {
		t.Fatalf("error %+v", e)
	}
	outs := ex.Notebook.Cells[0].Outputs
	if len(outs) != 1 || !bytes.Contains(outs[0], []byte("time limit of 50ms")) {
		t.Errorf("outputs %s", outs)
	}
	if len(ex.Cells) != 1 {
		t.Errorf("the cell after the timeout ran")
	}
}

// TestLongStream checks that many writes to a stream make one output holding
// every line (and, by finishing, that appending stays linear).
func TestLongStream(t *testing.T) {
	ex, err := Notebook(context.Background(), build(t, `{}`, "%%js\nmany"), options(nil))
	if err != nil {
		t.Fatal(err)
	}
	outs := ex.Notebook.Cells[0].Outputs
	var st struct{ Text []string }
	if len(outs) != 1 || json.Unmarshal(outs[0], &st) != nil || len(st.Text) != 50000 || st.Text[49999] != "line 49999\n" {
		t.Fatalf("%d outputs, %d lines", len(outs), len(st.Text))
	}
}

// TestProgress checks the start and end reports of each code cell.
func TestProgress(t *testing.T) {
	var got []string
	opt := options(nil)
	opt.Progress = func(p Progress) {
		s := fmt.Sprintf("%d/%d done=%v", p.Index, p.Cells, p.Done)
		if p.Result != nil {
			s += fmt.Sprintf(" rows=%d", p.Result.Total)
		}
		if p.Err != nil {
			s += " err=" + p.Err.Ename
		}
		got = append(got, s)
	}
	Notebook(context.Background(), build(t, `{}`, "md:x", "data record(a = 1)", "data record(a = "), opt)
	want := "1/3 done=false|1/3 done=true rows=1|2/3 done=false|2/3 done=true err=DQLSyntaxError"
	if strings.Join(got, "|") != want {
		t.Errorf("progress\n got %s\nwant %s", strings.Join(got, "|"), want)
	}
}
