package dql_test

import (
	"os/exec"
	"strings"
	"testing"
)

// TestEngineImports guards the promise of the package doc: the engine can be lifted
// into another program without bringing a web server, a UI, goja or go-echarts along.
func TestEngineImports(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "github.com/trailbook/trailbook/kernel/dql/...").CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, out)
	}
	forbidden := []string{
		"net/http",
		"github.com/gorilla/websocket",
		"github.com/go-echarts/",
		"github.com/dop251/goja",
		"github.com/trailbook/trailbook/notebook",
		"github.com/trailbook/trailbook/renderers",
		"github.com/trailbook/trailbook/templates",
		"github.com/trailbook/trailbook/cmd",
		"github.com/trailbook/trailbook/kernel/store",
	}
	deps := strings.Fields(string(out))
	if len(deps) < 10 {
		t.Fatalf("go list -deps returned too little to be right:\n%s", out)
	}
	for _, d := range deps {
		for _, f := range forbidden {
			if d == f || strings.HasPrefix(d, f) {
				t.Errorf("the DQL engine depends on %s", d)
			}
		}
	}
}
