package kernel_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestKernelImports guards the package docs: the kernel (sessions, protocol) runs
// cells without a web server, a renderer or the notebook model, so that the
// websocket server, the ZeroMQ kernel and headless runs can all build on it.
func TestKernelImports(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps",
		"github.com/trailbook/trailbook/kernel",
		"github.com/trailbook/trailbook/kernel/protocol").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	forbidden := []string{
		"net/http",
		"github.com/gorilla/websocket",
		"github.com/go-echarts/",
		"github.com/trailbook/trailbook/kernel/ws",
		"github.com/trailbook/trailbook/kernel/store",
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
			if d == f || strings.HasPrefix(d, f+"/") || strings.HasSuffix(f, "/") && strings.HasPrefix(d, f) {
				t.Errorf("the kernel depends on %s", d)
			}
		}
	}
}
