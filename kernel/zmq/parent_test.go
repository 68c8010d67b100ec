//go:build unix

package zmq

import (
	"context"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"
)

func TestWatchParent(t *testing.T) {
	// A process that has ended (and been reaped) stands for a dead Jupyter parent.
	ended := exec.Command(os.Args[0], "-test.run=^$")
	if err := ended.Run(); err != nil {
		t.Fatal(err)
	}
	t.Setenv("JPY_PARENT_PID", strconv.Itoa(ended.Process.Pid))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	select {
	case <-WatchParent(ctx, 10*time.Millisecond):
	case <-time.After(10 * time.Second):
		t.Fatal("the end of $JPY_PARENT_PID went unnoticed")
	}

	// A live parent: nothing happens, and cancelling stops the watch.
	t.Setenv("JPY_PARENT_PID", strconv.Itoa(os.Getpid()))
	ctx2, cancel2 := context.WithCancel(context.Background())
	gone := WatchParent(ctx2, 10*time.Millisecond)
	select {
	case <-gone:
		t.Fatal("a live parent was taken for gone")
	case <-time.After(200 * time.Millisecond):
	}
	cancel2()
}
