//go:build unix

package store_test

import (
	"syscall"
	"time"
)

// cpuTime returns the CPU time (user + system) the process has used: benchmarks
// report it per op beside wall time, because a shared machine inflates wall time
// but not the work done.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
