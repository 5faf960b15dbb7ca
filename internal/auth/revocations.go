package auth

import (
	"context"

	"github.com/tally-invoicing/tally/internal/event"
)

// RevocationChannel is the PostgreSQL NOTIFY channel on which tally
// processes tell each other that an API key was revoked or a session ended.
const RevocationChannel = "tally_revocations"

// Revocations ends what a credential opened (websockets) when it stops
// working, in every process: HTTP requests look the credential up each
// time, but a websocket authenticates once.
type Revocations struct {
	bus *event.Bus[struct{}]
}

// NewRevocations carries revocations over bus (event.NewPostgres across
// processes, event.NewLocal in one). A Message's EventID is the revoked
// credential's id.
func NewRevocations(bus *event.Bus[struct{}]) *Revocations {
	return &Revocations{bus: bus}
}

// Publish announces that credentialID (an API key or session id) of
// merchantID stopped working.
func (r *Revocations) Publish(ctx context.Context, merchantID, credentialID string) error {
	return r.bus.Publish(ctx, event.Message{MerchantID: merchantID, EventID: credentialID})
}

// Watch returns a channel that is closed when credentialID is revoked. It
// stops watching when ctx ends.
func (r *Revocations) Watch(ctx context.Context, merchantID, credentialID string) <-chan struct{} {
	revoked := make(chan struct{})
	sub := r.bus.Subscribe(merchantID, func(m event.Message) bool { return m.EventID == credentialID })
	go func() {
		defer sub.Close()
		select {
		case _, ok := <-sub.C:
			if ok {
				close(revoked)
			}
		case <-ctx.Done():
		}
	}()
	return revoked
}

// Close stops the bus.
func (r *Revocations) Close() error { return r.bus.Close() }
