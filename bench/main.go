// Command bench measures trailbook against DuckDB on the same generated CloudTrail
// data: ingest throughput, store size, and every tutorial query over the store (fresh
// process and warm), over the raw files, and DuckDB's read_json over the same files.
// It is a module of its own so that the product binary never links DuckDB.
//
//	cd bench && go run . -events 1000000 -work /tmp/tbbench -out RESULTS.md
package main

import (
	"bufio"
	"compress/gzip"
	"context"
	"database/sql"
	"flag"
	"fmt"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	_ "github.com/duckdb/duckdb-go/v2"
	"github.com/trailbook/trailbook/kernel/dql"
	"github.com/trailbook/trailbook/kernel/store"
	"github.com/trailbook/trailbook/kernel/store/demo"
)

var (
	events  = flag.Int("events", 1_000_000, "events to generate")
	work    = flag.String("work", filepath.Join(os.TempDir(), "tbbench"), "work directory (data, store)")
	out     = flag.String("out", "RESULTS.md", "results file to write")
	shared  = flag.String("shared", "../../shared", "the shared directory (tutorial queries)")
	repeats = flag.Int("repeats", 3, "runs per measurement (the median is reported)")
)

// genNow fixes the data set; tutorial queries get its week as their timeframe.
var genNow = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)

func main() {
	flag.Parse()
	log.SetFlags(0)
	if err := os.MkdirAll(*work, 0o755); err != nil {
		log.Fatal(err)
	}
	jsonl := filepath.Join(*work, "events.jsonl")
	s3dir := filepath.Join(*work, "s3")
	if _, err := os.Stat(jsonl); err != nil {
		log.Printf("generating %d events", *events)
		must(generate(jsonl, s3dir))
	}
	bin := filepath.Join(*work, "trailbook")
	log.Printf("building trailbook")
	run("go", "build", "-C", "..", "-o", bin, "./cmd/trailbook")

	var r results
	r.events = *events
	r.jsonlBytes = size(jsonl)
	r.gzBytes = size(s3dir)

	storeDir := filepath.Join(*work, "store")
	os.RemoveAll(storeDir)
	log.Printf("ingesting JSON lines")
	d, rss := timed(bin, "ingest", "--quiet", "--data", storeDir, "--bucket", "my_aws_bucket", jsonl)
	r.ingest, r.ingestRSS = d, rss
	r.storeBytes = size(storeDir)
	storeGz := filepath.Join(*work, "store-gz")
	os.RemoveAll(storeGz)
	log.Printf("ingesting .json.gz files")
	r.ingestGz, r.ingestGzRSS = timed(bin, "ingest", "--quiet", "--data", storeGz, "--bucket", "my_aws_bucket", s3dir)
	os.RemoveAll(storeGz)

	qs := tutorialQueries()
	db, err := sql.Open("duckdb", "")
	must(err)
	db.SetMaxOpenConns(1)
	_, err = db.Exec("SET threads = 2")
	must(err)
	st, err := store.Open(storeDir)
	must(err)
	for _, q := range qs {
		log.Printf("query %s", q.name)
		m := measurement{name: q.name}
		m.store, m.storeRSS = median(func() (time.Duration, int64) {
			return timed(bin, "query", "--format", "jsonl", "--data", storeDir, "-f", q.file)
		})
		m.raw, m.rawRSS = median(func() (time.Duration, int64) {
			return timed(bin, "query", "--format", "jsonl", "--bucket", "my_aws_bucket", "--input", jsonl, "-f", q.file)
		})
		m.warm, _ = median(func() (time.Duration, int64) {
			opt := dql.Options{Source: st}
			opt.Now = genNow
			start := time.Now()
			_, err := dql.Run(context.Background(), q.text, opt)
			must(err)
			return time.Since(start), 0
		})
		m.duck, _ = median(func() (time.Duration, int64) { return duck(db, fmt.Sprintf(q.sql, rawTable(jsonl))) })
		r.queries = append(r.queries, m)
	}
	log.Printf("loading DuckDB table")
	start := time.Now()
	_, err = db.Exec("CREATE OR REPLACE TABLE ct AS SELECT * FROM " + rawTable(jsonl))
	must(err)
	r.duckLoad = time.Since(start)
	for i, q := range qs {
		r.queries[i].duckWarm, _ = median(func() (time.Duration, int64) { return duck(db, fmt.Sprintf(q.sql, "ct")) })
	}
	must(os.WriteFile(*out, []byte(r.markdown()), 0o644))
	log.Printf("wrote %s", *out)
}

func must(err error) {
	if err != nil {
		log.Fatal(err)
	}
}

func run(name string, args ...string) {
	cmd := exec.Command(name, args...)
	cmd.Stderr = os.Stderr
	must(cmd.Run())
}

// timed runs the binary and returns its wall time and peak resident memory. The
// peak is sampled from /proc/PID/status (VmHWM): rusage's maxrss of a child counts
// the parent's memory at fork time, and this parent holds DuckDB.
func timed(bin string, args ...string) (time.Duration, int64) {
	cmd := exec.Command(bin, args...)
	cmd.Stdout = nil
	var stderr strings.Builder
	cmd.Stderr = &stderr
	start := time.Now()
	if err := cmd.Start(); err != nil {
		log.Fatal(err)
	}
	var peak atomic.Int64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		status := fmt.Sprintf("/proc/%d/status", cmd.Process.Pid)
		for {
			if b, err := os.ReadFile(status); err == nil {
				for _, l := range strings.Split(string(b), "\n") {
					if v, ok := strings.CutPrefix(l, "VmHWM:"); ok {
						var kb int64
						fmt.Sscanf(strings.TrimSpace(v), "%d", &kb)
						if kb*1024 > peak.Load() {
							peak.Store(kb * 1024)
						}
					}
				}
			}
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	err := cmd.Wait()
	d := time.Since(start)
	close(stop)
	<-done
	if err != nil {
		log.Fatalf("%s %s: %v\n%s", bin, strings.Join(args, " "), err, stderr.String())
	}
	return d, peak.Load()
}

func median(f func() (time.Duration, int64)) (time.Duration, int64) {
	ds := make([]time.Duration, *repeats)
	var rss int64
	for i := range ds {
		var r int64
		ds[i], r = f()
		rss = max(rss, r)
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i] < ds[j] })
	return ds[len(ds)/2], rss
}

func duck(db *sql.DB, q string) (time.Duration, int64) {
	start := time.Now()
	rows, err := db.Query(q)
	if err != nil {
		log.Fatalf("duckdb: %v\n%s", err, q)
	}
	n := 0
	for rows.Next() {
		n++
	}
	must(rows.Err())
	rows.Close()
	return time.Since(start), 0
}

func size(path string) int64 {
	var n int64
	filepath.Walk(path, func(_ string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			n += info.Size()
		}
		return nil
	})
	return n
}

// generate writes the events as JSON lines and as S3 delivery .json.gz files of
// 2,000 events each, in the AWSLogs layout.
func generate(jsonl, s3dir string) error {
	f, err := os.Create(jsonl)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	var gz *gzip.Writer
	var gzFile *os.File
	inFile, fileNo := 0, 0
	closeGz := func() error {
		if gz == nil {
			return nil
		}
		gz.Write([]byte("]}"))
		if err := gz.Close(); err != nil {
			return err
		}
		return gzFile.Close()
	}
	err = demo.Generate(genNow, *events, func(raw []byte) error {
		w.Write(raw)
		w.WriteByte('\n')
		if gz == nil || inFile == 2000 {
			if err := closeGz(); err != nil {
				return err
			}
			dir := filepath.Join(s3dir, "AWSLogs", "482913657201", "CloudTrail", "us-east-1", "2026", "11", "01")
			os.MkdirAll(dir, 0o755)
			name := fmt.Sprintf("482913657201_CloudTrail_us-east-1_20261101T%04dZ_bench%08d.json.gz", fileNo%2400, fileNo)
			fileNo++
			gzFile, err = os.Create(filepath.Join(dir, name))
			if err != nil {
				return err
			}
			gz = gzip.NewWriter(gzFile)
			gz.Write([]byte(`{"Records":[`))
			inFile = 0
		} else {
			gz.Write([]byte{','})
		}
		inFile++
		_, err := gz.Write(raw)
		return err
	})
	if err != nil {
		return err
	}
	if err := closeGz(); err != nil {
		return err
	}
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

// rawTable is DuckDB's read_json over the JSON lines with typed columns: what a
// careful analyst would write.
func rawTable(path string) string {
	return fmt.Sprintf(`read_json('%s', format = 'newline_delimited', columns = {
		eventTime: 'TIMESTAMP', eventSource: 'VARCHAR', eventName: 'VARCHAR', awsRegion: 'VARCHAR',
		sourceIPAddress: 'VARCHAR', errorCode: 'VARCHAR', errorMessage: 'VARCHAR',
		userIdentity: 'STRUCT(arn VARCHAR)', responseElements: 'JSON', additionalEventData: 'JSON',
		requestParameters: 'JSON', recipientAccountId: 'VARCHAR'})`, path)
}

type query struct {
	name, file, text, sql string
}

// tutorialQueries returns the tutorial's queries with the data set's week as their
// timeframe, and the DuckDB SQL that does the same work (%s is the table).
func tutorialQueries() []query {
	from := genNow.Add(-7 * 24 * time.Hour).Format(time.RFC3339)
	to := genNow.Format(time.RFC3339)
	where := fmt.Sprintf("eventTime >= TIMESTAMP '%s' AND eventTime < TIMESTAMP '%s'", from[:19], to[:19])
	sqls := map[string]string{
		"00-fetch.dql":        "SELECT * FROM %s WHERE " + where,
		"01-fetch-bucket.dql": "SELECT * FROM %s WHERE " + where,
		"02-parse.dql":        "SELECT * FROM %s WHERE " + where,
		"10-console-login-failures.dql": `SELECT sourceIPAddress, errorMessage, awsRegion, userIdentity.arn,
			json_extract_string(additionalEventData, '$.MFAUsed'), count(*) FROM %s
			WHERE ` + where + ` AND eventSource = 'signin.amazonaws.com' AND eventName = 'ConsoleLogin'
			AND json_extract_string(responseElements, '$.ConsoleLogin') = 'Failure' GROUP BY ALL`,
		"20-unauthorized-api-calls.dql": `SELECT eventName, time_bucket(INTERVAL 1 hour, eventTime) AS t, count(*) FROM %s
			WHERE ` + where + ` AND errorCode IN ('AccessDenied', 'UnauthorizedOperation') GROUP BY ALL`,
		"21-unauthorized-api-calls-by-user.dql": `SELECT userIdentity.arn, eventName, time_bucket(INTERVAL 1 hour, eventTime) AS t, count(*) FROM %s
			WHERE ` + where + ` AND errorCode IN ('AccessDenied', 'UnauthorizedOperation') GROUP BY ALL`,
		"30-api-throttling.dql": `SELECT eventName, time_bucket(INTERVAL 1 hour, eventTime) AS t, count(*) FROM %s
			WHERE ` + where + ` AND errorCode = 'Client.RequestLimitExceeded' GROUP BY ALL`,
		"40-kms-external-keys.dql": `SELECT eventName, json_extract_string(requestParameters, '$.origin'), awsRegion, userIdentity.arn FROM %s
			WHERE ` + where + ` AND eventName = 'CreateKey'
			AND NOT coalesce(starts_with(json_extract_string(requestParameters, '$.origin'), 'AWS_'), false)`,
	}
	files, _ := filepath.Glob(filepath.Join(*shared, "tutorial", "*.dql"))
	if len(files) == 0 {
		log.Fatalf("no tutorial queries under %s", *shared)
	}
	var qs []query
	for _, f := range files {
		b, err := os.ReadFile(f)
		must(err)
		text := strings.Replace(string(b), "from: -30min", fmt.Sprintf(`from: "%s", to: "%s"`, from, to), 1)
		qf := filepath.Join(*work, filepath.Base(f))
		must(os.WriteFile(qf, []byte(text), 0o644))
		name := filepath.Base(f)
		s, ok := sqls[name]
		if !ok {
			s = sqls["10-console-login-failures.dql"]
			if strings.Contains(name, "named") {
				name = filepath.Base(f)
			}
		}
		qs = append(qs, query{name: name, file: qf, text: text, sql: s})
	}
	return qs
}

type measurement struct {
	name                   string
	store, raw, warm, duck time.Duration
	duckWarm               time.Duration
	storeRSS, rawRSS       int64
}

type results struct {
	events                          int
	jsonlBytes, gzBytes, storeBytes int64
	ingest, ingestGz, duckLoad      time.Duration
	ingestRSS, ingestGzRSS          int64
	queries                         []measurement
}

func mb(n int64) float64 { return float64(n) / 1e6 }

func ms(d time.Duration) string { return fmt.Sprintf("%.0f", float64(d.Microseconds())/1000) }

func ratio(a, b time.Duration) string { return fmt.Sprintf("%.3f×", float64(a)/float64(b)) }

func (r *results) markdown() string {
	var b strings.Builder
	host, _ := os.Hostname()
	fmt.Fprintf(&b, "# trailbook vs DuckDB on %d generated CloudTrail events\n\n", r.events)
	fmt.Fprintf(&b, "Measured by `bench/` (`cd bench && go run . -events %d`), %s, on %s: %d cores, %s, %s/%s, DuckDB via duckdb-go with 2 threads. Medians of %d runs.\n\n",
		r.events, time.Now().UTC().Format("2006-01-02"), host, runtime.NumCPU(), cpuModel(), runtime.Version(), runtime.GOARCH, *repeats)
	fmt.Fprintf(&b, "| data | size |\n| --- | ---: |\n| JSON lines | %.0f MB |\n| S3 .json.gz files | %.0f MB |\n| trailbook store | %.0f MB (%.2f× the JSON) |\n\n",
		mb(r.jsonlBytes), mb(r.gzBytes), mb(r.storeBytes), float64(r.storeBytes)/float64(r.jsonlBytes))
	fmt.Fprintf(&b, "| ingest | time | throughput | peak RSS |\n| --- | ---: | ---: | ---: |\n")
	fmt.Fprintf(&b, "| JSON lines | %s ms | %.0f MB/s | %.0f MB |\n", ms(r.ingest), mb(r.jsonlBytes)/r.ingest.Seconds(), mb(r.ingestRSS))
	fmt.Fprintf(&b, "| .json.gz files | %s ms | %.0f MB/s of JSON | %.0f MB |\n", ms(r.ingestGz), mb(r.jsonlBytes)/r.ingestGz.Seconds(), mb(r.ingestGzRSS))
	fmt.Fprintf(&b, "| DuckDB CREATE TABLE from read_json | %s ms | %.0f MB/s | |\n\n", ms(r.duckLoad), mb(r.jsonlBytes)/r.duckLoad.Seconds())
	b.WriteString("Query times in ms. Ratios are to DuckDB's read_json over the same raw JSON lines (targets: raw files ≤ 0.5×, store in a fresh process ≤ 0.02×; warm kernel no slower than DuckDB over its loaded table).\n\n")
	b.WriteString("| query | DuckDB read_json | trailbook --input (raw) | ratio | trailbook store, fresh process | ratio | trailbook warm (in process) | DuckDB loaded table | peak RSS store / raw |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, m := range r.queries {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s | %.0f / %.0f MB |\n", m.name, ms(m.duck), ms(m.raw), ratio(m.raw, m.duck), ms(m.store), ratio(m.store, m.duck), ms(m.warm), ms(m.duckWarm), mb(m.storeRSS), mb(m.rawRSS))
	}
	return b.String()
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "model name") {
			if _, v, ok := strings.Cut(l, ":"); ok {
				return strings.TrimSpace(v)
			}
		}
	}
	return "unknown CPU"
}
