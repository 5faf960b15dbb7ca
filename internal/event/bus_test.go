package event

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tally-invoicing/tally/internal/database/dbtest"
)

const wait = 5 * time.Second

// load returns the event id, so a test sees that Load's value reached C.
func load(_ context.Context, m Message) (string, error) { return "loaded " + m.EventID, nil }

func msg(merchant string, i int) Message {
	return Message{MerchantID: merchant, InvoiceID: "inv_" + merchant, EventID: fmt.Sprintf("evt_%s_%d", merchant, i)}
}

func receive(t *testing.T, s *Subscription[string]) Delivery[string] {
	t.Helper()
	select {
	case d, ok := <-s.C:
		if !ok {
			t.Fatalf("channel closed (err %v), want a delivery", s.Err())
		}
		return d
	case <-time.After(wait):
		t.Fatal("no delivery within", wait)
	}
	return Delivery[string]{}
}

func publish(t *testing.T, b *Bus[string], m Message) {
	t.Helper()
	if err := b.Publish(context.Background(), m); err != nil {
		t.Fatalf("publish %s: %v", m.EventID, err)
	}
}

func newLocal(t *testing.T, opts Options[string]) *Bus[string] {
	if opts.Load == nil {
		opts.Load = load
	}
	b := NewLocal(opts)
	t.Cleanup(func() { _ = b.Close() })
	return b
}

func TestLocalTenantsAndOrder(t *testing.T) {
	b := newLocal(t, Options[string]{})
	a1, a2 := b.Subscribe("A", nil), b.Subscribe("A", nil)
	bs := b.Subscribe("B", nil)
	const n = 50
	for i := range n {
		publish(t, b, msg("A", i))
		publish(t, b, msg("B", i))
	}
	for _, s := range []*Subscription[string]{a1, a2} {
		for i := range n {
			d := receive(t, s)
			if want := msg("A", i); d.Message != want || d.Value != "loaded "+want.EventID {
				t.Fatalf("delivery %d: got %+v, want %+v with its loaded value", i, d, want)
			}
		}
	}
	for i := range n {
		if got, want := receive(t, bs).Message, msg("B", i); got != want {
			t.Fatalf("B delivery %d: got %+v, want %+v", i, got, want)
		}
	}
}

func TestLocalFilter(t *testing.T) {
	b := newLocal(t, Options[string]{})
	one := b.Subscribe("A", func(m Message) bool { return m.InvoiceID == "inv_1" })
	publish(t, b, Message{MerchantID: "A", InvoiceID: "inv_2", EventID: "evt_1"})
	publish(t, b, Message{MerchantID: "A", InvoiceID: "inv_1", EventID: "evt_2"})
	if got := receive(t, one).Message.EventID; got != "evt_2" {
		t.Fatalf("got %s, want evt_2 (evt_1 is another invoice's)", got)
	}
}

func TestLocalClose(t *testing.T) {
	b := newLocal(t, Options[string]{})
	s := b.Subscribe("A", nil)
	if got := b.Subscribers(); got != 1 {
		t.Fatalf("Subscribers() = %d, want 1", got)
	}
	s.Close()
	s.Close()
	if _, ok := <-s.C; ok {
		t.Fatal("C open after Close")
	}
	if err := s.Err(); err != nil {
		t.Fatalf("Err() after Close = %v, want nil", err)
	}
	if got := b.Subscribers(); got != 0 {
		t.Fatalf("Subscribers() = %d, want 0", got)
	}

	kept := b.Subscribe("A", nil)
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, ok := <-kept.C; ok || !errors.Is(kept.Err(), ErrClosed) {
		t.Fatalf("subscription after bus Close: open %v, err %v; want closed, ErrClosed", ok, kept.Err())
	}
	kept.Close()
	if _, ok := <-b.Subscribe("A", nil).C; ok {
		t.Fatal("Subscribe after Close returned an open channel")
	}
	if err := b.Publish(context.Background(), msg("A", 0)); !errors.Is(err, ErrClosed) {
		t.Fatalf("Publish after Close: got %v, want ErrClosed", err)
	}
}

func TestLocalSlowSubscriberDropped(t *testing.T) {
	b := newLocal(t, Options[string]{Buffer: 1})
	slow, fast := b.Subscribe("A", nil), b.Subscribe("A", nil)
	const n = 5
	for i := range n {
		publish(t, b, msg("A", i))
		if got, want := receive(t, fast).Message, msg("A", i); got != want {
			t.Fatalf("fast subscriber: got %+v, want %+v", got, want)
		}
	}
	// The first message filled slow's buffer; the second dropped it.
	if got := receive(t, slow).Message; got != msg("A", 0) {
		t.Fatalf("slow subscriber: got %+v, want the first message", got)
	}
	if _, ok := <-slow.C; ok {
		t.Fatal("slow subscriber still open")
	}
	if !errors.Is(slow.Err(), ErrSlow) {
		t.Fatalf("slow.Err() = %v, want ErrSlow", slow.Err())
	}
	if b.Subscribers() != 1 || b.Dropped() != 1 {
		t.Fatalf("Subscribers() = %d, Dropped() = %d; want 1, 1", b.Subscribers(), b.Dropped())
	}
}

func TestLocalLoadOncePerMessage(t *testing.T) {
	var mu sync.Mutex
	calls := map[string]int{}
	b := newLocal(t, Options[string]{Load: func(ctx context.Context, m Message) (string, error) {
		mu.Lock()
		calls[m.MerchantID]++
		mu.Unlock()
		return load(ctx, m)
	}})
	subs := make([]*Subscription[string], 1000)
	for i := range subs {
		subs[i] = b.Subscribe("A", nil)
	}
	b.Subscribe("C", func(Message) bool { return false })
	publish(t, b, msg("B", 0)) // nobody listens to B
	publish(t, b, msg("C", 0)) // C's only subscriber filters it out
	publish(t, b, msg("A", 0))
	for _, s := range subs {
		receive(t, s)
	}
	mu.Lock()
	defer mu.Unlock()
	if calls["A"] != 1 || calls["B"] != 0 || calls["C"] != 0 {
		t.Fatalf("Load calls per merchant: got %v, want A:1 only", calls)
	}
}

func TestLocalLoadErrorDropsOnlyThatMessage(t *testing.T) {
	b := newLocal(t, Options[string]{Logger: quiet(), Load: func(ctx context.Context, m Message) (string, error) {
		if m.EventID == "evt_A_0" {
			return "", errors.New("row gone")
		}
		return load(ctx, m)
	}})
	s := b.Subscribe("A", nil)
	publish(t, b, msg("A", 0))
	publish(t, b, msg("A", 1))
	if got := receive(t, s).Message; got != msg("A", 1) {
		t.Fatalf("got %+v, want the second message", got)
	}
}

// newPostgres returns a bus on the test server's channel, as one process.
func newPostgres(t *testing.T, channel string, opts Options[string]) *Bus[string] {
	t.Helper()
	dsn := postgresURL(t)
	db, err := sql.Open("postgres", dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	opts.Channel = channel
	if opts.Load == nil {
		opts.Load = load
	}
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	b, err := NewPostgres(ctx, dsn, db, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := b.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return b
}

// postgresURL skips when the test server is unreachable, unless
// TALLY_REQUIRE_POSTGRES=1, as dbtest does.
func postgresURL(t *testing.T) string {
	t.Helper()
	u := dbtest.PostgresBaseURL()
	db, err := sql.Open("postgres", u)
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		err = db.PingContext(ctx)
		cancel()
		_ = db.Close()
	}
	if err != nil {
		if os.Getenv("TALLY_REQUIRE_POSTGRES") == "1" {
			t.Fatalf("PostgreSQL is required (TALLY_REQUIRE_POSTGRES=1) but unreachable: %v", err)
		}
		t.Skipf("PostgreSQL unreachable (%v); set TEST_DATABASE_URL to run this test", err)
	}
	return u
}

func testChannel() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return "tally_test_" + hex.EncodeToString(b)
}

func TestPostgresTwoProcesses(t *testing.T) {
	t.Parallel()
	channel := testChannel()
	p1, p2 := newPostgres(t, channel, Options[string]{}), newPostgres(t, channel, Options[string]{})
	a1, a2, b2 := p1.Subscribe("A", nil), p2.Subscribe("A", nil), p2.Subscribe("B", nil)

	publish(t, p1, msg("A", 0))
	publish(t, p1, msg("A", 1))
	publish(t, p2, msg("B", 0))
	for _, s := range []*Subscription[string]{a1, a2} {
		for i := range 2 {
			if d := receive(t, s); d.Message != msg("A", i) || d.Value != "loaded "+msg("A", i).EventID {
				t.Fatalf("A delivery %d: got %+v, want %+v loaded", i, d, msg("A", i))
			}
		}
	}
	// B's subscriber saw neither of A's messages, published before B's.
	if got := receive(t, b2).Message; got != msg("B", 0) {
		t.Fatalf("B subscriber: got %+v, want %+v", got, msg("B", 0))
	}
	select {
	case d := <-a1.C:
		t.Fatalf("A subscriber on the other process got B's %+v", d)
	case <-time.After(100 * time.Millisecond):
	}
}

func TestPostgresLoadSkippedWithoutSubscribers(t *testing.T) {
	t.Parallel()
	channel := testChannel()
	var mu sync.Mutex
	var loaded []string
	listening := newPostgres(t, channel, Options[string]{})
	idle := newPostgres(t, channel, Options[string]{Load: func(ctx context.Context, m Message) (string, error) {
		mu.Lock()
		loaded = append(loaded, m.MerchantID)
		mu.Unlock()
		return load(ctx, m)
	}})

	s := listening.Subscribe("A", nil)
	publish(t, idle, msg("A", 0))
	receive(t, s)
	// idle handles messages in order: once it has delivered Z's, it has
	// seen A's too.
	z := idle.Subscribe("Z", nil)
	publish(t, idle, msg("Z", 0))
	receive(t, z)
	mu.Lock()
	defer mu.Unlock()
	if len(loaded) != 1 || loaded[0] != "Z" {
		t.Fatalf("Load calls on a process without A subscribers: got %v, want [Z]", loaded)
	}
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func TestPostgresGivesUpWithContext(t *testing.T) {
	t.Parallel()
	db, err := sql.Open("postgres", "postgres://postgres@127.0.0.1:1/test?sslmode=disable")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = db.Close() }()
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = NewPostgres(ctx, "postgres://postgres@127.0.0.1:1/test?sslmode=disable", db, Options[string]{Logger: quiet()})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("got %v, want context.DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("NewPostgres returned after %v, want about its context's 300ms", d)
	}
}

func TestPostgresListenerReconnects(t *testing.T) {
	t.Parallel()
	channel := testChannel()
	logs := &syncBuffer{}
	b := newPostgres(t, channel, Options[string]{Logger: slog.New(slog.NewTextHandler(logs, nil))})
	s := b.Subscribe("A", nil)

	// Kill the listener's connection, as a database restart would.
	var killed bool
	err := b.db.QueryRow(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE pid <> pg_backend_pid() AND query = 'LISTEN "' || $1 || '"'`, channel).Scan(&killed)
	if err != nil || !killed {
		t.Fatalf("terminate the listener's backend: killed %v, err %v", killed, err)
	}
	for deadline := time.Now().Add(wait); !strings.Contains(logs.String(), "missed"); {
		if time.Now().After(deadline) {
			t.Fatalf("no reconnect warning within %v; log:\n%s", wait, logs)
		}
		time.Sleep(20 * time.Millisecond)
	}
	publish(t, b, msg("A", 1))
	if got := receive(t, s).Message; got != msg("A", 1) {
		t.Fatalf("after reconnect: got %+v, want %+v", got, msg("A", 1))
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestPublishAllKeepsOrder(t *testing.T) {
	t.Parallel()
	const n = 1500 // more than one batch
	for _, tc := range []struct {
		name string
		bus  func(t *testing.T) *Bus[string]
	}{
		{"local", func(t *testing.T) *Bus[string] {
			b := NewLocal(Options[string]{Load: load, Buffer: n})
			t.Cleanup(func() { _ = b.Close() })
			return b
		}},
		{"postgres", func(t *testing.T) *Bus[string] { return newPostgres(t, testChannel(), Options[string]{Buffer: n}) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := tc.bus(t)
			sub := b.Subscribe("A", nil)
			ms := make([]Message, n)
			for i := range ms {
				ms[i] = msg("A", i)
			}
			if err := b.PublishAll(context.Background(), ms); err != nil {
				t.Fatal(err)
			}
			for i := range n {
				if got := receive(t, sub).Message; got != ms[i] {
					t.Fatalf("delivery %d: got %+v, want %+v", i, got, ms[i])
				}
			}
		})
	}
}

// While one batch loads, the messages published meanwhile queue up and are
// loaded together: a busy bus costs one load per batch, and order holds.
func TestLoadBatchLoadsWhatQueuedUpTogether(t *testing.T) {
	for _, backend := range []string{"local", "postgres"} {
		t.Run(backend, func(t *testing.T) {
			release := make(chan struct{})
			var mu sync.Mutex
			var sizes []int
			opts := Options[string]{Buffer: 512, LoadBatch: func(_ context.Context, ms []Message) (map[Message]string, error) {
				mu.Lock()
				first := len(sizes) == 0
				sizes = append(sizes, len(ms))
				mu.Unlock()
				if first {
					<-release // hold the first batch while the rest queue up
				}
				out := make(map[Message]string, len(ms))
				for _, m := range ms {
					if m.EventID != "evt_A_13" { // one message the loader cannot find
						out[m] = "loaded " + m.EventID
					}
				}
				return out, nil
			}}
			opts.Logger = quiet()
			var b *Bus[string]
			if backend == "local" {
				opts.Load = nil
				b = NewLocal(opts)
				t.Cleanup(func() { _ = b.Close() })
			} else {
				b = newPostgres(t, fmt.Sprintf("tally_test_batch_%d", time.Now().UnixNano()), opts)
			}
			s := b.Subscribe("A", nil)
			publish(t, b, msg("A", 0))
			for deadline := time.Now().Add(wait); ; time.Sleep(time.Millisecond) {
				mu.Lock()
				started := len(sizes) == 1
				mu.Unlock()
				if started {
					break
				}
				if time.Now().After(deadline) {
					t.Fatal("the first batch never loaded")
				}
			}
			for i := 1; i < 200; i++ {
				publish(t, b, msg("A", i))
			}
			time.Sleep(50 * time.Millisecond) // let the notifications arrive
			close(release)
			for i := 0; i < 200; i++ {
				if i == 13 {
					continue
				}
				if d := receive(t, s); d.Message.EventID != fmt.Sprintf("evt_A_%d", i) || d.Value != "loaded "+d.Message.EventID {
					t.Fatalf("delivery %d = %+v, want evt_A_%d in order", i, d, i)
				}
			}
			mu.Lock()
			defer mu.Unlock()
			// (pq hands notifications over through a 32-slot channel, so
			// PostgreSQL batches are about that size.)
			if len(sizes) > 20 {
				t.Fatalf("200 queued messages took %d loads (sizes %v); want them batched", len(sizes), sizes)
			}
		})
	}
}
