package bench

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tally-invoicing/tally/internal/auth"
	"github.com/tally-invoicing/tally/internal/clock"
	"github.com/tally-invoicing/tally/internal/database"
	"github.com/tally-invoicing/tally/internal/database/dbtest"
	"github.com/tally-invoicing/tally/internal/outbound"
	"github.com/tally-invoicing/tally/internal/schedule"
	"github.com/tally-invoicing/tally/internal/tenant"
	"github.com/tally-invoicing/tally/internal/webhook"
)

var (
	webhookEvents = flag.Int("webhook-events", 2000, "events delivered by the webhook worker, and posts sent directly, per database")
	webhookBatch  = flag.Int("webhook-batch", 0, "deliveries the worker claims per round; 0: webhook.NewWorker's default")
	webhookGoal   = flag.Float64("webhook-goal", 0.5, "worker/direct deliveries/s ratio to aim for; shown in the report, never enforced")
)

// TestWebhookThroughput measures the webhook worker: N events, emitted
// beforehand, delivered to a local receiver (claim, sign, POST, record the
// attempt), against the same N POSTs of the same bodies sent directly by a
// loop with the same concurrency (webhook.Worker's Concurrency) through
// the same outbound client, in the same run. SQLite and PostgreSQL.
func TestWebhookThroughput(t *testing.T) {
	if os.Getenv("TALLY_BENCH") != "1" {
		t.Skip("set TALLY_BENCH=1 to run the benchmarks")
	}
	for _, b := range []struct{ name, url string }{{"SQLite", dbtest.SQLite(t)}, {"PostgreSQL", freshSchema(t)}} {
		t.Run(b.name, func(t *testing.T) { webhookThroughput(t, b.name, b.url, *webhookEvents) })
	}
}

func webhookThroughput(t *testing.T, dbName, url string, n int) {
	ctx := context.Background()
	db, err := database.Open(ctx, url, t.TempDir(), database.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = db.Close() }()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	authSvc := auth.NewService(db.Client, auth.Options{Mailer: auth.NoResetMail, OnRevoke: func(context.Context, string, string) {}})
	ses, err := authSvc.SignUp(ctx, auth.SignUpInput{MerchantName: "Bench Hooks", Email: "owner@hooks.bench.example", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	vctx := tenant.WithViewer(ctx, ses.Viewer)

	var received atomic.Int64
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		received.Add(1)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer rcv.Close()

	policy := outbound.Policy{AllowPrivate: true}
	clk := clock.New(db.Client, false)
	if _, _, err := webhook.NewEndpoints(db.Client, db.Dialect, policy, false, clk).Create(vctx, webhook.EndpointInput{URL: rcv.URL + "/hooks", Events: []string{"*"}}); err != nil {
		t.Fatal(err)
	}
	sys := tenant.System(ctx)
	evs := make([]webhook.Event, 0, 500)
	for i := range n {
		evs = append(evs, webhook.Event{MerchantID: ses.Viewer.MerchantID, Type: webhook.InvoicePaid, ObjectID: fmt.Sprintf("inv_%d", i),
			Data: map[string]any{"id": fmt.Sprintf("inv_%d", i), "status": "PAID", "total": "1506.00", "amountDue": "0.00", "currency": "USD"}})
		if len(evs) == cap(evs) || i == n-1 {
			if err := webhook.Emit(sys, db.Client, evs...); err != nil {
				t.Fatal(err)
			}
			evs = evs[:0]
		}
	}
	payloads, err := db.Client.WebhookEvent.Query().Select("payload").Strings(sys)
	if err != nil || len(payloads) != n {
		t.Fatalf("%d payloads stored (%v), want %d", len(payloads), err, n)
	}

	hc := outbound.New(policy)
	w := webhook.NewWorker(db.Client, hc, clk, nil)
	if *webhookBatch > 0 {
		w.Batch = *webhookBatch
	}
	conc := w.Concurrency

	// Worker: DeliverAll, the way Run and the scheduler drive it.
	received.Store(0)
	start := time.Now()
	got, err := w.DeliverAll(ctx, func() time.Time { return time.Now().UTC() }, schedule.Scope{})
	if err != nil || got != n {
		t.Fatalf("worker attempted %d of %d: %v", got, n, err)
	}
	workerDur := time.Since(start)
	if received.Load() != int64(n) {
		t.Fatalf("worker delivered %d of %d", received.Load(), n)
	}

	// Direct: the same bodies, POSTed by conc goroutines.
	received.Store(0)
	var next atomic.Int64
	var wg sync.WaitGroup
	start = time.Now()
	for range conc {
		wg.Go(func() {
			for {
				i := next.Add(1) - 1
				if i >= int64(n) {
					return
				}
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, rcv.URL+"/hooks", strings.NewReader(payloads[i]))
				req.Header.Set("Content-Type", "application/json")
				resp, err := hc.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				_ = resp.Body.Close()
			}
		})
	}
	wg.Wait()
	directDur := time.Since(start)
	if received.Load() != int64(n) {
		t.Fatalf("direct loop posted %d of %d", received.Load(), n)
	}
	workerRate := float64(n) / workerDur.Seconds()
	directRate := float64(n) / directDur.Seconds()
	ratio := workerRate / directRate
	verdict := "meets"
	if ratio < *webhookGoal {
		verdict = "below"
	}
	t.Logf("%s: %d webhook deliveries, concurrency %d: worker %.0f/s (%s), direct %.0f/s (%s), ratio %.2f (%s the goal %.2f)",
		dbName, n, conc, workerRate, workerDur.Round(time.Millisecond), directRate, directDur.Round(time.Millisecond), ratio, verdict, *webhookGoal)
}
