package notebook

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"mime"
	"os"
	"path"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// Errors of Dir, for the server to map to HTTP statuses; test with errors.Is.
var (
	ErrNotFound = errors.New("no such file or directory")
	ErrExists   = errors.New("file already exists")
	ErrRefused  = errors.New("path refused") // outside the directory, hidden, or malformed
	ErrNotEmpty = errors.New("directory not empty")
)

// Dir is a notebook directory: the files the Jupyter contents API serves. Every
// operation stays inside the directory: paths with "..", absolute paths and hidden
// names (".git", temporary files) are refused, and symbolic links that lead out of
// the directory do not resolve (os.Root enforces it, race-free). Its methods may be
// called from any goroutine.
type Dir struct {
	root *os.Root
	path string
}

// OpenDir opens (and creates, if missing) a notebook directory.
func OpenDir(dir string) (*Dir, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("cannot open notebook directory %q: %w", dir, err)
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("cannot open notebook directory %q: %w", dir, err)
	}
	return &Dir{root: root, path: dir}, nil
}

// Path returns the directory as given to OpenDir.
func (d *Dir) Path() string { return d.path }

// Close releases the directory.
func (d *Dir) Close() error { return d.root.Close() }

// Content types of Model.Type.
const (
	TypeNotebook  = "notebook"
	TypeFile      = "file"
	TypeDirectory = "directory"
)

// Model is a Jupyter contents model (jupyter_server's contents API): a notebook,
// a file or a directory, with its content when asked for.
type Model struct {
	Name         string  `json:"name"`
	Path         string  `json:"path"`
	Type         string  `json:"type"`
	Writable     bool    `json:"writable"`
	Created      string  `json:"created"`
	LastModified string  `json:"last_modified"`
	Mimetype     *string `json:"mimetype"`
	// Content is a *Notebook, the text or base64 of a file, a []*Model listing a
	// directory, or nil when not requested.
	Content any     `json:"content"`
	Format  *string `json:"format"`
	Size    *int64  `json:"size,omitempty"`
}

// Checkpoint is a saved earlier version of a file: trailbook keeps one, the .bak.
type Checkpoint struct {
	ID           string `json:"id"`
	LastModified string `json:"last_modified"`
}

// checkpointID is the id of a file's one checkpoint.
const checkpointID = "bak"

// Clean checks an API path and returns it in canonical form ("" is the root).
// It refuses "..", absolute and drive paths, backslashes, NUL and hidden names.
func Clean(p string) (string, error) {
	p = strings.TrimSuffix(p, "/")
	if p == "" {
		return "", nil
	}
	if strings.HasPrefix(p, "/") || strings.ContainsAny(p, "\\\x00") || len(p) > 1 && p[1] == ':' {
		return "", fmt.Errorf("%w: %q", ErrRefused, p)
	}
	for _, el := range strings.Split(p, "/") {
		if el == "" || el == "." || el == ".." || strings.HasPrefix(el, ".") {
			return "", fmt.Errorf("%w: %q", ErrRefused, p)
		}
	}
	return p, nil
}

// fsPath is the name of an API path inside the root.
func fsPath(p string) string {
	if p == "" {
		return "."
	}
	return p
}

// classify turns fs errors into the package's errors.
func classify(p string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("%w: %q", ErrNotFound, p)
	case errors.Is(err, fs.ErrExist):
		return fmt.Errorf("%w: %q", ErrExists, p)
	case strings.Contains(err.Error(), "path escapes from parent"):
		return fmt.Errorf("%w: %q leads outside the notebook directory", ErrRefused, p)
	}
	return fmt.Errorf("%q: %w", p, err)
}

func isoTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000Z") }

func strPtr(s string) *string { return &s }

// model describes a file without content.
func (d *Dir) model(p string, fi fs.FileInfo) *Model {
	m := &Model{
		Name:         path.Base("/" + p),
		Path:         p,
		Writable:     fi.Mode().Perm()&0o200 != 0,
		Created:      isoTime(fi.ModTime()),
		LastModified: isoTime(fi.ModTime()),
	}
	if p == "" {
		m.Name = ""
	}
	switch {
	case fi.IsDir():
		m.Type = TypeDirectory
	case strings.HasSuffix(p, ".ipynb"):
		m.Type = TypeNotebook
	default:
		m.Type = TypeFile
		size := fi.Size()
		m.Size = &size
	}
	return m
}

// Get returns the model of p, with its content when content is true. For files,
// format "text" or "base64" may be asked for ("" picks text when the file is UTF-8).
func (d *Dir) Get(p string, content bool, format string) (*Model, error) {
	p, err := Clean(p)
	if err != nil {
		return nil, err
	}
	fi, err := d.root.Stat(fsPath(p))
	if err != nil {
		return nil, classify(p, err)
	}
	m := d.model(p, fi)
	if !content {
		return m, nil
	}
	switch m.Type {
	case TypeDirectory:
		entries, err := d.list(p)
		if err != nil {
			return nil, err
		}
		m.Content, m.Format = entries, strPtr("json")
	case TypeNotebook:
		data, err := d.root.ReadFile(p)
		if err != nil {
			return nil, classify(p, err)
		}
		nb, err := Parse(data)
		if err != nil {
			return nil, fmt.Errorf("%q: %w", p, err)
		}
		m.Content, m.Format = nb, strPtr("json")
	default:
		data, err := d.root.ReadFile(p)
		if err != nil {
			return nil, classify(p, err)
		}
		if format == "text" && !utf8.Valid(data) {
			return nil, fmt.Errorf("%w: %q is not UTF-8 text", ErrInvalid, p)
		}
		if format == "text" || format == "" && utf8.Valid(data) {
			m.Content, m.Format = string(data), strPtr("text")
			mt := mime.TypeByExtension(path.Ext(p))
			if mt == "" {
				mt = "text/plain"
			}
			m.Mimetype = &mt
		} else {
			m.Content, m.Format = base64.StdEncoding.EncodeToString(data), strPtr("base64")
			m.Mimetype = strPtr("application/octet-stream")
		}
	}
	return m, nil
}

// list returns the visible entries of a directory, sorted by name. Hidden names and
// links that lead outside the directory are left out.
func (d *Dir) list(p string) ([]*Model, error) {
	f, err := d.root.Open(fsPath(p))
	if err != nil {
		return nil, classify(p, err)
	}
	defer f.Close()
	names, err := f.Readdirnames(-1)
	if err != nil {
		return nil, classify(p, err)
	}
	sort.Strings(names)
	out := []*Model{}
	for _, n := range names {
		if strings.HasPrefix(n, ".") {
			continue
		}
		child := path.Join(p, n)
		fi, err := d.root.Stat(child)
		if err != nil {
			continue // a dangling link, or one that leads out
		}
		out = append(out, d.model(child, fi))
	}
	return out, nil
}

// SaveModel is the body of a contents save (PUT): the type and, for notebooks, the
// notebook; for files, the text or base64 content.
type SaveModel struct {
	Type    string          `json:"type"`
	Format  string          `json:"format"`
	Content json.RawMessage `json:"content"`
}

// Save writes p from a model and returns its new model (without content) and
// whether it was created. Notebooks and files are written atomically, keeping the
// previous version as p.bak.
func (d *Dir) Save(p string, sm SaveModel) (*Model, bool, error) {
	p, err := Clean(p)
	if err != nil {
		return nil, false, err
	}
	if p == "" {
		return nil, false, fmt.Errorf("%w: cannot save the notebook directory itself", ErrRefused)
	}
	fi, statErr := d.root.Lstat(p)
	created := errors.Is(statErr, fs.ErrNotExist)
	if statErr == nil && fi.Mode()&fs.ModeSymlink != 0 {
		// An atomic save replaces the file: over a link, it would replace the link,
		// not the file it names. Refused rather than surprising.
		return nil, false, fmt.Errorf("%w: %q is a symbolic link", ErrRefused, p)
	}
	switch sm.Type {
	case TypeDirectory:
		if err := d.root.Mkdir(p, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
			return nil, false, classify(p, err)
		}
	case TypeNotebook:
		nb, err := Parse(sm.Content)
		if err != nil {
			return nil, false, err
		}
		data, err := Encode(nb)
		if err != nil {
			return nil, false, err
		}
		if err := writeAtomic(d.root, p, data, true); err != nil {
			return nil, false, classify(p, err)
		}
	case TypeFile:
		var s string
		if err := json.Unmarshal(sm.Content, &s); err != nil {
			return nil, false, fmt.Errorf("%w: file content is not a string", ErrInvalid)
		}
		data := []byte(s)
		switch sm.Format {
		case "base64":
			if data, err = base64.StdEncoding.DecodeString(s); err != nil {
				return nil, false, fmt.Errorf("%w: bad base64 content", ErrInvalid)
			}
		case "text", "":
		default:
			return nil, false, fmt.Errorf("%w: unknown format %q", ErrInvalid, sm.Format)
		}
		if err := writeAtomic(d.root, p, data, true); err != nil {
			return nil, false, classify(p, err)
		}
	default:
		return nil, false, fmt.Errorf("%w: unknown content type %q", ErrInvalid, sm.Type)
	}
	m, err := d.Get(p, false, "")
	return m, created, err
}

// NewUntitled creates an empty notebook, file or directory in dir under the first
// free name ("Untitled.ipynb", "Untitled1.ipynb", …) and returns its model.
func (d *Dir) NewUntitled(dir, typ, ext string) (*Model, error) {
	dir, err := Clean(dir)
	if err != nil {
		return nil, err
	}
	if fi, err := d.root.Stat(fsPath(dir)); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("%w: directory %q", ErrNotFound, dir)
	}
	var base string
	switch typ {
	case TypeNotebook, "":
		typ, base, ext = TypeNotebook, "Untitled", ".ipynb"
	case TypeDirectory:
		base, ext = "Untitled Folder", ""
	case TypeFile:
		base = "untitled"
		if ext == "" {
			ext = ".txt"
		}
	default:
		return nil, fmt.Errorf("%w: unknown content type %q", ErrInvalid, typ)
	}
	name := d.freeName(dir, base, ext, 0)
	var sm SaveModel
	switch typ {
	case TypeNotebook:
		c, _ := json.Marshal(New())
		sm = SaveModel{Type: TypeNotebook, Content: c}
	case TypeDirectory:
		sm = SaveModel{Type: TypeDirectory}
	default:
		sm = SaveModel{Type: TypeFile, Format: "text", Content: json.RawMessage(`""`)}
	}
	m, _, err := d.Save(name, sm)
	return m, err
}

// freeName returns dir/base+N+ext for the first N from "from" that is free; N = 0
// is written as nothing (Untitled.ipynb, Untitled1.ipynb, …).
func (d *Dir) freeName(dir, base, ext string, from int) string {
	for i := from; ; i++ {
		n := base + ext
		if i > 0 {
			n = fmt.Sprintf("%s%d%s", base, i, ext)
		}
		p := path.Join(dir, n)
		if _, err := d.root.Lstat(p); errors.Is(err, fs.ErrNotExist) {
			return p
		}
	}
}

// Copy copies a file into dir as "name-Copy1.ext" (the first free number).
func (d *Dir) Copy(from, dir string) (*Model, error) {
	from, err := Clean(from)
	if err != nil {
		return nil, err
	}
	if dir, err = Clean(dir); err != nil {
		return nil, err
	}
	fi, err := d.root.Stat(fsPath(from))
	if err != nil {
		return nil, classify(from, err)
	}
	if fi.IsDir() {
		return nil, fmt.Errorf("%w: cannot copy a directory", ErrInvalid)
	}
	name := path.Base(from)
	ext := path.Ext(name)
	to := d.freeName(dir, strings.TrimSuffix(name, ext)+"-Copy", ext, 1)
	if err := copyFile(d.root, from, to); err != nil {
		return nil, classify(to, err)
	}
	return d.Get(to, false, "")
}

// Rename moves a file or directory. The target must not exist.
func (d *Dir) Rename(from, to string) (*Model, error) {
	from, err := Clean(from)
	if err != nil {
		return nil, err
	}
	if to, err = Clean(to); err != nil {
		return nil, err
	}
	if from == "" || to == "" {
		return nil, fmt.Errorf("%w: cannot rename the notebook directory", ErrRefused)
	}
	if _, err := d.root.Lstat(from); err != nil {
		return nil, classify(from, err)
	}
	if _, err := d.root.Lstat(to); err == nil {
		return nil, fmt.Errorf("%w: %q", ErrExists, to)
	}
	if err := d.root.Rename(from, to); err != nil {
		return nil, classify(to, err)
	}
	syncDir(d.root, path.Dir(to)) // best effort: the rename is done either way
	return d.Get(to, false, "")
}

// Delete removes a file (and its .bak) or an empty directory.
func (d *Dir) Delete(p string) error {
	p, err := Clean(p)
	if err != nil {
		return err
	}
	if p == "" {
		return fmt.Errorf("%w: cannot delete the notebook directory", ErrRefused)
	}
	fi, err := d.root.Lstat(p)
	if err != nil {
		return classify(p, err)
	}
	if err := d.root.Remove(p); err != nil {
		if fi.IsDir() {
			return fmt.Errorf("%w: %q", ErrNotEmpty, p)
		}
		return classify(p, err)
	}
	if !fi.IsDir() {
		d.root.Remove(p + BackupSuffix) // the backup goes with its file, if there is one
	}
	return nil
}

// Checkpoints lists the checkpoints of p: its .bak, if any.
func (d *Dir) Checkpoints(p string) ([]Checkpoint, error) {
	p, err := Clean(p)
	if err != nil {
		return nil, err
	}
	if _, err := d.root.Stat(fsPath(p)); err != nil {
		return nil, classify(p, err)
	}
	fi, err := d.root.Stat(p + BackupSuffix)
	if err != nil {
		return []Checkpoint{}, nil
	}
	return []Checkpoint{{ID: checkpointID, LastModified: isoTime(fi.ModTime())}}, nil
}

// CreateCheckpoint makes the current version of p its checkpoint (the .bak).
func (d *Dir) CreateCheckpoint(p string) (Checkpoint, error) {
	p, err := Clean(p)
	if err != nil {
		return Checkpoint{}, err
	}
	if p == "" {
		return Checkpoint{}, fmt.Errorf("%w: no checkpoints of a directory", ErrRefused)
	}
	if err := copyFile(d.root, p, p+BackupSuffix); err != nil {
		return Checkpoint{}, classify(p, err)
	}
	cps, err := d.Checkpoints(p)
	if err != nil || len(cps) == 0 {
		return Checkpoint{}, fmt.Errorf("%w: checkpoint of %q", ErrNotFound, p)
	}
	return cps[0], nil
}

// RestoreCheckpoint puts the checkpoint back as p, atomically.
func (d *Dir) RestoreCheckpoint(p, id string) error {
	p, err := Clean(p)
	if err != nil {
		return err
	}
	if id != checkpointID {
		return fmt.Errorf("%w: checkpoint %q", ErrNotFound, id)
	}
	if err := copyFile(d.root, p+BackupSuffix, p); err != nil {
		return classify(p, err)
	}
	return nil
}

// DeleteCheckpoint removes the checkpoint of p.
func (d *Dir) DeleteCheckpoint(p, id string) error {
	p, err := Clean(p)
	if err != nil {
		return err
	}
	if id != checkpointID {
		return fmt.Errorf("%w: checkpoint %q", ErrNotFound, id)
	}
	return classify(p, d.root.Remove(p+BackupSuffix))
}
