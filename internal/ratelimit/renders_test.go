package ratelimit

import (
	"context"
	"errors"
	"testing"
)

// Renders admits a credential's burst, then answers RATE_LIMITED with a
// retry time; another credential is not affected, and at most PerCredential
// of one credential's renders run at once.
func TestRendersPerCredential(t *testing.T) {
	o := DefaultRenderOptions(Defaults().RendersPerCredential)
	o.Rule.Burst = 3
	o.PerCredential = 1
	r := NewRenders(o)
	ctx := t.Context()
	for i := range 3 {
		end, err := r.Begin(ctx, "mer_a")
		if err != nil {
			t.Fatalf("render %d: %v", i, err)
		}
		end()
	}
	_, err := r.Begin(ctx, "mer_a")
	var limited *Error
	if !errors.As(err, &limited) || limited.RetryAfter <= 0 {
		t.Fatalf("4th render: %v, want RATE_LIMITED with a retry time", err)
	}
	end, err := r.Begin(ctx, "mer_b")
	if err != nil {
		t.Fatalf("other merchant: %v", err)
	}
	// While b renders, b's next render waits (PerCredential 1) until its
	// context ends.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := r.Begin(cctx, "mer_b"); !errors.Is(err, context.Canceled) {
		t.Fatalf("second concurrent render: %v, want it to wait", err)
	}
	end()
}
