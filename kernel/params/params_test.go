package params

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/trailbook/trailbook/kernel/dql"
)

func TestParseAndDQL(t *testing.T) {
	tests := []struct {
		typ       Type
		text      string
		dql, back string
	}{
		{String, `alice`, `"alice"`, `alice`},
		{String, `x" or true or "`, `"x\" or true or \""`, `x" or true or "`},
		{String, "line\nbreak\\", `"line\nbreak\\"`, "line\nbreak\\"},
		{String, "", `""`, ""},
		{Strings, `alice, bob ,,carol`, `{"alice", "bob", "carol"}`, `alice,bob,carol`},
		{Strings, `["a,b", "c\""]`, `{"a,b", "c\""}`, `["a,b","c\""]`},
		{Strings, ``, `{}`, ``},
		{Duration, `15m`, `15m`, `15m`},
		{Duration, ` 7d `, `7d`, `7d`},
		{Timeframe, `-7d`, `timeframe(from: now() - 7d, to: now())`, `-7d`},
		{Timeframe, `-1M..-1d`, `timeframe(from: now() - 1M, to: now() - 1d)`, `-1M..-1d`},
		{Timeframe, `2024-03-01T00:00:00Z..2024-03-02T00:00:00Z`, `timeframe(from: toTimestamp("2024-03-01T00:00:00Z"), to: toTimestamp("2024-03-02T00:00:00Z"))`, `2024-03-01T00:00:00Z..2024-03-02T00:00:00Z`},
		{Number, `42`, `42`, `42`},
		{Number, `-3`, `-3`, `-3`},
		{Number, `0.95`, `0.95`, `0.95`},
	}
	for _, tt := range tests {
		d := Def{Name: "p", Type: tt.typ}
		v, err := d.Parse(tt.text)
		if err != nil {
			t.Errorf("%s %q: %v", tt.typ, tt.text, err)
			continue
		}
		if got := v.DQL(); got != tt.dql {
			t.Errorf("%s %q: DQL = %s, want %s", tt.typ, tt.text, got, tt.dql)
		}
		if got := v.Text(); got != tt.back {
			t.Errorf("%s %q: Text = %q, want %q", tt.typ, tt.text, got, tt.back)
		}
		again, err := d.Parse(v.Text())
		if err != nil || again.DQL() != v.DQL() {
			t.Errorf("%s %q: Parse(Text()) = %v, %v", tt.typ, tt.text, again.DQL(), err)
		}
		// The JSON form is what a template keeps as a default: it must read back.
		d.Default = v.JSON()
		def, err := d.DefaultValue()
		if err != nil || def.DQL() != v.DQL() {
			t.Errorf("%s %q: default %s = %v, %v", tt.typ, tt.text, d.Default, def.DQL(), err)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		typ  Type
		text string
		want string
	}{
		{Duration, `1M`, "calendar duration"},
		{Duration, `0m`, "must be positive"},
		{Duration, `5`, "not a duration"},
		{Duration, `5 m`, "unknown unit"},
		{Duration, `1h or true`, "unknown unit"},
		{Timeframe, `yesterday`, "timeframe start"},
		{Timeframe, `-1d..-2d`, "ends before it starts"},
		{Timeframe, `..now`, "no start"},
		{Number, `1e999`, "not a number"},
		{Number, `5 or true`, "not a number"},
		{Strings, `["a", 1]`, "JSON array of strings"},
		{String, "\xff", "UTF-8"},
		{Type("date"), "x", "unknown type"},
	}
	for _, tt := range tests {
		_, err := Def{Name: "p", Type: tt.typ}.Parse(tt.text)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s %q: err = %v, want one containing %q", tt.typ, tt.text, err, tt.want)
		}
	}
}

func TestBind(t *testing.T) {
	defs := []Def{
		{Name: "ip", Type: String},
		{Name: "n", Type: Number, Default: json.RawMessage(`3`)},
		{Name: "users", Type: Strings, Default: json.RawMessage(`["root"]`)},
	}
	vals, err := Bind(defs, map[string]string{"ip": "203.0.113.7"})
	if err != nil {
		t.Fatal(err)
	}
	if vals["ip"].DQL() != `"203.0.113.7"` || vals["n"].DQL() != "3" || vals["users"].DQL() != `{"root"}` {
		t.Fatalf("Bind = %v", vals)
	}
	_, err = Bind(defs, map[string]string{"n": "many", "who": "x"})
	if err == nil {
		t.Fatal("Bind accepted a bad number, an unknown name and a missing value")
	}
	for _, want := range []string{`"many" is not a number`, `unknown parameter "who"`, "ip has no default"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Bind error %q lacks %q", err, want)
		}
	}
}

func TestCheck(t *testing.T) {
	for _, d := range []Def{
		{Name: "1st", Type: String},
		{Name: "a-b", Type: String},
		{Name: "ok", Type: "list"},
		{Name: "ok", Type: Duration, Default: json.RawMessage(`"1M"`)},
		{Name: "ok", Type: Number, Default: json.RawMessage(`"3"`)},
	} {
		if err := d.Check(); err == nil {
			t.Errorf("Check(%+v) = nil", d)
		}
	}
	if err := (Def{Name: "min_failures", Type: Number, Default: json.RawMessage(`3`)}).Check(); err != nil {
		t.Error(err)
	}
}

// TestInjection runs substituted queries through the engine: however hostile, a
// value stays one value, and the query keeps its structure.
func TestInjection(t *testing.T) {
	const query = `data record(u = "alice"), record(u = "bob"), record(u = "x\" or true or \"")
| filter in(u, $users) or u == $user
| fields u`
	hostile := []string{
		`x" or true or "`,
		`x") or true or ("`,
		`""" or true or """`,
		"x\"\n| filter true //",
		`\" or true or \"`,
		`$user`,
		"`u`",
		"x\\",
	}
	for _, h := range hostile {
		vals := map[string]Value{}
		var err error
		if vals["user"], err = (Def{Name: "user", Type: String}).Parse(h); err != nil {
			t.Fatal(err)
		}
		if vals["users"], err = (Def{Name: "users", Type: Strings}).Parse(`["` + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(h) + `"]`); err != nil {
			t.Fatalf("%q: %v", h, err)
		}
		q, err := Substitute(query, vals)
		if err != nil {
			t.Fatalf("%q: %v", h, err)
		}
		res, err := dql.Run(context.Background(), q, dql.Options{})
		if err != nil {
			t.Fatalf("%q: %v\n%s", h, err, q)
		}
		// Only the record whose u is exactly the hostile text may match.
		for _, r := range res.Records {
			if u, _ := r.Lookup("u").Str(); u != h {
				t.Errorf("value %q matched record u=%q: the query became\n%s", h, u, q)
			}
		}
		want := 0
		if h == `x" or true or "` {
			want = 1 // the third record holds exactly this text
		}
		if len(res.Records) != want {
			t.Errorf("value %q: %d records, query\n%s", h, len(res.Records), q)
		}
	}
}

func TestSubstituteUnknownReference(t *testing.T) {
	_, err := Substitute("fetch logs | filter a == $nope", nil)
	if err == nil || !strings.Contains(dql.Report(err), "unknown parameter $nope") {
		t.Fatalf("err = %v", err)
	}
}
