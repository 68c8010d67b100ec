package funcs

import (
	"testing"
	"time"

	"github.com/trailbook/trailbook/kernel/dql/value"
)

func TestAggPercentile(t *testing.T) {
	f := func(want value.Value, name string, consts []value.Value, vals ...value.Value) {
		t.Helper()
		if got := aggOf(t, name, consts, vals...); !same(got, want) {
			t.Fatalf("%s%s over %s\n got: %s\nwant: %s", name, showArgs(toAny(consts)), showArgs(toAny(vals)), show(got), show(want))
		}
	}
	p := func(n float64) []value.Value { return []value.Value{null, D(n)} }
	xs := []value.Value{L(15), L(20), L(35), L(40), L(50)}
	// linear interpolation between closest ranks: rank h = p/100 × (N−1)
	f(D(15), "percentile", p(0), xs...)
	f(D(20), "percentile", p(25), xs...)
	f(D(29), "percentile", p(40), xs...) // h = 1.6: 20 + 0.6 × 15
	f(D(35), "percentile", p(50), xs...)
	f(D(48), "percentile", p(95), xs...) // h = 3.8: 40 + 0.8 × 10
	f(D(50), "percentile", p(100), xs...)
	f(D(1.75), "percentile", p(25), L(4), L(3), L(2), L(1))
	f(Dur(15*time.Second), "percentile", p(50), Dur(10*time.Second), Dur(20*time.Second))
	f(A(D(15), D(35), D(50)), "percentiles", []value.Value{null, L(0), L(50), L(100)}, xs...)
	f(null, "percentiles", []value.Value{null, L(50)})

	// weights count as repetitions: {1 ×3, 10 ×1} is 1, 1, 1, 10
	weighted := func(p float64, pairs ...value.Value) value.Value {
		a, _ := LookupAgg("percentile")
		acc, err := a.New([]value.Value{null, D(p), null}, []bool{false, true, false})
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i+1 < len(pairs); i += 2 {
			acc.Add([]value.Value{pairs[i], D(p), pairs[i+1]})
		}
		return acc.Result()
	}
	for _, pc := range []float64{0, 30, 50, 66.6, 70, 100} {
		want := aggOf(t, "percentile", p(pc), L(1), L(1), L(1), L(10))
		if got := weighted(pc, L(1), L(3), L(10), L(1), L(99), L(0), L(99), null, L(99), S("x")); !same(got, want) {
			t.Errorf("weighted percentile %v = %s, want %s", pc, show(got), show(want))
		}
	}
	if got := weighted(50, L(5), D(0.5)); !same(got, D(5)) {
		t.Errorf("a single value with a weight below 1 = %s", show(got))
	}
}

func TestAggCorrelation(t *testing.T) {
	f := func(want value.Value, xy ...value.Value) {
		t.Helper()
		acc, _ := newAcc(t, "correlation")
		for i := 0; i+1 < len(xy); i += 2 {
			acc.Add([]value.Value{xy[i], xy[i+1]})
		}
		if got := acc.Result(); !same(got, want) {
			t.Fatalf("correlation%s = %s, want %s", showArgs(toAny(xy)), show(got), show(want))
		}
	}
	f(D(1), L(1), L(2), L(2), L(4), L(3), L(6))
	f(D(-1), L(1), L(3), L(2), L(2), L(3), L(1), null, L(100))
	f(D(0), L(1), L(1), L(2), L(-1), L(3), L(-1), L(4), L(1))
	f(null, L(1), L(5), L(2), L(5)) // constant y
	f(null, L(1), L(5))
	f(null)
}
