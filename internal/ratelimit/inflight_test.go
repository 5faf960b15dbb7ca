package ratelimit

import (
	"errors"
	"testing"
)

// One piece of work per key, at most total keys, and room again once left.
func TestInFlight(t *testing.T) {
	g := NewInFlight(2)
	leaveA, err := g.Enter("a")
	if err != nil {
		t.Fatalf("first for a: %v", err)
	}
	if _, err := g.Enter("a"); !errors.Is(err, ErrKeyBusy) {
		t.Fatalf("second for a: %v, want ErrKeyBusy", err)
	}
	if _, err := g.Enter("b"); err != nil {
		t.Fatalf("first for b: %v", err)
	}
	if _, err := g.Enter("c"); !errors.Is(err, ErrFull) {
		t.Fatalf("third key: %v, want ErrFull", err)
	}
	leaveA()
	if _, err := g.Enter("c"); err != nil {
		t.Fatalf("c once a left: %v", err)
	}
	unbounded := NewInFlight(0)
	for _, k := range []string{"a", "b", "c", "d"} {
		if _, err := unbounded.Enter(k); err != nil {
			t.Fatalf("no total, key %s: %v", k, err)
		}
	}
}
