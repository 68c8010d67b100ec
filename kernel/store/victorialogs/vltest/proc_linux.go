package vltest

import (
	"os"
	"syscall"
)

// procAttr makes a started node die with the test binary, even when the binary is
// killed before TestMain can stop the cluster.
func procAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}

func terminate(p *os.Process) error { return p.Signal(syscall.SIGTERM) }
