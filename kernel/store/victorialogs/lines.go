package victorialogs

import (
	"bufio"
	"errors"
	"fmt"
	"html"
	"io"

	"github.com/tidwall/gjson"
)

// maxLine bounds one line of a query answer. VictoriaLogs keeps entries up to 2 MB;
// JSON escaping can grow one a few times.
const maxLine = 32 << 20

// lineReader splits a query answer into lines and recognises the error VictoriaLogs
// writes when a query fails after its answer has begun: a line that is not a JSON
// object, followed by an aborted connection.
type lineReader struct {
	r   *bufio.Reader
	url string
	buf []byte
}

func newLineReader(r io.Reader, url string) *lineReader {
	return &lineReader{r: bufio.NewReaderSize(r, 256<<10), url: url}
}

// next returns the next non-empty line, valid until the next call, or io.EOF at a
// clean end of the answer.
func (lr *lineReader) next() ([]byte, error) {
	for {
		line, err := lr.r.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			lr.buf = append(lr.buf[:0], line...)
			for errors.Is(err, bufio.ErrBufferFull) {
				if len(lr.buf) > maxLine {
					return nil, fmt.Errorf("VictoriaLogs at %s: an answer line is longer than %d bytes", lr.url, maxLine)
				}
				line, err = lr.r.ReadSlice('\n')
				lr.buf = append(lr.buf, line...)
			}
			line = lr.buf
		}
		if err != nil && err != io.EOF {
			return nil, &Error{URL: lr.url, Msg: err.Error()}
		}
		line = trimEOL(line)
		if len(line) > 0 {
			if line[0] != '{' {
				// The error text, HTML-escaped by VictoriaLogs; the rest is lost.
				return nil, &Error{URL: lr.url, Msg: shorten(html.UnescapeString(string(line)))}
			}
			if err == io.EOF {
				// A last line without its newline: the connection was cut.
				return nil, &Error{URL: lr.url, Msg: "the answer ends in the middle of a line"}
			}
			return line, nil
		}
		if err == io.EOF {
			return nil, io.EOF
		}
	}
}

func trimEOL(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}

// jsonStringField returns the string member name of the JSON object line; "" when it
// is missing. (gjson.Get would read the dots of "trailbook.key" as a path.)
func jsonStringField(line []byte, name string) (string, error) {
	obj := gjson.ParseBytes(line)
	if !obj.IsObject() {
		return "", fmt.Errorf("VictoriaLogs answered %q, not a JSON object", shorten(string(line)))
	}
	var out string
	obj.ForEach(func(k, v gjson.Result) bool {
		if k.Str == name {
			out = v.String()
			return false
		}
		return true
	})
	return out, nil
}
