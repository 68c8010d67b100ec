package victorialogs

import (
	"fmt"
	"os"
	"sync"
	"testing"

	"github.com/trailbook/trailbook/kernel/store/victorialogs/vltest"
)

// The cluster shared by the package's tests: started on first use, stopped by
// TestMain.
var (
	shared     *vltest.Cluster
	sharedErr  error
	sharedOnce sync.Once
	sharedDir  string
)

func sharedCluster(t testing.TB) *vltest.Cluster {
	t.Helper()
	sharedOnce.Do(func() {
		bin, err := vltest.Binary()
		if err != nil {
			sharedErr = err
			return
		}
		sharedDir, err = os.MkdirTemp("", "trailbook-vl-")
		if err != nil {
			sharedErr = err
			return
		}
		shared, sharedErr = vltest.Start(bin, sharedDir, 2)
	})
	if sharedErr != nil {
		t.Fatalf("VictoriaLogs cluster: %v", sharedErr)
	}
	return shared
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared != nil {
		shared.Close()
	}
	if sharedDir != "" {
		if code != 0 {
			fmt.Fprintf(os.Stderr, "VictoriaLogs logs kept in %s\n", sharedDir)
		} else {
			os.RemoveAll(sharedDir)
		}
	}
	os.Exit(code)
}

// client returns a Client for a cluster.
func client(t testing.TB, c *vltest.Cluster) *Client {
	t.Helper()
	cl, err := New(c.URL)
	if err != nil {
		t.Fatal(err)
	}
	return cl
}
