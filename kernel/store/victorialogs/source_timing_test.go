package victorialogs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trailbook/trailbook/kernel/dql/dqltest"
	"github.com/trailbook/trailbook/kernel/dql/exec"
)

// BenchmarkDecodeEntry measures rebuilding records from answer lines, what bounds a
// scan without pushdown on the trailbook side.
func BenchmarkDecodeEntry(b *testing.B) {
	raw, err := os.ReadFile(filepath.Join(dqltest.SharedDir(b), "data", "cloudtrail", "edge-cases", "logs", "10-missing-optional-fields.ndjson"))
	if err != nil {
		b.Fatal(err)
	}
	ev, _, _ := strings.Cut(string(raw), "\n")
	line := []byte(`{"_msg":` + jsonQuote(ev) + `,"aws.account.id":"111122223333","aws.region":"us-east-1","dt.system.bucket":"my_aws_bucket","log.source":"s3://trail/AWSLogs/x.json.gz"}`)
	req := exec.ScanRequest{From: 0, To: 1 << 62}
	b.SetBytes(int64(len(line)))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		r, ok := decodeEntry(line)
		if !ok || !inRange(r, req) {
			b.Fatal("entry not decoded")
		}
	}
}
