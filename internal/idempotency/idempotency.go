// Package idempotency makes retried mutations safe, with Stripe's semantics:
// a client sends an Idempotency-Key header; the first request with that key
// runs and its response (errors included) is stored for 24 hours; a retry
// with the same key and the same request gets the stored response instead
// of doing the effect again; the same key with a different request is
// refused.
//
// A key is claimed by inserting a row before the request runs (the unique
// index on merchant and key makes two racing requests agree on one owner),
// and the owner keeps a short lease on it while it runs. A retry that finds
// the lease alive waits for the response; one that finds the lease lapsed
// with no response knows the first attempt died with its process. Whether
// that attempt's effect committed cannot be known from here, so the retry is
// refused rather than risk doing the effect twice.
package idempotency

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/ent/idempotencykey"
	"github.com/tally-invoicing/tally/internal/fault"
	"github.com/tally-invoicing/tally/internal/tenant"
)

// Timings. They are variables so that tests can shorten them.
var (
	// Retention is how long a response is kept for replay.
	Retention = 24 * time.Hour
	// Lease is how long a claim stays alive without renewal; the owner
	// renews it every Lease/3 while its request runs.
	Lease = 10 * time.Second
	// Wait is how long a retry waits for a running first request before it
	// is told to try again.
	Wait = 5 * time.Second
	// poll is how often a waiting retry looks for the response.
	poll = 50 * time.Millisecond
)

// MaxKeyLength bounds the header; Stripe allows 255 characters.
const MaxKeyLength = 255

// Errors a retry can get.
var (
	// ErrMismatch: the key was used with another request.
	ErrMismatch = &fault.Error{Code: fault.CodeConflict, Message: "this Idempotency-Key was already used with a different request; use a new key for a new request"}
	// ErrInProgress: the first request with this key is still running.
	ErrInProgress = &fault.Error{Code: fault.CodeConflict, Message: "a request with this Idempotency-Key is still running; retry shortly with the same key"}
	// ErrInterrupted: the first request died with its server before it
	// answered; it may or may not have taken effect.
	ErrInterrupted = &fault.Error{Code: fault.CodeConflict, Message: "the first request with this Idempotency-Key was interrupted before it answered (the server restarted); check whether it took effect before retrying with a new key"}
)

// Store keeps idempotency keys in the database.
type Store struct {
	client *ent.Client
	now    func() time.Time
}

// NewStore returns a Store over client.
func NewStore(client *ent.Client) *Store {
	return &Store{client: client, now: time.Now}
}

// CheckKey says what is wrong with a header value, if anything.
func CheckKey(key string) error {
	if key == "" || len(key) > MaxKeyLength {
		return fault.Invalidf("Idempotency-Key", "the Idempotency-Key header must be 1 to %d characters, e.g. a UUID", MaxKeyLength)
	}
	for i := 0; i < len(key); i++ {
		if key[i] < 0x21 || key[i] > 0x7e {
			return fault.Invalid("Idempotency-Key", "the Idempotency-Key header may only contain visible ASCII characters, e.g. a UUID")
		}
	}
	return nil
}

// Claim is a running first request's hold on its key.
type Claim struct {
	store *Store
	ctx   context.Context
	id    string
	stop  chan struct{}
	done  chan struct{}
}

// Begin looks up key for the viewer's merchant. It returns a Claim when this
// request is the first and must run (call Finish with its response), or the
// stored response when it is a retry of one that finished, or one of the
// errors above.
func (s *Store) Begin(ctx context.Context, key string, requestHash []byte, operation string) (*Claim, []byte, error) {
	if tenant.FromContext(ctx) == nil {
		return nil, nil, tenant.ErrNoViewer
	}
	deadline := s.now().Add(Wait)
	for {
		now := s.now()
		row, err := s.client.IdempotencyKey.Query().Where(idempotencykey.Key(key)).Only(ctx)
		switch {
		case ent.IsNotFound(err):
			// Not cancellable: a client hanging up mid-insert must not
			// leave a committed claim that nobody holds (its retry would
			// wait out the lease and then be told it was interrupted).
			id, err := s.insert(context.WithoutCancel(ctx), key, requestHash, operation, now)
			if ent.IsConstraintError(err) {
				continue // another request claimed it meanwhile: look again
			}
			if err != nil {
				return nil, nil, fmt.Errorf("claim idempotency key: %w", err)
			}
			return s.hold(ctx, id), nil, nil
		case err != nil:
			return nil, nil, fmt.Errorf("look up idempotency key: %w", err)
		case !row.ExpiresAt.After(now):
			// Older than the retention: the key is free again.
			if err := s.client.IdempotencyKey.DeleteOneID(row.ID).Exec(ctx); err != nil && !ent.IsNotFound(err) {
				return nil, nil, fmt.Errorf("expire idempotency key: %w", err)
			}
			continue
		case !bytes.Equal(row.RequestHash, requestHash):
			return nil, nil, ErrMismatch
		case row.Response != nil && len(*row.Response) > 0:
			// (ent scans a NULL bytes column into a pointer to nothing,
			// hence the length check.)
			return nil, *row.Response, nil
		case row.LockedUntil == nil || !row.LockedUntil.After(now):
			return nil, nil, ErrInterrupted
		case now.After(deadline):
			return nil, nil, ErrInProgress
		}
		select {
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		case <-time.After(poll):
		}
	}
}

func (s *Store) insert(ctx context.Context, key string, hash []byte, operation string, now time.Time) (string, error) {
	row, err := s.client.IdempotencyKey.Create().
		SetKey(key).
		SetRequestHash(hash).
		SetOperation(operation).
		SetLockedUntil(now.Add(Lease).UTC()).
		SetExpiresAt(now.Add(Retention).UTC()).
		Save(ctx)
	if err != nil {
		return "", err
	}
	return row.ID, nil
}

// hold renews the claim's lease until Finish.
func (s *Store) hold(ctx context.Context, id string) *Claim {
	c := &Claim{store: s, ctx: context.WithoutCancel(ctx), id: id, stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(c.done)
		t := time.NewTicker(Lease / 3)
		defer t.Stop()
		for {
			select {
			case <-c.stop:
				return
			case <-t.C:
				err := s.client.IdempotencyKey.UpdateOneID(id).SetLockedUntil(s.now().Add(Lease).UTC()).Exec(c.ctx)
				if err != nil {
					slog.WarnContext(c.ctx, "renew idempotency lease", "key", id, "err", err)
				}
			}
		}
	}()
	return c
}

// Finish stores the response for retries and releases the claim.
func (c *Claim) Finish(response []byte) error {
	close(c.stop)
	<-c.done
	err := c.store.client.IdempotencyKey.UpdateOneID(c.id).
		SetResponse(response).
		ClearLockedUntil().
		Exec(c.ctx)
	if err != nil {
		return fmt.Errorf("store idempotent response: %w", err)
	}
	return nil
}

// Sweep deletes keys past their retention, across merchants, and reports
// how many went.
func (s *Store) Sweep(ctx context.Context) (int, error) {
	return s.client.IdempotencyKey.Delete().
		Where(idempotencykey.ExpiresAtLT(s.now().UTC())).
		Exec(tenant.System(ctx))
}

// RunSweeper sweeps every hour until ctx ends.
func (s *Store) RunSweeper(ctx context.Context) {
	t := time.NewTicker(time.Hour)
	defer t.Stop()
	for {
		if n, err := s.Sweep(ctx); err != nil && !errors.Is(err, context.Canceled) {
			slog.ErrorContext(ctx, "sweep idempotency keys", "err", err)
		} else if n > 0 {
			slog.InfoContext(ctx, "swept idempotency keys", "deleted", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
