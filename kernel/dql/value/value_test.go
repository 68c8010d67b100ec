package value

import (
	"math"
	"net/netip"
	"sync"
	"testing"
)

func TestJSONL(t *testing.T) {
	f := func(v Value, want string) {
		t.Helper()
		if got := string(AppendJSONL(nil, v)); got != want {
			t.Fatalf("AppendJSONL(%v) = %s, want %s", v, got, want)
		}
	}
	f(Value{}, "null")
	f(Long(math.MinInt64), "-9223372036854775808")
	f(Double(3), "3.0")
	f(Double(0.1), "0.1")
	f(Double(1e300), "1e+300")
	f(Double(math.NaN()), `"NaN"`)
	f(String("a\"<b>\n"), `"a\"\u003cb\u003e\n"`)
	f(Timestamp(1), `"1970-01-01T00:00:00.000000001Z"`)
	f(Duration(-5), "-5")
	f(Timeframe(0, 60e9), `{"start":"1970-01-01T00:00:00.000000000Z","end":"1970-01-01T00:01:00.000000000Z"}`)
	f(IP(netip.MustParseAddr("::ffff:10.0.0.1")), `"10.0.0.1"`)
	f(Array([]Value{Long(1), {}, Bool(true)}), "[1,null,true]")
	if got := string(AppendGrail(nil, Array([]Value{Long(7), Duration(9)}))); got != `["7","9"]` {
		t.Fatalf("AppendGrail = %s", got)
	}
}

func TestFormat(t *testing.T) {
	f := func(v Value, want string) {
		t.Helper()
		if got := Format(v); got != want {
			t.Fatalf("Format = %q, want %q", got, want)
		}
	}
	f(Long(3), "3")
	f(Double(3.14), "3.14")
	f(Array([]Value{Long(1), Long(2), Long(3)}), "[1, 2, 3]")
	f(Timestamp(1564666200e9), "2019-08-01T13:30:00.000000000 +0000")
	f(Duration(300e9), "PT5M")
	f(Duration(1500e6), "PT1.5S")
	rec := NewRecord(1)
	rec.Set("content", String("A nested record"))
	f(Rec(rec), `{"content":"A nested record"}`)
}

func TestEqualCompareKey(t *testing.T) {
	vals := []Value{{}, Bool(false), Bool(true), Long(1), Double(1), Double(1.5), Long(2), String("A"), String("a"),
		Timestamp(5), Duration(5), Timeframe(1, 2), IP(netip.MustParseAddr("10.0.0.1")),
		Array([]Value{Long(1)}), Array([]Value{Long(1), Long(2)}), Rec(FromJSON(`{"a":1}`))}
	for _, a := range vals {
		for _, b := range vals {
			eq := Equal(a, b)
			keyEq := string(AppendKey(nil, a)) == string(AppendKey(nil, b))
			if eq != keyEq {
				t.Errorf("Equal(%v, %v) = %v but keys equal = %v", a, b, eq, keyEq)
			}
			if c := Compare(a, b); (c == 0) != eq && !(a.IsNull() && b.IsNull()) {
				t.Errorf("Compare(%v, %v) = %d, Equal = %v", a, b, c, eq)
			}
			if Compare(a, b) != -Compare(b, a) {
				t.Errorf("Compare is not antisymmetric on %v, %v", a, b)
			}
		}
	}
	if Compare(String("A"), String("a")) >= 0 || Compare(Bool(true), Long(0)) >= 0 || Compare(Long(5), Value{}) >= 0 {
		t.Fatal("sort order of spec §7.5 broken")
	}
}

func TestLazyRecord(t *testing.T) {
	r := FromJSON(`{"a":1,"b":{"c":[1,2.5,"x"]},"d":null,"big":12345678901234567890}`)
	if v, ok := r.Get("a"); !ok || v.Kind() != KindLong {
		t.Fatalf("a = %v, %v", v, ok)
	}
	b, _ := r.Lookup("b").Record()
	arr, _ := b.Lookup("c").Array()
	if len(arr) != 3 || arr[1].Kind() != KindDouble || arr[2].Kind() != KindString {
		t.Fatalf("b[c] = %v", arr)
	}
	if v, ok := r.Get("d"); !ok || !v.IsNull() {
		t.Fatal("a member holding null is present and null")
	}
	if _, ok := r.Get("zz"); ok {
		t.Fatal("missing member found")
	}
	if r.Lookup("big").Kind() != KindDouble {
		t.Fatal("an integer beyond int64 is a double")
	}
	if r.Len() != 4 {
		t.Fatalf("Len = %d", r.Len())
	}
	c := r.Clone()
	c.Set("a", String("changed"))
	c.Rename("d", "e")
	c.Delete("big")
	if got := string(AppendRecordJSONL(nil, c)); got != `{"a":"changed","b":{"c":[1,2.5,"x"]},"e":null}` {
		t.Fatalf("after changes: %s", got)
	}
	if r.Lookup("a").Kind() != KindLong {
		t.Fatal("changing a clone changed the original")
	}
	// Concurrent first reads build the index once, race-free.
	shared := FromJSON(`{"x":1,"y":2}`)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() { defer wg.Done(); shared.Lookup("y") }()
	}
	wg.Wait()
}

// FuzzValueJSON checks that decoding JSON and encoding it again is stable.
func FuzzValueJSON(f *testing.F) {
	for _, s := range []string{`{"a":1}`, `[1,2.5,"x",null,true,{"b":[]}]`, `"é\u0000"`, `-0`, `1e400`, `{"a":{"a":{"a":1}}}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, ok := ParseJSON(s)
		if !ok {
			return
		}
		once := AppendJSONL(nil, v)
		v2, ok := ParseJSON(string(once))
		if !ok {
			t.Fatalf("encoding of %q is not JSON: %s", s, once)
		}
		twice := AppendJSONL(nil, v2)
		if string(once) != string(twice) {
			t.Fatalf("not stable: %s then %s", once, twice)
		}
	})
}

func TestLazyRecordUnindexable(t *testing.T) {
	var b []byte
	b = append(b, `{"a\"b":1`...)
	for i := 0; i < 40; i++ {
		b = append(b, `,"k`...)
		b = append(b, byte('A'+i%26), byte('a'+i/26))
		b = append(b, `":2`...)
	}
	b = append(b, `,"last":3}`...)
	r := FromJSON(string(b))
	if v, _ := r.Lookup(`a"b`).Long(); v != 1 {
		t.Fatal("escaped member name not found")
	}
	if v, _ := r.Lookup("last").Long(); v != 3 {
		t.Fatal("member after the indexed ones not found")
	}
	if r.Len() != 42 {
		t.Fatalf("Len = %d, want 42", r.Len())
	}
}
