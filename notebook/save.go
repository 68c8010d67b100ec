package notebook

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
)

// BackupSuffix is appended to a file's name for the copy of its previous version
// that every save keeps ("triage.ipynb.bak").
const BackupSuffix = ".bak"

// writeAtomic replaces name (a slash-separated path inside root) with data so that
// at every moment name holds either its old or its new content, complete, even if
// the process is killed or the machine loses power:
//
//  1. write a temporary file beside it and fsync it;
//  2. with backup, make name.bak the previous version (a hard link, else a copy);
//  3. rename the temporary file over name, and fsync the directory so that the
//     rename itself is durable.
func writeAtomic(root *os.Root, name string, data []byte, backup bool) (err error) {
	dir, base := path.Split(name)
	mode := fs.FileMode(0o644)
	if fi, err := root.Stat(name); err == nil {
		mode = fi.Mode().Perm()
	}
	tmp := dir + "." + base + ".tmp-" + NewCellID()
	f, err := root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			root.Remove(tmp)
		}
	}()
	if _, err = f.Write(data); err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if backup {
		if err = keepBackup(root, name); err != nil {
			return err
		}
	}
	if err = root.Rename(tmp, name); err != nil {
		return err
	}
	return syncDir(root, dir)
}

// keepBackup makes name.bak the current version of name, if name exists. The
// .bak is replaced by a rename too, so that it is never missing or torn either.
func keepBackup(root *os.Root, name string) error {
	if _, err := root.Lstat(name); errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	dir, base := path.Split(name)
	tmp := dir + "." + base + BackupSuffix + ".tmp-" + NewCellID()
	// A hard link costs nothing; the rename of the new version that follows gives
	// name a new inode and leaves the old one to the backup.
	if err := root.Link(name, tmp); err == nil {
		if err := root.Rename(tmp, name+BackupSuffix); err != nil {
			root.Remove(tmp)
			return err
		}
		return nil
	}
	old, err := root.ReadFile(name)
	if err != nil {
		return err
	}
	return writeAtomic(root, name+BackupSuffix, old, false)
}

// syncDir fsyncs a directory (slash-separated, inside root; "" is the root).
func syncDir(root *os.Root, dir string) error {
	if dir == "" {
		dir = "."
	}
	d, err := root.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, errors.ErrUnsupported) {
		return err
	}
	return nil
}

// Load reads a notebook file.
func Load(file string) (*Notebook, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("cannot open notebook %q: %w", file, err)
	}
	nb, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("cannot read notebook %q: %w", file, err)
	}
	return nb, nil
}

// Save writes a notebook file atomically, keeping the previous version as
// file.bak.
func Save(file string, nb *Notebook) error {
	data, err := Encode(nb)
	if err != nil {
		return fmt.Errorf("cannot save notebook %q: %w", file, err)
	}
	root, err := os.OpenRoot(filepath.Dir(file))
	if err != nil {
		return fmt.Errorf("cannot save notebook %q: %w", file, err)
	}
	defer root.Close()
	if err := writeAtomic(root, filepath.Base(file), data, true); err != nil {
		return fmt.Errorf("cannot save notebook %q: %w", file, err)
	}
	return nil
}

// copyFile copies src to dst inside root, atomically.
func copyFile(root *os.Root, src, dst string) error {
	f, err := root.Open(src)
	if err != nil {
		return err
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return err
	}
	return writeAtomic(root, dst, data, false)
}
