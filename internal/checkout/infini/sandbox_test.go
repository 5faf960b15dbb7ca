package infini

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

// clock is a settable clock shared by the sandbox, the client and the
// webhook receiver.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

type hook struct {
	timestamp, id string
	event         *Event
	err           error
}

// app stands for Tally: it mounts the sandbox under /sandbox/infini/ and
// receives its webhooks on /webhooks/infini.
type app struct {
	t       *testing.T
	srv     *httptest.Server
	sandbox *Sandbox
	client  *Client
	clock   *clock
	browser *http.Client

	mu       sync.Mutex
	hooks    []hook
	failures int           // how many webhook deliveries to answer with 500
	arrived  chan struct{} // signalled after each delivery
}

func newApp(t *testing.T) *app {
	t.Helper()
	a := &app{t: t, clock: &clock{now: time.Date(2025, 6, 2, 9, 0, 0, 0, time.UTC)}, arrived: make(chan struct{}, 1)}
	mux := http.NewServeMux()
	a.srv = httptest.NewServer(mux)
	t.Cleanup(a.srv.Close)
	a.sandbox = NewSandbox(SandboxConfig{
		Prefix: "/sandbox/infini", PublicURL: a.srv.URL, KeyID: testKeyID, Secret: testSecret,
		WebhookSecret: testWebhookSecret, WebhookURL: a.srv.URL + "/webhooks/infini", Now: a.clock.Now,
	})
	a.sandbox.webhookBackoff = time.Millisecond
	t.Cleanup(a.sandbox.Close)
	mux.Handle("/sandbox/infini/", a.sandbox)
	mux.HandleFunc("POST /webhooks/infini", a.receive)
	a.client = NewClient(Config{BaseURL: a.srv.URL + "/sandbox/infini", KeyID: testKeyID, Secret: testSecret, Now: a.clock.Now, HTTPClient: loopbackHTTP})
	a.browser = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return a
}

func (a *app) receive(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	e, err := VerifyWebhook(testWebhookSecret, r.Header, body, a.clock.Now())
	a.mu.Lock()
	a.hooks = append(a.hooks, hook{r.Header.Get(HeaderTimestamp), r.Header.Get(HeaderEventID), e, err})
	fail := a.failures > 0
	a.failures--
	a.mu.Unlock()
	select {
	case a.arrived <- struct{}{}:
	default:
	}
	if fail || err != nil {
		w.WriteHeader(http.StatusInternalServerError)
	}
}

// takeHooks returns the webhooks received so far, and forgets them.
func (a *app) takeHooks() []hook {
	a.mu.Lock()
	defer a.mu.Unlock()
	h := a.hooks
	a.hooks = nil
	return h
}

// waitHooks waits until n webhooks have arrived, then takes them.
func (a *app) waitHooks(n int) []hook {
	a.t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		a.mu.Lock()
		got := len(a.hooks)
		a.mu.Unlock()
		if got >= n {
			return a.takeHooks()
		}
		select {
		case <-a.arrived:
		case <-timeout:
			a.t.Fatalf("got %d webhooks within 5 s, want %d", got, n)
		}
	}
}

// onlyHook returns the one webhook received since the last call; it must
// have arrived before the browser got its redirect.
func (a *app) onlyHook() *Event {
	a.t.Helper()
	hooks := a.takeHooks()
	if len(hooks) != 1 {
		a.t.Fatalf("got %d webhooks, want 1", len(hooks))
	}
	if hooks[0].err != nil {
		a.t.Fatalf("webhook does not verify: %v", hooks[0].err)
	}
	return hooks[0].event
}

func (a *app) create(req OrderRequest) *Order {
	a.t.Helper()
	if req.RequestID == "" {
		req.RequestID = NewRequestID()
	}
	if req.Amount.IsZero() {
		req.Amount = decimal.RequireFromString("12.50")
	}
	o, err := a.client.CreateOrder(context.Background(), req)
	if err != nil {
		a.t.Fatal(err)
	}
	return o
}

func (a *app) get(id string) *Order {
	a.t.Helper()
	o, err := a.client.GetOrder(context.Background(), id)
	if err != nil {
		a.t.Fatal(err)
	}
	return o
}

// post submits a checkout form and returns where the browser is sent.
func (a *app) post(orderID, action string, form url.Values) string {
	a.t.Helper()
	resp, err := a.browser.PostForm(a.srv.URL+"/sandbox/infini/checkout/"+orderID+"/"+action, form)
	if err != nil {
		a.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		a.t.Fatalf("POST %s: got HTTP %d, want 303", action, resp.StatusCode)
	}
	return resp.Header.Get("Location")
}

func (a *app) page(path string) string {
	a.t.Helper()
	if !strings.HasPrefix(path, "http") {
		path = a.srv.URL + path
	}
	resp, err := a.browser.Get(path)
	if err != nil {
		a.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		a.t.Fatalf("GET %s: got HTTP %d, want 200", path, resp.StatusCode)
	}
	return string(b)
}

func card(number string) url.Values {
	return url.Values{"card_number": {number}, "card_name": {"Jane Doe"}, "card_expiry": {"12/34"}, "card_cvc": {"123"}}
}

func crypto(amount string) url.Values { return url.Values{"amount": {amount}} }

func checkEvent(t *testing.T, e *Event, name string, status OrderStatus, confirmed string, tags ...string) {
	t.Helper()
	if e.Name != name || e.Status != status || !e.AmountConfirmed.Equal(decimal.RequireFromString(confirmed)) || !slices.Equal(e.ExceptionTags, tags) {
		t.Errorf("got event %s status %s confirmed %s tags %v, want %s %s %s %v",
			e.Name, e.Status, e.AmountConfirmed, e.ExceptionTags, name, status, confirmed, tags)
	}
}

func checkOrder(t *testing.T, o *Order, status OrderStatus, confirmed string, tags ...string) {
	t.Helper()
	if o.Status != status || !o.AmountConfirmed.Equal(decimal.RequireFromString(confirmed)) || !slices.Equal(o.ExceptionTags, tags) {
		t.Errorf("got order status %s confirmed %s tags %v, want %s %s %v", o.Status, o.AmountConfirmed, o.ExceptionTags, status, confirmed, tags)
	}
}

func TestSandboxCardPayment(t *testing.T) {
	a := newApp(t)
	o := a.create(OrderRequest{ClientReference: "INV-1", MerchantAlias: "Acme Ltd", OrderDesc: "Invoice INV-1",
		SuccessURL: "https://tally.example/pay/tok?paid=1"})
	if want := a.srv.URL + "/sandbox/infini/checkout/" + o.OrderID; o.CheckoutURL != want || !isUUID(o.OrderID) {
		t.Fatalf("got order %s at %s, want a UUID at %s", o.OrderID, o.CheckoutURL, want)
	}
	checkOrder(t, a.get(o.OrderID), StatusPending, "0")

	page := a.page(o.CheckoutURL)
	for _, want := range []string{"Infini Sandbox", "No real money moves", "Acme Ltd", "USD 12.50", "Invoice INV-1", `name="card_number"`, "Simulate crypto payment", "Let it expire"} {
		if !strings.Contains(page, want) {
			t.Errorf("checkout page lacks %q", want)
		}
	}

	if got, want := a.post(o.OrderID, "card", card(SandboxCardSuccess)), "https://tally.example/pay/tok?paid=1"; got != want {
		t.Errorf("redirect: got %s, want %s", got, want)
	}
	e := a.onlyHook()
	checkEvent(t, e, EventOrderCompleted, StatusPaid, "12.5")
	if e.OrderID != o.OrderID || e.ClientReference != "INV-1" || !e.Amount.Equal(decimal.RequireFromString("12.5")) || e.Currency != "USD" {
		t.Errorf("got event %+v", e)
	}
	checkOrder(t, a.get(o.OrderID), StatusPaid, "12.5")

	// A paid order takes no more payments.
	a.post(o.OrderID, "card", card(SandboxCardSuccess))
	if n := len(a.takeHooks()); n != 0 {
		t.Errorf("got %d webhooks for paying a paid order, want 0", n)
	}
}

func TestSandboxCardRefused(t *testing.T) {
	tests := []struct {
		name     string
		form     url.Values
		wantText string
	}{
		{"declined", card("4000-0000-0000-0002"), "Your card was declined"},
		{"not a test card", card("5555 5555 5555 4444"), "use a test card"},
		{"missing fields", url.Values{"card_number": {SandboxCardSuccess}}, "Fill in every card field"},
	}
	a := newApp(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := a.create(OrderRequest{})
			loc := a.post(o.OrderID, "card", tt.form)
			if !strings.HasPrefix(loc, "/sandbox/infini/checkout/"+o.OrderID) {
				t.Errorf("got redirect to %s, want the checkout page", loc)
			}
			if page := a.page(loc); !strings.Contains(page, tt.wantText) {
				t.Errorf("page lacks %q", tt.wantText)
			}
			checkOrder(t, a.get(o.OrderID), StatusPending, "0")
			if n := len(a.takeHooks()); n != 0 {
				t.Errorf("got %d webhooks, want 0", n)
			}
		})
	}
}

func TestSandboxCryptoPayments(t *testing.T) {
	a := newApp(t)
	o := a.create(OrderRequest{Amount: decimal.RequireFromString("12.5"), SuccessURL: "https://tally.example/paid"})
	if page := a.page(o.CheckoutURL); !strings.Contains(page, `value="12.5"`) {
		t.Errorf("crypto amount not prefilled with 12.5")
	}

	loc := a.post(o.OrderID, "crypto", crypto("5"))
	checkEvent(t, a.onlyHook(), EventOrderProcessing, StatusProcessing, "5")
	page := a.page(loc)
	if !strings.Contains(page, "Payment received, waiting for the rest") || !strings.Contains(page, `value="7.5"`) {
		t.Errorf("page after a partial payment lacks the notice or the remaining 7.5")
	}

	if loc := a.post(o.OrderID, "crypto", crypto("7.5")); loc != "https://tally.example/paid" {
		t.Errorf("got redirect to %s, want success_url", loc)
	}
	checkEvent(t, a.onlyHook(), EventOrderCompleted, StatusPaid, "12.5")
	checkOrder(t, a.get(o.OrderID), StatusPaid, "12.5")

	over := a.create(OrderRequest{})
	a.post(over.OrderID, "crypto", crypto("20"))
	checkEvent(t, a.onlyHook(), EventOrderCompleted, StatusPaid, "20", "overpaid")

	if page := a.page(a.post(over.OrderID, "crypto", crypto("abc"))); !strings.Contains(page, "already paid") {
		t.Errorf("paying a paid order: page lacks the notice")
	}
	loc = a.post(a.create(OrderRequest{}).OrderID, "crypto", crypto("1.1234567"))
	if page := a.page(loc); !strings.Contains(page, "at most 6 decimals") {
		t.Errorf("7 decimals: page lacks the notice")
	}
}

func TestSandboxExpiry(t *testing.T) {
	a := newApp(t)

	t.Run("expire then pay late", func(t *testing.T) {
		o := a.create(OrderRequest{FailureURL: "https://tally.example/failed"})
		if loc := a.post(o.OrderID, "expire", nil); loc != "https://tally.example/failed" {
			t.Errorf("got redirect to %s, want failure_url", loc)
		}
		checkEvent(t, a.onlyHook(), EventOrderExpired, StatusExpired, "0")
		a.post(o.OrderID, "crypto", crypto("12.5"))
		checkEvent(t, a.onlyHook(), EventOrderLatePayment, StatusExpired, "12.5", "late")
		checkOrder(t, a.get(o.OrderID), StatusExpired, "12.5", "late")
	})

	t.Run("partial payment then expiry", func(t *testing.T) {
		o := a.create(OrderRequest{})
		a.post(o.OrderID, "crypto", crypto("5"))
		a.onlyHook()
		a.post(o.OrderID, "expire", nil)
		checkEvent(t, a.onlyHook(), EventOrderExpired, StatusPartialPaid, "5", "underpaid")
		a.post(o.OrderID, "crypto", crypto("2"))
		checkEvent(t, a.onlyHook(), EventOrderLatePayment, StatusPartialPaid, "7", "underpaid", "late")
		// Cards are not offered once the order has expired.
		if loc := a.post(o.OrderID, "card", card(SandboxCardSuccess)); !strings.Contains(loc, "m=closed") {
			t.Errorf("card on an expired order: got redirect to %s", loc)
		}
	})

	t.Run("expires_in runs out", func(t *testing.T) {
		o := a.create(OrderRequest{ExpiresIn: time.Minute})
		if want := a.clock.Now().Add(time.Minute); !o.ExpiresAt.Equal(want) {
			t.Errorf("expires_at: got %s, want %s", o.ExpiresAt, want)
		}
		a.clock.Advance(61 * time.Second)
		checkOrder(t, a.get(o.OrderID), StatusExpired, "0")
		checkEvent(t, a.onlyHook(), EventOrderExpired, StatusExpired, "0")
	})
}

func TestSandboxPayMethods(t *testing.T) {
	a := newApp(t)
	o := a.create(OrderRequest{PayMethods: []PayMethod{PayCrypto}})
	if page := a.page(o.CheckoutURL); strings.Contains(page, `name="card_number"`) || !strings.Contains(page, "Simulate crypto payment") {
		t.Errorf("crypto-only order: got a card form or no crypto form")
	}
	if loc := a.post(o.OrderID, "card", card(SandboxCardSuccess)); !strings.Contains(loc, "m=nocard") {
		t.Errorf("card on a crypto-only order: got redirect to %s", loc)
	}
	o = a.create(OrderRequest{PayMethods: []PayMethod{PayCard}})
	if page := a.page(o.CheckoutURL); !strings.Contains(page, `name="card_number"`) || strings.Contains(page, "Simulate crypto payment") {
		t.Errorf("card-only order: got no card form or a crypto form")
	}
}

func TestSandboxAuthentication(t *testing.T) {
	a := newApp(t)
	resp, err := http.Post(a.srv.URL+"/sandbox/infini/v1/acquiring/order", "application/json", strings.NewReader(`{"request_id":"`+NewRequestID()+`","amount":"5"}`))
	if err != nil {
		t.Fatal(err)
	}
	var env struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	}
	err = json.NewDecoder(resp.Body).Decode(&env)
	resp.Body.Close()
	if err != nil {
		t.Errorf("unsigned: decode the answer: %v", err)
	}
	if resp.StatusCode != 401 || env.Code != 401 || env.Message == "" {
		t.Errorf("unsigned: got HTTP %d %+v, want 401 with code 401", resp.StatusCode, env)
	}

	tests := []struct {
		name string
		cfg  Config
	}{
		{"wrong secret", Config{KeyID: testKeyID, Secret: "wrong"}},
		{"wrong key id", Config{KeyID: "other", Secret: testSecret}},
		{"clock 10 minutes slow", Config{KeyID: testKeyID, Secret: testSecret, Now: func() time.Time { return a.clock.Now().Add(-10 * time.Minute) }}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.BaseURL, tt.cfg.HTTPClient = a.srv.URL+"/sandbox/infini", loopbackHTTP
			_, err := NewClient(tt.cfg).CreateOrder(context.Background(), OrderRequest{RequestID: NewRequestID(), Amount: decimal.NewFromInt(5)})
			if !errors.Is(err, ErrUnauthorized) || !strings.Contains(err.Error(), "check the key id and secret") {
				t.Errorf("got %v, want ErrUnauthorized", err)
			}
		})
	}
	if _, err := a.client.GetOrder(context.Background(), NewRequestID()); !errors.Is(err, ErrOrderNotFound) {
		t.Errorf("unknown order: got %v, want ErrOrderNotFound", err)
	}
}

func TestSandboxIdempotency(t *testing.T) {
	a := newApp(t)
	req := OrderRequest{RequestID: NewRequestID(), Amount: decimal.NewFromInt(30), ClientReference: "INV-9"}
	first := a.create(req)
	again := a.create(req)
	if again.OrderID != first.OrderID {
		t.Errorf("same request_id and body: got order %s, want %s", again.OrderID, first.OrderID)
	}
	other := req
	other.Amount = decimal.NewFromInt(31)
	if _, err := a.client.CreateOrder(context.Background(), other); !errors.Is(err, ErrDuplicateRequest) {
		t.Errorf("same request_id, other body: got %v, want ErrDuplicateRequest", err)
	}
	dup := req
	dup.RequestID = NewRequestID()
	_, err := a.client.CreateOrder(context.Background(), dup)
	if !errors.Is(err, ErrDuplicateReference) || !strings.Contains(err.Error(), "client_reference") {
		t.Errorf("same client_reference: got %v, want ErrDuplicateReference", err)
	}
}

// TestSandboxValidation sends bodies the client would refuse, signed by
// hand, to check the sandbox answers with Infini's codes.
func TestSandboxValidation(t *testing.T) {
	a := newApp(t)
	id := NewRequestID()
	tests := []struct {
		name     string
		body     string
		wantCode int
	}{
		{"request_id not a UUID", `{"request_id":"INV-1","amount":"5"}`, 40001},
		{"negative amount", `{"request_id":"` + id + `","amount":"-5"}`, 40003},
		{"no amount", `{"request_id":"` + id + `"}`, 40003},
		{"seven decimals", `{"request_id":"` + id + `","amount":"1.0000001"}`, 40004},
		{"amount 0.01", `{"request_id":"` + id + `","amount":0.01}`, 40006},
		{"bad success_url", `{"request_id":"` + id + `","amount":"5","success_url":"javascript:alert(1)"}`, 40008},
		{"long failure_url", `{"request_id":"` + id + `","amount":"5","failure_url":"https://x.example/` + strings.Repeat("a", 250) + `"}`, 40009},
		{"unsupported currency", `{"request_id":"` + id + `","amount":"5","currency":"CNY"}`, 400},
		{"unknown pay method", `{"request_id":"` + id + `","amount":"5","pay_methods":[4]}`, 400},
		{"not JSON", `amount=5`, 400},
		{"amount as a number", `{"request_id":"` + id + `","amount":5.25,"currency":"eur","expires_in":"600"}`, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodPost, a.srv.URL+"/sandbox/infini/v1/acquiring/order", bytes.NewReader([]byte(tt.body)))
			Sign(req, testKeyID, testSecret, []byte(tt.body), a.clock.Now())
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var env struct {
				Code int `json:"code"`
				Data struct {
					Amount   string `json:"amount"`
					Currency string `json:"currency"`
				} `json:"data"`
			}
			if err := json.NewDecoder(resp.Body).Decode(&env); err != nil {
				t.Errorf("decode the answer (HTTP %d): %v", resp.StatusCode, err)
			}
			if env.Code != tt.wantCode {
				t.Errorf("got HTTP %d code %d, want code %d", resp.StatusCode, env.Code, tt.wantCode)
			}
			if tt.wantCode == 0 && (env.Data.Amount != "5.25" || env.Data.Currency != "EUR") {
				t.Errorf("got %+v, want amount \"5.25\" in EUR", env.Data)
			}
		})
	}
}

func TestSandboxWebhookRetry(t *testing.T) {
	a := newApp(t)
	a.failures = 1
	o := a.create(OrderRequest{})
	a.post(o.OrderID, "card", card(SandboxCardSuccess))

	hooks := a.waitHooks(2)
	if len(hooks) != 2 {
		t.Fatalf("got %d deliveries, want 2", len(hooks))
	}
	first, retry := hooks[0], hooks[1]
	if first.err != nil || retry.err != nil {
		t.Fatalf("got verification errors %v, %v", first.err, retry.err)
	}
	if retry.id != first.id || retry.timestamp != first.timestamp {
		t.Errorf("retry: got event id %s at %s, want the original %s at %s", retry.id, retry.timestamp, first.id, first.timestamp)
	}
	checkEvent(t, retry.event, EventOrderCompleted, StatusPaid, "12.5")
}

func TestSandboxWebhookGivesUp(t *testing.T) {
	a := newApp(t)
	a.failures = 100
	o := a.create(OrderRequest{})
	a.post(o.OrderID, "card", card(SandboxCardSuccess))
	a.waitHooks(maxWebhookSends)
	a.sandbox.Close() // waits for the retry loop to end
	if n := len(a.takeHooks()); n != 0 {
		t.Errorf("got %d deliveries, want %d", maxWebhookSends+n, maxWebhookSends)
	}
}

func TestSandboxCloseStopsRetries(t *testing.T) {
	a := newApp(t)
	a.sandbox.webhookBackoff = time.Hour
	a.failures = 100
	o := a.create(OrderRequest{})
	a.post(o.OrderID, "card", card(SandboxCardSuccess))
	done := make(chan struct{})
	go func() { a.sandbox.Close(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not stop a waiting retry")
	}
	if n := len(a.takeHooks()); n != 1 {
		t.Errorf("got %d deliveries, want 1", n)
	}
}
