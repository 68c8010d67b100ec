package funcs

import (
	"testing"
	"time"
)

func TestArray(t *testing.T) {
	f := check(t)
	fe := checkErr(t)
	mixed := A(L(3), null, S("b"), D(1.5), S("a"), B(true), L(1))

	f(L(0), "arraySize", A())
	f(null, "arraySize", S("abc"))
	f(null, "arrayFirst", A(null, null))
	f(S("b"), "arrayFirst", A(null, S("b")))
	f(L(1), "arrayLast", A(L(1), null))
	f(null, "arrayElement", A(L(1)), L(-2))
	f(null, "arrayElement", A(L(1)), D(0.5))
	f(L(1), "arrayElement", A(L(1)), D(0))

	f(L(1), "arrayIndexOf", A(L(3), D(2), L(2)), L(2)) // 2 == 2.0
	f(L(2), "arrayLastIndexOf", A(L(3), D(2), L(2)), L(2))
	f(L(-1), "arrayIndexOf", A(L(3)), S("3"))
	f(null, "arrayIndexOf", A(null), null)
	f(L(0), "arrayIndexOf", A(A(L(1))), A(L(1)))

	f(D(5.5), "arraySum", mixed)
	f(D(0), "arraySum", A(S("x")))
	f(D(0), "arraySum", A())
	f(D(5.5/3), "arrayAvg", mixed)
	f(D(0), "arrayAvg", A(null))

	// arrayMin/arrayMax: one orderable type; long-only stays long; mixed → null
	f(L(1), "arrayMin", A(L(3), null, L(1)))
	f(D(1), "arrayMin", A(L(3), D(1.5), L(1)))
	f(S("B"), "arrayMin", A(S("b"), S("a"), S("B")))
	f(S("b"), "arrayMax", A(S("b"), S("a"), S("B")))
	f(Dur(time.Hour), "arrayMax", A(Dur(time.Second), Dur(time.Hour)))
	f(null, "arrayMin", mixed)
	f(null, "arrayMin", A())
	f(null, "arrayMax", A(A(L(1))))

	f(D(2), "arrayMedian", A(L(3), L(1), L(2)))
	f(D(2.5), "arrayMedian", A(L(4), L(1), L(3), L(2), null))
	f(Dur(90*time.Second), "arrayMedian", A(Dur(time.Minute), Dur(2*time.Minute)))
	f(null, "arrayMedian", A(L(1), S("2")))
	f(null, "arrayMedian", A())
	f(D(1.75), "arrayPercentile", A(L(1), L(2), L(3), L(4)), L(25))
	f(D(4), "arrayPercentile", A(L(1), L(2), L(3), L(4)), L(100))
	f(D(1), "arrayPercentile", A(L(1), L(2), L(3), L(4)), D(0))
	fe("from 0 to 100", "arrayPercentile", A(L(1)), L(101))
	if got := fnCall(t, "arrayPercentile", A(L(1)), L(-1)); !got.IsNull() {
		t.Errorf("arrayPercentile with a run-time p of -1 = %s", show(got))
	}

	// arrayDistinct removes duplicates (1 == 1.0) and sorts, nulls last
	f(A(B(false), L(1), D(2.5), S("a"), S("b"), A(L(1)), null), "arrayDistinct",
		A(S("b"), L(1), null, D(1), S("a"), A(L(1)), D(2.5), null, B(false), A(L(1)), S("b")))
	f(A(), "arrayDistinct", A())

	f(A(B(true), L(1), D(1.5), L(3), S("a"), S("b"), null), "arraySort", mixed)
	f(A(S("b"), S("a"), L(3), D(1.5), L(1), B(true), null), "arraySort", mixed, N("direction", S("descending")))
	f(A(L(1), L(1), L(2)), "arraySort", A(L(2), L(1), L(1)), S("ascending"))
	fe("direction must be", "arraySort", A(), N("direction", S("up")))

	f(A(L(1), null), "arrayReverse", A(null, L(1)))
	f(A(L(1), S("a")), "arrayRemoveNulls", A(null, L(1), null, S("a")))

	f(A(L(1), L(2), L(3)), "arrayConcat", A(L(1)), null, S("x"), A(L(2), L(3)))
	f(A(), "arrayConcat", A(), A())
	f(null, "arrayConcat", null, S("x"))

	f(A(L(1), A(L(2)), L(3)), "arrayFlatten", A(A(L(1), A(L(2))), L(3)))

	f(A(L(1)), "arraySlice", A(L(0), L(1), L(2)), L(1), L(2)) // positional from, to
	f(null, "arraySlice", A(L(0)), N("from", S("0")))

	f(S("1-a-[2]-true"), "arrayToString", A(L(1), S("a"), null, A(L(2)), B(true)), N("delimiter", S("-")))
	f(S(""), "arrayToString", A())

	f(A(D(1.5), D(1.5), D(4.5)), "arrayCumulativeSum", A(D(1.5), null, L(3)))
	f(A(L(0), L(2)), "arrayCumulativeSum", A(null, L(2)))
	f(null, "arrayCumulativeSum", A(L(1<<62), L(1<<62)))
	f(A(), "arrayCumulativeSum", A())

	f(A(null, null, L(5), L(0), null, L(2)), "arrayDelta", A(null, L(1), L(6), L(4), null, L(6)))
	f(A(null, D(0.5)), "arrayDelta", A(L(1), D(1.5)))
	f(null, "arrayDelta", A(L(1), S("2")))
	f(A(null, L(5), L(-2), null, null, L(1)), "arrayDiff", A(L(1), L(6), L(4), null, L(6), L(7)))
	f(A(null, D(-0.5)), "arrayDiff", A(L(2), D(1.5)))
	f(null, "arrayDiff", A(B(true)))

	f(A(null, L(1), L(3)), "arrayMovingSum", A(null, L(1), L(2)), L(2))
	f(A(D(1), D(1.5), D(2.5)), "arrayMovingAvg", A(L(1), L(2), L(3)), L(2))
	f(A(D(1.5), D(1.5)), "arrayMovingMin", A(D(1.5), L(2)), L(60))
	f(A(D(1.5), D(2)), "arrayMovingMax", A(D(1.5), L(2)), L(1))
	fe("window must be", "arrayMovingSum", A(L(1)), L(61))
	fe("window must be", "arrayMovingSum", A(L(1)), L(0))
	if got := fnCall(t, "arrayMovingSum", A(L(1)), L(0)); !got.IsNull() {
		t.Errorf("arrayMovingSum with a run-time window 0 = %s", show(got))
	}
}
