package store

// MatchBuckets reports whether bucket is selected by patterns, the bucket: parameter
// of fetch (spec/dql.md §6.2): nil patterns select every bucket, and a pattern's `*`
// matches any run of characters (every other character stands for itself). Every
// Source applies ScanRequest.Buckets with it, so that all of them agree.
func MatchBuckets(patterns []string, bucket string) bool {
	if patterns == nil {
		return true
	}
	for _, p := range patterns {
		if matchWildcard(p, bucket) {
			return true
		}
	}
	return false
}

// matchWildcard matches s against p, where `*` is the only special character. It is
// the classic greedy algorithm with one backtrack point: linear in practice and never
// exponential.
func matchWildcard(p, s string) bool {
	pi, si := 0, 0
	star, mark := -1, 0
	for si < len(s) {
		switch {
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, si
			pi++
		case pi < len(p) && p[pi] == s[si]:
			pi++
			si++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}
