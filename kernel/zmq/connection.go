package zmq

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
)

// ConnectionInfo is a Jupyter connection file: where the kernel listens and the key
// that signs its messages. Jupyter clients (jupyter_client, JupyterLab, VS Code) write
// it and start the kernel with its path; see
// https://jupyter-client.readthedocs.io/en/stable/kernels.html#connection-files.
//
// A port of 0 makes Serve bind a free port; Options.Bound then learns which.
type ConnectionInfo struct {
	Transport       string `json:"transport"` // "tcp" or "ipc"
	IP              string `json:"ip"`        // an address for tcp, a path prefix for ipc
	ShellPort       int    `json:"shell_port"`
	ControlPort     int    `json:"control_port"`
	StdinPort       int    `json:"stdin_port"`
	IOPubPort       int    `json:"iopub_port"`
	HBPort          int    `json:"hb_port"`
	SignatureScheme string `json:"signature_scheme"` // "hmac-sha256"; "" with an empty key
	Key             string `json:"key"`              // "" disables signatures
	KernelName      string `json:"kernel_name,omitempty"`
}

// ReadConnectionFile reads and checks a connection file.
func ReadConnectionFile(path string) (ConnectionInfo, error) {
	var info ConnectionInfo
	b, err := os.ReadFile(path)
	if err != nil {
		return info, fmt.Errorf("cannot read connection file: %w", err)
	}
	if err := json.Unmarshal(b, &info); err != nil {
		return info, fmt.Errorf("cannot read connection file %s: %w", path, err)
	}
	if err := info.check(); err != nil {
		return info, fmt.Errorf("connection file %s: %w", path, err)
	}
	return info, nil
}

// WriteConnectionFile writes info to path, readable by its owner only: the key in it
// lets anyone who reads it run queries in the kernel.
func WriteConnectionFile(path string, info ConnectionInfo) error {
	b, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".connection-*.json")
	if err != nil {
		return fmt.Errorf("cannot write connection file: %w", err)
	}
	defer os.Remove(tmp.Name()) // after the rename, a no-op
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("cannot write connection file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("cannot write connection file: %w", err)
	}
	// CreateTemp makes the file 0600 already; the rename makes it appear whole.
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("cannot write connection file: %w", err)
	}
	return nil
}

// NewConnectionInfo returns a connection on 127.0.0.1 with free ports to be chosen by
// Serve and a random key: what a kernel started without a connection file uses, as
// ipykernel does.
func NewConnectionInfo() ConnectionInfo {
	var b [32]byte
	rand.Read(b[:]) // never fails (crypto/rand)
	return ConnectionInfo{
		Transport:       "tcp",
		IP:              "127.0.0.1",
		SignatureScheme: "hmac-sha256",
		Key:             hex.EncodeToString(b[:]),
		KernelName:      "trailbook",
	}
}

func (c *ConnectionInfo) check() error {
	switch c.Transport {
	case "tcp":
		if net.ParseIP(c.IP) == nil && c.IP != "*" && c.IP != "localhost" {
			return fmt.Errorf("ip %q is not an IP address", c.IP)
		}
	case "ipc":
		if c.IP == "" {
			return fmt.Errorf(`transport "ipc" needs "ip", the path prefix of the sockets`)
		}
	default:
		return fmt.Errorf("transport %q: trailbook speaks tcp and ipc", c.Transport)
	}
	for _, p := range []int{c.ShellPort, c.ControlPort, c.StdinPort, c.IOPubPort, c.HBPort} {
		if p < 0 || p > 65535 {
			return fmt.Errorf("port %d out of range", p)
		}
	}
	if c.Transport == "ipc" && (c.ShellPort == 0 || c.ControlPort == 0 || c.StdinPort == 0 || c.IOPubPort == 0 || c.HBPort == 0) {
		return fmt.Errorf(`transport "ipc" needs every port set: they name the sockets`)
	}
	_, err := newSigner(c.SignatureScheme, c.Key)
	return err
}

// Endpoint returns the ZeroMQ endpoint of one of the connection's ports:
// tcp://IP:PORT, or ipc://IP-PORT (jupyter_client's naming of ipc sockets).
func (c *ConnectionInfo) Endpoint(port int) string {
	if c.Transport == "ipc" {
		return "ipc://" + c.IP + "-" + strconv.Itoa(port)
	}
	ip := c.IP
	if ip == "*" {
		ip = "0.0.0.0"
	}
	return "tcp://" + net.JoinHostPort(ip, strconv.Itoa(port))
}
