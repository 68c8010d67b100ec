// Package exec runs checked DQL plans: a pipeline of operators over batches of
// records, pulled from a Source (spec/dql.md §6–§9). Memory stays bounded by the
// result and the aggregation state, not by the input.
//
// It declares the Source interface that stores implement, and Aggregator, for
// Sources that can compute a summarize or makeTimeseries themselves; the executor
// keeps DQL's semantics (names, types, slots, group order) and merges what the
// Source computed with what it leaves to the local engine. It imports no store,
// server or UI.
package exec
