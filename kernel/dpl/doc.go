// Package dpl compiles and runs DPL (Dynatrace Pattern Language) patterns, the subset
// described in spec/dpl.md: the lexer and parser for pattern text, the matchers of
// §4–§9 (literals, character classes, line and string matchers, numbers, booleans,
// addresses, timestamps, JSON) and the matching engine behind the DQL `parse` command
// and the functions parse, parseAll, matchesPattern, replacePattern and splitByPattern.
//
// It imports only the standard library, gjson and kernel/dql/value; it knows nothing
// about records in flight, queries or storage. Callers get a *Pattern from Compile and
// use one of three entry points, one per matching context of spec/dpl.md §11:
//
//	p, err := dpl.Compile("IPADDR:ip LD '[' HTTPDATE:time ']'")
//	vals, ok := p.Parse(line)   // anchored at 0, trailing text allowed (parse)
//	ok = p.Match(line)          // the whole string must match (matchesPattern)
//	p.Scan(line, fn)            // successive non-empty matches (parseAll, replacePattern, splitByPattern)
//
// # Matching model
//
// Compile turns the pattern into a small program for a backtracking machine, in the
// manner of Go's regexp backtracker but with DPL's own instructions. Deterministic
// matchers (literals, numbers, addresses, timestamps, quoted strings, JSON) consume the
// longest token they accept and never give anything back; a quantifier on them repeats
// the whole matcher. Character classes (and the named classes ALPHA, DIGIT, …) are
// greedy and give characters back one at a time; LD and DATA are lazy and take one more
// character at a time, except as the last element of a pattern, where they take the rest
// of the line (or input). Alternatives are tried left to right; optional elements try to
// match first and then try matching nothing. The first path that reaches the end of the
// pattern wins, and its export values are computed from the spans it recorded, so work
// on abandoned paths is never converted into values.
//
// # Why backtracking with a budget
//
// DPL's lazy LD and greedy classes are defined by backtracking (spec/dpl.md §11), and
// lookarounds and export capture are easy to express in such a machine; an automaton
// would need a different semantics. Backtracking can take exponential time on hostile
// pattern/input pairs, and patterns and logs are both user controlled, so every match
// attempt has a step budget proportional to the input length (attemptBudget) and a Scan
// has one for the whole string (scanBudget). An attempt that runs out fails, exactly
// as if the pattern did not match; no input makes a query hang. Nesting depth is capped
// at compile time (maxNesting), JSON nesting at match time (maxJSONDepth).
//
// # Exports
//
// Exports lists the export names in pattern order without duplicates. When several
// elements export the same name, the value comes from the last element, in pattern
// order, that took part in the match: `(INT:x | WORD:x)` gives whichever alternative
// matched, and elements of untaken alternatives or skipped optional parts never
// override a value. Inside a repeated group, the last repetition wins. An exported
// matcher with a quantifier (other than a character class, LD or DATA, whose
// quantifier counts characters) gives an array with one value per repetition:
// `INT{2}:n` on "1-2" gives [1, -2]. An exported group gives the text it matched.
//
// # Choices the spec leaves open
//
// LD and DATA count characters (UTF-8 sequences), not bytes. "At the end of a
// pattern" means nothing at all follows, not even an optional element: in
// `LD:a INT?:b` the LD stays lazy. Matchers are deterministic, so a quantifier on INT
// repeats whole numbers and never splits one. A member of a JSON{…} list whose value
// does not fit its matcher is null, unless it is mandatory (`+`), which fails the
// JSON matcher. Lookbehinds try the shortest text ending at the position first.
//
// # Concurrency
//
// A *Pattern is immutable after Compile and safe for concurrent use; per-match state
// lives in machines taken from a pool owned by the pattern.
package dpl
