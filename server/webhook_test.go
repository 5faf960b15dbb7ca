package main

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tally-invoicing/tally/ent"
	entemail "github.com/tally-invoicing/tally/ent/email"
	"github.com/tally-invoicing/tally/ent/webhookdelivery"
	"github.com/tally-invoicing/tally/ent/webhookevent"
	"github.com/tally-invoicing/tally/internal/database"
	"github.com/tally-invoicing/tally/internal/database/dbtest"
	"github.com/tally-invoicing/tally/internal/schedule"
	"github.com/tally-invoicing/tally/internal/tenant"
	"github.com/tally-invoicing/tally/internal/webhook"
)

// hookRequest is one POST a test receiver got.
type hookRequest struct {
	header http.Header
	body   []byte
}

// hookReceiver is a partner app's endpoint: answer decides each reply
// (n counts from 1).
type hookReceiver struct {
	srv      *httptest.Server
	mu       sync.Mutex
	requests []hookRequest
}

func newHookReceiver(t *testing.T, answer func(n int, w http.ResponseWriter, r *http.Request)) *hookReceiver {
	t.Helper()
	h := &hookReceiver{}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		h.requests = append(h.requests, hookRequest{header: r.Header.Clone(), body: body})
		n := len(h.requests)
		h.mu.Unlock()
		answer(n, w, r)
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hookReceiver) got() []hookRequest {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.requests)
}

func answerOK(_ int, w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(`{"ok":true}`)) }

// verifyTallySignature is an implementation of Tally-Signature written
// from the partner guide, independent of the server's: it returns the
// secrets (by index) that signed body.
func verifyTallySignature(t *testing.T, header string, body []byte, secrets ...string) []int {
	t.Helper()
	var ts string
	var sigs []string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(part, "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sigs = append(sigs, v)
		}
	}
	unix, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		t.Fatalf("Tally-Signature %q: no t=<unix seconds>", header)
	}
	if d := time.Since(time.Unix(unix, 0)); d > 5*time.Minute || d < -5*time.Minute {
		t.Errorf("Tally-Signature t=%s is %s from now; receivers reject more than 5 minutes", ts, d)
	}
	var matched []int
	for i, s := range secrets {
		m := hmac.New(sha256.New, []byte(s))
		m.Write([]byte(ts + "." + string(body)))
		want := hex.EncodeToString(m.Sum(nil))
		for _, sig := range sigs {
			if hmac.Equal([]byte(sig), []byte(want)) {
				matched = append(matched, i)
			}
		}
	}
	if len(sigs) != len(matched) {
		t.Errorf("Tally-Signature %q: %d v1 entries, %d verified", header, len(sigs), len(matched))
	}
	return matched
}

const createHook = `mutation($in: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $in) { secret endpoint { id url events status } } }`

// createHook adds an endpoint for url wanting events and returns its id and secret.
func (c *client) createHook(url string, events ...string) (string, string) {
	c.t.Helper()
	var out struct {
		CreateWebhookEndpoint struct {
			Secret   string
			Endpoint struct{ ID string }
		}
	}
	c.do(createHook, map[string]any{"in": map[string]any{"url": url, "events": events, "description": "test receiver"}}, &out)
	return out.CreateWebhookEndpoint.Endpoint.ID, out.CreateWebhookEndpoint.Secret
}

type hookDelivery struct {
	ID             string
	Status         string
	Attempts       int
	LastStatusCode *int
	LastError      *string
	Event          struct{ ID, Type, Payload string }
	AttemptsMade   []struct {
		At         time.Time
		StatusCode *int
		DurationMs int
		Error      string
		Manual     bool
	}
}

// hookDeliveries lists the merchant's deliveries to endpoint id, newest first.
func (c *client) hookDeliveries(id string) []hookDelivery {
	c.t.Helper()
	var out struct {
		WebhookEndpoints struct {
			Edges []struct {
				Node struct {
					ID         string
					Deliveries struct {
						Edges []struct{ Node hookDelivery }
					}
				}
			}
		}
	}
	c.do(`{ webhookEndpoints(first: 3) { edges { node { id deliveries(first: 5, orderBy: {field: CREATED_AT, direction: DESC}) { edges { node {
		id status attempts lastStatusCode lastError event { id type payload }
		attemptsMade { at statusCode durationMs error manual } } } } } } } }`, nil, &out)
	for _, e := range out.WebhookEndpoints.Edges {
		if e.Node.ID == id {
			var ds []hookDelivery
			for _, d := range e.Node.Deliveries.Edges {
				sort.Slice(d.Node.AttemptsMade, func(i, j int) bool { return d.Node.AttemptsMade[i].At.Before(d.Node.AttemptsMade[j].At) })
				ds = append(ds, d.Node)
			}
			return ds
		}
	}
	c.t.Fatalf("endpoint %s not listed", id)
	return nil
}

// deliverNow runs one pass of first attempts, as the fast loop would.
func (ta *testApp) deliverNow(t *testing.T) int {
	t.Helper()
	n, err := ta.webhooks.DeliverDue(context.Background(), time.Now().UTC(), schedule.Scope{})
	if err != nil {
		t.Fatalf("deliver webhooks: %v", err)
	}
	return n
}

// advanceHooks moves the merchant's test clock, running what became due.
func (ta *testApp) advanceHooks(t *testing.T, c *client, d time.Duration) {
	t.Helper()
	if _, _, err := ta.scheduler.Advance(context.Background(), c.merchantID(), d); err != nil {
		t.Fatalf("advance the test clock: %v", err)
	}
}

// A receiver that fails twice then succeeds gets one event three times,
// signed each time; the three attempts are recorded and the delivery
// SUCCEEDED. Retries follow the merchant's clock; an event type the
// endpoint does not want is never posted.
func TestWebhookRetriedUntilDelivered(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Hook Shop")
		rcv := newHookReceiver(t, func(n int, w http.ResponseWriter, _ *http.Request) {
			if n <= 2 {
				http.Error(w, "database is down", http.StatusServiceUnavailable)
				return
			}
			w.WriteHeader(http.StatusNoContent)
		})
		id, secret := c.createHook(rcv.srv.URL+"/tally?x=1", webhook.InvoiceIssued)
		if !strings.HasPrefix(secret, "whsec_") || len(secret) < len("whsec_")+32 {
			t.Fatalf("secret %q: want whsec_ and at least 192 random bits", secret)
		}
		inv := c.draft(c.createCustomer("Ada", "ada@example.com"))
		c.issue(inv)
		c.do(`mutation($id: ID!) { voidInvoice(id: $id) { id } }`, map[string]any{"id": inv}, nil)

		if n := ta.deliverNow(t); n != 1 {
			t.Fatalf("first pass attempted %d deliveries, want 1 (invoice.issued only)", n)
		}
		ds := c.hookDeliveries(id)
		if len(ds) != 1 || ds[0].Status != "PENDING" || ds[0].Attempts != 1 || ds[0].LastStatusCode == nil || *ds[0].LastStatusCode != 503 {
			t.Fatalf("after a 503: %+v, want one PENDING delivery, 1 attempt, last status 503", ds)
		}
		// Not due yet on real time: a second pass does nothing.
		if n := ta.deliverNow(t); n != 0 {
			t.Fatalf("a retry went out %d times before its backoff", n)
		}
		ta.advanceHooks(t, c, time.Hour)
		ta.advanceHooks(t, c, time.Hour)
		ta.advanceHooks(t, c, time.Hour) // nothing left to do

		ds = c.hookDeliveries(id)
		if len(ds) != 1 {
			t.Fatalf("%d deliveries, want 1", len(ds))
		}
		d := ds[0]
		if d.Status != "SUCCEEDED" || d.Attempts != 3 || len(d.AttemptsMade) != 3 || *d.LastStatusCode != 204 || d.LastError != nil {
			t.Fatalf("delivery %+v: want SUCCEEDED after 3 attempts, last 204", d)
		}
		for i, want := range []int{503, 503, 204} {
			a := d.AttemptsMade[i]
			if a.StatusCode == nil || *a.StatusCode != want || a.Manual || (want == 204) != (a.Error == "") {
				t.Errorf("attempt %d: %+v, want status %d", i+1, a, want)
			}
		}
		if got := d.AttemptsMade[1].At.Sub(d.AttemptsMade[0].At); got < 50*time.Minute {
			t.Errorf("second attempt %s after the first, want it on the test clock (an hour later)", got)
		}
		reqs := rcv.got()
		if len(reqs) != 3 {
			t.Fatalf("receiver got %d requests, want 3", len(reqs))
		}
		var env struct {
			ID, Type  string
			CreatedAt time.Time
			Data      struct {
				ID, Status, Total string
				Number            *string
			}
		}
		if err := json.Unmarshal(reqs[0].body, &env); err != nil {
			t.Fatalf("payload %s: %v", reqs[0].body, err)
		}
		if env.Type != "invoice.issued" || env.Data.ID != inv || env.Data.Status != "OPEN" || env.Data.Total != "100.00" || env.Data.Number == nil || env.ID != d.Event.ID || env.CreatedAt.IsZero() {
			t.Errorf("payload %s: want {id, type: invoice.issued, createdAt, data: the Invoice}", reqs[0].body)
		}
		for i, r := range reqs {
			if string(r.body) != string(reqs[0].body) || string(r.body) != d.Event.Payload {
				t.Errorf("request %d body differs from the stored payload", i+1)
			}
			if r.header.Get("Content-Type") != "application/json" || r.header.Get("User-Agent") != "Tally-Webhooks/1" ||
				r.header.Get("Tally-Event-ID") != env.ID || r.header.Get("Tally-Event-Type") != "invoice.issued" {
				t.Errorf("request %d headers %v", i+1, r.header)
			}
			if m := verifyTallySignature(t, r.header.Get("Tally-Signature"), r.body, secret); len(m) != 1 {
				t.Errorf("request %d: signature %q does not verify with the endpoint's secret", i+1, r.header.Get("Tally-Signature"))
			}
		}
		sys := tenant.System(context.Background())
		if n := ta.db.Client.WebhookEvent.Query().CountX(sys); n != 1 {
			t.Errorf("%d events stored, want 1 (invoice.voided is not wanted by any endpoint)", n)
		}
	})
}

// A receiver slower than the timeout: the attempt records a timeout, no
// status code, and is retried.
func TestWebhookSlowReceiverTimesOut(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		ta.webhooks.Timeout = 300 * time.Millisecond
		c := ta.signUp(t, "Slow Shop")
		release := make(chan struct{})
		t.Cleanup(func() { close(release) })
		rcv := newHookReceiver(t, func(n int, w http.ResponseWriter, r *http.Request) {
			if n == 1 {
				select {
				case <-release:
				case <-r.Context().Done():
				case <-time.After(5 * time.Second):
				}
				return
			}
			w.WriteHeader(http.StatusOK)
		})
		id, _ := c.createHook(rcv.srv.URL, "*")
		c.issue(c.draft(c.createCustomer("Bob", "bob@example.com")))
		start := time.Now()
		ta.deliverNow(t)
		if el := time.Since(start); el > 3*time.Second {
			t.Errorf("the timed-out attempt took %s, want about 300ms", el)
		}
		d := c.hookDeliveries(id)[0]
		if d.Status != "PENDING" || d.LastStatusCode != nil || d.LastError == nil || !strings.Contains(*d.LastError, "timed out") {
			t.Fatalf("after a timeout: %+v, want PENDING, no status code, an error saying it timed out", d)
		}
		if a := d.AttemptsMade[0]; a.StatusCode != nil || a.DurationMs < 250 || !strings.Contains(a.Error, "timed out") {
			t.Errorf("attempt %+v: want no status, ~300ms, a timeout in words", a)
		}
		ta.advanceHooks(t, c, time.Hour)
		d = c.hookDeliveries(id)[0]
		if d.Status != "SUCCEEDED" || d.Attempts != 2 {
			t.Fatalf("after the retry: %+v, want SUCCEEDED in 2 attempts", d)
		}
	})
}

// Rotation: for 24 hours events carry a v1 by the new secret and one by
// the old; after that only the new one.
func TestWebhookSecretRotation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Rotating Shop")
		rcv := newHookReceiver(t, answerOK)
		id, old := c.createHook(rcv.srv.URL, webhook.InvoiceIssued)
		var rot struct {
			RotateWebhookSecret struct {
				Secret   string
				Endpoint struct{ PreviousSecretExpiresAt *time.Time }
			}
		}
		c.do(`mutation($id: ID!) { rotateWebhookSecret(id: $id) { secret endpoint { previousSecretExpiresAt } } }`, map[string]any{"id": id}, &rot)
		fresh := rot.RotateWebhookSecret.Secret
		if fresh == old || !strings.HasPrefix(fresh, "whsec_") || rot.RotateWebhookSecret.Endpoint.PreviousSecretExpiresAt == nil {
			t.Fatalf("rotation: %+v", rot)
		}
		if e := c.fail(`{ webhookEndpoints(first: 5) { edges { node { secret } } } }`, nil); !strings.Contains(e.Message, "secret") {
			t.Errorf("an endpoint's secret can be queried: %+v", e)
		}
		cust := c.createCustomer("Cy", "cy@example.com")
		c.issue(c.draft(cust))
		ta.deliverNow(t)
		r := rcv.got()[0]
		if m := verifyTallySignature(t, r.header.Get("Tally-Signature"), r.body, fresh, old); !slices.Equal(m, []int{0, 1}) {
			t.Fatalf("during the overlap the signatures verify with secrets %v, want both new and old", m)
		}
		ta.advanceHooks(t, c, 25*time.Hour)
		c.issue(c.draft(cust))
		ta.deliverNow(t)
		r = rcv.got()[1]
		if m := verifyTallySignature(t, r.header.Get("Tally-Signature"), r.body, fresh, old); !slices.Equal(m, []int{0}) {
			t.Fatalf("after 24 hours the signatures verify with secrets %v, want only the new one", m)
		}
	})
}

// An endpoint that fails for 3 days is disabled, its deliveries fail, and
// the merchant's owner gets one WEBHOOK_DISABLED email.
func TestWebhookEndpointDisabledAfterThreeDays(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Broken Hook Shop")
		rcv := newHookReceiver(t, func(_ int, w http.ResponseWriter, _ *http.Request) {
			http.Error(w, "nope", http.StatusInternalServerError)
		})
		id, _ := c.createHook(rcv.srv.URL, "*")
		cust := c.createCustomer("Di", "di@example.com")
		c.issue(c.draft(cust))
		ta.deliverNow(t)
		ta.advanceHooks(t, c, 71*time.Hour)
		var ep struct {
			WebhookEndpoints struct {
				Edges []struct {
					Node struct {
						Status         string
						DisabledReason *string
						FailingSince   *time.Time
					}
				}
			}
		}
		const q = `{ webhookEndpoints(first: 5) { edges { node { status disabledReason failingSince } } } }`
		c.do(q, nil, &ep)
		if n := ep.WebhookEndpoints.Edges[0].Node; n.Status != "ENABLED" || n.FailingSince == nil {
			t.Fatalf("after 71 hours of failures: %+v, want still ENABLED and failing", n)
		}
		ta.advanceHooks(t, c, 2*time.Hour)
		c.do(q, nil, &ep)
		n := ep.WebhookEndpoints.Edges[0].Node
		if n.Status != "DISABLED" || n.DisabledReason == nil || !strings.Contains(*n.DisabledReason, "3 days") {
			t.Fatalf("after 3 days of failures: %+v, want DISABLED with a reason", n)
		}
		ds := c.hookDeliveries(id)
		if ds[0].Status != "FAILED" {
			t.Errorf("the pending delivery is %s, want FAILED", ds[0].Status)
		}
		posted := len(rcv.got())
		c.issue(c.draft(cust)) // nothing is queued for a disabled endpoint
		ta.advanceHooks(t, c, 24*time.Hour)
		ta.deliverNow(t)
		if got := len(rcv.got()); got != posted {
			t.Errorf("a disabled endpoint got %d more requests", got-posted)
		}
		sys := tenant.System(context.Background())
		mails := ta.db.Client.Email.Query().Where(entemail.KindEQ(entemail.KindWEBHOOK_DISABLED)).AllX(sys)
		if len(mails) != 1 || !strings.HasPrefix(mails[0].To, "owner") || !strings.Contains(mails[0].Text, rcv.srv.URL) {
			t.Fatalf("WEBHOOK_DISABLED emails: %d (%+v), want one to the owner naming the URL", len(mails), mails)
		}
		// Enabling it again starts afresh.
		c.do(`mutation($id: ID!) { updateWebhookEndpoint(id: $id, input: {enabled: true}) { status } }`, map[string]any{"id": id}, nil)
		c.do(q, nil, &ep)
		if n := ep.WebhookEndpoints.Edges[0].Node; n.Status != "ENABLED" || n.DisabledReason != nil || n.FailingSince != nil {
			t.Errorf("enabled again: %+v", n)
		}
	})
}

// Production refuses endpoints inside Tally's network when created, and
// the connect-time check refuses an endpoint whose name resolves there.
func TestWebhookNetworkPolicyInProduction(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startProduction(t, b)
		c := ta.signUp(t, "Careful Hooks")
		port, accepted := insideListener(t)
		ta.webhookEndpoints.Lookup = func(_ context.Context, host string) ([]netip.Addr, error) {
			switch host {
			case "inside.example.com":
				return []netip.Addr{netip.MustParseAddr("10.1.2.3")}, nil
			case "hooks.example.com":
				return []netip.Addr{netip.MustParseAddr("93.184.215.14")}, nil
			}
			return nil, errors.New("no such host")
		}
		for _, u := range []string{
			"http://hooks.example.com/tally", // https only
			"https://127.0.0.1:" + port + "/hook",
			"https://localhost:" + port,
			"https://[::1]/",
			"https://169.254.169.254/latest",
			"https://inside.example.com/hook",
			"https://nowhere.example.com/hook",
		} {
			c.expectCode("VALIDATION", "url", createHook, map[string]any{"in": map[string]any{"url": u, "events": []string{"*"}}})
		}
		e := c.expectCode("VALIDATION", "url", createHook, map[string]any{"in": map[string]any{"url": "https://inside.example.com/", "events": []string{"*"}}})
		if !strings.Contains(e.Message, "10.1.2.3") || !strings.Contains(e.Message, "private") {
			t.Errorf("message %q does not say where the name points", e.Message)
		}
		c.createHook("https://hooks.example.com/tally", "*")

		// The name was public when checked and points at loopback now.
		sys := tenant.System(context.Background())
		mid := c.merchantID()
		ep := ta.db.Client.WebhookEndpoint.Create().SetMerchantID(mid).SetURL("https://localhost:" + port + "/hook").
			SetEvents([]string{"*"}).SetSecret("whsec_test").SaveX(sys)
		err := webhook.Emit(sys, ta.db.Client, webhook.Event{MerchantID: mid, Type: webhook.InvoicePaid, ObjectID: "inv_x", Data: map[string]string{"id": "inv_x"}})
		if err != nil {
			t.Fatal(err)
		}
		ta.webhooks.Timeout = 2 * time.Second // hooks.example.com is not reachable from here
		ta.deliverNow(t)
		d := ta.db.Client.WebhookDelivery.Query().Where(webhookdelivery.EndpointID(ep.ID)).OnlyX(sys)
		if d.LastError == nil || !strings.Contains(*d.LastError, "localhost resolves to 127.0.0.1, a loopback address") || d.LastStatusCode != nil {
			t.Fatalf("delivery to a name resolving to loopback: %+v, want a clear refusal", d)
		}
		if accepted.Load() != 0 {
			t.Errorf("the listener inside accepted %d connections", accepted.Load())
		}
	})
}

// Another merchant can neither see nor touch an endpoint or a delivery.
func TestWebhookTenancy(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		a := ta.signUp(t, "Owner Shop")
		other := ta.signUp(t, "Nosy Shop")
		rcv := newHookReceiver(t, answerOK)
		id, _ := a.createHook(rcv.srv.URL, webhook.InvoiceIssued)
		a.issue(a.draft(a.createCustomer("Eve", "eve@example.com")))
		ta.deliverNow(t)
		did := a.hookDeliveries(id)[0].ID

		var list struct {
			WebhookEndpoints struct{ Edges []any }
		}
		other.do(`{ webhookEndpoints(first: 5) { edges { node { id } } } }`, nil, &list)
		if len(list.WebhookEndpoints.Edges) != 0 {
			t.Fatalf("another merchant lists %d endpoints", len(list.WebhookEndpoints.Edges))
		}
		vars := map[string]any{"id": id}
		other.expectCode("NOT_FOUND", "", `mutation($id: ID!) { updateWebhookEndpoint(id: $id, input: {description: "mine"}) { id } }`, vars)
		other.expectCode("NOT_FOUND", "", `mutation($id: ID!) { rotateWebhookSecret(id: $id) { secret } }`, vars)
		other.expectCode("NOT_FOUND", "", `mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }`, vars)
		other.expectCode("NOT_FOUND", "", `mutation($id: ID!) { resendWebhookDelivery(id: $id) { id } }`, map[string]any{"id": did})
		other.expectCode("NOT_FOUND", "", `query($id: ID!) { node(id: $id) { id } }`, map[string]any{"id": did})
		other.expectCode("NOT_FOUND", "", `query($id: ID!) { node(id: $id) { id } }`, vars)
		if n := len(rcv.got()); n != 1 {
			t.Fatalf("receiver got %d requests, want 1", n)
		}

		// The owner's resend posts again at once, marked manual.
		var out struct {
			ResendWebhookDelivery struct {
				Status       string
				Attempts     int
				AttemptsMade []struct{ Manual bool }
			}
		}
		a.do(`mutation($id: ID!) { resendWebhookDelivery(id: $id) { status attempts attemptsMade { manual } } }`, map[string]any{"id": did}, &out)
		if r := out.ResendWebhookDelivery; r.Status != "SUCCEEDED" || r.Attempts != 2 || len(r.AttemptsMade) != 2 || len(rcv.got()) != 2 {
			t.Fatalf("resend: %+v, receiver got %d", r, len(rcv.got()))
		}
		// Deleting the endpoint deletes its history.
		var del struct{ DeleteWebhookEndpoint string }
		a.do(`mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }`, vars, &del)
		a.expectCode("NOT_FOUND", "", `mutation($id: ID!) { resendWebhookDelivery(id: $id) { id } }`, map[string]any{"id": did})
	})
}

// What an endpoint may be: a known event type, a usable URL, at most 16.
func TestWebhookEndpointValidation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Valid Shop")
		in := func(url string, events ...string) map[string]any {
			if events == nil {
				events = []string{}
			}
			return map[string]any{"in": map[string]any{"url": url, "events": events}}
		}
		e := c.expectCode("VALIDATION", "events", createHook, in("https://example.com/h", "invoice.paid", "invoice.exploded"))
		if !strings.Contains(e.Message, "invoice.exploded") {
			t.Errorf("message %q does not name the unknown type", e.Message)
		}
		c.expectCode("VALIDATION", "events", createHook, in("https://example.com/h"))
		for _, u := range []string{"", "example.com/h", "ftp://example.com/h", "https://user:pw@example.com/h", "https://example.com/" + strings.Repeat("a", 2048)} {
			c.expectCode("VALIDATION", "url", createHook, in(u, "*"))
		}
		var types struct {
			WebhookEventTypes []struct{ Type, Description string }
		}
		c.do(`{ webhookEventTypes { type description } }`, nil, &types)
		if len(types.WebhookEventTypes) != len(webhook.Catalogue) || types.WebhookEventTypes[0].Type != "invoice.issued" {
			t.Errorf("webhookEventTypes: %+v", types)
		}
		for range webhook.MaxEndpoints {
			c.createHook("http://127.0.0.1:9/h", "*") // development allows a local receiver
		}
		c.expectCode("CONFLICT", "", createHook, in("https://example.com/h", "*"))
	})
}

// Events of a transaction that rolls back are never delivered; committed
// ones leave within a second through the fast loop, and two workers racing
// post each delivery once.
func TestWebhookOutboxIsTransactional(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Atomic Shop")
		rcv := newHookReceiver(t, answerOK)
		c.createHook(rcv.srv.URL, "*")
		mid := c.merchantID()
		ctx := tenant.System(context.Background())
		ev := func(n int) webhook.Event {
			return webhook.Event{MerchantID: mid, Type: webhook.InvoicePaid, ObjectID: "inv_" + strconv.Itoa(n), Data: map[string]int{"n": n}}
		}
		rollback := errors.New("something later in the change failed")
		err := database.InTx(ctx, ta.db.Client, func(ctx context.Context, tx *ent.Client) error {
			if err := webhook.Emit(ctx, tx, ev(0)); err != nil {
				return err
			}
			return rollback
		})
		if !errors.Is(err, rollback) {
			t.Fatal(err)
		}
		if n := ta.db.Client.WebhookEvent.Query().CountX(ctx); n != 0 {
			t.Fatalf("%d events survived the rollback", n)
		}

		runCtx, stop := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { ta.webhooks.Run(runCtx); close(done) }()
		t.Cleanup(func() { stop(); <-done })
		time.Sleep(50 * time.Millisecond) // let Run register before the commit wakes it
		start := time.Now()
		err = database.InTx(ctx, ta.db.Client, func(ctx context.Context, tx *ent.Client) error {
			return webhook.Emit(ctx, tx, ev(1))
		})
		if err != nil {
			t.Fatal(err)
		}
		for len(rcv.got()) == 0 && time.Since(start) < 5*time.Second {
			time.Sleep(10 * time.Millisecond)
		}
		if el := time.Since(start); len(rcv.got()) != 1 || el > time.Second {
			t.Fatalf("committed event: %d requests after %s, want 1 within a second", len(rcv.got()), el)
		}
		stop()
		<-done

		// Two workers (two processes) racing over the same deliveries.
		evs := make([]webhook.Event, 40)
		for i := range evs {
			evs[i] = ev(i + 10)
		}
		if err := webhook.Emit(ctx, ta.db.Client, evs...); err != nil {
			t.Fatal(err)
		}
		second := webhook.NewWorker(ta.db.Client, http.DefaultClient, ta.clock, nil)
		second.Batch = 7
		ta.webhooks.Batch = 5 // several rounds each, so the two interleave
		var wg sync.WaitGroup
		var total atomic.Int64
		// One drains with the pipeline Run uses, the other round by round.
		wg.Go(func() {
			n, err := ta.webhooks.DeliverAll(ctx, func() time.Time { return time.Now().UTC() }, schedule.Scope{})
			if err != nil {
				t.Error(err)
			}
			total.Add(int64(n))
		})
		wg.Go(func() {
			for {
				n, err := second.DeliverDue(ctx, time.Now().UTC(), schedule.Scope{})
				if err != nil {
					t.Error(err)
				}
				if n == 0 {
					return
				}
				total.Add(int64(n))
			}
		})
		wg.Wait()
		seen := map[string]int{}
		for _, r := range rcv.got() {
			seen[r.header.Get("Tally-Event-ID")]++
		}
		for id, n := range seen {
			if n != 1 {
				t.Errorf("event %s posted %d times", id, n)
			}
		}
		if len(seen) != 41 || total.Load() != 40 {
			t.Errorf("%d distinct events posted, %d attempts; want 41 and 40", len(seen), total.Load())
		}
		if n := ta.db.Client.WebhookDelivery.Query().Where(webhookdelivery.StatusNEQ(webhookdelivery.StatusSUCCEEDED)).CountX(ctx); n != 0 {
			t.Errorf("%d deliveries not SUCCEEDED", n)
		}
	})
}

// A worker stopped while an endpoint is answering still records the answer:
// the post happened, and a worker starting later must not send it again.
// (CI once saw an event posted twice after the fast loop was stopped.)
func TestWebhookStopRecordsAnsweredPosts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Stopping Shop")
		runCtx, stop := context.WithCancel(context.Background())
		rcv := newHookReceiver(t, answerOK)
		// The process is told to stop just after the endpoint's answer came in.
		first := webhook.NewWorker(ta.db.Client, &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
			resp, err := http.DefaultTransport.RoundTrip(r)
			stop()
			return resp, err
		})}, ta.clock, nil)
		c.createHook(rcv.srv.URL, "*")
		ctx := tenant.System(context.Background())
		err := webhook.Emit(ctx, ta.db.Client, webhook.Event{MerchantID: c.merchantID(), Type: webhook.InvoicePaid, ObjectID: "inv_1", Data: map[string]int{"n": 1}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := first.DeliverDue(runCtx, time.Now().UTC(), schedule.Scope{}); !errors.Is(err, context.Canceled) {
			t.Fatalf("stopped round: %v, want context.Canceled", err)
		}
		later := webhook.NewWorker(ta.db.Client, http.DefaultClient, ta.clock, nil)
		if n, err := later.DeliverDue(ctx, time.Now().UTC(), schedule.Scope{}); err != nil || n != 0 {
			t.Fatalf("a later worker attempted %d deliveries (%v); the answered one must not be posted again", n, err)
		}
		if got := len(rcv.got()); got != 1 {
			t.Fatalf("endpoint got %d posts, want 1", got)
		}
		d := ta.db.Client.WebhookDelivery.Query().OnlyX(ctx)
		if d.Status != webhookdelivery.StatusSUCCEEDED || d.Attempts != 1 {
			t.Fatalf("delivery %s after %d attempts, want SUCCEEDED after 1", d.Status, d.Attempts)
		}
	})
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// Money nobody's invoice took is reported as collection.unmatched.
func TestWebhookCollectionUnmatched(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Collecting Shop")
		rcv := newHookReceiver(t, answerOK)
		c.createHook(rcv.srv.URL, webhook.CollectionUnmatched)
		c.do(`mutation($in: RecordCollectionInput!) { recordCollection(input: $in) { collection { id } } }`,
			map[string]any{"in": map[string]any{"amount": "12.34", "currency": "USD", "channel": "BANK_TRANSFER", "text": "mystery money"}}, nil)
		ta.deliverNow(t)
		reqs := rcv.got()
		if len(reqs) != 1 {
			t.Fatalf("receiver got %d requests, want 1", len(reqs))
		}
		var env struct {
			Type string
			Data struct{ ID, Amount, Unallocated, Currency, Status, Text string }
		}
		_ = json.Unmarshal(reqs[0].body, &env)
		if env.Type != "collection.unmatched" || env.Data.Amount != "12.34" || env.Data.Unallocated != "12.34" || env.Data.Status != "UNMATCHED" || env.Data.Text != "mystery money" || !strings.HasPrefix(env.Data.ID, "col_") {
			t.Errorf("payload %s", reqs[0].body)
		}
		sys := tenant.System(context.Background())
		if n := ta.db.Client.WebhookEvent.Query().Where(webhookevent.Type("collection.unmatched")).CountX(sys); n != 1 {
			t.Errorf("%d collection.unmatched events", n)
		}
	})
}
