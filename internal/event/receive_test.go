package event

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestReceive(t *testing.T) {
	t.Run("in order until each stops", func(t *testing.T) {
		b := newLocal(t, Options[string]{})
		s := b.Subscribe("A", nil)
		for i := range 3 {
			publish(t, b, msg("A", i))
		}
		var got []Message
		err := Receive(context.Background(), s, func(d Delivery[string]) bool {
			got = append(got, d.Message)
			return len(got) < 3
		})
		if err != nil || len(got) != 3 || got[0] != msg("A", 0) || got[2] != msg("A", 2) {
			t.Fatalf("Receive = %v after %v, want nil after A0..A2", err, got)
		}
		if n := b.Subscribers(); n != 0 {
			t.Fatalf("%d subscribers after Receive returned, want 0: it closes the subscription", n)
		}
	})
	t.Run("ends with the reason when dropped", func(t *testing.T) {
		b := newLocal(t, Options[string]{Buffer: 1, Logger: quiet()})
		s := b.Subscribe("A", nil)
		for i := range 3 {
			publish(t, b, msg("A", i))
		}
		waitFor(t, func() bool { return b.Dropped() == 1 })
		err := Receive(context.Background(), s, func(Delivery[string]) bool { return true })
		if !errors.Is(err, ErrSlow) {
			t.Fatalf("Receive = %v, want ErrSlow", err)
		}
	})
	t.Run("keep-alive and context", func(t *testing.T) {
		b := newLocal(t, Options[string]{})
		ctx, cancel := context.WithCancel(context.Background())
		sent := 0
		err := Receive(ctx, b.Subscribe("A", nil), func(Delivery[string]) bool { return true },
			KeepAlive{Every: time.Millisecond, Send: func() bool {
				if sent++; sent == 3 {
					cancel()
				}
				return true
			}})
		if err != nil || sent < 3 {
			t.Fatalf("Receive = %v after %d keep-alives, want nil after 3", err, sent)
		}
	})
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(time.Millisecond)
	}
}
