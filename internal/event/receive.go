package event

import (
	"context"
	"time"
)

// KeepAlive makes Receive call Send every Every while it waits, for a
// stream that must show it is still open; Send returning false stops
// Receive. Receive takes at most one.
type KeepAlive struct {
	Every time.Duration
	Send  func() bool
}

// Receive is the one loop that reads a subscription: it hands s's
// deliveries to each, in publish order, until ctx ends, each returns false,
// or s ends under it, and then closes s. It returns nil in the first two
// cases. In the last, messages may have been missed (s fell behind and was
// dropped, or the bus closed): Receive returns ErrSlow or ErrClosed, and a
// caller serving a client ends the stream so the client reconnects and
// refetches, which the bus's best-effort delivery relies on.
func Receive[M Addressed, T any](ctx context.Context, s *SubscriptionOf[M, T], each func(DeliveryOf[M, T]) bool, keepAlive ...KeepAlive) error {
	defer s.Close()
	var tick <-chan time.Time
	send := func() bool { return true }
	if len(keepAlive) > 0 {
		t := time.NewTicker(keepAlive[0].Every)
		defer t.Stop()
		tick, send = t.C, keepAlive[0].Send
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-tick:
			if !send() {
				return nil
			}
		case d, ok := <-s.C:
			if !ok {
				return s.Err()
			}
			if !each(d) {
				return nil
			}
		}
	}
}
