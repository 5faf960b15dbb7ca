package webhook

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"entgo.io/ent/dialect/sql"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/ent/webhookattempt"
	"github.com/tally-invoicing/tally/ent/webhookdelivery"
	"github.com/tally-invoicing/tally/ent/webhookendpoint"
	"github.com/tally-invoicing/tally/internal/checkout/wallet"
	"github.com/tally-invoicing/tally/internal/database"
	"github.com/tally-invoicing/tally/internal/fault"
	"github.com/tally-invoicing/tally/internal/outbound"
	"github.com/tally-invoicing/tally/internal/schedule"
	"github.com/tally-invoicing/tally/internal/tenant"
	"github.com/tally-invoicing/tally/internal/validate"
)

// Request headers every delivery carries.
const (
	UserAgent       = "Tally-Webhooks/1"
	HeaderEventID   = "Tally-Event-ID"
	HeaderEventType = "Tally-Event-Type"
	HeaderSignature = wallet.SignatureHeader
)

// ResponseExcerpt is how much of an endpoint's answer an attempt keeps.
const ResponseExcerpt = 1024

// Notifier tells a merchant that one of its endpoints was disabled;
// internal/mail's Outbox queues the email.
type Notifier interface {
	// EndpointDisabled queues the notice through tx, the transaction that
	// disables ep.
	EndpointDisabled(ctx context.Context, tx *ent.Client, ep *ent.WebhookEndpoint, reason string) error
}

// Worker posts due deliveries: a fast loop (Run) for first attempts, and
// the scheduler's "webhooks" job (Job) for retries at each merchant's time.
// Several workers, in one process or many, share the work through leases
// in the database.
type Worker struct {
	client *ent.Client
	http   *http.Client
	clock  Clock
	notify Notifier
	owner  string
	seq    atomic.Uint64
	log    *slog.Logger
	real   func() time.Time
	wake   chan struct{}

	// Poll is how often Run looks for due deliveries when not woken.
	Poll time.Duration
	// Timeout bounds one POST, from connecting to the end of the answer.
	Timeout time.Duration
	// Lease is the least time a claimed delivery is reserved for one
	// attempt; a round's lease also covers all its posts timing out.
	Lease time.Duration
	// Concurrency is how many posts are in flight at once. PerEndpoint is
	// the least share of a round an endpoint gets when several are due;
	// each gets Batch divided among them, so a slow endpoint leaves room
	// for the others.
	Concurrency, PerEndpoint int
	// Batch is how many deliveries one round claims.
	Batch int
	// RetryFor is how long after its first attempt a delivery keeps being
	// retried; DisableAfter how long an endpoint may fail without a single
	// success before it is disabled.
	RetryFor, DisableAfter time.Duration
	// Backoff is the wait after the n-th failed attempt.
	Backoff func(n int) time.Duration
}

// NewWorker returns a worker over client that posts with hc (an
// outbound.New client, so the address policy is checked on every
// connection), on the merchants' clock c, telling merchants of disabled
// endpoints through n.
func NewWorker(client *ent.Client, hc *http.Client, c Clock, n Notifier) *Worker {
	host, _ := os.Hostname()
	return &Worker{
		client: client, http: hc, clock: c, notify: n,
		owner: fmt.Sprintf("%s-%d-%s", host, os.Getpid(), rand.Text()[:8]),
		log:   slog.Default(),
		real:  func() time.Time { return time.Now().UTC() },
		wake:  make(chan struct{}, 1),

		Poll:         time.Second,
		Timeout:      10 * time.Second,
		Lease:        2 * time.Minute,
		Concurrency:  8,
		PerEndpoint:  4,
		Batch:        200,
		RetryFor:     72 * time.Hour,
		DisableAfter: 72 * time.Hour,
		Backoff:      Backoff,
	}
}

// Backoff is the default wait after the n-th failed attempt: a minute,
// doubling, capped at six hours, less up to a fifth at random so that
// deliveries that failed together do not retry together.
func Backoff(n int) time.Duration {
	base := math.Min(float64(time.Minute)*math.Pow(2, float64(max(n-1, 0))), float64(6*time.Hour))
	return time.Duration(base * (0.8 + 0.2*mrand.Float64())) //nolint:gosec // G404: jitter spreads retries; nothing depends on it being unpredictable
}

// workers are the running workers of this process, woken when a
// transaction that emitted events commits.
var workers = struct {
	sync.Mutex
	set map[*Worker]struct{}
}{set: map[*Worker]struct{}{}}

func wakeAll() {
	workers.Lock()
	defer workers.Unlock()
	for w := range workers.set {
		w.Wake()
	}
}

// Wake asks Run to look for due deliveries now.
func (w *Worker) Wake() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run posts deliveries as they become due on real time until ctx ends;
// Emit wakes it after each commit, so first attempts leave within
// moments. Retries of merchants whose test clock is ahead are the
// scheduler's (Job).
func (w *Worker) Run(ctx context.Context) {
	workers.Lock()
	workers.set[w] = struct{}{}
	workers.Unlock()
	defer func() {
		workers.Lock()
		delete(workers.set, w)
		workers.Unlock()
	}()
	w.log.Info("webhook worker running", "worker", w.owner)
	t := time.NewTicker(w.Poll)
	defer t.Stop()
	for {
		_, err := w.DeliverAll(ctx, w.real, schedule.Scope{})
		if err != nil && ctx.Err() == nil {
			w.log.Error("webhook deliveries", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-w.wake:
		}
	}
}

// Job is the scheduler's "webhooks" job: every delivery of the scope due
// at now is attempted.
func (w *Worker) Job() schedule.Job {
	return schedule.Job{Name: "webhooks", Run: func(ctx context.Context, now time.Time, scope schedule.Scope) (int, error) {
		return w.DeliverAll(ctx, func() time.Time { return now }, scope)
	}}
}

// DeliverDue attempts one round of the deliveries of scope due at now
// (at most Batch), records it, and returns how many it attempted.
func (w *Worker) DeliverDue(ctx context.Context, now time.Time, scope schedule.Scope) (int, error) {
	sys := tenant.System(ctx)
	r, err := w.claimDue(sys, now, scope)
	if err != nil || r == nil {
		return 0, err
	}
	return len(r.ds), w.finish(sys, w.postAll(sys, r), false)
}

// DeliverAll attempts every delivery of scope due at now(), until none is
// left, and returns how many it attempted. It is a pipeline, so that the
// endpoints are never kept waiting on the database: one goroutine claims
// rounds of Batch ahead of need, Concurrency posters take deliveries one
// by one as they free up, and this goroutine records what came back a
// Batch at a time (or sooner when the posters go quiet). A delivery
// claimed but not yet recorded stays leased, so no round can take it
// twice.
func (w *Worker) DeliverAll(ctx context.Context, now func() time.Time, scope schedule.Scope) (int, error) {
	sys := tenant.System(ctx)
	type task struct {
		d *ent.WebhookDelivery
		r *round
	}
	todo := make(chan task, w.Batch)
	done := make(chan outcome, w.Batch)
	var claimErr error
	claimed := 0
	claimer := make(chan struct{})
	go func() {
		defer close(claimer)
		defer close(todo)
		for ctx.Err() == nil {
			r, err := w.claimDue(sys, now(), scope)
			if err != nil || r == nil {
				claimErr = err
				return
			}
			claimed += len(r.ds)
			for _, d := range r.ds {
				todo <- task{d, r}
			}
		}
	}()
	var posters sync.WaitGroup
	for range max(w.Concurrency, 1) {
		posters.Go(func() {
			for t := range todo {
				o := w.post(sys, t.d)
				o.r = t.r
				done <- o
			}
		})
	}
	go func() { posters.Wait(); close(done) }()

	var errs []error
	buf := make([]outcome, 0, w.Batch)
	flush := func() {
		if len(buf) > 0 {
			if err := w.finish(sys, buf, false); err != nil {
				errs = append(errs, err)
			}
			buf = buf[:0]
		}
	}
	quiet := time.NewTimer(time.Hour)
	defer quiet.Stop()
	for open := true; open; {
		select {
		case o, ok := <-done:
			if !ok {
				open = false
				break
			}
			buf = append(buf, o)
			if len(buf) >= w.Batch {
				flush()
			}
			quiet.Reset(recordAfter)
		case <-quiet.C:
			flush() // the posters are waiting on slow endpoints
		}
	}
	flush()
	<-claimer
	return claimed, errors.Join(append(errs, claimErr)...)
}

// recordAfter is how long DeliverAll holds outcomes, fewer than a Batch,
// before it records them anyway.
const recordAfter = 50 * time.Millisecond

// claimDue claims one round of the deliveries of scope due at now: nil
// when none is due or another worker won them all.
func (w *Worker) claimDue(sys context.Context, now time.Time, scope schedule.Scope) (*round, error) {
	realNow := w.real()
	due, err := w.client.WebhookDelivery.Query().
		Where(webhookdelivery.StatusEQ(webhookdelivery.StatusPENDING), webhookdelivery.NextAttemptAtLTE(now),
			webhookdelivery.Or(webhookdelivery.LeaseUntilIsNil(), webhookdelivery.LeaseUntilLT(realNow)),
			func(s *sql.Selector) { scope.Where(s, webhookdelivery.FieldMerchantID) }).
		Order(ent.Asc(webhookdelivery.FieldNextAttemptAt)).
		Limit(w.Batch*2).
		Select(webhookdelivery.FieldID, webhookdelivery.FieldEndpointID).
		All(sys)
	if err != nil {
		return nil, fmt.Errorf("find due webhook deliveries: %w", err)
	}
	if len(due) == 0 {
		return nil, nil
	}
	// Each endpoint gets a fair share of a round (at least PerEndpoint):
	// the rest wait for the next round, so one slow endpoint cannot fill
	// every slot while others wait. Alone, an endpoint gets the round.
	per := map[string]int{}
	for _, d := range due {
		per[d.EndpointID] = 0
	}
	share := max(w.PerEndpoint, w.Batch/len(per))
	ids := make([]string, 0, w.Batch)
	for _, d := range due {
		if len(ids) == w.Batch {
			break
		}
		if per[d.EndpointID] < share {
			per[d.EndpointID]++
			ids = append(ids, d.ID)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	r, err := w.claim(sys, ids, func(u *ent.WebhookDeliveryUpdate) {
		u.Where(webhookdelivery.StatusEQ(webhookdelivery.StatusPENDING))
	})
	if err != nil || len(r.ds) == 0 {
		return nil, err
	}
	return r, nil
}

// round is the deliveries one claim won, under one lease.
type round struct {
	token string
	until time.Time // the lease's end, on this worker's real clock
	ds    []*ent.WebhookDelivery
}

// held says whether the round's lease is certainly still this worker's:
// until half of the least lease is left, no other worker can have taken a
// delivery over, even with its clock that much ahead.
func (w *Worker) held(r *round) bool { return w.real().Before(r.until.Add(-w.Lease / 2)) }

// claim reserves deliveries ids for this worker with one compare-and-set:
// of two workers racing, each row goes to exactly one. It returns the rows
// won, with their event and endpoint, under a new lease.
func (w *Worker) claim(ctx context.Context, ids []string, where func(*ent.WebhookDeliveryUpdate)) (*round, error) {
	realNow := w.real()
	r := &round{token: w.owner + "-" + strconv.FormatUint(w.seq.Add(1), 10)}
	upd := w.client.WebhookDelivery.Update().
		Where(webhookdelivery.IDIn(ids...), webhookdelivery.Or(webhookdelivery.LeaseUntilIsNil(), webhookdelivery.LeaseUntilLT(realNow)))
	where(upd)
	// The lease outlives the slowest possible round: every post timing
	// out, Concurrency at a time, behind a Batch claimed before it.
	lease := max(w.Lease, w.Timeout*time.Duration((len(ids)+w.Batch+w.Concurrency-1)/max(w.Concurrency, 1))+time.Minute)
	r.until = realNow.Add(lease)
	n, err := upd.SetLeaseOwner(r.token).SetLeaseUntil(r.until).AddAttempts(1).Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("claim webhook deliveries: %w", err)
	}
	if n == 0 {
		return r, nil
	}
	r.ds, err = w.client.WebhookDelivery.Query().Where(webhookdelivery.IDIn(ids...), webhookdelivery.LeaseOwner(r.token)).
		WithEvent().WithEndpoint().All(ctx)
	if err != nil {
		return nil, fmt.Errorf("load claimed webhook deliveries: %w", err)
	}
	return r, nil
}

// outcome is one attempt's result.
type outcome struct {
	d        *ent.WebhookDelivery
	r        *round    // the claim it was attempted under
	at       time.Time // the merchant's time when it was sent
	code     *int
	duration time.Duration
	err      string // "" when the endpoint answered 2xx
	body     string
}

// postAll posts a round's deliveries, Concurrency at a time, and says
// what came back.
func (w *Worker) postAll(ctx context.Context, r *round) []outcome {
	outs := make([]outcome, len(r.ds))
	sem := make(chan struct{}, max(w.Concurrency, 1))
	var wg sync.WaitGroup
	for i, d := range r.ds {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			outs[i] = w.post(ctx, d)
			outs[i].r = r
		})
	}
	wg.Wait()
	return outs
}

// finish records attempts. When ctx ended (shutting down, not the
// endpoint's fault), a post the endpoint answered happened and is recorded
// like any other, or the next worker would post it again; the ones cut
// short go back at once without counting the attempt.
func (w *Worker) finish(ctx context.Context, outs []outcome, manual bool) error {
	bg := context.WithoutCancel(ctx)
	if ctx.Err() == nil {
		return w.record(bg, outs, manual)
	}
	var answered []outcome
	cut := map[string][]string{} // token -> deliveries
	for _, o := range outs {
		if o.code != nil {
			answered = append(answered, o)
		} else {
			cut[o.r.token] = append(cut[o.r.token], o.d.ID)
		}
	}
	var errs []error
	if len(answered) > 0 {
		errs = append(errs, w.record(bg, answered, manual))
	}
	for token, ids := range cut {
		errs = append(errs, w.client.WebhookDelivery.Update().Where(webhookdelivery.IDIn(ids...), webhookdelivery.LeaseOwner(token)).
			ClearLeaseOwner().ClearLeaseUntil().AddAttempts(-1).Exec(bg))
	}
	return errors.Join(append(errs, ctx.Err())...)
}

// post sends one delivery's event and says what came back.
func (w *Worker) post(ctx context.Context, d *ent.WebhookDelivery) outcome {
	ev, ep := d.Edges.Event, d.Edges.Endpoint
	out := outcome{d: d, at: w.clock.Now(d.MerchantID)}
	secrets := []string{ep.Secret}
	if ep.PreviousSecret != nil && ep.PreviousSecretExpiresAt != nil && out.at.Before(*ep.PreviousSecretExpiresAt) {
		secrets = append(secrets, *ep.PreviousSecret)
	}
	parent := ctx
	ctx, cancel := context.WithTimeout(ctx, w.Timeout)
	defer cancel()
	body := []byte(ev.Payload)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ep.URL, strings.NewReader(ev.Payload))
	if err != nil {
		out.err = "the endpoint URL cannot be requested: " + err.Error()
		return out
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", UserAgent)
	req.Header.Set(HeaderEventID, ev.ID)
	req.Header.Set(HeaderEventType, ev.Type)
	start := time.Now()
	// Receivers check the signature's time against their own clock: it is
	// real time, whatever a test clock says.
	req.Header.Set(HeaderSignature, wallet.SignAll(secrets, body, w.real()))
	resp, err := w.http.Do(req)
	if err != nil {
		out.duration = time.Since(start)
		out.err = describe(err, w.Timeout)
		return out
	}
	excerpt, rerr := io.ReadAll(io.LimitReader(resp.Body, ResponseExcerpt))
	if rerr == nil {
		// Read a little more so the connection can be reused; a receiver
		// that sends more is not waited for.
		_, rerr = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	}
	_ = resp.Body.Close()
	out.duration = time.Since(start)
	code := resp.StatusCode
	out.code = &code
	out.body = text(excerpt)
	switch {
	case code < 200 || code > 299:
		out.err = fmt.Sprintf("the endpoint answered HTTP %d %s; only 2xx counts as delivered", code, http.StatusText(code))
	case rerr != nil && ctx.Err() != nil && parent.Err() == nil:
		// The answer's body outlasted the timeout; a shutdown cutting it
		// short does not undo a 2xx the endpoint already sent.
		out.err = describe(rerr, w.Timeout)
	}
	return out
}

// describe puts a failed request in words a merchant can act on.
func describe(err error, timeout time.Duration) string {
	if re, ok := errors.AsType[*outbound.RefusedError](err); ok {
		return "refused by Tally's network policy: " + re.Error()
	}
	if errors.Is(err, outbound.ErrRedirect) {
		return "the endpoint answered with a redirect, which Tally does not follow; use the final URL"
	}
	if errors.Is(err, context.DeadlineExceeded) || os.IsTimeout(err) {
		return fmt.Sprintf("no answer within %s (timed out)", timeout)
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return "the host name could not be resolved: " + dns.Error()
	}
	var op *net.OpError
	if errors.As(err, &op) {
		return "could not connect: " + op.Error()
	}
	return "the request failed: " + err.Error()
}

// text is an endpoint's answer as storable text.
func text(b []byte) string {
	s := strings.ToValidUTF8(string(b), "\uFFFD")
	for len(s) > ResponseExcerpt || (len(s) > 0 && !utf8.ValidString(s)) {
		s = s[:len(s)-1]
	}
	return validate.Clean(s)
}

// record stores the attempts and their consequences in one transaction,
// for the deliveries this worker still holds under their round's lease
// (one whose lease expired and was taken over is the other worker's to
// record).
func (w *Worker) record(ctx context.Context, outs []outcome, manual bool) error {
	return database.InTx(ctx, w.client, func(ctx context.Context, tx *ent.Client) error {
		own := make(map[string]bool, len(outs))
		unsure := map[string][]string{} // token -> deliveries whose lease may have been lost
		for _, o := range outs {
			if w.held(o.r) {
				own[o.d.ID] = true
			} else {
				unsure[o.r.token] = append(unsure[o.r.token], o.d.ID)
			}
		}
		for token, ids := range unsure {
			held, err := tx.WebhookDelivery.Query().Where(webhookdelivery.IDIn(ids...), webhookdelivery.LeaseOwner(token)).IDs(ctx)
			if err != nil {
				return fmt.Errorf("webhook leases: %w", err)
			}
			for _, id := range held {
				own[id] = true
			}
		}
		attempts := make([]*ent.WebhookAttemptCreate, 0, len(outs))
		type group struct {
			merchant, token string
			code            int
		}
		succeeded := map[group][]string{}
		healthy := map[string]bool{}
		var failed []outcome
		for _, o := range outs {
			if !own[o.d.ID] {
				continue
			}
			a := tx.WebhookAttempt.Create().SetMerchantID(o.d.MerchantID).SetDeliveryID(o.d.ID).SetAt(o.at).
				SetNillableStatusCode(o.code).SetDurationMs(int(o.duration.Milliseconds())).
				SetError(o.err).SetResponseBody(o.body).SetManual(manual)
			attempts = append(attempts, a)
			if o.err == "" {
				g := group{o.d.MerchantID, o.r.token, *o.code}
				succeeded[g] = append(succeeded[g], o.d.ID)
				healthy[o.d.EndpointID] = true
			} else {
				failed = append(failed, o)
			}
		}
		if len(attempts) == 0 {
			return nil
		}
		if err := tx.WebhookAttempt.CreateBulk(attempts...).Exec(ctx); err != nil {
			return fmt.Errorf("record webhook attempts: %w", err)
		}
		for g, ids := range succeeded {
			err := tx.WebhookDelivery.Update().Where(webhookdelivery.IDIn(ids...), webhookdelivery.LeaseOwner(g.token)).
				SetStatus(webhookdelivery.StatusSUCCEEDED).SetLastStatusCode(g.code).ClearLastError().
				SetDeliveredAt(w.clock.Now(g.merchant)).ClearNextAttemptAt().ClearLeaseOwner().ClearLeaseUntil().Exec(ctx)
			if err != nil {
				return fmt.Errorf("record webhook successes: %w", err)
			}
		}
		if len(healthy) > 0 {
			eps := make([]string, 0, len(healthy))
			for id := range healthy {
				eps = append(eps, id)
			}
			err := tx.WebhookEndpoint.Update().Where(webhookendpoint.IDIn(eps...), webhookendpoint.FailingSinceNotNil()).
				ClearFailingSince().Exec(ctx)
			if err != nil {
				return fmt.Errorf("clear endpoint failures: %w", err)
			}
		}
		if manual {
			// A resend changes no schedule and no endpoint's health when it
			// fails: it only reports.
			for _, o := range failed {
				if err := tx.WebhookDelivery.Update().Where(webhookdelivery.ID(o.d.ID), webhookdelivery.LeaseOwner(o.r.token)).
					SetNillableLastStatusCode(o.code).SetLastError(o.err).ClearLeaseOwner().ClearLeaseUntil().Exec(ctx); err != nil {
					return fmt.Errorf("record webhook failure: %w", err)
				}
			}
			return nil
		}
		return w.failures(ctx, tx, failed)
	})
}

// failures schedules the retries of failed deliveries, gives up those that
// have been failing for RetryFor, and disables endpoints that have failed
// without a success for DisableAfter.
func (w *Worker) failures(ctx context.Context, tx *ent.Client, failed []outcome) error {
	if len(failed) == 0 {
		return nil
	}
	ids := make([]string, len(failed))
	for i, o := range failed {
		ids[i] = o.d.ID
	}
	// When each delivery was first attempted (this attempt included):
	// retries are counted in the merchant's time from there.
	past, err := tx.WebhookAttempt.Query().Where(webhookattempt.DeliveryIDIn(ids...), webhookattempt.Manual(false)).
		Select(webhookattempt.FieldDeliveryID, webhookattempt.FieldAt).All(ctx)
	if err != nil {
		return fmt.Errorf("webhook attempt history: %w", err)
	}
	first := map[string]time.Time{}
	for _, a := range past {
		if f, ok := first[a.DeliveryID]; !ok || a.At.Before(f) {
			first[a.DeliveryID] = a.At
		}
	}
	failing := map[string]time.Time{} // endpoint -> latest failure
	for _, o := range failed {
		upd := tx.WebhookDelivery.Update().Where(webhookdelivery.ID(o.d.ID), webhookdelivery.LeaseOwner(o.r.token)).
			SetNillableLastStatusCode(o.code).SetLastError(o.err).ClearLeaseOwner().ClearLeaseUntil()
		if o.code == nil {
			upd.ClearLastStatusCode()
		}
		if f, ok := first[o.d.ID]; ok && !o.at.Before(f.Add(w.RetryFor)) {
			upd.SetStatus(webhookdelivery.StatusFAILED).ClearNextAttemptAt().
				SetLastError(fmt.Sprintf("%s; given up after %d attempts over %s", o.err, o.d.Attempts, w.RetryFor))
		} else {
			upd.SetNextAttemptAt(o.at.Add(w.Backoff(o.d.Attempts)))
		}
		if err := upd.Exec(ctx); err != nil {
			return fmt.Errorf("record webhook failure: %w", err)
		}
		if t, ok := failing[o.d.EndpointID]; !ok || o.at.After(t) {
			failing[o.d.EndpointID] = o.at
		}
	}
	for id, at := range failing {
		err := tx.WebhookEndpoint.Update().Where(webhookendpoint.ID(id), webhookendpoint.FailingSinceIsNil()).
			SetFailingSince(at).Exec(ctx)
		if err != nil {
			return fmt.Errorf("mark endpoint failing: %w", err)
		}
		// Conditional, so of racing workers one disables it and one email
		// goes out.
		reason := fmt.Sprintf("Every delivery failed for %s; the last one: %s. Fix the endpoint, then enable it again.", days(w.DisableAfter), failedWith(failed, id))
		n, err := tx.WebhookEndpoint.Update().Where(webhookendpoint.ID(id), webhookendpoint.StatusEQ(webhookendpoint.StatusENABLED),
			webhookendpoint.FailingSinceLTE(at.Add(-w.DisableAfter))).
			SetStatus(webhookendpoint.StatusDISABLED).SetDisabledReason(validate.Flatten(reason)).Save(ctx)
		if err != nil {
			return fmt.Errorf("disable endpoint: %w", err)
		}
		if n == 0 {
			continue
		}
		if err := failPending(ctx, tx, id, "The endpoint was disabled after failing for "+days(w.DisableAfter)+"."); err != nil {
			return err
		}
		ep, err := tx.WebhookEndpoint.Get(ctx, id)
		if err != nil {
			return fmt.Errorf("load disabled endpoint: %w", err)
		}
		w.log.Warn("webhook endpoint disabled", "endpoint", id, "merchant", ep.MerchantID, "url", ep.URL)
		if w.notify != nil {
			if err := w.notify.EndpointDisabled(ctx, tx, ep, *ep.DisabledReason); err != nil {
				return fmt.Errorf("tell the merchant: %w", err)
			}
		}
	}
	return nil
}

func failedWith(failed []outcome, endpoint string) string {
	for i := len(failed) - 1; i >= 0; i-- {
		if failed[i].d.EndpointID == endpoint {
			return failed[i].err
		}
	}
	return ""
}

func days(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		n := int(d / (24 * time.Hour))
		if n == 1 {
			return "1 day"
		}
		return strconv.Itoa(n) + " days"
	}
	return d.String()
}

// Resend attempts the viewer's delivery id at once, whatever its status,
// and returns it as it is after the attempt. A success marks it
// SUCCEEDED; a failure is recorded but changes neither its retry schedule
// nor its status.
func (w *Worker) Resend(ctx context.Context, id string) (*ent.WebhookDelivery, error) {
	d, err := w.client.WebhookDelivery.Query().Where(webhookdelivery.ID(id)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load webhook delivery: %w", err)
	}
	sys := tenant.System(ctx)
	r, err := w.claim(sys, []string{d.ID}, func(*ent.WebhookDeliveryUpdate) {})
	if err != nil {
		return nil, err
	}
	if len(r.ds) == 0 {
		return nil, fault.New(fault.CodeConflict, "this delivery is being attempted right now; look at its attempts in a few seconds")
	}
	if err := w.finish(sys, w.postAll(sys, r), true); err != nil {
		return nil, err
	}
	return w.client.WebhookDelivery.Get(ctx, d.ID)
}
