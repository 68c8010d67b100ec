package funcs

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/trailbook/trailbook/kernel/dql/value"
)

// newAcc makes an accumulator with constant args in Params layout, as the planner
// does: omitted optional params are passed as their Default.
func newAcc(t testing.TB, name string, consts ...value.Value) (Acc, error) {
	a, ok := LookupAgg(name)
	if !ok {
		t.Fatalf("no aggregation %q", name)
	}
	full := append([]value.Value(nil), consts...)
	for i := len(full); i < len(a.Params); i++ {
		if !a.Params[i].Variadic {
			full = append(full, a.Params[i].Default)
		}
	}
	isConst := make([]bool, len(full))
	for i := range isConst {
		isConst[i] = true
	}
	return a.New(full, isConst)
}

// aggOf feeds one-argument rows (or, for rows of several values, those rows) and
// returns the result.
func aggOf(t testing.TB, name string, consts []value.Value, vals ...value.Value) value.Value {
	acc, err := newAcc(t, name, consts...)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	for _, v := range vals {
		acc.Add(rowOf(v, consts))
	}
	return acc.Result()
}

// rowOf lays out one record's args: the value, then the constant args.
func rowOf(v value.Value, consts []value.Value) []value.Value {
	if len(consts) == 0 {
		return []value.Value{v}
	}
	return append([]value.Value{v}, consts[1:]...)
}

func TestAggTypes(t *testing.T) {
	f := func(want value.Value, name string, vals ...value.Value) {
		t.Helper()
		if got := aggOf(t, name, nil, vals...); !same(got, want) {
			t.Fatalf("%s(%s)\n got: %s\nwant: %s", name, showArgs(toAny(vals)), show(got), show(want))
		}
	}
	f(L(3), "count", null, null, L(1))
	f(L(1), "countIf", B(true), null, L(1), B(false))
	f(L(2), "countDistinctExact", L(1), D(1), S("1"), null)
	f(L(0), "countDistinct")

	f(D(3.5), "sum", L(1), D(2.5))
	f(null, "sum", L(1), Dur(time.Second)) // numbers and durations: mixed
	f(null, "sum", L(1), S("2"))
	f(null, "sum", null)
	f(D(0.3), "sum", D(0.1), D(0.2))
	f(null, "sum", Dur(1<<62), Dur(1<<62)) // overflow
	f(D(2), "avg", L(1), L(3))
	f(Dur(2), "avg", Dur(1), Dur(2)) // 1.5 ns rounds half away from zero
	f(Dur(-2), "avg", Dur(-1), Dur(-2))
	f(null, "avg", B(true))

	f(L(1), "min", L(3), L(1), null)
	f(D(1), "min", L(3), L(1), D(2.5)) // a double input makes the result double
	f(D(2.5), "max", L(1), D(2.5))
	f(null, "min", L(1), S("a")) // mixed types → null
	f(TS("2019-01-01T00:00:00Z"), "min", TS("2019-01-01T00:00:00Z"), TS("2020-01-01T00:00:00Z"))
	f(Dur(time.Hour), "max", Dur(time.Second), Dur(time.Hour))
	f(IPv("10.0.0.2"), "max", IPv("10.0.0.1"), IPv("10.0.0.2"))
	f(null, "max", A(L(1)))
	f(null, "min")

	f(L(1), "takeAny", null, L(1), L(2))
	f(null, "takeFirst", null)
	f(L(2), "takeLast", L(1), L(2), null)
	f(B(false), "takeMin", L(1), S("a"), B(false), null)
	f(R("a", L(1)), "takeMax", L(1), S("a"), R("a", L(1)), null)
	f(L(1), "takeMin", L(1), D(1)) // ties keep the first

	f(D(2), "variance", L(1), L(3), L(5), L(3), null) // population: /N
	f(D(2), "stddev", L(2), L(4), L(4), L(4), L(5), L(5), L(7), L(9))
	f(D(0), "stddev", L(5))
	f(null, "stddev", S("x"), L(1))
	f(null, "variance")

	f(D(2.5), "median", L(4), L(1), L(3), L(2))
	f(D(7), "median", L(7))
	f(Dur(2*time.Second), "median", Dur(time.Second), Dur(2*time.Second), Dur(3*time.Second))
	f(TS("2019-01-01T12:00:00Z"), "median", TS("2019-01-01T00:00:00Z"), TS("2019-01-02T00:00:00Z"))
	f(null, "median", L(1), Dur(1))
	f(null, "median", S("a"))
	f(null, "median")
}

func TestAggErrors(t *testing.T) {
	f := func(want, name string, consts []value.Value, isConst []bool) {
		t.Helper()
		a, _ := LookupAgg(name)
		_, err := a.New(consts, isConst)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Fatalf("%s: error %v, want %q", name, err, want)
		}
	}
	yes := []bool{true, true, true}
	f("maxLength must be a long from 1 to 131072", "collectArray", []value.Value{null, L(0), B(false)}, yes)
	f("maxLength must be a long from 1 to 131072", "collectArray", []value.Value{null, L(131073), B(false)}, yes)
	f("maxLength must be a constant", "collectDistinct", []value.Value{null, null, B(false)}, []bool{false, false, true})
	f("expand must be a boolean", "collectArray", []value.Value{null, L(5), S("yes")}, yes)
	f("from 0 to 100", "percentile", []value.Value{null, L(101), null}, yes)
	f("must be a constant", "percentile", []value.Value{null, L(50), null}, []bool{false, false, true})
	f("from 0 to 100", "percentiles", []value.Value{null, L(50), S("90")}, yes)
	f("at least one percentile", "percentiles", []value.Value{null}, yes[:1])
}

func TestAggRegistry(t *testing.T) {
	want := "avg collectArray collectDistinct correlation count countDistinct countDistinctApprox countDistinctExact countIf max median min percentile percentiles stddev sum takeAny takeFirst takeLast takeMax takeMin variance"
	if got := strings.Join(AggNames(), " "); got != want {
		t.Fatalf("AggNames() = %s", got)
	}
	for _, n := range AggNames() {
		a, _ := LookupAgg(n)
		if !strings.HasPrefix(a.Doc, n+"(") || !strings.Contains(a.Doc, "→") {
			t.Errorf("%s: Doc %q", n, a.Doc)
		}
	}
	if _, ok := LookupAgg("lower"); ok {
		t.Error("lower is not an aggregation")
	}
}

// mergeInputs are varied inputs for each aggregation's Merge test.
var mergeInputs = map[string][]value.Value{
	"default":  {L(3), null, D(2.5), L(7), L(-1), null, L(7), D(0.25), L(100), L(3)},
	"strings":  {S("b"), null, S("a"), S("c"), S("a"), S("d")},
	"duration": {Dur(time.Second), Dur(3 * time.Second), null, Dur(2), Dur(time.Hour)},
	"mixed":    {L(1), S("a"), null, B(true), A(L(1)), D(2.5), IPv("10.0.0.1")},
	"arrays":   {A(L(1), L(2)), L(3), A(A(L(4)), null), null, L(1), A()},
}

// TestAggMerge checks that splitting the input between two accumulators at every
// point and merging gives the result of one accumulator, for every aggregation.
func TestAggMerge(t *testing.T) {
	configs := map[string][][]value.Value{
		"collectArray":    {{null, L(maxCollect), B(false)}, {null, L(4), B(true)}, {null, L(3), B(false)}},
		"collectDistinct": {{null, L(maxCollect), B(true)}, {null, L(3), B(false)}},
		"percentile":      {{null, L(40), null}, {null, D(99.9), null}},
		"percentiles":     {{null, L(10), L(50), L(90)}},
	}
	for _, name := range AggNames() {
		consts := configs[name]
		if consts == nil {
			consts = [][]value.Value{nil}
		}
		for _, c := range consts {
			for kind, vals := range mergeInputs {
				label := fmt.Sprintf("%s%s/%s", name, showArgs(toAny(c)), kind)
				row := func(v value.Value) []value.Value {
					switch name {
					case "count":
						return nil
					case "correlation":
						return []value.Value{v, D(float64(len(show(v))))}
					}
					return rowOf(v, c)
				}
				whole, err := newAcc(t, name, c...)
				if err != nil {
					t.Fatalf("%s: %v", label, err)
				}
				for _, v := range vals {
					whole.Add(row(v))
				}
				want := whole.Result()
				for k := 0; k <= len(vals); k++ {
					a, _ := newAcc(t, name, c...)
					b, _ := newAcc(t, name, c...)
					for _, v := range vals[:k] {
						a.Add(row(v))
					}
					for _, v := range vals[k:] {
						b.Add(row(v))
					}
					a.Merge(b)
					if got := a.Result(); !same(got, want) {
						t.Fatalf("%s split at %d: merged %s, whole %s", label, k, show(got), show(want))
					}
				}
			}
		}
	}
}

func BenchmarkCountDistinctAdd(b *testing.B) {
	vals := make([][]value.Value, 1024)
	for i := range vals {
		vals[i] = []value.Value{S(fmt.Sprintf("arn:aws:iam::123456789012:user/user%d", i%97))}
	}
	acc, err := newAcc(b, "countDistinct")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		acc.Add(vals[i&1023])
		i++
	}
}

// TestAggNoPanics feeds every accumulator every sample value in every layout length,
// merges it with an empty one and with one of another aggregation: no input panics.
func TestAggNoPanics(t *testing.T) {
	for _, name := range AggNames() {
		for _, v := range sampleValues {
			func() {
				defer func() {
					if r := recover(); r != nil {
						t.Fatalf("%s with %s panicked: %v", name, show(v), r)
					}
				}()
				acc, err := newAcc(t, name, v, L(50), v)
				if err != nil {
					acc = validAcc(t, name)
				}
				for n := 0; n <= 4; n++ {
					row := make([]value.Value, n)
					for i := range row {
						row[i] = v
					}
					acc.Add(row)
					for _, w := range sampleValues {
						if n > 0 {
							row[n-1] = w
						}
						acc.Add(row)
					}
				}
				empty := validAcc(t, name)
				acc.Merge(empty)
				other, _ := newAcc(t, "count")
				acc.Merge(other)
				acc.Result()
				empty.Merge(acc)
				empty.Result()
			}()
		}
	}
}

// validAcc makes an accumulator with valid constant args (p = 50 where needed).
func validAcc(t *testing.T, name string) Acc {
	acc, err := newAcc(t, name, null, L(50))
	if err != nil {
		if acc, err = newAcc(t, name); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	return acc
}
