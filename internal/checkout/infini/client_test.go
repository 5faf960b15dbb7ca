package infini

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tally-invoicing/tally/internal/outbound"
)

const testRequestID = "9b2f6c1e-3d4a-4f5b-8c7d-0e1f2a3b4c5d"

// loopbackHTTP reaches the fake Infinis on 127.0.0.1, as a development
// server reaches its sandbox.
var loopbackHTTP = outbound.New(outbound.Policy{AllowPrivate: true})

// recorder is a fake Infini answering with one canned answer per call (the
// last one repeats) and remembering what it was sent.
type recorder struct {
	mu      sync.Mutex
	answers []answer
	seen    []seenRequest
}

type answer struct {
	status int
	body   string
	abort  bool // drop the connection instead of answering
}

type seenRequest struct {
	method, target, date, digest string
	body                         []byte
}

func (f *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.seen = append(f.seen, seenRequest{r.Method, r.RequestURI, r.Header.Get("Date"), r.Header.Get("Digest"), body})
	a := f.answers[min(len(f.seen), len(f.answers))-1]
	f.mu.Unlock()
	if a.abort {
		panic(http.ErrAbortHandler)
	}
	w.WriteHeader(a.status)
	_, _ = io.WriteString(w, a.body) // a failed write shows as the client's error
}

func (f *recorder) requests() []seenRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.seen)
}

// newTestClient returns a client of a fake Infini mounted under a path
// prefix, with a clock that ticks one second per request.
func newTestClient(t *testing.T, answers ...answer) (*Client, *recorder) {
	t.Helper()
	f := &recorder{answers: answers}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	var mu sync.Mutex
	tick := fixedNow
	c := NewClient(Config{
		BaseURL: srv.URL + "/sandbox/infini/", KeyID: testKeyID, Secret: testSecret,
		RetryBackoff: time.Millisecond, HTTPClient: loopbackHTTP,
		Now: func() time.Time {
			mu.Lock()
			defer mu.Unlock()
			tick = tick.Add(time.Second)
			return tick
		},
	})
	return c, f
}

func fixture(t *testing.T, name string) string {
	t.Helper()
	b, err := fs.ReadFile(os.DirFS("testdata"), name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestGetOrderResponseShapes(t *testing.T) {
	want := Order{
		OrderID:          "10290d05-7c1e-4f0a-9d2b-3c4e5f6a7b8c",
		RequestID:        testRequestID,
		CheckoutURL:      "https://checkout.infini.money/pay/abc",
		ClientReference:  "INV-2025-0001",
		Currency:         "USD",
		Status:           StatusProcessing,
		Amount:           decimal.RequireFromString("12.5"),
		AmountConfirmed:  decimal.RequireFromString("5"),
		AmountConfirming: decimal.RequireFromString("2.5"),
		ExpiresAt:        time.Date(2025, 1, 21, 13, 0, 0, 0, time.UTC),
		CreatedAt:        fixedNow,
	}
	tests := []struct {
		file     string
		wantTags []string
	}{
		{"order_envelope.json", nil},
		{"order_bare.json", nil},
		{"order_numbers.json", nil},
		{"order_variants.json", []string{"underpaid", "late"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			c, f := newTestClient(t, answer{status: 200, body: fixture(t, tt.file)})
			got, err := c.GetOrder(context.Background(), want.OrderID)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := f.requests()[0].target, "/sandbox/infini/v1/acquiring/order?order_id="+want.OrderID; got != want {
				t.Errorf("target: got %q, want %q", got, want)
			}
			w := want
			w.ExceptionTags = tt.wantTags
			if msg := diffOrder(*got, w); msg != "" {
				t.Error(msg)
			}
		})
	}
}

func diffOrder(got, want Order) string {
	var diffs []string
	check := func(field string, ok bool, g, w any) {
		if !ok {
			diffs = append(diffs, field+": got "+toString(g)+", want "+toString(w))
		}
	}
	check("OrderID", got.OrderID == want.OrderID, got.OrderID, want.OrderID)
	check("RequestID", got.RequestID == want.RequestID, got.RequestID, want.RequestID)
	check("CheckoutURL", got.CheckoutURL == want.CheckoutURL, got.CheckoutURL, want.CheckoutURL)
	check("ClientReference", got.ClientReference == want.ClientReference, got.ClientReference, want.ClientReference)
	check("Currency", got.Currency == want.Currency, got.Currency, want.Currency)
	check("Status", got.Status == want.Status, got.Status, want.Status)
	check("Amount", got.Amount.Equal(want.Amount), got.Amount, want.Amount)
	check("AmountConfirmed", got.AmountConfirmed.Equal(want.AmountConfirmed), got.AmountConfirmed, want.AmountConfirmed)
	check("AmountConfirming", got.AmountConfirming.Equal(want.AmountConfirming), got.AmountConfirming, want.AmountConfirming)
	check("ExceptionTags", slices.Equal(got.ExceptionTags, want.ExceptionTags), got.ExceptionTags, want.ExceptionTags)
	check("ExpiresAt", got.ExpiresAt.Equal(want.ExpiresAt), got.ExpiresAt, want.ExpiresAt)
	check("CreatedAt", got.CreatedAt.Equal(want.CreatedAt), got.CreatedAt, want.CreatedAt)
	return strings.Join(diffs, "\n")
}

func toString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestCreateOrderSends(t *testing.T) {
	c, f := newTestClient(t, answer{status: 200, body: `{"code":0,"message":"","data":{"order_id":"o-1","request_id":"` +
		testRequestID + `","checkout_url":"https://checkout.infini.money/pay/o-1","client_reference":"INV-7"}}`})
	got, err := c.CreateOrder(context.Background(), OrderRequest{
		RequestID: testRequestID, Amount: decimal.RequireFromString("12.50"), Currency: "EUR",
		ClientReference: "INV-7", OrderDesc: "Invoice INV-7", ExpiresIn: 15 * time.Minute,
		SuccessURL: "https://tally.example/pay/x?paid=1", MerchantAlias: "Acme", PayMethods: []PayMethod{PayCrypto, PayCard},
	})
	if err != nil {
		t.Fatal(err)
	}
	req := f.requests()[0]
	wantBody := `{"request_id":"` + testRequestID + `","amount":"12.5","currency":"EUR","client_reference":"INV-7",` +
		`"order_desc":"Invoice INV-7","expires_in":900,"merchant_alias":"Acme","success_url":"https://tally.example/pay/x?paid=1","pay_methods":[1,2]}`
	if string(req.body) != wantBody {
		t.Errorf("body:\ngot  %s\nwant %s", req.body, wantBody)
	}
	if got, want := req.digest, bodyDigest(req.body); got != want {
		t.Errorf("Digest: got %q, want %q", got, want)
	}
	if req.method != http.MethodPost || req.target != "/sandbox/infini/v1/acquiring/order" {
		t.Errorf("got %s %s, want POST /sandbox/infini/v1/acquiring/order", req.method, req.target)
	}
	// The create answer carries no amount or status; they come from the request.
	if got.OrderID != "o-1" || !got.Amount.Equal(decimal.RequireFromString("12.5")) || got.Currency != "EUR" || got.Status != StatusPending {
		t.Errorf("got order %+v", got)
	}
}

func TestAPIErrors(t *testing.T) {
	tests := []struct {
		name     string
		status   int
		body     string
		want     error
		wantCode int
		wantText string
	}{
		{"duplicate request_id", 409, `{"code":40901,"message":"request_id duplicate"}`, ErrDuplicateRequest, 40901, "already received a request with this request_id"},
		{"duplicate client_reference", 409, `{"code":40902,"message":"client_reference duplicate"}`, ErrDuplicateReference, 40902, "already has an order with this client_reference"},
		{"bad signature", 401, `{"code":401,"message":"client request can't be validated"}`, ErrUnauthorized, 401, "check the key id and secret"},
		{"401 without a body", 401, ``, ErrUnauthorized, 0, "check the key id and secret"},
		{"code 401 under HTTP 200", 200, `{"code":401,"message":"unauthorized"}`, ErrUnauthorized, 401, "check the key id and secret"},
		{"order not found", 404, `{"code":40401,"message":"Order does not exist"}`, ErrOrderNotFound, 40401, "no order with this id"},
		{"object not found", 404, `{"code":404,"message":"not found"}`, ErrOrderNotFound, 404, "no order with this id"},
		{"bad request_id", 400, `{"code":40001,"message":"Invalid request","detail":"request_id must be a valid UUID"}`, ErrInvalidRequest, 40001, "request_id must be a valid UUID"},
		{"too many decimals", 400, `{"code":40004,"message":"amount supports up to 6 decimal places"}`, ErrInvalidRequest, 40004, "6 decimal places"},
		{"plain 400", 400, `{"code":400,"message":"invalid request parameters"}`, ErrInvalidRequest, 400, "invalid request to Infini"},
		{"code 40006 under HTTP 200", 200, `{"code":40006,"message":"amount must be > 0.01"}`, ErrInvalidRequest, 40006, "amount must be > 0.01"},
		{"code as a string", 200, `{"code":"40902","message":"dup"}`, ErrDuplicateReference, 40902, "client_reference"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, f := newTestClient(t, answer{status: tt.status, body: tt.body})
			_, err := c.GetOrder(context.Background(), "o-1")
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want errors.Is %v", err, tt.want)
			}
			var apiErr *APIError
			if !errors.As(err, &apiErr) || apiErr.Code != tt.wantCode || apiErr.HTTPStatus != tt.status {
				t.Errorf("got %#v, want HTTP %d code %d", apiErr, tt.status, tt.wantCode)
			}
			if !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("got message %q, want it to contain %q", err, tt.wantText)
			}
			if n := len(f.requests()); n != 1 {
				t.Errorf("got %d requests, want 1: a 4xx or an error code is never retried", n)
			}
		})
	}
}

func TestOtherErrorsMatchNoSentinel(t *testing.T) {
	tests := []struct {
		name, body string
		status     int
		wantText   string
	}{
		{"404 without envelope is a wrong base URL", "404 page not found", 404, "check the base URL"},
		{"403 is the IP allowlist", `{"code":403,"message":"forbidden"}`, 403, "IP allowlist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, _ := newTestClient(t, answer{status: tt.status, body: tt.body})
			_, err := c.GetOrder(context.Background(), "o-1")
			for _, s := range []error{ErrOrderNotFound, ErrUnauthorized, ErrInvalidRequest} {
				if errors.Is(err, s) {
					t.Errorf("got errors.Is(%v, %v), want false", err, s)
				}
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("got %v, want a message containing %q", err, tt.wantText)
			}
		})
	}
}

func TestCreateOrderRetries(t *testing.T) {
	okBody := `{"code":0,"message":"","data":{"order_id":"o-1","checkout_url":"https://checkout.infini.money/pay/o-1"}}`
	tests := []struct {
		name         string
		answers      []answer
		wantRequests int
		wantErr      error
	}{
		{"503 then success", []answer{{status: 503, body: "busy"}, {status: 200, body: okBody}}, 2, nil},
		{"dropped connection then success", []answer{{abort: true}, {status: 200, body: okBody}}, 2, nil},
		{"5xx three times", []answer{{status: 500, body: `{"code":500,"message":"internal error"}`}}, 3, &APIError{}},
		{"4xx is not retried", []answer{{status: 400, body: `{"code":400,"message":"bad"}`}}, 1, ErrInvalidRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, f := newTestClient(t, tt.answers...)
			_, err := c.CreateOrder(context.Background(), OrderRequest{RequestID: testRequestID, Amount: decimal.NewFromInt(10)})
			switch want := tt.wantErr; {
			case want == nil:
				if err != nil {
					t.Fatalf("got %v, want success", err)
				}
			case errors.As(want, new(*APIError)):
				got, ok := errors.AsType[*APIError](err)
				if !ok || got.HTTPStatus != 500 {
					t.Fatalf("got %v, want an HTTP 500 *APIError", err)
				}
			default:
				if !errors.Is(err, want) {
					t.Fatalf("got %v, want %v", err, want)
				}
			}
			reqs := f.requests()
			if len(reqs) != tt.wantRequests {
				t.Fatalf("got %d requests, want %d", len(reqs), tt.wantRequests)
			}
			dates := map[string]bool{}
			for _, r := range reqs {
				var b struct {
					RequestID string `json:"request_id"`
				}
				err := json.Unmarshal(r.body, &b)
				if err != nil || b.RequestID != testRequestID || string(r.body) != string(reqs[0].body) {
					t.Errorf("got body %s, want the first attempt's body %s", r.body, reqs[0].body)
				}
				dates[r.date] = true
			}
			if len(dates) != len(reqs) {
				t.Errorf("got Date headers %v, want a fresh one per attempt", dates)
			}
		})
	}
}

func TestRetryStopsWhenContextEnds(t *testing.T) {
	f := &recorder{answers: []answer{{status: 503, body: "busy"}}}
	srv := httptest.NewServer(f)
	defer srv.Close()
	c := NewClient(Config{BaseURL: srv.URL, KeyID: testKeyID, Secret: testSecret, RetryBackoff: time.Hour, HTTPClient: loopbackHTTP})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.GetOrder(ctx, "o-1")
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("got %v, want context.DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("got %s, want the retry wait cut short by the context", d)
	}
	if n := len(f.requests()); n != 1 {
		t.Errorf("got %d requests, want 1", n)
	}
}

func TestCreateOrderValidates(t *testing.T) {
	valid := OrderRequest{RequestID: testRequestID, Amount: decimal.RequireFromString("10")}
	long := "https://tally.example/" + strings.Repeat("a", 234)
	tests := []struct {
		name     string
		mutate   func(r *OrderRequest)
		wantText string
	}{
		{"request_id not a UUID", func(r *OrderRequest) { r.RequestID = "INV-1" }, "must be a valid UUID"},
		{"zero amount", func(r *OrderRequest) { r.Amount = decimal.Zero }, "must be positive"},
		{"negative amount", func(r *OrderRequest) { r.Amount = decimal.NewFromInt(-5) }, "must be positive"},
		{"amount of 0.01", func(r *OrderRequest) { r.Amount = decimal.RequireFromString("0.01") }, "greater than 0.01"},
		{"seven decimals", func(r *OrderRequest) { r.Amount = decimal.RequireFromString("1.0000001") }, "more than 6 decimal places"},
		{"JPY with decimals", func(r *OrderRequest) { r.Currency = "JPY"; r.Amount = decimal.RequireFromString("100.5") }, "whole numbers"},
		{"success_url of 256 chars", func(r *OrderRequest) { r.SuccessURL = long }, "limit is 255"},
		{"relative failure_url", func(r *OrderRequest) { r.FailureURL = "/pay/x" }, "not an absolute http(s) URL"},
		{"negative expires_in", func(r *OrderRequest) { r.ExpiresIn = -time.Second }, "whole number of seconds"},
		{"fractional expires_in", func(r *OrderRequest) { r.ExpiresIn = 1500 * time.Millisecond }, "whole number of seconds"},
	}
	if len(long) != 256 {
		t.Fatalf("long URL has %d characters, want 256", len(long))
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, f := newTestClient(t, answer{status: 500})
			req := valid
			tt.mutate(&req)
			_, err := c.CreateOrder(context.Background(), req)
			if !errors.Is(err, ErrInvalidRequest) || !strings.Contains(err.Error(), tt.wantText) {
				t.Errorf("got %v, want ErrInvalidRequest containing %q", err, tt.wantText)
			}
			if n := len(f.requests()); n != 0 {
				t.Errorf("got %d requests, want none", n)
			}
		})
	}
	// The boundaries themselves are fine.
	c, _ := newTestClient(t, answer{status: 200, body: `{"order_id":"o-1"}`})
	ok := valid
	ok.Amount, ok.SuccessURL = decimal.RequireFromString("0.010001"), long[:255]
	if _, err := c.CreateOrder(context.Background(), ok); err != nil {
		t.Errorf("got %v, want 0.010001 and a 255-character URL accepted", err)
	}
}

func TestNewRequestID(t *testing.T) {
	a, b := NewRequestID(), NewRequestID()
	if !isUUID(a) || a == b || a[14] != '4' {
		t.Errorf("got %q and %q, want two different version 4 UUIDs", a, b)
	}
}
