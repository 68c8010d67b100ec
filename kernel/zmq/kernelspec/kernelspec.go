// Package kernelspec installs trailbook's Jupyter kernelspec: the kernel.json that
// tells Jupyter how to start `trailbook kernel` (package kernel/zmq), with its logos,
// in the directories where Jupyter looks for kernels. It imports only the standard
// library.
package kernelspec

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

// Name is the default kernel name, the directory under kernels/.
const Name = "trailbook"

// Spec is the content of kernel.json; see
// https://jupyter-client.readthedocs.io/en/stable/kernels.html#kernel-specs.
type Spec struct {
	Argv          []string          `json:"argv"`
	DisplayName   string            `json:"display_name"`
	Language      string            `json:"language"`
	InterruptMode string            `json:"interrupt_mode"`
	Env           map[string]string `json:"env,omitempty"`
	Metadata      map[string]any    `json:"metadata,omitempty"`
}

// New returns trailbook's kernelspec for the binary at bin (an absolute path: Jupyter
// starts kernels from any directory), with extra flags for `trailbook kernel`.
// Interrupts come as messages on the control channel, which the kernel handles
// without signals, the same on every platform.
func New(bin string, extra ...string) Spec {
	argv := append([]string{bin, "kernel", "-f", "{connection_file}"}, extra...)
	return Spec{
		Argv:          argv,
		DisplayName:   "trailbook (DQL)",
		Language:      "dql",
		InterruptMode: "message",
		Metadata:      map[string]any{"debugger": false},
	}
}

// UserDir returns the kernels directory of the current user, as jupyter_core finds
// it: $JUPYTER_DATA_DIR/kernels, else the platform's Jupyter data directory
// (~/.local/share/jupyter or $XDG_DATA_HOME/jupyter, ~/Library/Jupyter on macOS,
// %APPDATA%\jupyter on Windows).
func UserDir() (string, error) {
	if d := os.Getenv("JUPYTER_DATA_DIR"); d != "" {
		return filepath.Join(d, "kernels"), nil
	}
	home, err := os.UserHomeDir()
	switch runtime.GOOS {
	case "windows":
		if d := os.Getenv("APPDATA"); d != "" {
			return filepath.Join(d, "jupyter", "kernels"), nil
		}
	case "darwin":
		if err == nil {
			return filepath.Join(home, "Library", "Jupyter", "kernels"), nil
		}
	default:
		if d := os.Getenv("XDG_DATA_HOME"); d != "" {
			return filepath.Join(d, "jupyter", "kernels"), nil
		}
		if err == nil {
			return filepath.Join(home, ".local", "share", "jupyter", "kernels"), nil
		}
	}
	return "", fmt.Errorf("cannot find your Jupyter data directory: set JUPYTER_DATA_DIR (%v)", err)
}

// SystemDir returns the system-wide kernels directory where `jupyter kernelspec
// install` puts kernels by default: /usr/local/share/jupyter/kernels, or
// %PROGRAMDATA%\jupyter\kernels on Windows.
func SystemDir() string {
	if runtime.GOOS == "windows" {
		if d := os.Getenv("PROGRAMDATA"); d != "" {
			return filepath.Join(d, "jupyter", "kernels")
		}
	}
	return filepath.Join(string(filepath.Separator), "usr", "local", "share", "jupyter", "kernels")
}

// PrefixDir returns the kernels directory of an installation prefix, as with
// `jupyter kernelspec install --prefix`: a virtualenv or conda environment's
// sys.prefix makes the kernel visible to that environment's Jupyter.
func PrefixDir(prefix string) string {
	return filepath.Join(prefix, "share", "jupyter", "kernels")
}

// CheckName reports whether name is a valid kernel name: ASCII letters, digits, '.',
// '_' and '-', the names jupyter_client accepts.
func CheckName(name string) error {
	if name == "" {
		return errors.New("empty kernel name")
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return fmt.Errorf("kernel name %q: use ASCII letters, digits, '.', '_' and '-'", name)
		}
	}
	if name == "." || name == ".." {
		return fmt.Errorf("kernel name %q names a directory", name)
	}
	return nil
}

// Install writes spec to dir/name/kernel.json beside logo-32x32.png and
// logo-64x64.png, replacing an earlier install, and returns dir/name. The new
// directory is filled beside the old one and renamed into place, so Jupyter never
// sees half of it.
func Install(dir, name string, spec Spec) (string, error) {
	if err := CheckName(name); err != nil {
		return "", err
	}
	b, err := json.MarshalIndent(spec, "", "  ")
	if err != nil {
		return "", err
	}
	target := filepath.Join(dir, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("cannot install the kernelspec: %w", err)
	}
	tmp, err := os.MkdirTemp(dir, "."+name+"-")
	if err != nil {
		return "", fmt.Errorf("cannot install the kernelspec: %w", err)
	}
	defer os.RemoveAll(tmp) // after the rename, a no-op
	if err := os.Chmod(tmp, 0o755); err != nil {
		return "", fmt.Errorf("cannot install the kernelspec: %w", err)
	}
	files := map[string][]byte{
		"kernel.json":    append(b, '\n'),
		"logo-32x32.png": Logo(32),
		"logo-64x64.png": Logo(64),
		"logo-svg.svg":   []byte(logoSVG),
	}
	for f, data := range files {
		if err := os.WriteFile(filepath.Join(tmp, f), data, 0o644); err != nil {
			return "", fmt.Errorf("cannot install the kernelspec: %w", err)
		}
	}
	if err := os.RemoveAll(target); err != nil {
		return "", fmt.Errorf("cannot replace the kernelspec in %s: %w", target, err)
	}
	if err := os.Rename(tmp, target); err != nil {
		return "", fmt.Errorf("cannot install the kernelspec: %w", err)
	}
	return target, nil
}

// ErrNotInstalled says there is no kernelspec of that name in the directory.
var ErrNotInstalled = errors.New("kernelspec not installed")

// Uninstall removes dir/name and returns its path. It refuses a kernelspec that is
// not trailbook's (another language), so that a mistyped --name cannot remove
// another kernel; a missing one is ErrNotInstalled.
func Uninstall(dir, name string) (string, error) {
	if err := CheckName(name); err != nil {
		return "", err
	}
	target := filepath.Join(dir, name)
	b, err := os.ReadFile(filepath.Join(target, "kernel.json"))
	if errors.Is(err, fs.ErrNotExist) {
		if _, statErr := os.Stat(target); errors.Is(statErr, fs.ErrNotExist) {
			return target, fmt.Errorf("%w in %s", ErrNotInstalled, dir)
		}
	}
	if err != nil {
		return target, fmt.Errorf("%s is not a kernelspec trailbook installed: %w", target, err)
	}
	var spec Spec
	if err := json.Unmarshal(b, &spec); err != nil || spec.Language != "dql" {
		return target, fmt.Errorf("%s is not a trailbook kernelspec (its kernel.json says language %q); not removed", target, spec.Language)
	}
	if err := os.RemoveAll(target); err != nil {
		return target, fmt.Errorf("cannot remove %s: %w", target, err)
	}
	return target, nil
}
