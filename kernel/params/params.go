// Package params gives DQL queries typed parameters: the $name references of
// investigation templates (spec: issue "Investigation templates"). A parameter is
// declared with a Def (name, type, default, description); a value given as text
// (`--param users=alice,bob`, a form field) is parsed by its type into a Value, and
// Substitute replaces each $name in a query with that value written as a DQL
// literal — a quoted and escaped string, a {…} list of strings, a checked duration, a
// number, a timeframe(…) call — never with the raw text, so that no value can change
// the structure of the query (`x" or true or "` stays one string).
//
// The package knows DQL's syntax and nothing of notebooks; package templates applies
// parameters to the cells of a notebook.
package params

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/trailbook/trailbook/kernel/dql/funcs"
	"github.com/trailbook/trailbook/kernel/dql/syntax"
)

// Type is the type of a parameter.
type Type string

// The parameter types.
const (
	String    Type = "string"    // one string: "alice"
	Strings   Type = "strings"   // a list of strings: {"alice", "bob"}
	Duration  Type = "duration"  // a positive DQL duration: 15m, 1h, 7d
	Timeframe Type = "timeframe" // a timeframe: -7d, -2h..now, 2024-03-01T00:00:00Z..2024-03-02T00:00:00Z
	Number    Type = "number"    // a long or a double: 5, 0.95
)

// Types lists the parameter types, for messages and forms.
var Types = []Type{String, Strings, Duration, Timeframe, Number}

// Def declares a parameter, as a template's metadata keeps it:
//
//	{"name": "min_failures", "type": "number", "default": 3, "description": "…"}
//
// Default is JSON: a string for string, duration and timeframe (in the text form Parse
// takes), an array of strings for strings, a number for number. A parameter without
// a default must be given.
type Def struct {
	Name        string          `json:"name"`
	Type        Type            `json:"type"`
	Default     json.RawMessage `json:"default,omitempty"`
	Description string          `json:"description,omitempty"`
	// Label is a short human name for forms; empty means Name.
	Label string `json:"label,omitempty"`
}

// namePattern is what may follow $ in a query (the DQL lexer's identifier).
var namePattern = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// Check reports what is wrong with a definition: its name, its type, its default.
func (d Def) Check() error {
	if !namePattern.MatchString(d.Name) {
		return fmt.Errorf("parameter name %q: want letters, digits and _ (it is used as $%s)", d.Name, d.Name)
	}
	if !d.Type.valid() {
		return fmt.Errorf("parameter %s: unknown type %q (want one of %s)", d.Name, d.Type, typeList())
	}
	if len(d.Default) > 0 {
		if _, err := d.DefaultValue(); err != nil {
			return err
		}
	}
	return nil
}

// HasDefault reports whether the parameter has a default value.
func (d Def) HasDefault() bool {
	return len(d.Default) > 0 && string(d.Default) != "null"
}

// DefaultValue returns the parameter's default, or an error when it has none or it is
// not a value of the parameter's type.
func (d Def) DefaultValue() (Value, error) {
	if !d.HasDefault() {
		return Value{}, fmt.Errorf("parameter %s has no default: give it a value", d.Name)
	}
	var v Value
	var err error
	switch d.Type {
	case Strings:
		var list []string
		if err = json.Unmarshal(d.Default, &list); err != nil {
			return Value{}, fmt.Errorf("parameter %s: default must be a JSON array of strings", d.Name)
		}
		v, err = d.list(list)
	case Number:
		var n json.Number
		dec := json.NewDecoder(strings.NewReader(string(d.Default)))
		dec.UseNumber()
		if err = dec.Decode(&n); err != nil || strings.HasPrefix(strings.TrimSpace(string(d.Default)), `"`) {
			return Value{}, fmt.Errorf("parameter %s: default must be a JSON number", d.Name)
		}
		v, err = d.Parse(n.String())
	default:
		var s string
		if err = json.Unmarshal(d.Default, &s); err != nil {
			return Value{}, fmt.Errorf("parameter %s: default must be a JSON string", d.Name)
		}
		v, err = d.Parse(s)
	}
	if err != nil {
		return Value{}, fmt.Errorf("default: %w", err)
	}
	return v, nil
}

// Parse reads a value of the parameter's type from text, the form of
// `--param NAME=TEXT` and of a form field:
//
//   - string: the text as it is;
//   - strings: items separated by commas, each trimmed, empty items dropped
//     ("alice, bob"); or a JSON array of strings (["a,b", "c"]) when an item holds a comma;
//   - duration: a positive DQL duration of fixed length (90s, 15m, 2h, 7d);
//   - timeframe: FROM or FROM..TO, each end "now", a DQL duration back from now (-7d),
//     or a timestamp (2024-03-01T00:00:00Z); TO defaults to now;
//   - number: a decimal long (-3, 42) or double (0.5, 1e3).
func (d Def) Parse(text string) (Value, error) {
	v := Value{typ: d.Type}
	bad := func(format string, args ...any) (Value, error) {
		return Value{}, fmt.Errorf("parameter %s: %s", d.Name, fmt.Sprintf(format, args...))
	}
	switch d.Type {
	case String:
		if !validText(text) {
			return bad("the value is not valid UTF-8 text")
		}
		v.str = text
	case Strings:
		t := strings.TrimSpace(text)
		var list []string
		if strings.HasPrefix(t, "[") {
			if err := json.Unmarshal([]byte(t), &list); err != nil {
				return bad("%q is not a JSON array of strings", text)
			}
		} else {
			for _, item := range strings.Split(text, ",") {
				if item = strings.TrimSpace(item); item != "" {
					list = append(list, item)
				}
			}
		}
		return d.list(list)
	case Duration:
		ns, err := parseDuration(strings.TrimSpace(text))
		if err != nil {
			return bad("%v", err)
		}
		if ns <= 0 {
			return bad("the duration %q must be positive", text)
		}
		v.str = strings.TrimSpace(text)
	case Timeframe:
		from, to, ok := strings.Cut(strings.TrimSpace(text), "..")
		from, to = strings.TrimSpace(from), strings.TrimSpace(to)
		if !ok || to == "" {
			to = "now"
		}
		if from == "" {
			return bad("the timeframe %q has no start: want FROM or FROM..TO, e.g. -7d or 2024-03-01T00:00:00Z..2024-03-02T00:00:00Z", text)
		}
		now := time.Now()
		f, err := timePoint(from, now)
		if err != nil {
			return bad("timeframe start: %v", err)
		}
		t, err := timePoint(to, now)
		if err != nil {
			return bad("timeframe end: %v", err)
		}
		if !f.Before(t) {
			return bad("the timeframe %q ends before it starts", text)
		}
		v.from, v.to = from, to
	case Number:
		t := strings.TrimSpace(text)
		if n, err := strconv.ParseInt(t, 10, 64); err == nil {
			v.str = strconv.FormatInt(n, 10)
			break
		}
		f, err := strconv.ParseFloat(t, 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return bad("%q is not a number", text)
		}
		v.str = strconv.FormatFloat(f, 'g', -1, 64)
		v.double = true
	default:
		return bad("unknown type %q (want one of %s)", d.Type, typeList())
	}
	return v, nil
}

func (d Def) list(list []string) (Value, error) {
	for _, s := range list {
		if !validText(s) {
			return Value{}, fmt.Errorf("parameter %s: an item is not valid UTF-8 text", d.Name)
		}
	}
	return Value{typ: Strings, list: append([]string{}, list...)}, nil
}

// Value is a typed parameter value. The zero Value is not a value; make Values with
// Def.Parse or Def.DefaultValue.
type Value struct {
	typ      Type
	str      string   // string, duration, number
	list     []string // strings
	from, to string   // timeframe
	double   bool     // number: written as a double
}

// Type returns the value's type.
func (v Value) Type() Type { return v.typ }

// Strings returns the items of a strings value.
func (v Value) Strings() []string { return append([]string{}, v.list...) }

// Timeframe returns the ends of a timeframe value in the text form of a notebook's
// timeframe (kernel.Timeframe): "-7d", "now", "2024-03-01T00:00:00Z".
func (v Value) Timeframe() (from, to string) { return v.from, v.to }

// Text returns the value in the text form Parse reads, so that Parse(v.Text())
// gives v back.
func (v Value) Text() string {
	switch v.typ {
	case Strings:
		for _, s := range v.list {
			if strings.Contains(s, ",") || strings.TrimSpace(s) != s || s == "" {
				b, _ := json.Marshal(v.list)
				return string(b)
			}
		}
		return strings.Join(v.list, ",")
	case Timeframe:
		if v.to == "now" {
			return v.from
		}
		return v.from + ".." + v.to
	}
	return v.str
}

// JSON returns the value as a template default keeps it (Def.Default).
func (v Value) JSON() json.RawMessage {
	var b []byte
	switch v.typ {
	case Strings:
		b, _ = json.Marshal(append([]string{}, v.list...))
	case Number:
		b = []byte(v.str)
	default:
		b, _ = json.Marshal(v.Text())
	}
	return b
}

// DQL returns the value as DQL text: one expression that evaluates to it.
func (v Value) DQL() string {
	switch v.typ {
	case String:
		return syntax.QuoteString(v.str)
	case Strings:
		items := make([]string, len(v.list))
		for i, s := range v.list {
			items[i] = syntax.QuoteString(s)
		}
		return "{" + strings.Join(items, ", ") + "}"
	case Duration, Number:
		return v.str
	case Timeframe:
		return "timeframe(from: " + pointDQL(v.from) + ", to: " + pointDQL(v.to) + ")"
	}
	return "null"
}

// pointDQL writes one end of a timeframe as a timestamp expression. The text was
// checked by Parse: "now", -DURATION, or a timestamp.
func pointDQL(p string) string {
	switch {
	case p == "now":
		return "now()"
	case strings.HasPrefix(p, "-"):
		return "now() - " + strings.TrimSpace(p[1:])
	}
	return "toTimestamp(" + syntax.QuoteString(p) + ")"
}

// Bind resolves the values of defs from given (name → text, e.g. from --param):
// given values are parsed by type, missing ones take their default. A name in given
// that defs do not declare, a value that does not parse, and a parameter with neither
// value nor default are errors, all of them reported together.
func Bind(defs []Def, given map[string]string) (map[string]Value, error) {
	vals := make(map[string]Value, len(defs))
	known := make(map[string]bool, len(defs))
	var errs []error
	for _, d := range defs {
		known[d.Name] = true
		if text, ok := given[d.Name]; ok {
			v, err := d.Parse(text)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			vals[d.Name] = v
			continue
		}
		v, err := d.DefaultValue()
		if err != nil {
			errs = append(errs, err)
			continue
		}
		vals[d.Name] = v
	}
	for name := range given {
		if !known[name] {
			errs = append(errs, fmt.Errorf("unknown parameter %q (declared: %s)", name, names(defs)))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(sortErrors(errs)...)
	}
	return vals, nil
}

// Substitute replaces the $name references of a DQL query with the DQL text of their
// values. A reference to a parameter not in vals is a *syntax.Error at the reference.
func Substitute(query string, vals map[string]Value) (string, error) {
	return syntax.Substitute(query, func(name string) (string, bool) {
		v, ok := vals[name]
		if !ok {
			return "", false
		}
		return v.DQL(), true
	})
}

func (t Type) valid() bool {
	for _, k := range Types {
		if t == k {
			return true
		}
	}
	return false
}

func typeList() string {
	s := make([]string, len(Types))
	for i, t := range Types {
		s[i] = string(t)
	}
	return strings.Join(s, ", ")
}

func names(defs []Def) string {
	if len(defs) == 0 {
		return "none"
	}
	s := make([]string, len(defs))
	for i, d := range defs {
		s[i] = d.Name
	}
	return strings.Join(s, ", ")
}

func sortErrors(errs []error) []error {
	for i := 1; i < len(errs); i++ {
		for j := i; j > 0 && errs[j].Error() < errs[j-1].Error(); j-- {
			errs[j], errs[j-1] = errs[j-1], errs[j]
		}
	}
	return errs
}

// validText reports whether s can be a DQL string: valid UTF-8. (QuoteString escapes
// every control character, so any valid text is safe.)
func validText(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }

// parseDuration reads a DQL duration literal of fixed length (no calendar units) and
// returns it in nanoseconds.
func parseDuration(s string) (int64, error) {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i == 0 || i == len(s) {
		return 0, fmt.Errorf("%q is not a duration: want a number and a unit, e.g. 15m, 2h, 7d", s)
	}
	n, err := strconv.ParseInt(s[:i], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a duration: %v", s, err)
	}
	unit, calendar, ok := funcs.ParseDurationUnit(s[i:])
	if !ok {
		return 0, fmt.Errorf("%q is not a duration: unknown unit %q (ns, us, ms, s, m, h, d)", s, s[i:])
	}
	if calendar {
		return 0, fmt.Errorf("%q is a calendar duration: use a fixed unit (ns, us, ms, s, m, h, d)", s)
	}
	if n > math.MaxInt64/unit {
		return 0, fmt.Errorf("%q is too long a duration", s)
	}
	return n * unit, nil
}

// timePoint checks one end of a timeframe: "now", -DURATION (calendar units allowed,
// as in timestamp arithmetic) or a timestamp.
func timePoint(p string, now time.Time) (time.Time, error) {
	switch {
	case p == "now":
		return now, nil
	case strings.HasPrefix(p, "-"):
		d := strings.TrimSpace(p[1:])
		i := 0
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
		}
		if i == 0 || i == len(d) {
			return time.Time{}, fmt.Errorf("%q: want -DURATION such as -7d", p)
		}
		if _, _, ok := funcs.ParseDurationUnit(d[i:]); !ok {
			return time.Time{}, fmt.Errorf("%q: unknown unit %q", p, d[i:])
		}
		return funcs.TimePoint("-"+d, now, time.UTC)
	}
	if _, ok := funcs.ParseTimestamp(p, time.UTC); !ok {
		return time.Time{}, fmt.Errorf("%q is not now, -DURATION or a timestamp (2024-03-01T00:00:00Z)", p)
	}
	return funcs.TimePoint(p, now, time.UTC)
}
