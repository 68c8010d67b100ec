package dpl

import (
	"errors"
	"fmt"
)

// ErrPattern is the class of every pattern error: errors.Is(err, ErrPattern) reports
// whether Compile rejected the pattern text.
var ErrPattern = errors.New("bad DPL pattern")

// Error is a pattern error at a byte offset of the pattern text. Offset is between 0 and
// the pattern's length; Msg is lower case without a final period and quotes the
// offending text with %q, e.g. `unknown matcher "INTT"`.
type Error struct {
	Offset int
	Msg    string
}

// Error returns "offset N: msg".
func (e *Error) Error() string { return fmt.Sprintf("offset %d: %s", e.Offset, e.Msg) }

// Is makes errors.Is(err, ErrPattern) true for every *Error.
func (e *Error) Is(target error) bool { return target == ErrPattern }
