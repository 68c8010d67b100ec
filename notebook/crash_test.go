package notebook

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// saveLoopEnv makes the test binary a child that saves notebooks in a loop until
// it is killed (see TestAtomicSaveUnderSIGKILL).
const saveLoopEnv = "TRAILBOOK_TEST_SAVE_LOOP"

// versions are the two notebooks the child alternates between: one small, one
// large enough that a write takes several system calls.
func versions() [2]*Notebook {
	small, large := New(), New()
	small.Cells = []*Cell{{ID: "only", CellType: Code, Source: "data record(a = 1)"}}
	for i := range 3000 {
		large.Cells = append(large.Cells, &Cell{ID: fmt.Sprintf("c%d", i), CellType: Markdown, Source: Source(fmt.Sprintf("# cell %d\nsome text to make the file large", i))})
	}
	return [2]*Notebook{small, large}
}

func TestMain(m *testing.M) {
	if file := os.Getenv(saveLoopEnv); file != "" {
		vs := versions()
		for i := 0; ; i++ {
			if err := Save(file, vs[i%2]); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(3)
			}
			if i == 0 {
				fmt.Println("saved") // the parent waits for this before it starts killing
			}
		}
	}
	os.Exit(m.Run())
}

// TestAtomicSaveUnderSIGKILL kills a process that saves a notebook in a loop at
// random moments, and checks each time that the notebook and its .bak are
// complete, valid notebooks: one of the two versions, never a torn write.
func TestAtomicSaveUnderSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	file := filepath.Join(t.TempDir(), "loop.ipynb")
	const rounds = 15
	for round := range rounds {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), saveLoopEnv+"="+file)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 6)
		if _, err := out.Read(buf); err != nil {
			t.Fatalf("round %d: the child did not save: %v", round, err)
		}
		time.Sleep(time.Duration(rand.IntN(30)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		for _, f := range []string{file, file + BackupSuffix} {
			nb, err := Load(f)
			if round == 0 && f != file && errors.Is(err, fs.ErrNotExist) {
				continue // killed before the second save: no previous version yet
			}
			if err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
			if n := len(nb.Cells); n != 1 && n != 3000 {
				t.Fatalf("round %d: %s has %d cells, a version never saved", round, f, n)
			}
		}
	}
}
