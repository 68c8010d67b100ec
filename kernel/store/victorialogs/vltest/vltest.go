// Package vltest builds VictoriaLogs from the Go module proxy and runs clusters of it
// on loopback, for the tests and benchmarks of package victorialogs. It runs the
// binary as a separate process: nothing of VictoriaLogs is linked into any program.
package vltest

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
)

// Version is the VictoriaLogs release the tests and benchmarks run against, built
// from the Go module proxy.
const Version = "v1.52.1"

// module is the package that builds the victoria-logs binary, every role in one.
const module = "github.com/VictoriaMetrics/VictoriaLogs/app/victoria-logs"

// Bounds of the test harness: a build on a busy two-core machine takes a minute or
// two; a node is up in a second or two, more under load.
const (
	buildTimeout = 15 * time.Minute
	startTimeout = 90 * time.Second
)

// Binary returns the victoria-logs binary, building it on first use into
// $TRAILBOOK_VL_CACHE (default: the user cache directory, trailbook/victorialogs/VERSION)
// so that later runs start at once. Callers treat an error as a failure, never as a
// reason to skip: CI must not pass without the cluster tests.
func Binary() (string, error) {
	dir := os.Getenv("TRAILBOOK_VL_CACHE")
	if dir == "" {
		cache, err := os.UserCacheDir()
		if err != nil {
			return "", fmt.Errorf("no cache directory for the VictoriaLogs build (set TRAILBOOK_VL_CACHE): %w", err)
		}
		dir = filepath.Join(cache, "trailbook", "victorialogs", Version)
	}
	bin := filepath.Join(dir, "victoria-logs")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	// Build into a fresh directory and rename, so that a concurrent run never sees
	// half a binary.
	tmp, err := os.MkdirTemp(dir, "build-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, GoTool(), "install", module+"@"+Version)
	cmd.Dir = tmp // outside our module: go install pkg@version ignores go.mod anyway
	cmd.Env = append(os.Environ(), "GOBIN="+tmp, "GOFLAGS=-mod=mod", "GOWORK=off")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("cannot build VictoriaLogs %s: %v\n%s", Version, err, out)
	}
	built := filepath.Join(tmp, filepath.Base(bin))
	if err := os.Rename(built, bin); err != nil {
		return "", fmt.Errorf("cannot place the VictoriaLogs binary: %w", err)
	}
	return bin, nil
}

// GoTool returns the go command that runs the tests: the one in $GOROOT/bin (set by
// go test), else the one on $PATH.
func GoTool() string {
	if root := os.Getenv("GOROOT"); root != "" {
		if p := filepath.Join(root, "bin", "go"); fileExists(p) {
			return p
		}
	}
	if p := filepath.Join(runtime.GOROOT(), "bin", "go"); runtime.GOROOT() != "" && fileExists(p) {
		return p
	}
	return "go"
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// node is one victoria-logs process.
type node struct {
	name string
	args []string
	addr string
	log  string
	cmd  *exec.Cmd
	done chan struct{}
}

// Cluster is a VictoriaLogs cluster on loopback: storage nodes and one node that
// serves /insert and /select with -storageNode for all of them. Its methods are not
// safe for concurrent use.
type Cluster struct {
	// URL is the base URL of the /insert and /select node.
	URL     string
	bin     string
	dir     string
	storage []*node
	front   *node
}

// freeAddr returns a loopback address with a port free right now.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// Start starts a cluster of the binary bin with storageNodes storage nodes, keeping
// data and logs in dir. Every node keeps 100 years: a node drops events older than
// its retention, and the test data goes back to 2014.
func Start(bin, dir string, storageNodes int) (*Cluster, error) {
	c := &Cluster{bin: bin, dir: dir}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	common := []string{"-retentionPeriod=100y", "-loggerLevel=WARN", "-memory.allowedBytes=128MiB",
		"-search.maxConcurrentRequests=8", "-http.shutdownDelay=0s"}
	var addrs []string
	for i := range storageNodes {
		addr, err := freeAddr()
		if err != nil {
			return nil, err
		}
		addrs = append(addrs, addr)
		c.storage = append(c.storage, &node{name: fmt.Sprintf("storage%d", i), addr: addr,
			log:  filepath.Join(dir, fmt.Sprintf("storage%d.log", i)),
			args: append([]string{"-httpListenAddr=" + addr, "-storageDataPath=" + filepath.Join(dir, fmt.Sprintf("storage%d", i))}, common...)})
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	c.front = &node{name: "front", addr: addr, log: filepath.Join(dir, "front.log"),
		args: append([]string{"-httpListenAddr=" + addr, "-storageNode=" + strings.Join(addrs, ","),
			"-storageDataPath=" + filepath.Join(dir, "front")}, common...)}
	c.URL = "http://" + addr
	for _, n := range append(append([]*node{}, c.storage...), c.front) {
		if err := c.start(n); err != nil {
			c.Close()
			return nil, err
		}
	}
	return c, nil
}

// start starts n and waits until it answers /health.
func (c *Cluster) start(n *node) error {
	logf, err := os.OpenFile(n.log, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	cmd := exec.Command(c.bin, n.args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = procAttr() // killed with the test binary
	if err := cmd.Start(); err != nil {
		logf.Close()
		return fmt.Errorf("cannot start %s: %w", n.name, err)
	}
	n.cmd, n.done = cmd, make(chan struct{})
	go func() {
		cmd.Wait()
		logf.Close()
		close(n.done)
	}()
	deadline := time.Now().Add(startTimeout)
	for time.Now().Before(deadline) {
		select {
		case <-n.done:
			b, _ := os.ReadFile(n.log)
			return fmt.Errorf("%s exited at start:\n%s", n.name, tail(string(b)))
		default:
		}
		resp, err := http.Get("http://" + n.addr + "/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	c.stop(n)
	return fmt.Errorf("%s did not answer /health within %s", n.name, startTimeout)
}

// stop stops n gracefully (SIGTERM, so that it flushes what it holds), killing it if
// it takes too long.
func (c *Cluster) stop(n *node) {
	if n.cmd == nil {
		return
	}
	_ = terminate(n.cmd.Process)
	select {
	case <-n.done:
	case <-time.After(30 * time.Second):
		_ = n.cmd.Process.Kill()
		<-n.done
	}
	n.cmd = nil
}

// Close stops every node.
func (c *Cluster) Close() {
	for _, n := range append(append([]*node{}, c.storage...), c.front) {
		if n != nil {
			c.stop(n)
		}
	}
}

func tail(s string) string {
	if len(s) > 4000 {
		return "…" + s[len(s)-4000:]
	}
	return s
}

// StopStorage stops storage node i, gracefully.
func (c *Cluster) StopStorage(i int) { c.stop(c.storage[i]) }

// StartStorage starts storage node i again, on its address and data.
func (c *Cluster) StartStorage(i int) error {
	if c.storage[i].cmd != nil {
		return nil
	}
	return c.start(c.storage[i])
}

// StorageAddrs returns the addresses of the storage nodes, for their /metrics.
func (c *Cluster) StorageAddrs() []string {
	var out []string
	for _, n := range c.storage {
		out = append(out, n.addr)
	}
	return out
}

// Logs returns the end of every node's log, for a failing test's message.
func (c *Cluster) Logs() string {
	var b strings.Builder
	for _, n := range append(append([]*node{}, c.storage...), c.front) {
		log, _ := os.ReadFile(n.log)
		fmt.Fprintf(&b, "== %s\n%s\n", n.name, tail(string(log)))
	}
	return b.String()
}
