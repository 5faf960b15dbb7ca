package event

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lib/pq"
)

var (
	// ErrClosed is returned by Publish after Close, and by Subscription.Err
	// when the bus was closed under the subscriber.
	ErrClosed = errors.New("event: bus closed")
	// ErrSlow is returned by Subscription.Err when the subscriber was dropped
	// because its buffer was full.
	ErrSlow = errors.New("event: subscriber too slow, dropped")
)

// loadTimeout bounds one Load call, so one stuck read cannot stall the bus.
const loadTimeout = 10 * time.Second

// Addressed is what a bus carries: a small comparable value (values loaded
// for it are keyed by it) that names the merchant whose subscribers receive
// it. It travels as JSON in a NOTIFY payload (< 8000 bytes), so ids only.
type Addressed interface {
	comparable
	Merchant() string
}

// Message identifies one committed invoice status change.
type Message struct {
	MerchantID string `json:"m"`
	InvoiceID  string `json:"i"`
	EventID    string `json:"e"`
}

// Merchant is whose subscribers receive m.
func (m Message) Merchant() string { return m.MerchantID }

// Bus is the invoice status bus, which carries Messages; other buses
// (auth's revocations) name their own message type with the ...Of forms.
type Bus[T any] = BusOf[Message, T]

// Options configure a Bus.
type Options[T any] = OptionsOf[Message, T]

// Delivery is what a Bus's subscriber receives.
type Delivery[T any] = DeliveryOf[Message, T]

// Subscription is a subscription to a Bus.
type Subscription[T any] = SubscriptionOf[Message, T]

// DeliveryOf is what a subscriber receives: the message and its loaded value.
type DeliveryOf[M Addressed, T any] struct {
	Message M
	Value   T
}

// OptionsOf configure a bus of messages M loaded as T.
type OptionsOf[M Addressed, T any] struct {
	// Load turns a Message into the value subscribers receive (for example
	// the event row and its invoice). It is called once per message per
	// process, and not at all when no subscriber here wants the message. An
	// error is logged and the message dropped. Nil delivers the zero T.
	Load func(ctx context.Context, m M) (T, error)
	// LoadBatch, when set, replaces Load: it loads every message of a batch
	// at once (messages that queued up while the last batch was loading),
	// so a busy bus costs a few queries per batch, not per message.
	// Messages missing from the result are dropped with a log line.
	LoadBatch func(ctx context.Context, ms []M) (map[M]T, error)
	// Buffer is each subscriber's channel capacity; default 64.
	Buffer int
	// Channel is the PostgreSQL NOTIFY channel; default StatusChannel.
	// Tests set their own so they do not see each other's messages.
	Channel string
	// Logger defaults to slog.Default().
	Logger *slog.Logger
	// Observe, when set, sees every message this process receives, whether
	// or not a subscriber wants it (a cache that must forget what a message
	// names). It runs on the dispatch goroutine: keep it quick.
	Observe func(M)
	// Gap, when set, is called when messages may have been missed: a
	// PostgreSQL listener lost its connection (and again when it is back).
	Gap func()
}

// BusOf delivers each published message, loaded once per process, to every
// subscriber of that message's merchant.
type BusOf[M Addressed, T any] struct {
	opts OptionsOf[M, T]

	ctx    context.Context // canceled by Close; parent of every Load
	cancel context.CancelFunc
	local  chan M // NewLocal only: Publish -> dispatch goroutine

	db       *sql.DB // NewPostgres only
	listener *pq.Listener

	mu     sync.Mutex
	subs   map[string]map[*SubscriptionOf[M, T]]struct{} // by merchant id
	closed bool

	dropped   atomic.Int64
	closeOnce sync.Once
	closeErr  error
	wg        sync.WaitGroup
}

func newBus[M Addressed, T any](opts OptionsOf[M, T]) *BusOf[M, T] {
	if opts.Buffer <= 0 {
		opts.Buffer = 64
	}
	if opts.Channel == "" {
		opts.Channel = StatusChannel
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	ctx, cancel := context.WithCancel(context.Background()) //nolint:gosec // G118: cancel is kept in the bus and called by Close
	return &BusOf[M, T]{
		opts:   opts,
		ctx:    ctx,
		cancel: cancel,
		subs:   make(map[string]map[*SubscriptionOf[M, T]]struct{}),
	}
}

// NewLocal returns a bus for a single process: Publish hands the message to
// this process's dispatch goroutine.
func NewLocal[M Addressed, T any](opts OptionsOf[M, T]) *BusOf[M, T] {
	b := newBus(opts)
	b.local = make(chan M, 256)
	b.wg.Add(1)
	go func() {
		defer b.wg.Done()
		for {
			select {
			case m := <-b.local:
				batch := []M{m}
			drain:
				for len(batch) < maxBatch {
					select {
					case m := <-b.local:
						batch = append(batch, m)
					default:
						break drain
					}
				}
				b.dispatch(batch)
			case <-b.ctx.Done():
				return
			}
		}
	}()
	return b
}

// Publish announces a committed change. Call it after the transaction
// commits, never inside it: subscribers will read the rows.
func (b *BusOf[M, T]) Publish(ctx context.Context, m M) error {
	if b.ctx.Err() != nil {
		return ErrClosed
	}
	if m.Merchant() == "" {
		return errors.New("event: publish: empty merchant id")
	}
	if b.db != nil {
		return b.notify(ctx, m)
	}
	select {
	case b.local <- m:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-b.ctx.Done():
		return ErrClosed
	}
}

// PublishAll publishes ms in order, in bulk where the bus can (PostgreSQL:
// one statement per thousand messages).
func (b *BusOf[M, T]) PublishAll(ctx context.Context, ms []M) error {
	if b.db != nil {
		if b.ctx.Err() != nil {
			return ErrClosed
		}
		return b.notifyAll(ctx, ms)
	}
	for _, m := range ms {
		if err := b.Publish(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

// maxBatch bounds how many queued messages one dispatch loads together.
const maxBatch = 256

// dispatch loads each message of batch once and offers it to its
// merchant's subscribers. It runs on the bus's single dispatch goroutine,
// so deliveries keep publish order.
func (b *BusOf[M, T]) dispatch(batch []M) {
	if b.opts.Observe != nil {
		for _, m := range batch {
			b.opts.Observe(m)
		}
	}
	targets := make([][]*SubscriptionOf[M, T], len(batch))
	var wanted []M
	for i, m := range batch {
		b.mu.Lock()
		set := b.subs[m.Merchant()]
		candidates := make([]*SubscriptionOf[M, T], 0, len(set))
		for s := range set {
			candidates = append(candidates, s)
		}
		b.mu.Unlock()
		// Filters are caller code: run them outside the lock.
		for _, s := range candidates {
			if s.filter == nil || s.filter(m) {
				targets[i] = append(targets[i], s)
			}
		}
		if len(targets[i]) > 0 {
			wanted = append(wanted, m)
		}
	}
	if len(wanted) == 0 {
		return
	}
	values := b.load(wanted)
	for i, m := range batch {
		if len(targets[i]) == 0 {
			continue
		}
		v, ok := values[m]
		if !ok {
			continue // load failed; logged
		}
		d := DeliveryOf[M, T]{Message: m, Value: v}
		for _, s := range targets[i] {
			if !s.offer(d) {
				b.remove(s)
				n := b.dropped.Add(1)
				b.opts.Logger.Warn("event: slow subscriber dropped", "merchant", m.Merchant(), "dropped_total", n)
			}
		}
	}
}

// load turns messages into values with LoadBatch, Load, or neither (the
// zero T).
func (b *BusOf[M, T]) load(ms []M) map[M]T {
	out := make(map[M]T, len(ms))
	ctx, cancel := context.WithTimeout(b.ctx, loadTimeout)
	defer cancel()
	switch {
	case b.opts.LoadBatch != nil:
		values, err := b.opts.LoadBatch(ctx, ms)
		if err != nil {
			b.opts.Logger.Error("event: load, messages dropped", "messages", len(ms), "err", err)
			return out
		}
		for _, m := range ms {
			if v, ok := values[m]; ok {
				out[m] = v
			} else {
				b.opts.Logger.Error("event: load, message dropped", "message", m)
			}
		}
	case b.opts.Load != nil:
		for _, m := range ms {
			v, err := b.opts.Load(ctx, m)
			if err != nil {
				b.opts.Logger.Error("event: load, message dropped", "message", m, "err", err)
				continue
			}
			out[m] = v
		}
	default:
		var zero T
		for _, m := range ms {
			out[m] = zero
		}
	}
	return out
}

// Subscribe returns a subscription to merchantID's messages that filter
// accepts (all of them when filter is nil). After Close, C is closed at once.
func (b *BusOf[M, T]) Subscribe(merchantID string, filter func(M) bool) *SubscriptionOf[M, T] {
	ch := make(chan DeliveryOf[M, T], b.opts.Buffer)
	s := &SubscriptionOf[M, T]{C: ch, ch: ch, bus: b, merchantID: merchantID, filter: filter}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		s.close(ErrClosed)
		return s
	}
	set := b.subs[merchantID]
	if set == nil {
		set = make(map[*SubscriptionOf[M, T]]struct{})
		b.subs[merchantID] = set
	}
	set[s] = struct{}{}
	return s
}

func (b *BusOf[M, T]) remove(s *SubscriptionOf[M, T]) {
	b.mu.Lock()
	defer b.mu.Unlock()
	set := b.subs[s.merchantID]
	if _, ok := set[s]; !ok {
		return
	}
	delete(set, s)
	if len(set) == 0 {
		delete(b.subs, s.merchantID)
	}
}

// Subscribers is the number of open subscriptions in this process.
func (b *BusOf[M, T]) Subscribers() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 0
	for _, set := range b.subs {
		n += len(set)
	}
	return n
}

// Dropped is how many subscribers were dropped for being too slow.
func (b *BusOf[M, T]) Dropped() int64 { return b.dropped.Load() }

// Close stops the listener, waits for the dispatch goroutine and closes every
// subscription. It is idempotent. While a PostgreSQL listener is between
// reconnect attempts, Close waits for the attempt (up to 10 s).
func (b *BusOf[M, T]) Close() error {
	b.closeOnce.Do(func() {
		b.cancel()
		if b.listener != nil {
			b.closeErr = b.listener.Close()
		}
		b.wg.Wait()
		b.mu.Lock()
		b.closed = true
		subs := b.subs
		b.subs = nil
		b.mu.Unlock()
		for _, set := range subs {
			for s := range set {
				s.close(ErrClosed)
			}
		}
	})
	return b.closeErr
}

// SubscriptionOf receives one merchant's deliveries on C until it is
// closed, dropped for being slow, or the bus is closed; then C is closed.
// Receive is the loop that reads it.
type SubscriptionOf[M Addressed, T any] struct {
	C <-chan DeliveryOf[M, T]

	ch         chan DeliveryOf[M, T]
	bus        *BusOf[M, T]
	merchantID string
	filter     func(M) bool

	mu  sync.Mutex
	end bool
	err error
}

// offer sends d without blocking. It reports false when s was full and has
// been closed instead.
func (s *SubscriptionOf[M, T]) offer(d DeliveryOf[M, T]) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.end {
		return true // closed by its owner meanwhile; nothing to drop
	}
	select {
	case s.ch <- d:
		return true
	default:
		s.end, s.err = true, ErrSlow
		close(s.ch)
		return false
	}
}

func (s *SubscriptionOf[M, T]) close(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.end {
		s.end, s.err = true, err
		close(s.ch)
	}
}

// Close unsubscribes and closes C. It is idempotent.
func (s *SubscriptionOf[M, T]) Close() {
	s.close(nil)
	s.bus.remove(s)
}

// Err says why C was closed: nil when by Close (or still open), ErrSlow when
// dropped for a full buffer, ErrClosed when the bus was closed.
func (s *SubscriptionOf[M, T]) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}
