package cloudtrail

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

const (
	// initialWindow is the first size of a scanner's buffer. Reads of this size
	// keep system calls and gzip refills rare without holding much memory.
	initialWindow = 1 << 20

	// maxRecord bounds the bytes one record may pin in memory. CloudTrail caps
	// an event at 256 KB, so 64 MiB only stops runaway input (a gigabyte-long
	// line, an unterminated string) from taking all memory.
	maxRecord = 64 << 20
)

// errTooLarge is returned by more when the pinned window reached maxRecord.
var errTooLarge = errors.New("record larger than 64 MiB")

// syntaxError is a record that is not well-formed JSON. It is counted as
// malformed and reading resumes (see file.resync); it never stops a Read.
type syntaxError struct {
	off int64 // stream offset where the problem was found
	eof bool  // the input ended inside a value
	msg string
}

func (e *syntaxError) Error() string { return e.msg }

// readError is a failure of the underlying reader (I/O, decompression). It
// ends the current file.
type readError struct{ err error }

func (e *readError) Error() string { return e.err.Error() }
func (e *readError) Unwrap() error { return e.err }

// scanner is a forward-only window over one decompressed stream. It reads in
// large blocks and lets the JSON splitters look at the bytes in place, so no
// record is copied before it is known to be wanted.
//
// Callers hold positions as absolute stream offsets (int64): buf[i] is the
// byte at offset base+i. Offsets survive the compaction done by more, which
// drops bytes before min(off, keep).
type scanner struct {
	r    io.Reader
	buf  []byte
	base int64 // stream offset of buf[0]
	n    int   // buf[:n] holds data
	off  int64 // next byte to look at
	keep int64 // first byte that must stay buffered, or -1 to keep from off only
	err  error // sticky end of input: io.EOF, *readError, or a stop error from tick

	// lineNo is the 1-based line number of the byte at lineOff. Lines are
	// counted lazily with bytes.Count when a record's line is asked for.
	lineOff int64
	lineNo  int

	tick func() error // called before each read: cancellation and progress

	// oneLine makes a newline inside a value a syntax error. It is set for
	// line-shaped input, where a record that runs into the next line is
	// broken and must not swallow the good record there.
	oneLine bool
}

// reset prepares s to read r, reusing its buffer.
func (s *scanner) reset(r io.Reader, tick func() error) {
	if s.buf == nil {
		s.buf = make([]byte, initialWindow)
	}
	*s = scanner{r: r, buf: s.buf, keep: -1, lineNo: 1, tick: tick}
}

// at returns the byte at stream offset o, which must be buffered.
func (s *scanner) at(o int64) byte { return s.buf[o-s.base] }

// bytesFrom returns the buffered bytes from offset o to the end of data.
func (s *scanner) bytesFrom(o int64) []byte { return s.buf[o-s.base : s.n] }

// span returns the buffered bytes in [from, to).
func (s *scanner) span(from, to int64) []byte { return s.buf[from-s.base : to-s.base] }

// limit is the stream offset just past the buffered data.
func (s *scanner) limit() int64 { return s.base + int64(s.n) }

// lineAt returns the line number of the byte at offset o. o must be buffered
// (or equal to limit), which holds for any offset at or after min(off, keep).
func (s *scanner) lineAt(o int64) int {
	if o >= s.lineOff {
		s.lineNo += bytes.Count(s.span(s.lineOff, o), newline)
	} else {
		s.lineNo -= bytes.Count(s.span(o, s.lineOff), newline)
	}
	s.lineOff = o
	return s.lineNo
}

var newline = []byte{'\n'}

// more reads more data into the buffer. It returns nil if at least one byte
// was added, io.EOF at the clean end of input, errTooLarge when the pinned
// bytes fill maxRecord, a *readError, or the error of tick.
func (s *scanner) more() error {
	if s.err != nil {
		return s.err
	}
	if s.tick != nil {
		if err := s.tick(); err != nil {
			s.err = err
			return err
		}
	}
	low := s.off
	if s.keep >= 0 && s.keep < low {
		low = s.keep
	}
	if drop := int(low - s.base); drop > 0 && (s.n == len(s.buf) || drop >= len(s.buf)/2) {
		if s.lineOff < low {
			s.lineAt(low)
		}
		s.n = copy(s.buf, s.buf[drop:s.n])
		s.base = low
	}
	if s.n == len(s.buf) {
		if len(s.buf) >= maxRecord {
			return errTooLarge
		}
		grown := make([]byte, min(2*len(s.buf), maxRecord))
		copy(grown, s.buf[:s.n])
		s.buf = grown
	}
	for range 100 { // io.Reader may return 0, nil; give up after a while
		m, err := s.r.Read(s.buf[s.n:])
		s.n += m
		if err != nil {
			if err != io.EOF {
				err = &readError{err}
			}
			s.err = err
			if m > 0 {
				return nil
			}
			return err
		}
		if m > 0 {
			return nil
		}
	}
	s.err = &readError{io.ErrNoProgress}
	return s.err
}

// eofError turns the end of input met inside a value at offset o into a
// syntax error; other errors pass through.
func eofError(err error, o int64) error {
	if err == io.EOF {
		return &syntaxError{off: o, eof: true, msg: "unexpected end of input"}
	}
	if err == errTooLarge {
		return &syntaxError{off: o, msg: err.Error()}
	}
	return err
}

// peek skips white space and returns the next byte without consuming it. At
// the end of input it returns the error of more (io.EOF when clean).
func (s *scanner) peek() (byte, error) {
	for {
		b := s.bytesFrom(s.off)
		for i, c := range b {
			if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
				s.off += int64(i)
				return c, nil
			}
		}
		s.off += int64(len(b))
		if err := s.more(); err != nil {
			return 0, err
		}
	}
}

// peekValue is peek inside a value, where the end of input is a syntax error
// and, with oneLine, so is a newline.
func (s *scanner) peekValue() (byte, error) {
	for {
		b := s.bytesFrom(s.off)
		for i, c := range b {
			switch c {
			case ' ', '\t', '\r':
			case '\n':
				if s.oneLine {
					s.off += int64(i)
					return 0, s.lineEnded(s.off)
				}
			default:
				s.off += int64(i)
				return c, nil
			}
		}
		s.off += int64(len(b))
		if err := s.more(); err != nil {
			return 0, eofError(err, s.off)
		}
	}
}

// lineEnded is the error for a record cut by the newline at offset o.
func (s *scanner) lineEnded(o int64) error {
	return &syntaxError{off: o, msg: "unexpected end of line"}
}

// unexpected returns the syntax error for byte c found where want was expected.
func (s *scanner) unexpected(c byte, want string) error {
	return &syntaxError{off: s.off, msg: fmt.Sprintf("expected %s, found %q", want, c)}
}

// structural marks the bytes where the bracket-aware scan must stop.
var structural = [256]bool{'"': true, '{': true, '}': true, '[': true, ']': true, '\n': true}

// scalarEnd marks the bytes that end a number or literal.
var scalarEnd = [256]bool{',': true, '}': true, ']': true, ' ': true, '\t': true, '\r': true, '\n': true}

// closeQuote returns the index in b of the quote that closes a string whose
// body starts at b[i], or -1 if it is not buffered. A quote is escaped when an
// odd number of backslashes precede it; the opening quote bounds the run.
//
// JSON strings cannot hold a raw newline, so closeQuote returns -2-n when it
// finds one at b[n] first: a string cut short must not pair its quote with
// one on the next line, which would turn a good record into string contents.
func closeQuote(b []byte, i int) int {
	body := i
	for {
		j := bytes.IndexByte(b[i:], '"')
		if j < 0 {
			if n := bytes.IndexByte(b[body:], '\n'); n >= 0 {
				return -2 - (body + n)
			}
			return -1
		}
		q := i + j
		k := q
		for b[k-1] == '\\' {
			k--
		}
		if (q-k)%2 == 0 {
			if n := bytes.IndexByte(b[body:q], '\n'); n >= 0 {
				return -2 - (body + n)
			}
			return q
		}
		i = q + 1
	}
}

// scanString consumes the string that starts at off (a '"') and returns the
// offset of its closing quote.
func (s *scanner) scanString() (int64, error) {
	for {
		q := closeQuote(s.bytesFrom(s.off), 1)
		if q >= 0 {
			end := s.off + int64(q)
			s.off = end + 1
			return end, nil
		}
		if q < -1 {
			return 0, s.newlineInString(s.off + int64(-2-q))
		}
		if err := s.more(); err != nil {
			return 0, eofError(err, s.limit())
		}
	}
}

// newlineInString is the error for a raw newline at offset o inside a string.
func (s *scanner) newlineInString(o int64) error {
	return &syntaxError{off: o, msg: "unexpected end of line in string"}
}

// scanValue consumes one JSON value starting at off without building it:
// strings are skipped with IndexByte, objects and arrays by counting brackets
// outside strings. It checks structure only; gjson.Valid judges the bytes.
// The value stays buffered (off does not move until it ends), so on return
// span(start, off) is the value's exact text.
func (s *scanner) scanValue() error {
	p := s.off // resume point; s.off stays at the value's first byte
	switch s.at(p) {
	case '"':
		_, err := s.scanString()
		return err
	case '{', '[':
	default:
		for {
			b := s.bytesFrom(p)
			for i, c := range b {
				if scalarEnd[c] {
					s.off = p + int64(i)
					return nil
				}
			}
			p += int64(len(b))
			if err := s.more(); err != nil {
				if err == io.EOF {
					s.off = p
					return nil // the caller meets the end of input next
				}
				return eofError(err, p)
			}
		}
	}
	depth := 0
	for {
		b := s.bytesFrom(p)
		i := 0
	scan:
		for i < len(b) {
			c := b[i]
			if !structural[c] {
				i++
				continue
			}
			switch c {
			case '"':
				q := closeQuote(b, i+1)
				if q == -1 {
					break scan // rescan this string once more is buffered
				}
				if q < -1 {
					return s.newlineInString(p + int64(-2-q))
				}
				i = q + 1
			case '\n':
				if s.oneLine {
					return s.lineEnded(p + int64(i))
				}
				i++
			case '{', '[':
				depth++
				i++
			default: // '}' or ']'
				depth--
				i++
				if depth == 0 {
					s.off = p + int64(i)
					return nil
				}
			}
		}
		p += int64(i)
		if err := s.more(); err != nil {
			return eofError(err, s.limit())
		}
	}
}
