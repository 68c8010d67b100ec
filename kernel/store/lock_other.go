//go:build !unix

package store

import (
	"errors"
	"fmt"
	"os"
	"time"
)

// lockFile takes the writer lock by creating path exclusively, waiting while another
// writer holds it. Unlike flock on Unix, a crashed writer leaves the file behind; it
// is considered stale after staleLock.
func lockFile(path string) (*os.File, error) {
	const staleLock = 10 * time.Minute
	for {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_RDWR, 0o644)
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, os.ErrExist) {
			return nil, fmt.Errorf("cannot create lock file %q: %w", path, err)
		}
		if st, serr := os.Stat(path); serr == nil && time.Since(st.ModTime()) > staleLock {
			os.Remove(path)
			continue
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func unlockFile(f *os.File) {
	name := f.Name()
	f.Close()
	os.Remove(name)
}

// syncDir is a no-op where directories cannot be opened for syncing (Windows):
// NTFS journals its metadata.
func syncDir(dir string) error { return nil }
