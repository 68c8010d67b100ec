package cloudtrail

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/tidwall/gjson"
)

// fastLineMax is the longest line the JSON-lines fast path looks at. Longer
// records take the general path, which handles any length up to maxRecord.
const fastLineMax = 4 << 20

// errEndFile stops reading the current file after a problem was reported.
var errEndFile = errors.New("end of file")

// elemKind says what the elements of an array are.
type elemKind int

const (
	elemEvent    elemKind = iota // an event object
	elemLogEvent                 // a CloudWatch Logs {"id","timestamp","message"} entry
)

// file splits one decompressed stream into records. It is the whole grammar
// of the inputs this package accepts:
//
//	stream  = { value | "<timestamp> " value | other-line }
//	value   = object | "[" event { "," event } "]"
//	object  = event | {"Records": [event, …]} | {"messageType", "logEvents": [entry, …]} | digest
//
// A file is read front to back once; only the record being split is held.
type file struct {
	r  *reader
	in *input
	s  *scanner

	decided  bool  // lineMode has been chosen by the first record
	lineMode bool  // the first record fit on its line: resynchronise by line
	recStart int64 // offset of the record being split, -1 between records
	lastEnd  int64 // offset just past the last top-level value

	events, malformed, skipped int64 // this file's counts; skipped counts payloads
}

// run reads the stream to its end. It returns nil when the file is done,
// however many problems it had, and a non-nil error only to stop the Read.
func (f *file) run() error {
	s := f.s
	if err := f.skipBOM(); err != nil {
		return f.end(err)
	}
	for {
		c, err := s.peek()
		if err == nil {
			start := s.off
			line := s.lineAt(start)
			s.keep, f.recStart = start, start
			err = f.value(c, start, line)
			if err == nil {
				if !f.decided {
					f.decided = true
					f.lineMode = s.lineAt(f.lastEnd) == line
					s.oneLine = f.lineMode
				}
				s.keep, f.recStart = -1, -1
				continue
			}
			var se *syntaxError
			if errors.As(err, &se) {
				if err = f.syntax(se, line); err == nil {
					continue
				}
			}
		}
		return f.end(err)
	}
}

// end classifies the error that ended the loop of run.
func (f *file) end(err error) error {
	var re *readError
	switch {
	case err == io.EOF || err == errEndFile:
		return nil
	case err == errTooLarge: // the splitters turn it into a syntaxError; this is a safety net
		f.r.problem(f.in.name, 0, err.Error())
		return nil
	case errors.As(err, &re):
		if f.recStart >= 0 {
			f.bad(f.s.lineAt(f.recStart), "truncated record: "+re.Error())
		} else {
			f.r.problem(f.in.name, 0, "cannot read to the end: "+re.Error())
		}
		f.r.st.FailedFiles++
		return nil
	}
	return err
}

// skipBOM drops a UTF-8 byte order mark, which Windows tools put before JSON.
func (f *file) skipBOM() error {
	s := f.s
	for s.n < 3 {
		if err := s.more(); err != nil {
			if err == io.EOF {
				return nil
			}
			return err
		}
	}
	if bytes.HasPrefix(s.buf[:s.n], []byte("\xef\xbb\xbf")) {
		s.off = 3
		s.lineOff = 3
	}
	return nil
}

// value reads one top-level value whose first byte c is at start.
func (f *file) value(c byte, start int64, line int) error {
	switch {
	case c == '{':
		if ok, err := f.fastLine(start, line); ok || err != nil {
			return err
		}
		return f.object(start, line)
	case c == '[':
		return f.array(start, elemEvent)
	case '0' <= c && c <= '9':
		return f.export(start, line)
	}
	return f.badLine(start, line)
}

// wrapperHints are substrings of the keys that make an object something other
// than an event. A line holding none of them is an event if it is valid JSON.
// The spellings start at a rare upper-case letter where they can, so the
// search mostly runs at IndexByte speed; "includeManagementEvents" matching
// `Events"` only sends an event down the general path, which is also right.
var wrapperHints = [][]byte{
	[]byte(`Records"`), []byte(`Events"`), []byte(`messageType"`), []byte(`StartTime"`), []byte(`Files"`),
}

// fastLine catches the common case, one event per line: it finds the line end
// with IndexByte and checks the line with gjson.Valid, without the general
// scanner. It reports false (and consumes nothing) for anything else.
func (f *file) fastLine(at int64, line int) (bool, error) {
	s := f.s
	if bytes.HasPrefix(s.bytesFrom(at), []byte(`{"Records"`)) {
		return false, nil // an S3 delivery file: often megabytes on one line
	}
	atEnd := false
	searched := 0 // bytes after at known to hold no newline
	for {
		b := s.bytesFrom(at)
		i := bytes.IndexByte(b[searched:], '\n')
		if i >= 0 {
			i += searched
		}
		searched = len(b)
		if i < 0 && !atEnd {
			if len(b) >= fastLineMax {
				return false, nil
			}
			switch err := s.more(); {
			case err == errTooLarge:
				return false, nil
			case stopping(err):
				return false, err
			case err != nil:
				atEnd = true
			}
			continue
		}
		if i < 0 {
			i = len(b)
		}
		rec := trimRight(b[:i])
		if len(rec) < 2 || rec[len(rec)-1] != '}' {
			return false, nil
		}
		for _, h := range wrapperHints {
			if bytes.Contains(rec, h) {
				return false, nil
			}
		}
		// A record the caller rules out is skipped before the costlier validation.
		keep := f.r.opt.Keep == nil || f.r.opt.Keep(rec)
		if keep && !gjson.ValidBytes(rec) {
			return false, nil
		}
		f.lastEnd = at + int64(len(rec))
		if i < len(b) {
			s.off = at + int64(i) + 1
			s.lineOff, s.lineNo = s.off, line+1
		} else {
			s.off = at + int64(i)
		}
		if !keep {
			return true, nil
		}
		return true, f.emit(rec, line)
	}
}

// stopping reports whether an error from more must end the Read (fn's error
// or cancellation) rather than the record or the file.
func stopping(err error) bool {
	var re *readError
	return err != nil && err != io.EOF && err != errTooLarge && !errors.As(err, &re)
}

// trimRight drops trailing JSON white space (and the CR of CRLF).
func trimRight(b []byte) []byte {
	for len(b) > 0 {
		switch b[len(b)-1] {
		case ' ', '\t', '\r', '\n':
			b = b[:len(b)-1]
		default:
			return b
		}
	}
	return b
}

// key kinds that make an object a wrapper or a file to skip.
const (
	keyOther = iota
	keyRecords
	keyLogEvents
	keyMessageType
	keyDigest
)

func keyKind(k []byte) int {
	switch string(k) {
	case "Records":
		return keyRecords
	case "logEvents":
		return keyLogEvents
	case "messageType":
		return keyMessageType
	case "digestStartTime", "logFiles":
		return keyDigest
	}
	return keyOther
}

// object reads a top-level object key by key, the way a streaming decoder
// would, so that a wrapper's array is split as it arrives instead of being
// buffered whole. What the keys say decides what the object is:
//
//	{"Records":[…]}                      S3 delivery file: each element is an event
//	{"messageType":"DATA_MESSAGE",
//	 "logEvents":[{"message":"{…}"}]}    CloudWatch Logs subscription payload
//	{"messageType":"CONTROL_MESSAGE",…}  skipped
//	{"digestStartTime":…,"logFiles":…}   CloudTrail digest: skipped
//	anything else                        one event; its bytes are Raw
//
// Until a wrapper key shows up the object stays buffered from start, because
// it may turn out to be an event.
func (f *file) object(start int64, line int) error {
	s := f.s
	s.off = start + 1
	var wrapper, skip, control bool
	c, err := s.peekValue()
	if err != nil {
		return err
	}
	if c == '}' {
		s.off++
	} else {
		for {
			if c != '"' {
				return s.unexpected(c, "string for object key")
			}
			keyAt := s.off
			q, err := s.scanString()
			if err != nil {
				return err
			}
			kind := keyKind(s.span(keyAt+1, q))
			if c, err = s.peekValue(); err != nil {
				return err
			}
			if c != ':' {
				return s.unexpected(c, `":" after object key`)
			}
			s.off++
			if c, err = s.peekValue(); err != nil {
				return err
			}
			switch {
			case kind == keyRecords || kind == keyLogEvents && !control:
				if c != '[' {
					return &syntaxError{off: s.off, msg: fmt.Sprintf("expected array after %q key, found %q", s.span(keyAt+1, q), c)}
				}
				wrapper = true
				ek := elemEvent
				if kind == keyLogEvents {
					ek = elemLogEvent
				}
				err = f.array(s.off, ek)
			case kind == keyMessageType:
				wrapper = true
				at := s.off
				if err = s.scanValue(); err == nil && string(s.span(at, s.off)) == `"CONTROL_MESSAGE"` {
					control = true
				}
			default:
				if kind == keyDigest {
					skip = true
				}
				err = s.scanValue()
			}
			if err != nil {
				return err
			}
			if c, err = s.peekValue(); err != nil {
				return err
			}
			if c == '}' {
				s.off++
				break
			}
			if c != ',' {
				return s.unexpected(c, `"," or "}" after object member`)
			}
			s.off++
			if c, err = s.peekValue(); err != nil {
				return err
			}
		}
	}
	f.lastEnd = s.off
	switch {
	case skip || control:
		f.skipped++
		return nil
	case wrapper:
		return nil
	}
	raw := s.span(start, s.off)
	if !gjson.ValidBytes(raw) {
		f.bad(line, "invalid JSON object")
		return nil
	}
	return f.emit(raw, line)
}

// array splits the array at offset at into its elements, handing each on as
// soon as its closing bracket is found. Only the current element is buffered.
func (f *file) array(at int64, kind elemKind) error {
	s := f.s
	f.recStart, s.keep = -1, -1
	s.off = at + 1
	c, err := s.peekValue()
	if err != nil {
		return err
	}
	for c != ']' {
		start := s.off
		f.recStart = start
		if err := s.scanValue(); err != nil {
			return err
		}
		if err := f.element(kind, s.span(start, s.off), s.lineAt(start)); err != nil {
			return err
		}
		f.recStart = -1
		if c, err = s.peekValue(); err != nil {
			return err
		}
		if c == ']' {
			break
		}
		if c != ',' {
			return s.unexpected(c, `"," or "]" after array element`)
		}
		s.off++
		if c, err = s.peekValue(); err != nil { // a trailing comma is forgiven
			return err
		}
	}
	s.off++
	f.lastEnd = s.off
	return nil
}

// element hands on one array element or counts it as malformed.
func (f *file) element(kind elemKind, raw []byte, line int) error {
	if kind == elemEvent && len(raw) > 0 && raw[0] == '{' && f.r.opt.Keep != nil && !f.r.opt.Keep(raw) {
		return nil
	}
	if len(raw) == 0 || raw[0] != '{' || !gjson.ValidBytes(raw) {
		f.bad(line, "array element is not a JSON object")
		return nil
	}
	if kind == elemEvent {
		return f.emit(raw, line)
	}
	m := gjson.GetBytes(raw, "message")
	if m.Type != gjson.String {
		f.bad(line, "logEvents entry has no message string")
		return nil
	}
	msg := trimRight([]byte(m.String()))
	msg = bytes.TrimLeft(msg, " \t\r\n")
	if len(msg) == 0 || msg[0] != '{' || !gjson.ValidBytes(msg) {
		f.bad(line, "logEvents message is not a JSON object")
		return nil
	}
	return f.emit(msg, line)
}

// export reads a CloudWatch Logs export line, "<timestamp> <event JSON>":
//
//	2024-03-01T11:00:01.000Z {"eventVersion":"1.09",…}
//
// Raw is the JSON after the prefix. A line that only starts with a digit is
// malformed.
func (f *file) export(start int64, line int) error {
	s := f.s
	for s.limit()-start < 64 {
		if err := s.more(); err != nil {
			if stopping(err) {
				return err
			}
			break // judge what is buffered; the end of input shows up later
		}
	}
	b := s.bytesFrom(start)
	i := 0
	for i < len(b) && i < 48 && isTimeByte(b[i]) {
		i++
	}
	if i < 10 || b[4] != '-' || i == len(b) || (b[i] != ' ' && b[i] != '\t') {
		return f.badLine(start, line)
	}
	for i < len(b) && (b[i] == ' ' || b[i] == '\t') {
		i++
	}
	if i == len(b) || (b[i] != '{' && b[i] != '[') {
		return f.badLine(start, line)
	}
	at := start + int64(i)
	s.off = at
	if b[i] == '[' {
		return f.array(at, elemEvent)
	}
	if ok, err := f.fastLine(at, line); ok || err != nil {
		return err
	}
	return f.object(at, line)
}

func isTimeByte(c byte) bool {
	return '0' <= c && c <= '9' || c == '-' || c == ':' || c == 'T' || c == 'Z' || c == '.' || c == '+'
}

// badLine counts a line that does not hold a JSON value as one malformed
// record and skips it.
func (f *file) badLine(start int64, line int) error {
	s := f.s
	s.keep = -1
	b := s.bytesFrom(start)
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		b = b[:i]
	}
	f.bad(line, fmt.Sprintf("not a JSON object: %q", trimRight(b[:min(len(b), 40)])))
	s.off = start
	nl, err := f.skipLine()
	f.lastEnd = nl
	return err
}

// skipLine moves past the next newline without buffering the line, and
// returns the newline's offset. At the end of input it returns nil.
func (f *file) skipLine() (int64, error) {
	s := f.s
	s.keep = -1
	for {
		b := s.bytesFrom(s.off)
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			nl := s.off + int64(i)
			s.off = nl + 1
			return nl, nil
		}
		s.off += int64(len(b))
		if err := s.more(); err != nil {
			if err == io.EOF {
				return s.off, nil
			}
			return s.off, err
		}
	}
}

// syntax counts a broken record as one malformed record and decides where
// reading resumes. In line-shaped input (JSON lines, export lines, one
// Records object per line) the unit of damage is the line: reading resumes on
// the next line, and since a value may not run past its line there, a broken
// line never takes a good neighbour with it. In a document (a pretty-printed
// array or Records file) a broken bracket leaves nothing trustworthy to
// resynchronise on, and the rest of the file is skipped, unless the error sits
// where a new value plainly begins.
func (f *file) syntax(se *syntaxError, line int) error {
	s := f.s
	defer func() { s.keep = -1 }()
	if se.eof && f.recStart < 0 {
		f.r.problem(f.in.name, s.lineAt(se.off), "truncated input: "+se.msg)
		return errEndFile
	}
	errLine := s.lineAt(se.off)
	recLine := errLine
	if f.recStart >= 0 {
		recLine = s.lineAt(f.recStart)
	}
	msg := "invalid JSON: " + se.msg
	if se.eof {
		msg = "truncated record: " + se.msg
	}
	f.bad(recLine, msg)
	f.recStart = -1 // counted: a read error while skipping must not count it again
	if !f.decided && errLine == line {
		f.decided, f.lineMode, s.oneLine = true, true, true // a broken first line of JSON lines
	}
	switch {
	case f.lineMode:
		s.off = se.off
		_, err := f.skipLine()
		return err
	case f.atValueStart(se.off):
		s.off = se.off
		return nil
	}
	f.r.problem(f.in.name, errLine, "rest of file skipped after invalid JSON")
	return errEndFile
}

// atValueStart reports whether offset o holds '{' or '[' with only white
// space before it on its line: in line-shaped input, a new record.
func (f *file) atValueStart(o int64) bool {
	s := f.s
	if o >= s.limit() || (s.at(o) != '{' && s.at(o) != '[') {
		return false
	}
	for p := o - 1; p >= s.base; p-- {
		switch s.at(p) {
		case '\n':
			return true
		case ' ', '\t', '\r':
		default:
			return false
		}
	}
	return s.base == 0 // only white space since the start of the stream
}

// emit hands one event on to the batcher.
func (f *file) emit(raw []byte, line int) error {
	f.events++
	return f.r.emit(f.in, raw, line)
}

// bad counts one malformed record.
func (f *file) bad(line int, msg string) {
	f.malformed++
	f.r.st.Malformed++
	f.r.problem(f.in.name, line, msg)
}
