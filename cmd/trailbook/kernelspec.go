package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"

	"github.com/trailbook/trailbook/kernel/zmq/kernelspec"
)

func init() {
	register(command{name: "kernelspec", summary: "install or remove the Jupyter kernelspec of 'trailbook kernel'", run: runKernelspec})
}

const kernelspecAbout = `
Installs the Jupyter kernelspec that starts 'trailbook kernel': JupyterLab, VS Code,
nbconvert --execute, nbclient and papermill then offer "trailbook (DQL)". The
kernelspec is a directory kernels/NAME holding kernel.json (this binary's absolute
path, language dql, interrupts as messages) and logos.

Where, as 'jupyter kernelspec install' puts it:
  (default)   /usr/local/share/jupyter/kernels, for every user (needs root)
  --user      $JUPYTER_DATA_DIR/kernels, else ~/.local/share/jupyter/kernels
  --prefix P  P/share/jupyter/kernels, e.g. a virtualenv's sys.prefix

Flags after -- go to 'trailbook kernel' each time Jupyter starts it, for example the
store to read. Uninstall removes the kernelspec from the location given, or with
no location flag from the user and system locations.

Examples:
  trailbook kernelspec install --user
  trailbook kernelspec install --user --name trailbook-prod --display-name "trailbook (prod)" -- --data /srv/trailbook-data
  trailbook kernelspec install --prefix "$VIRTUAL_ENV"
  trailbook kernelspec uninstall --user`

type kernelspecFlags struct {
	user        bool
	prefix      string
	name        string
	displayName string
}

func runKernelspec(args []string, stdout, stderr io.Writer) error {
	var f kernelspecFlags
	fs := newFlagSet("kernelspec", "kernelspec (install|uninstall) [--user | --prefix P] [--name N] [-- KERNEL_FLAGS…]", kernelspecAbout, stdout)
	fs.BoolVar(&f.user, "user", false, "install for the current user only")
	fs.StringVar(&f.prefix, "prefix", "", "install under `PREFIX`/share/jupyter/kernels")
	fs.StringVar(&f.name, "name", kernelspec.Name, "kernel `NAME`: the directory, and what --kernel= selects")
	fs.StringVar(&f.displayName, "display-name", "", "the name Jupyter shows (default \"trailbook (DQL)\")")
	if len(args) == 0 {
		return usagef("missing install or uninstall")
	}
	sub, rest := args[0], args[1:]
	if sub == "-h" || sub == "--help" || sub == "-help" {
		_, err := parseFlags(fs, args)
		return err
	}
	// Only arguments after -- are the kernel's; parseFlags hands back both.
	dash := slices.Index(rest, "--")
	pos, err := parseFlags(fs, rest)
	if err != nil {
		return err
	}
	var extra []string
	if dash >= 0 {
		extra = rest[dash+1:]
		pos = pos[:len(pos)-len(extra)]
	}
	if len(pos) > 0 {
		return usagef("unexpected argument %q (flags for the kernel go after --)", pos[0])
	}
	if f.user && f.prefix != "" {
		return usagef("--user and --prefix name two places: give one")
	}
	if err := kernelspec.CheckName(f.name); err != nil {
		return usagef("--name: %v", err)
	}
	switch sub {
	case "install":
		return f.install(extra, stdout)
	case "uninstall", "remove":
		if len(extra) > 0 {
			return usagef("uninstall takes no kernel flags")
		}
		return f.uninstall(stdout)
	}
	return usagef("unknown subcommand %q: use install or uninstall", sub)
}

func (f *kernelspecFlags) install(extra []string, stdout io.Writer) error {
	if err := checkKernelFlags(extra); err != nil {
		return err
	}
	bin, err := os.Executable()
	if err != nil {
		return fmt.Errorf("cannot find this binary's path for kernel.json: %w", err)
	}
	if bin, err = filepath.Abs(bin); err != nil {
		return err
	}
	spec := kernelspec.New(bin, extra...)
	if f.displayName != "" {
		spec.DisplayName = f.displayName
	}
	dirs, err := f.dirs()
	if err != nil {
		return err
	}
	path, err := kernelspec.Install(dirs[0], f.name, spec)
	if err != nil {
		if errors.Is(err, os.ErrPermission) && !f.user && f.prefix == "" {
			return fmt.Errorf("%w (install for yourself with --user)", err)
		}
		return err
	}
	fmt.Fprintf(stdout, "installed kernelspec %s in %s\n", f.name, path)
	return nil
}

func (f *kernelspecFlags) uninstall(stdout io.Writer) error {
	dirs, err := f.dirs()
	if err != nil {
		return err
	}
	removed := 0
	for _, d := range dirs {
		path, err := kernelspec.Uninstall(d, f.name)
		switch {
		case errors.Is(err, kernelspec.ErrNotInstalled):
			continue
		case err != nil:
			return err
		}
		fmt.Fprintf(stdout, "removed kernelspec %s from %s\n", f.name, path)
		removed++
	}
	if removed == 0 {
		return fmt.Errorf("no kernelspec %s in %s", f.name, joinOr(dirs))
	}
	return nil
}

// dirs returns the kernels directories the flags name: the first is where install
// writes; uninstall looks in all of them.
func (f *kernelspecFlags) dirs() ([]string, error) {
	switch {
	case f.prefix != "":
		abs, err := filepath.Abs(f.prefix)
		if err != nil {
			return nil, err
		}
		return []string{kernelspec.PrefixDir(abs)}, nil
	case f.user:
		d, err := kernelspec.UserDir()
		if err != nil {
			return nil, err
		}
		return []string{d}, nil
	}
	dirs := []string{kernelspec.SystemDir()}
	if d, err := kernelspec.UserDir(); err == nil {
		dirs = append(dirs, d)
	}
	return dirs, nil
}

// checkKernelFlags parses the flags to bake into kernel.json as 'trailbook kernel'
// will, so that a typo fails now rather than at every kernel start.
func checkKernelFlags(extra []string) error {
	var kf kernelFlags
	fs := kernelFlagSet(&kf, io.Discard)
	pos, err := parseFlags(fs, extra)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return usagef("kernel flags after --: --help is not a kernel flag to install")
		}
		return usagef("kernel flags after --: %v (see 'trailbook kernel --help')", err)
	}
	if len(pos) > 0 {
		return usagef("kernel flags after --: unexpected argument %q", pos[0])
	}
	if kf.file != "" {
		return usagef("kernel flags after --: Jupyter gives -f itself")
	}
	return nil
}

func joinOr(dirs []string) string {
	s := dirs[0]
	for _, d := range dirs[1:] {
		s += " or " + d
	}
	return s
}
