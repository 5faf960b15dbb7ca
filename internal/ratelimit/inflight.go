package ratelimit

import (
	"errors"
	"sync"
)

// Refusals of InFlight.Enter.
var (
	// ErrKeyBusy: the key already has work in flight.
	ErrKeyBusy = errors.New("ratelimit: work already in flight for this key")
	// ErrFull: the process runs as much of this work as it allows.
	ErrFull = errors.New("ratelimit: no room for more work of this kind")
)

// InFlight admits work one at a time per key (a merchant, say), and at
// most a total number of keys at once. It refuses rather than waits, so a
// request never holds its upload while it queues. It counts this process
// only.
type InFlight struct {
	total int // 0: no total

	mu      sync.Mutex
	running map[string]bool
}

// NewInFlight returns an InFlight admitting at most total keys at once;
// 0 bounds only each key.
func NewInFlight(total int) *InFlight {
	return &InFlight{total: total, running: map[string]bool{}}
}

// Enter admits work for key, or refuses it with ErrKeyBusy or ErrFull.
// leave must be called when the work ends.
func (g *InFlight) Enter(key string) (leave func(), err error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.running[key] {
		return nil, ErrKeyBusy
	}
	if g.total > 0 && len(g.running) >= g.total {
		return nil, ErrFull
	}
	g.running[key] = true
	return func() {
		g.mu.Lock()
		delete(g.running, key)
		g.mu.Unlock()
	}, nil
}
