package event

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/lib/pq"
)

// StatusChannel is the PostgreSQL NOTIFY channel invoice status changes
// travel on between tally processes.
const StatusChannel = "tally_invoice_status"

const (
	minReconnect = 100 * time.Millisecond
	maxReconnect = 10 * time.Second
	// pingIdle is how long the listener may hear nothing before it pings, so
	// a connection that died silently is noticed and re-established.
	pingIdle = 90 * time.Second
	// maxPayload is PostgreSQL's default NOTIFY payload limit.
	maxPayload = 8000
)

// NewPostgres returns a bus shared by every tally process on the database:
// it LISTENs on opts.Channel through its own connection to dsn, and Publish
// runs pg_notify on db. Every delivery, also to this process's subscribers,
// comes through the listener. ctx bounds only the first LISTEN; the bus
// lives until Close.
func NewPostgres[M Addressed, T any](ctx context.Context, dsn string, db *sql.DB, opts OptionsOf[M, T]) (*BusOf[M, T], error) {
	if db == nil {
		return nil, errors.New("event: postgres bus needs a *sql.DB to publish on")
	}
	b := newBus(opts)
	if len(b.opts.Channel) > 63 {
		return nil, fmt.Errorf("event: channel %q is longer than 63 bytes", b.opts.Channel)
	}
	b.db = db
	b.listener = pq.NewListener(dsn, minReconnect, maxReconnect, b.listenerEvent)

	// Listen blocks until a connection is up, which may be never: give up
	// when ctx does.
	listened := make(chan error, 1)
	go func() { listened <- b.listener.Listen(b.opts.Channel) }()
	var err error
	select {
	case err = <-listened:
	case <-ctx.Done():
		err = ctx.Err()
	}
	if err != nil {
		b.cancel()
		_ = b.listener.Close()
		go func() {
			for range b.listener.Notify { // let pq's goroutine finish
			}
		}()
		return nil, fmt.Errorf("event: listen on %s: %w", b.opts.Channel, err)
	}

	b.wg.Add(1)
	go b.listen()
	return b, nil
}

// listen is the dispatch goroutine of a PostgreSQL bus. It reads until pq
// closes Notify, after Close, so pq's own goroutine is never left blocked.
func (b *BusOf[M, T]) listen() {
	defer b.wg.Done()
	for {
		select {
		case n, ok := <-b.listener.Notify:
			if !ok {
				return
			}
			if b.ctx.Err() != nil {
				continue
			}
			// Take whatever else has queued up meanwhile: one load for all.
			batch := b.decode(nil, n)
		drain:
			for len(batch) < maxBatch {
				select {
				case n, ok := <-b.listener.Notify:
					if !ok {
						b.dispatch(batch)
						return
					}
					batch = b.decode(batch, n)
				default:
					break drain
				}
			}
			b.dispatch(batch)
		case <-time.After(pingIdle):
			// Not inline: a ping waits for its reply behind notifications
			// that only this goroutine reads.
			b.wg.Add(1)
			go func() {
				defer b.wg.Done()
				if err := b.listener.Ping(); err != nil && b.ctx.Err() == nil {
					b.opts.Logger.Warn("event: listener ping failed", "err", err)
				}
			}()
		}
	}
}

// decode appends n's message to batch; bad payloads are logged and skipped.
func (b *BusOf[M, T]) decode(batch []M, n *pq.Notification) []M {
	if n == nil {
		b.opts.Logger.Warn("event: listener reconnected; status changes made while it was down were missed")
		return batch
	}
	var m M
	if err := json.Unmarshal([]byte(n.Extra), &m); err != nil {
		b.opts.Logger.Error("event: bad notification payload, dropped", "payload", n.Extra, "err", err)
		return batch
	}
	return append(batch, m)
}

func (b *BusOf[M, T]) listenerEvent(ev pq.ListenerEventType, err error) {
	if b.opts.Gap != nil && (ev == pq.ListenerEventDisconnected || ev == pq.ListenerEventReconnected) {
		b.opts.Gap()
	}
	if err != nil && b.ctx.Err() == nil {
		b.opts.Logger.Warn("event: listener "+ev.String(), "err", err)
	}
}

// notify publishes m to every process listening on the channel. It uses db,
// not the listener's connection, so it works while the listener reconnects.
func (b *BusOf[M, T]) notify(ctx context.Context, m M) error {
	payload, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("event: publish: %w", err)
	}
	if len(payload) >= maxPayload {
		return fmt.Errorf("event: publish: payload of %d bytes is over the NOTIFY limit", len(payload))
	}
	if _, err := b.db.ExecContext(ctx, "SELECT pg_notify($1, $2)", b.opts.Channel, string(payload)); err != nil {
		return fmt.Errorf("event: publish: %w", err)
	}
	return nil
}

// notifyAll publishes many messages in one statement per thousand, for bulk
// changes such as a statement import.
func (b *BusOf[M, T]) notifyAll(ctx context.Context, ms []M) error {
	const batch = 1000
	for i := 0; i < len(ms); i += batch {
		payloads := make([]string, 0, batch)
		for _, m := range ms[i:min(i+batch, len(ms))] {
			p, err := json.Marshal(m)
			if err != nil {
				return fmt.Errorf("event: publish: %w", err)
			}
			payloads = append(payloads, string(p))
		}
		if _, err := b.db.ExecContext(ctx, "SELECT pg_notify($1, p) FROM unnest($2::text[]) WITH ORDINALITY AS t(p, n) ORDER BY n",
			b.opts.Channel, pq.Array(payloads)); err != nil {
			return fmt.Errorf("event: publish: %w", err)
		}
	}
	return nil
}
