package zmq

import (
	"context"
	"os"
	"strconv"
	"time"
)

// ParentPoll is how often WatchParent looks for its parent: a kernel left behind by
// a crashed notebook server goes away within a second or so, at the cost of one
// system call a second.
const ParentPoll = time.Second

// WatchParent returns a channel closed when the process that started this one has
// ended, so that a kernel never outlives the Jupyter client that launched it (a
// killed nbconvert, a crashed JupyterLab). It watches the process named by
// $JPY_PARENT_PID, which jupyter_client sets, and this process's parent at the time
// of the call: when the parent ends the process is handed to another one, and
// getppid changes. It stops watching when ctx is done.
func WatchParent(ctx context.Context, every time.Duration) <-chan struct{} {
	gone := make(chan struct{})
	ppid := os.Getppid()
	jpy, _ := strconv.Atoi(os.Getenv("JPY_PARENT_PID"))
	go func() {
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
			}
			if os.Getppid() != ppid || jpy > 0 && !alive(jpy) {
				close(gone)
				return
			}
		}
	}()
	return gone
}
