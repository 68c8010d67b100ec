package victorialogs

import (
	"os/exec"
	"strings"
	"testing"

	"github.com/trailbook/trailbook/kernel/store/victorialogs/vltest"
)

// TestNoVictoriaLogsImports guards the promise that trailbook talks to VictoriaLogs
// over HTTP only: neither this package nor the binary links any of its code.
func TestNoVictoriaLogsImports(t *testing.T) {
	out, err := exec.Command(vltest.GoTool(), "list", "-deps",
		"github.com/trailbook/trailbook/kernel/store/victorialogs", "github.com/trailbook/trailbook/cmd/trailbook").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, p := range strings.Fields(string(out)) {
		if strings.Contains(strings.ToLower(p), "victoriametrics") {
			t.Errorf("%s is linked into trailbook", p)
		}
	}
}
