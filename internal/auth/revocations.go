package auth

import (
	"context"
	"fmt"

	"github.com/tally-invoicing/tally/internal/event"
)

// RevocationChannel is the PostgreSQL NOTIFY channel on which tally
// processes tell each other that an API key was revoked or a session ended.
const RevocationChannel = "tally_revocations"

// Revocation says that a credential (an API key or session id) of a
// merchant stopped working.
type Revocation struct {
	MerchantID string `json:"m"`
	// CredentialID travels as "e", where processes that sent it in an
	// event.Message's EventID put it, so mixed versions still understand
	// each other during a rolling upgrade.
	CredentialID string `json:"e"`
}

// Merchant is whose subscribers receive r.
func (r Revocation) Merchant() string { return r.MerchantID }

// RevocationBus carries revocations between processes.
type RevocationBus = event.BusOf[Revocation, struct{}]

// Revocations ends what a credential opened (websockets) when it stops
// working, in every process: HTTP requests look the credential up each
// time, but a websocket authenticates once.
type Revocations struct {
	bus *RevocationBus
}

// NewRevocations carries revocations over bus (event.NewPostgres across
// processes, event.NewLocal in one).
func NewRevocations(bus *RevocationBus) *Revocations {
	return &Revocations{bus: bus}
}

// Publish announces that credentialID (an API key or session id) of
// merchantID stopped working.
func (r *Revocations) Publish(ctx context.Context, merchantID, credentialID string) error {
	if err := r.bus.Publish(ctx, Revocation{MerchantID: merchantID, CredentialID: credentialID}); err != nil {
		return fmt.Errorf("publish revocation of %s: %w", credentialID, err)
	}
	return nil
}

// Watch returns a channel that is closed when credentialID is revoked. It
// stops watching when ctx ends.
func (r *Revocations) Watch(ctx context.Context, merchantID, credentialID string) <-chan struct{} {
	revoked := make(chan struct{})
	sub := r.bus.Subscribe(merchantID, func(m Revocation) bool { return m.CredentialID == credentialID })
	go func() {
		// Only a revocation closes the channel: a subscription that ends
		// otherwise (the bus closing) leaves the websocket to its own end.
		_ = event.Receive(ctx, sub, func(event.DeliveryOf[Revocation, struct{}]) bool {
			close(revoked)
			return false
		})
	}()
	return revoked
}

// Close stops the bus.
func (r *Revocations) Close() error { return r.bus.Close() }
