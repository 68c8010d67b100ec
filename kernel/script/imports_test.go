package script

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImports guards the promise of the package doc: scripts reach the host only
// through Env. The package brings no networking, no process control, no goja_nodejs
// (require, fs, timers) and nothing of the kernel server, UI or renderers.
func TestImports(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "github.com/trailbook/trailbook/kernel/script").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	forbidden := []string{
		"net",
		"net/http",
		"os/exec",
		"github.com/dop251/goja_nodejs",
		"github.com/gorilla/websocket",
		"github.com/trailbook/trailbook/kernel",
		"github.com/trailbook/trailbook/kernel/store",
		"github.com/trailbook/trailbook/kernel/protocol",
		"github.com/trailbook/trailbook/notebook",
		"github.com/trailbook/trailbook/renderers",
		"github.com/trailbook/trailbook/templates",
		"github.com/trailbook/trailbook/cmd",
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 {
		t.Fatalf("go list -deps returned too little to be right:\n%s", out)
	}
	for _, d := range deps {
		for _, f := range forbidden {
			if d == f || strings.HasPrefix(d, f+"/") && f != "net" && f != "github.com/trailbook/trailbook/kernel" {
				t.Errorf("package script depends on %s", d)
			}
		}
	}
}
