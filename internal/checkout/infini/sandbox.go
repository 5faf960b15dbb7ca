package infini

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tally-invoicing/tally/internal/outbound"
)

// Test cards of the sandbox checkout. Spaces are ignored.
const (
	SandboxCardSuccess  = "4242 4242 4242 4242"
	SandboxCardDeclined = "4000 0000 0000 0002"
)

const (
	sandboxDefaultTTL = time.Hour
	maxWebhookSends   = 8 // what Infini makes before giving up
)

// Currencies Infini accepts for orders.
var sandboxCurrencies = []string{"USD", "EUR", "KRW", "GBP", "SGD", "JPY", "AUD", "HKD"}

// SandboxConfig configures a Sandbox.
type SandboxConfig struct {
	// Prefix is where the sandbox is mounted, e.g. "/sandbox/infini": it
	// serves Prefix+"/v1/acquiring/order" and Prefix+"/checkout/{id}".
	// Mount it with mux.Handle(Prefix+"/", sandbox).
	Prefix string
	// PublicURL is the app's base URL; checkout URLs start with
	// PublicURL+Prefix.
	PublicURL string
	// KeyID and Secret are the one sandbox API key; requests must be
	// signed with them.
	KeyID  string
	Secret string
	// WebhookSecret signs webhooks; empty means Secret, as Infini accounts
	// without a separate webhook secret do (unverified).
	WebhookSecret string
	// WebhookURL receives the signed webhooks; empty sends none.
	WebhookURL string
	// HTTPClient sends the webhooks; nil means an outbound client that may
	// reach loopback, where the sandbox's own server listens.
	HTTPClient *http.Client
	// Now is the sandbox's clock; nil means time.Now.
	Now func() time.Time
}

// Sandbox is a local stand-in for Infini: the order API, signed like
// Infini's, a hosted checkout page with test cards and simulated crypto
// payments, and signed webhooks. Orders live in memory. It is a test
// double, and must never be mounted where real customers pay.
type Sandbox struct {
	cfg            SandboxConfig
	client         *http.Client
	now            func() time.Time
	mux            *http.ServeMux
	webhookBackoff time.Duration // before the second send, doubled after

	ctx    context.Context // cancelled by Close, stopping webhook retries
	cancel context.CancelFunc
	wg     sync.WaitGroup

	webhookURL atomic.Pointer[string]

	mu          sync.Mutex
	closed      bool
	orders      map[string]*sandboxOrder
	byRequest   map[string]*sandboxOrder
	byReference map[string]*sandboxOrder
}

type sandboxOrder struct {
	id, requestID, reference, currency  string
	bodySum                             [32]byte // SHA-256 of the create request body
	desc, alias, successURL, failureURL string
	methods                             []PayMethod
	amount, confirmed                   decimal.Decimal
	status                              OrderStatus
	late                                bool
	createdAt, updatedAt, expiresAt     time.Time
}

// NewSandbox returns a sandbox; Close it to stop webhook retries.
func NewSandbox(cfg SandboxConfig) *Sandbox {
	cfg.Prefix = strings.TrimRight(cfg.Prefix, "/")
	if cfg.Prefix != "" && !strings.HasPrefix(cfg.Prefix, "/") {
		cfg.Prefix = "/" + cfg.Prefix
	}
	cfg.PublicURL = strings.TrimRight(cfg.PublicURL, "/")
	cfg.WebhookSecret = cmp.Or(cfg.WebhookSecret, cfg.Secret)
	s := &Sandbox{
		cfg:            cfg,
		client:         cfg.HTTPClient,
		now:            cfg.Now,
		mux:            http.NewServeMux(),
		webhookBackoff: time.Second,
		orders:         map[string]*sandboxOrder{},
		byRequest:      map[string]*sandboxOrder{},
		byReference:    map[string]*sandboxOrder{},
	}
	if s.client == nil {
		s.client = outbound.New(outbound.Policy{AllowPrivate: true})
	}
	if s.now == nil {
		s.now = time.Now
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	p := cfg.Prefix
	s.mux.HandleFunc("POST "+p+"/v1/acquiring/order", s.createOrder)
	s.mux.HandleFunc("GET "+p+"/v1/acquiring/order", s.getOrder)
	s.mux.HandleFunc("GET "+p+"/checkout/{id}", s.checkoutPage)
	s.mux.HandleFunc("POST "+p+"/checkout/{id}/{action}", s.checkoutAction)
	s.mux.HandleFunc(p+"/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, 404, "not found", r.Method+" "+r.URL.Path+" is not part of the sandbox")
	})
	return s
}

// ServeHTTP serves the order API and the checkout pages under Prefix.
func (s *Sandbox) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Close stops webhook retries and waits for them to end.
func (s *Sandbox) Close() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.cancel()
	s.wg.Wait()
}

func (s *Sandbox) createOrder(w http.ResponseWriter, r *http.Request) {
	body, ok := s.authenticate(w, r)
	if !ok {
		return
	}
	var p struct {
		RequestID       string      `json:"request_id"`
		Amount          flexDecimal `json:"amount"`
		Currency        string      `json:"currency"`
		ClientReference string      `json:"client_reference"`
		OrderDesc       string      `json:"order_desc"`
		ExpiresIn       flexDecimal `json:"expires_in"`
		MerchantAlias   string      `json:"merchant_alias"`
		SuccessURL      string      `json:"success_url"`
		FailureURL      string      `json:"failure_url"`
		PayMethods      []PayMethod `json:"pay_methods"`
	}
	if err := json.Unmarshal(body, &p); err != nil {
		writeError(w, http.StatusBadRequest, 400, "invalid request parameters", err.Error())
		return
	}
	currency := strings.ToUpper(cmp.Or(p.Currency, "USD"))
	if code, msg := orderProblem(p.RequestID, p.Amount.Decimal, currency, p.SuccessURL, p.FailureURL); code != 0 {
		writeError(w, http.StatusBadRequest, code, msg, "")
		return
	}
	if !slices.Contains(sandboxCurrencies, currency) {
		writeError(w, http.StatusBadRequest, 400, "invalid request parameters", "currency "+currency+" is not supported")
		return
	}
	ttl := sandboxDefaultTTL
	if p.ExpiresIn.set {
		if !p.ExpiresIn.IsPositive() || !p.ExpiresIn.IsInteger() {
			writeError(w, http.StatusBadRequest, 400, "invalid request parameters", "expires_in must be a positive whole number of seconds")
			return
		}
		ttl = time.Duration(p.ExpiresIn.IntPart()) * time.Second
	}
	for _, m := range p.PayMethods {
		if !slices.Contains([]PayMethod{PayCrypto, PayCard, PayBinance, PayApplePay, PayGooglePay}, m) {
			writeError(w, http.StatusBadRequest, 400, "invalid request parameters", fmt.Sprintf("pay_methods: unknown method %d", m))
			return
		}
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	sum := sha256.Sum256(body)
	// A retry with the same request_id and the same body gets the order
	// back; the same request_id with another body is 40901. Infini documents
	// only the 40901; what it answers to an identical retry is unverified.
	if o := s.byRequest[p.RequestID]; o != nil {
		if o.bodySum != sum {
			writeError(w, http.StatusConflict, 40901, "request_id duplicate", "another order was created with request_id "+p.RequestID)
			return
		}
		writeData(w, s.orderJSON(o))
		return
	}
	if o := s.byReference[p.ClientReference]; p.ClientReference != "" && o != nil {
		writeError(w, http.StatusConflict, 40902, "client_reference duplicate", "order "+o.id+" already has client_reference "+p.ClientReference)
		return
	}
	now := s.now()
	o := &sandboxOrder{
		id: NewRequestID(), requestID: p.RequestID, bodySum: sum,
		amount: p.Amount.Decimal, currency: currency, reference: p.ClientReference,
		desc: p.OrderDesc, alias: p.MerchantAlias, successURL: p.SuccessURL, failureURL: p.FailureURL,
		methods: p.PayMethods, status: StatusPending,
		createdAt: now, updatedAt: now, expiresAt: now.Add(ttl),
	}
	s.orders[o.id], s.byRequest[o.requestID] = o, o
	if o.reference != "" {
		s.byReference[o.reference] = o
	}
	writeData(w, s.orderJSON(o))
}

func (s *Sandbox) getOrder(w http.ResponseWriter, r *http.Request) {
	if _, ok := s.authenticate(w, r); !ok {
		return
	}
	id := r.URL.Query().Get("order_id")
	if id == "" {
		writeError(w, http.StatusBadRequest, 400, "invalid request parameters", "order_id is required")
		return
	}
	s.mu.Lock()
	o := s.orders[id]
	var view any
	var d *delivery
	if o != nil {
		d = s.expireIfDue(o)
		view = s.orderJSON(o)
	}
	s.mu.Unlock()
	if o == nil {
		writeError(w, http.StatusNotFound, 40401, "order does not exist", "")
		return
	}
	s.deliver(d)
	writeData(w, view)
}

// authenticate reads the body and checks the signature as Infini does,
// answering 401 when it fails.
func (s *Sandbox) authenticate(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxResponseSize))
	if err != nil {
		writeError(w, http.StatusBadRequest, 400, "invalid request parameters", err.Error())
		return nil, false
	}
	lookup := func(keyID string) (string, bool) { return s.cfg.Secret, keyID == s.cfg.KeyID }
	if err := VerifyRequest(r, body, lookup, s.now(), DefaultClockSkew); err != nil {
		writeError(w, http.StatusUnauthorized, 401, "client request can't be validated", err.Error())
		return nil, false
	}
	return body, true
}

func (s *Sandbox) checkoutAction(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	o := s.orders[r.PathValue("id")]
	if o == nil {
		s.mu.Unlock()
		http.NotFound(w, r)
		return
	}
	due := s.expireIfDue(o)
	var notice string
	var d *delivery
	switch r.PathValue("action") {
	case "card":
		notice, d = s.payByCard(o, r.PostForm)
	case "crypto":
		notice, d = s.payByCrypto(o, r.PostForm.Get("amount"))
	case "expire":
		notice, d = s.expire(o)
	default:
		s.mu.Unlock()
		http.NotFound(w, r)
		return
	}
	target := s.cfg.Prefix + "/checkout/" + url.PathEscape(o.id) + "?m=" + notice
	switch {
	case notice == "paid" && o.successURL != "":
		target = o.successURL
	case notice == "expired" && o.failureURL != "":
		target = o.failureURL
	}
	s.mu.Unlock()
	// Deliver before redirecting, so the app knows by the time the payer
	// lands on its page.
	s.deliver(due)
	s.deliver(d)
	http.Redirect(w, r, target, http.StatusSeeOther) //nolint:gosec // G710: the sandbox's own page, or the return URL of the signed order, as Infini redirects
}

func (s *Sandbox) payByCard(o *sandboxOrder, form url.Values) (string, *delivery) {
	switch {
	case !o.allows(PayCard):
		return "nocard", nil
	case o.status.Final():
		return "closed", nil
	}
	for _, f := range []string{"card_number", "card_name", "card_expiry", "card_cvc"} {
		if strings.TrimSpace(form.Get(f)) == "" {
			return "missing", nil
		}
	}
	switch strings.NewReplacer(" ", "", "-", "").Replace(form.Get("card_number")) {
	case strings.ReplaceAll(SandboxCardSuccess, " ", ""):
		return s.pay(o, o.amount.Sub(o.confirmed))
	case strings.ReplaceAll(SandboxCardDeclined, " ", ""):
		return "declined", nil
	}
	return "testcard", nil
}

func (s *Sandbox) payByCrypto(o *sandboxOrder, amount string) (string, *delivery) {
	switch {
	case !o.allows(PayCrypto):
		return "nocrypto", nil
	case o.status == StatusPaid:
		return "closed", nil
	}
	amt, err := decimal.NewFromString(strings.TrimSpace(amount))
	if err != nil || !amt.IsPositive() || !amt.Equal(amt.Truncate(6)) {
		return "amount", nil
	}
	return s.pay(o, amt)
}

// pay records a confirmed payment. After expiry it is a late payment: it
// counts, but the status stays as it was (INFINI-API.md §3).
func (s *Sandbox) pay(o *sandboxOrder, amt decimal.Decimal) (string, *delivery) {
	o.confirmed = o.confirmed.Add(amt)
	o.updatedAt = s.now()
	switch {
	case o.status.Final():
		o.late = true
		return "late", s.event(o, EventOrderLatePayment)
	case o.confirmed.GreaterThanOrEqual(o.amount):
		o.status = StatusPaid
		return "paid", s.event(o, EventOrderCompleted)
	}
	o.status = StatusProcessing
	return "processing", s.event(o, EventOrderProcessing)
}

func (s *Sandbox) expire(o *sandboxOrder) (string, *delivery) {
	if o.status.Final() {
		return "closed", nil
	}
	now := s.now()
	o.status = StatusExpired
	if o.confirmed.IsPositive() {
		o.status = StatusPartialPaid
	}
	o.updatedAt = now
	if o.expiresAt.After(now) {
		o.expiresAt = now
	}
	return "expired", s.event(o, EventOrderExpired)
}

// expireIfDue expires an order whose time is up. Infini does that on a
// timer; the sandbox does it when the order is next looked at.
func (s *Sandbox) expireIfDue(o *sandboxOrder) *delivery {
	if o.status.Final() || s.now().Before(o.expiresAt) {
		return nil
	}
	_, d := s.expire(o)
	return d
}

func (o *sandboxOrder) allows(m PayMethod) bool {
	return len(o.methods) == 0 || slices.Contains(o.methods, m)
}

// tags are the exception tags. Only "underpaid" and "late" are confirmed
// by Infini's documentation; "overpaid" is a guess at the spelling.
func (o *sandboxOrder) tags() []string {
	var tags []string
	switch {
	case o.confirmed.GreaterThan(o.amount):
		tags = append(tags, "overpaid")
	case o.status.Final() && o.confirmed.IsPositive() && o.confirmed.LessThan(o.amount):
		tags = append(tags, "underpaid")
	}
	if o.late {
		tags = append(tags, "late")
	}
	return tags
}

// sandboxOrderJSON is an order in API answers and, with Event set and no
// request_id, checkout_url or expires_at, a webhook body.
type sandboxOrderJSON struct {
	Event            string      `json:"event,omitempty"`
	OrderID          string      `json:"order_id"`
	RequestID        string      `json:"request_id,omitempty"`
	CheckoutURL      string      `json:"checkout_url,omitempty"`
	ClientReference  string      `json:"client_reference"`
	Amount           string      `json:"amount"`
	Currency         string      `json:"currency"`
	Status           OrderStatus `json:"status"`
	AmountConfirmed  string      `json:"amount_confirmed"`
	AmountConfirming string      `json:"amount_confirming"`
	ExceptionTags    []string    `json:"exception_tags,omitempty"`
	ExpiresAt        int64       `json:"expires_at,omitempty"`
	CreatedAt        int64       `json:"created_at"`
	UpdatedAt        int64       `json:"updated_at"`
}

func (s *Sandbox) orderJSON(o *sandboxOrder) sandboxOrderJSON {
	return sandboxOrderJSON{
		OrderID: o.id, RequestID: o.requestID, CheckoutURL: s.cfg.PublicURL + s.cfg.Prefix + "/checkout/" + o.id,
		ClientReference: o.reference, Amount: o.amount.String(), Currency: o.currency, Status: o.status,
		AmountConfirmed: o.confirmed.String(), AmountConfirming: "0", ExceptionTags: o.tags(),
		ExpiresAt: o.expiresAt.Unix(), CreatedAt: o.createdAt.Unix(), UpdatedAt: o.updatedAt.Unix(),
	}
}

// delivery is one webhook event. Retries resend it unchanged: Infini keeps
// the original timestamp and event id.
type delivery struct {
	body          []byte
	timestamp, id string
}

func (s *Sandbox) event(o *sandboxOrder, name string) *delivery {
	v := s.orderJSON(o)
	v.Event, v.RequestID, v.CheckoutURL, v.ExpiresAt = name, "", "", 0
	body, _ := json.Marshal(v)
	return &delivery{body: body, timestamp: strconv.FormatInt(s.now().Unix(), 10), id: NewRequestID()}
}

// SetWebhookURL changes where webhooks go, e.g. to a dead URL to see how
// the app repairs a webhook that never arrives.
func (s *Sandbox) SetWebhookURL(u string) { s.webhookURL.Store(&u) }

func (s *Sandbox) hookURL() string {
	if u := s.webhookURL.Load(); u != nil {
		return *u
	}
	return s.cfg.WebhookURL
}

// deliver sends a webhook now and, if that fails, keeps retrying in the
// background up to maxWebhookSends sends in all.
func (s *Sandbox) deliver(d *delivery) {
	if d == nil || s.hookURL() == "" || s.send(d) == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		wait := s.webhookBackoff
		var err error
		for sends := 2; sends <= maxWebhookSends; sends++ {
			select {
			case <-s.ctx.Done():
				return
			case <-time.After(wait):
			}
			if err = s.send(d); err == nil {
				return
			}
			wait = min(2*wait, 30*time.Second)
		}
		slog.Warn("infini sandbox: webhook not delivered", "event_id", d.id, "url", s.hookURL(), "err", err)
	}()
}

func (s *Sandbox) send(d *delivery) error {
	ctx, cancel := context.WithTimeout(s.ctx, 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.hookURL(), bytes.NewReader(d.body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(HeaderTimestamp, d.timestamp)
	req.Header.Set(HeaderEventID, d.id)
	req.Header.Set(HeaderSignature, SignWebhook(s.cfg.WebhookSecret, d.timestamp, d.id, d.body))
	resp, err := s.client.Do(req) //nolint:gosec // G704: the URL is the operator's webhook URL (config or SetWebhookURL), never a request's
	if err != nil {
		return err
	}
	// Drained only so the connection can be reused; the status decides.
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("webhook answered HTTP %d", resp.StatusCode)
	}
	return nil
}

func writeData(w http.ResponseWriter, data any) {
	writeJSON(w, http.StatusOK, map[string]any{"code": 0, "message": "", "data": data})
}

func writeError(w http.ResponseWriter, status, code int, msg, detail string) {
	writeJSON(w, status, map[string]any{"code": code, "message": msg, "detail": detail})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	// The status is sent; an encoding error can only be a client gone away.
	_ = json.NewEncoder(w).Encode(v)
}
