package graph

import (
	"context"
	"errors"
	"testing"

	"github.com/tally-invoicing/tally/internal/ratelimit"
	"github.com/tally-invoicing/tally/internal/tenant"
)

// Renders admits a credential's burst, then answers RATE_LIMITED with a
// retry time; another credential is not affected, and at most PerCredential
// of one credential's renders run at once.
func TestRendersPerCredential(t *testing.T) {
	o := DefaultRenderOptions()
	o.Rule.Burst = 3
	o.PerCredential = 1
	r := NewRenders(o)
	a := tenant.WithViewer(t.Context(), &tenant.Viewer{MerchantID: "mer_a"})
	b := tenant.WithViewer(t.Context(), &tenant.Viewer{MerchantID: "mer_b"})
	for i := range 3 {
		end, err := r.Begin(a)
		if err != nil {
			t.Fatalf("render %d: %v", i, err)
		}
		end()
	}
	_, err := r.Begin(a)
	var limited *ratelimit.Error
	if !errors.As(err, &limited) || limited.RetryAfter <= 0 {
		t.Fatalf("4th render: %v, want RATE_LIMITED with a retry time", err)
	}
	end, err := r.Begin(b)
	if err != nil {
		t.Fatalf("other merchant: %v", err)
	}
	// While b renders, b's next render waits (PerCredential 1) until its
	// context ends.
	ctx, cancel := context.WithCancel(b)
	cancel()
	if _, err := r.Begin(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("second concurrent render: %v, want it to wait", err)
	}
	end()
}
