// Package funcs is DQL's function table: the scalar functions of spec/dql.md §10 and
// the aggregation functions of §8.1 (also used by makeTimeseries, §9), plus the time
// helpers the planner shares with them (ParseTimestamp, ParseDurationUnit,
// AddCalendar, AlignCalendar). It imports only the standard library, gjson and
// kernel/dql/value; it knows nothing of records, syntax or plans.
//
// The planner looks functions up by name (Lookup, LookupAgg), checks arguments
// against their Params, and calls them with already evaluated arguments. Functions
// that need the record or the syntax tree — exists, record, the iterative functions
// iIndex, iAny and iCollectArray — are the planner's. The DPL pattern functions
// (parse, parseAll, matchesPattern, replacePattern, splitByPattern) live in
// pattern.go. Each family file registers its table in an init function, so adding
// a family does not touch the others.
//
// # Args layout
//
// Call, Prepare and Agg.Add all receive arguments in one layout: one value for every
// non-variadic Param, in Params order (required ones, then optional ones, with the
// Param's Default when omitted), followed by the values of the Variadic param, if
// any. The variadic param is the last positional one, but name-only optional params
// may follow it in Params; they still come before the variadic values:
//
//	concat(a, b, c, delimiter: "-")        Params [values…, delimiter]   args [delimiter, a, b, c]
//	substring(s, to: 3)                    Params [expression, from, to] args [s, null, 3]
//	percentiles(x, 10, 90)                 Params [expression, percentiles…] args [x, 10, 90]
//
// # Nulls and errors
//
// A null in a required argument yields null (spec §4.10): the planner does this
// without calling the function unless Func.NullIn is set; functions with NullIn
// (coalesce, isNull, if, in, concat, every variadic function…) handle nulls
// themselves. Every Call still copes with any input: a type mismatch, an invalid
// value, an overflow or a division by zero gives null, never an error or a panic
// (§13). Bad constant arguments — a malformed format, an unknown unit or time zone,
// `**` in a wildcard pattern — are caught once by Prepare or Agg.New and reported as
// static errors. Omitted optional params are passed to Prepare and Agg.New as
// constants (their Default).
//
// All tables are built at init and read-only afterwards: lookups, calls and
// accumulators of different groups may run on many goroutines at once.
package funcs
