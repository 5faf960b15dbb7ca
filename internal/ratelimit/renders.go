package ratelimit

import (
	"context"
	"runtime"
	"sync"
)

// RenderOptions bound how many invoice documents the API renders for one
// credential (a session or an API key).
type RenderOptions struct {
	// Rule is how many renders a credential may ask for: a burst, refilled
	// at a steady rate. Past it a render answers RATE_LIMITED with
	// retryAfter.
	Rule Rule
	// PerCredential is how many of one credential's renders run at once;
	// the others wait their turn, so one merchant's page of previews
	// cannot take every core.
	PerCredential int
	// Total is how many renders run at once in this process.
	Total int
}

// DefaultRenderOptions admit rule's renders and keep at least half the
// cores free of any one credential's renders.
func DefaultRenderOptions(rule Rule) RenderOptions {
	procs := runtime.GOMAXPROCS(0)
	return RenderOptions{Rule: rule, PerCredential: max(1, procs/2), Total: procs}
}

// Renders admits document renders (the API's previewHTML, the PDF route),
// keyed by who asks. A nil *Renders admits everything.
type Renders struct {
	limiter *Limiter
	per     int
	total   chan struct{}

	mu      sync.Mutex
	running map[string]*renderSlots
}

type renderSlots struct {
	slots   chan struct{}
	waiting int // holders and waiters; the entry goes when none are left
}

// NewRenders returns a Renders enforcing o.
func NewRenders(o RenderOptions) *Renders {
	return &Renders{
		limiter: New(o.Rule),
		per:     max(1, o.PerCredential),
		total:   make(chan struct{}, max(1, o.Total)),
		running: map[string]*renderSlots{},
	}
}

// Begin waits for a turn to render for key (a credential, or a payment
// link for an anonymous customer) and returns the function that ends it.
// It answers an *Error (RATE_LIMITED) when key has rendered too much
// lately, and ctx's error if the client goes away while waiting.
func (r *Renders) Begin(ctx context.Context, key string) (end func(), err error) {
	if r == nil {
		return func() {}, nil
	}
	if ok, wait := r.limiter.Allow(key); !ok {
		return nil, r.limiter.Err(wait)
	}
	r.mu.Lock()
	s := r.running[key]
	if s == nil {
		s = &renderSlots{slots: make(chan struct{}, r.per)}
		r.running[key] = s
	}
	s.waiting++
	r.mu.Unlock()
	leave := func() {
		r.mu.Lock()
		if s.waiting--; s.waiting == 0 {
			delete(r.running, key)
		}
		r.mu.Unlock()
	}
	select {
	case s.slots <- struct{}{}:
	case <-ctx.Done():
		leave()
		return nil, ctx.Err()
	}
	select {
	case r.total <- struct{}{}:
	case <-ctx.Done():
		<-s.slots
		leave()
		return nil, ctx.Err()
	}
	return func() {
		<-r.total
		<-s.slots
		leave()
	}, nil
}
