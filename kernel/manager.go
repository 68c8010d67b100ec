package kernel

import (
	"errors"
	"sort"
	"sync"
)

// ErrTooManyKernels is returned by Manager.Start when the server runs its maximum
// number of kernels.
var ErrTooManyKernels = errors.New("too many kernels")

// DefaultMaxKernels bounds the kernels of one server: far more than the notebooks
// one investigator has open, few enough that a misbehaving client cannot exhaust
// the machine.
const DefaultMaxKernels = 200

// Manager holds the kernels of a server. Its methods may be called from any
// goroutine. Make it with NewManager.
type Manager struct {
	opt Options
	max int

	mu      sync.Mutex
	kernels map[string]*Session
}

// NewManager returns a manager whose kernels run with opt, at most max at a time
// (0 means DefaultMaxKernels).
func NewManager(opt Options, max int) *Manager {
	if max <= 0 {
		max = DefaultMaxKernels
	}
	return &Manager{opt: opt, max: max, kernels: map[string]*Session{}}
}

// Start starts a kernel.
func (m *Manager) Start() (*Session, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.kernels) >= m.max {
		return nil, ErrTooManyKernels
	}
	s := New("", m.opt)
	// A kernel shut down by a shutdown_request leaves the manager too.
	s.onStop = func() { m.remove(s.ID()) }
	m.kernels[s.ID()] = s
	return s, nil
}

func (m *Manager) remove(id string) {
	m.mu.Lock()
	delete(m.kernels, id)
	m.mu.Unlock()
}

// Get returns a running kernel by id.
func (m *Manager) Get(id string) (*Session, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.kernels[id]
	return s, ok
}

// List returns the running kernels, oldest first.
func (m *Manager) List() []*Session {
	m.mu.Lock()
	out := make([]*Session, 0, len(m.kernels))
	for _, s := range m.kernels {
		out = append(out, s)
	}
	m.mu.Unlock()
	sort.Slice(out, func(i, j int) bool {
		if !out[i].started.Equal(out[j].started) {
			return out[i].started.Before(out[j].started)
		}
		return out[i].id < out[j].id
	})
	return out
}

// Shutdown shuts a kernel down and forgets it. It reports whether the kernel existed.
func (m *Manager) Shutdown(id string) bool {
	s, ok := m.Get(id)
	if !ok {
		return false
	}
	s.Shutdown()
	m.remove(id)
	return true
}

// Close shuts every kernel down.
func (m *Manager) Close() {
	var wg sync.WaitGroup
	for _, s := range m.List() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			m.Shutdown(s.ID())
		}()
	}
	wg.Wait()
}

// Result finds a kept result by id in any kernel.
func (m *Manager) Result(id string) (*Result, bool) {
	for _, s := range m.List() {
		if r, ok := s.Result(id); ok {
			return r, true
		}
	}
	return nil, false
}
