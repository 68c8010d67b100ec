package files

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/trailbook/trailbook/kernel/dql/dqltest"
)

// TestTutorialOverFiles runs the tutorial over every shared data folder read with
// --input semantics.
func TestTutorialOverFiles(t *testing.T) {
	shared := dqltest.SharedDir(t)
	folders, _ := filepath.Glob(filepath.Join(shared, "data", "cloudtrail", "*"))
	n := 0
	for _, folder := range folders {
		if _, err := os.Stat(filepath.Join(folder, "expected-usecases.json")); err != nil {
			continue
		}
		n++
		t.Run(filepath.Base(folder), func(t *testing.T) {
			dqltest.TutorialCheck(t, &Source{Paths: []string{filepath.Join(folder, "logs")}, Bucket: "my_aws_bucket"}, folder)
		})
	}
	if n < 4 {
		t.Fatalf("found %d data folders with expectations, want at least 4", n)
	}
}
