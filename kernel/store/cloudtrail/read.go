package cloudtrail

import (
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Event is one CloudTrail event as read from its source.
type Event struct {
	// Raw is the event's JSON text, byte for byte as in the input: for a
	// Records file the exact bytes of that array element; for a CloudWatch
	// Logs subscription message the decoded message string; for a CloudWatch
	// Logs export line the JSON after the timestamp prefix. Trailing CR and
	// white space are trimmed. Raw is a valid JSON object (gjson.Valid), and
	// it is safe to retain: each batch's Raw bytes live in fresh memory.
	Raw []byte
	// Source is the file path, "-" for stdin, or "s3://bucket/key".
	Source string
	// Line is the 1-based line in Source where the event starts (for an
	// array element, the line of its opening brace), for messages.
	Line int
	// Account and Region come from an S3 delivery key or file name
	// (AWSLogs/<acct>/CloudTrail/<region>/… or <acct>_CloudTrail_<region>_…);
	// they are "" when the name has neither.
	Account, Region string
}

// Problem is one malformed record or unreadable input. Problems are reported
// and counted, never fatal.
type Problem struct {
	Source string
	Line   int // 1-based; 0 when the problem concerns the whole input
	Msg    string
}

// String formats p the way compilers do, "source:line: message".
func (p Problem) String() string {
	if p.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", p.Source, p.Line, p.Msg)
	}
	return p.Source + ": " + p.Msg
}

// MaxProblems is how many problems Stats keeps; the counts include them all.
const MaxProblems = 100

// Stats counts what a Read found.
type Stats struct {
	// Files counts every input met: files, S3 objects and stdin, including
	// the skipped and the failed ones.
	Files int64
	// SkippedFiles counts inputs that hold no events by design: CloudTrail
	// digest files and CloudWatch Logs CONTROL_MESSAGE payloads.
	SkippedFiles int64
	// FailedFiles counts inputs that could not be opened, listed, or read
	// to the end (I/O errors, corrupt or truncated gzip). Every complete
	// record read before the failure is kept.
	FailedFiles int64
	// Events counts the events handed to fn.
	Events int64
	// Malformed counts records that were lost: invalid JSON, not an object,
	// or cut short. A broken line counts once.
	Malformed int64
	// Bytes counts the bytes read from the sources, compressed, for
	// throughput and progress.
	Bytes int64
	// Problems holds the first MaxProblems problems in the order met.
	Problems []Problem
}

// Options tunes a Read. The zero value reads local files and stdin with the
// defaults below.
type Options struct {
	// Endpoint is an S3-compatible endpoint (MinIO, a fake) for s3:// paths,
	// addressed path-style; "" uses AWS.
	Endpoint string
	// Progress, if set, is called at most about ten times a second, and once
	// at the end, from the goroutine that called Read.
	Progress func(p Progress)
	// BatchSize is the number of events per batch handed to fn; 0 means 1024.
	BatchSize int
	// Stdin is read for the path "-"; nil means os.Stdin.
	Stdin io.Reader
	// S3Client serves s3:// paths; nil means a client built from the
	// standard AWS configuration (environment, shared files, instance role)
	// and Endpoint. Tests inject one here.
	S3Client S3API
	// Keep, if set, is asked about each event's bytes before they are
	// validated; an event it rejects is dropped without validation and is
	// counted nowhere. Queries over raw files use it to skip, cheaply, the
	// events their filters rule out. It must be safe to call from Read's
	// goroutine and must not keep raw.
	Keep func(raw []byte) bool
}

// Progress is a snapshot of a Read under way.
type Progress struct {
	BytesRead  int64 // compressed bytes read so far
	BytesTotal int64 // size of all inputs, 0 when unknown (stdin)
	Events     int64 // events handed to fn so far
	Files      int64 // inputs started so far
}

// ErrNoInput is returned (wrapped, with the first problem) when nothing could
// be read at all: no path could be opened or listed, or none held a file.
var ErrNoInput = errors.New("no input could be read")

const (
	defaultBatch  = 1024
	progressEvery = 100 * time.Millisecond
	// slabSize is the memory block that batches' Raw bytes are copied into;
	// a block is never reused after its batch is handed on.
	slabSize = 256 << 10
)

// Read streams every event of every path to fn in batches, in input order
// per file. A path is a file, a directory (walked recursively in lexical
// order, hidden names skipped), "-" for stdin, or s3://bucket/prefix.
// Shapes are detected by content (see the package documentation).
//
// fn may keep the Events and their Raw bytes, but not the batch slice, which
// is reused after fn returns. Read calls fn from its own goroutine, never
// concurrently.
//
// Malformed records and unreadable inputs are counted in Stats and never
// stop the Read. An error from fn, or ctx's error on cancellation, stops
// reading and is returned as is. ErrNoInput is returned when nothing could be
// read at all. Stats is valid in every case.
func Read(ctx context.Context, paths []string, opt Options, fn func(batch []Event) error) (Stats, error) {
	if opt.BatchSize <= 0 {
		opt.BatchSize = defaultBatch
	}
	if opt.Stdin == nil {
		opt.Stdin = os.Stdin
	}
	r := &reader{ctx: ctx, opt: opt, fn: fn, s3: opt.S3Client}
	r.buffers = pool.Get().(*buffers)
	defer r.release()
	if len(paths) == 0 {
		return r.st, fmt.Errorf("%w: no paths given", ErrNoInput)
	}
	if opt.Progress != nil {
		r.total = r.measure(paths)
	}
	for _, p := range paths {
		if err := r.path(p); err != nil {
			return r.st, err
		}
	}
	if err := r.flush(); err != nil {
		return r.st, err
	}
	r.progress(true)
	if r.opened == 0 && r.st.SkippedFiles == 0 {
		if len(r.st.Problems) > 0 {
			return r.st, fmt.Errorf("%w: %s", ErrNoInput, r.st.Problems[0])
		}
		return r.st, fmt.Errorf("%w: no files found in %q", ErrNoInput, paths)
	}
	return r.st, nil
}

// reader is the state of one Read: statistics, the batch being filled, and
// buffers reused from file to file.
type reader struct {
	ctx context.Context
	opt Options
	fn  func([]Event) error
	st  Stats

	batch []Event
	slab  []byte // the block that the current batch's Raw bytes are copied into

	*buffers
	s3 S3API

	opened       int64 // inputs that could be opened
	total        int64 // Progress.BytesTotal
	lastProgress time.Time
}

// buffers are the per-Read memory that outlives a file: the scanner's
// window and the readers in front of it. They are pooled, because a Read of a
// small input would otherwise spend most of its time clearing a fresh window.
type buffers struct {
	sc scanner
	br *bufio.Reader
	gz *gzip.Reader
}

var pool = sync.Pool{New: func() any { return new(buffers) }}

// release returns the buffers to the pool, unless a huge record grew the
// window: that memory is given back to the garbage collector instead.
func (r *reader) release() {
	b := r.buffers
	r.buffers = nil
	if len(b.sc.buf) > 4*initialWindow {
		b.sc.buf = nil
	}
	b.sc.reset(nil, nil)
	if b.br != nil {
		b.br.Reset(nil)
	}
	pool.Put(b)
}

// input names one source of events.
type input struct {
	name            string
	account, region string
}

func newInput(name, key string) *input {
	acct, region := ParseKey(key)
	return &input{name: name, account: acct, region: region}
}

// path reads one command-line path.
func (r *reader) path(p string) error {
	switch {
	case p == "-":
		r.st.Files++
		return r.readStream(&input{name: "-"}, r.opt.Stdin)
	case strings.HasPrefix(p, "s3://"):
		return r.readS3(p)
	}
	info, err := os.Stat(p)
	if err != nil {
		r.failed(p, "cannot open: "+pathError(err))
		return nil
	}
	if !info.IsDir() {
		return r.readFile(p)
	}
	return filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			r.failed(path, "cannot read directory: "+pathError(err))
			return nil
		}
		if path != p && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		if !d.Type().IsRegular() {
			if fi, err := os.Stat(path); err != nil || !fi.Mode().IsRegular() {
				return nil // a dangling link, a socket, a link to a directory
			}
		}
		return r.readFile(path)
	})
}

// pathError drops the operation and path that os errors repeat.
func pathError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// failed records an input that could not be opened or listed.
func (r *reader) failed(name, msg string) {
	r.st.Files++
	r.st.FailedFiles++
	r.problem(name, 0, msg)
}

func (r *reader) readFile(path string) error {
	key := filepath.ToSlash(path)
	if IsDigestName(key) {
		r.st.Files++
		r.st.SkippedFiles++
		return nil
	}
	fh, err := os.Open(path)
	if err != nil {
		r.failed(path, "cannot open: "+pathError(err))
		return nil
	}
	defer fh.Close()
	r.st.Files++
	return r.readStream(newInput(path, key), fh)
}

// readStream reads one input, decompressing it if it starts with the gzip
// magic bytes. Several gzip members in a row (as Firehose writes them) read
// as one stream.
func (r *reader) readStream(in *input, src io.Reader) error {
	r.opened++
	defer r.progress(false)
	cr := &countingReader{r: src, n: &r.st.Bytes}
	if r.br == nil {
		r.br = bufio.NewReaderSize(cr, 64<<10)
	} else {
		r.br.Reset(cr)
	}
	var body io.Reader = r.br
	magic, err := r.br.Peek(2)
	if err != nil && err != io.EOF {
		if cerr := r.ctx.Err(); cerr != nil {
			return cerr
		}
		r.st.FailedFiles++
		r.problem(in.name, 0, "cannot read: "+err.Error())
		return nil
	}
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		if r.gz == nil {
			r.gz, err = gzip.NewReader(r.br)
		} else {
			err = r.gz.Reset(r.br)
		}
		if err != nil {
			r.st.FailedFiles++
			r.problem(in.name, 0, "cannot read gzip header: "+err.Error())
			return nil
		}
		body = r.gz
	}
	r.sc.reset(body, r.tick)
	f := file{r: r, in: in, s: &r.sc, recStart: -1}
	if err := f.run(); err != nil {
		return err
	}
	if f.events == 0 && f.malformed == 0 && f.skipped > 0 {
		r.st.SkippedFiles++
	}
	return nil
}

// tick runs before each block read: it notices cancellation and reports
// progress.
func (r *reader) tick() error {
	if err := r.ctx.Err(); err != nil {
		return err
	}
	r.progress(false)
	return nil
}

// emit copies raw into the batch's slab and hands the batch on when full.
func (r *reader) emit(in *input, raw []byte, line int) error {
	if cap(r.slab)-len(r.slab) < len(raw) {
		// Blocks double from 16 KiB to slabSize within a batch, so a small
		// input does not pay for a large block.
		r.slab = make([]byte, 0, max(min(2*cap(r.slab), slabSize), 16<<10, len(raw)))
	}
	n := len(r.slab)
	r.slab = append(r.slab, raw...)
	r.batch = append(r.batch, Event{
		Raw:     r.slab[n:len(r.slab):len(r.slab)],
		Source:  in.name,
		Line:    line,
		Account: in.account,
		Region:  in.region,
	})
	if len(r.batch) >= r.opt.BatchSize {
		return r.flush()
	}
	return nil
}

// flush hands the batch to fn.
func (r *reader) flush() error {
	if len(r.batch) == 0 {
		return nil
	}
	if err := r.ctx.Err(); err != nil {
		return err
	}
	if err := r.fn(r.batch); err != nil {
		return err
	}
	r.st.Events += int64(len(r.batch))
	clear(r.batch) // fn may keep the events; the reused slice must not pin them
	r.batch = r.batch[:0]
	r.slab = nil
	r.progress(false)
	return nil
}

func (r *reader) problem(src string, line int, msg string) {
	if len(r.st.Problems) < MaxProblems {
		r.st.Problems = append(r.st.Problems, Problem{Source: src, Line: line, Msg: msg})
	}
}

func (r *reader) progress(force bool) {
	if r.opt.Progress == nil {
		return
	}
	now := time.Now()
	if !force && now.Sub(r.lastProgress) < progressEvery {
		return
	}
	r.lastProgress = now
	r.opt.Progress(Progress{BytesRead: r.st.Bytes, BytesTotal: r.total, Events: r.st.Events, Files: r.st.Files})
}

// measure sums the sizes of the inputs for Progress.BytesTotal: one cheap
// pass over directory entries and S3 listings. It returns 0 when a size is
// unknown (stdin) or a listing fails.
func (r *reader) measure(paths []string) int64 {
	var total int64
	for _, p := range paths {
		switch {
		case p == "-":
			return 0
		case strings.HasPrefix(p, "s3://"):
			n, err := r.measureS3(p)
			if err != nil {
				return 0
			}
			total += n
		default:
			_ = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
				if err != nil {
					return nil
				}
				if path != p && strings.HasPrefix(d.Name(), ".") {
					if d.IsDir() {
						return fs.SkipDir
					}
					return nil
				}
				if d.IsDir() || IsDigestName(filepath.ToSlash(path)) {
					return nil
				}
				if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() {
					total += fi.Size()
				}
				return nil
			})
		}
	}
	return total
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n *int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	*c.n += int64(n)
	return n, err
}
