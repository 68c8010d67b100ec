package cloudtrail

import "strings"

// ParseKey returns the account id and region named by a CloudTrail S3
// delivery key or file name, or "" for each it cannot find. It reads the file
// name first and the folder layout second:
//
//	AWSLogs/111122223333/CloudTrail/us-east-1/2024/03/01/111122223333_CloudTrail_us-east-1_20240301T0915Z_x.json.gz
//	    → "111122223333", "us-east-1"
//	AWSLogs/o-abc123/111122223333/CloudTrail/eu-west-1/…  (organization trail) → "111122223333", "eu-west-1"
//	logs/events.json → "", ""
//
// Separators must be slashes (filepath.ToSlash a local path first).
func ParseKey(key string) (account, region string) {
	base := key[strings.LastIndexByte(key, '/')+1:]
	if parts := strings.SplitN(base, "_", 4); len(parts) == 4 &&
		isAccount(parts[0]) && strings.HasPrefix(parts[1], "CloudTrail") && isRegion(parts[2]) {
		return parts[0], parts[2]
	}
	segs := strings.Split(key, "/")
	for i := 1; i+1 < len(segs); i++ {
		if strings.HasPrefix(segs[i], "CloudTrail") && isAccount(segs[i-1]) && isRegion(segs[i+1]) {
			return segs[i-1], segs[i+1]
		}
	}
	return "", ""
}

// IsDigestName reports whether a file name or S3 key is a CloudTrail digest
// file (<acct>_CloudTrail-Digest_<region>_… or a …/CloudTrail-Digest/… key).
// Digests hold hashes of log files, not events, and are skipped unread.
func IsDigestName(name string) bool {
	return strings.Contains(name, "_CloudTrail-Digest_") || strings.Contains(name, "/CloudTrail-Digest/")
}

// isAccount reports whether s is a 12-digit AWS account id.
func isAccount(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isRegion reports whether s looks like a region name such as us-east-1 or
// us-gov-west-1: lower-case letters, digits and dashes, starting with a letter.
func isRegion(s string) bool {
	if len(s) < 4 || len(s) > 32 || s[0] < 'a' || s[0] > 'z' || !strings.Contains(s, "-") {
		return false
	}
	for i := range len(s) {
		c := s[i]
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			return false
		}
	}
	return true
}
