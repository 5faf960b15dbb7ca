package infini

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tally-invoicing/tally/internal/outbound"
)

// Base URLs of Infini's Payment API.
const (
	ProductionURL = "https://openapi.infini.money"
	SandboxURL    = "https://openapi-sandbox.infini.money"
)

const (
	maxAttempts     = 3
	maxResponseSize = 1 << 20
	attemptTimeout  = 15 * time.Second
)

// defaultHTTP is the client of a Config without one: the production policy.
var defaultHTTP = outbound.New(outbound.Policy{})

// Config configures a Client.
type Config struct {
	// BaseURL is ProductionURL, SandboxURL, or the local sandbox with its
	// prefix, e.g. http://127.0.0.1:8080/sandbox/infini.
	BaseURL string
	KeyID   string
	Secret  string
	// HTTPClient sends the requests: an outbound client, whose policy
	// decides which addresses may be called. nil means the production
	// policy (no loopback or private addresses).
	HTTPClient *http.Client
	// Now is the clock for the Date header; nil means time.Now.
	Now func() time.Time
	// RetryBackoff is the wait before the second attempt, doubled before
	// the third; 0 means 300 ms.
	RetryBackoff time.Duration
}

// Client calls Infini's Payment API. It is safe for concurrent use.
type Client struct {
	cfg  Config
	http *http.Client
	now  func() time.Time
}

// NewClient returns a client for cfg.
func NewClient(cfg Config) *Client {
	c := &Client{cfg: cfg, http: cfg.HTTPClient, now: cfg.Now}
	c.cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	if c.http == nil {
		c.http = defaultHTTP
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.cfg.RetryBackoff <= 0 {
		c.cfg.RetryBackoff = 300 * time.Millisecond
	}
	return c
}

// OrderRequest is a hosted-checkout order to create.
type OrderRequest struct {
	// RequestID is Infini's idempotency key and must be a UUID (see
	// NewRequestID). Persist it before calling CreateOrder and send the
	// same one again when retrying.
	RequestID       string
	Amount          decimal.Decimal
	Currency        string // empty means Infini's default, USD
	ClientReference string // e.g. the invoice id; echoed in webhooks
	OrderDesc       string
	ExpiresIn       time.Duration // whole seconds; 0 means the dashboard default
	SuccessURL      string
	FailureURL      string
	MerchantAlias   string      // name shown on the checkout
	PayMethods      []PayMethod // empty means the merchant's defaults
}

// orderBody is the create-order request body. The amount is a decimal
// string, as Infini recommends.
type orderBody struct {
	RequestID       string      `json:"request_id"`
	Amount          string      `json:"amount"`
	Currency        string      `json:"currency,omitempty"`
	ClientReference string      `json:"client_reference,omitempty"`
	OrderDesc       string      `json:"order_desc,omitempty"`
	ExpiresIn       int64       `json:"expires_in,omitempty"`
	MerchantAlias   string      `json:"merchant_alias,omitempty"`
	SuccessURL      string      `json:"success_url,omitempty"`
	FailureURL      string      `json:"failure_url,omitempty"`
	PayMethods      []PayMethod `json:"pay_methods,omitempty"`
}

// CreateOrder creates a hosted-checkout order (POST /v1/acquiring/order).
// The returned order has the checkout URL to send the payer to; fields the
// answer leaves out are filled in from req.
func (c *Client) CreateOrder(ctx context.Context, req OrderRequest) (*Order, error) {
	if code, msg := orderProblem(req.RequestID, req.Amount, req.Currency, req.SuccessURL, req.FailureURL); code != 0 {
		return nil, fmt.Errorf("%w: %s", ErrInvalidRequest, msg)
	}
	if req.ExpiresIn < 0 || req.ExpiresIn%time.Second != 0 {
		return nil, fmt.Errorf("%w: expires_in %s is not a whole number of seconds", ErrInvalidRequest, req.ExpiresIn)
	}
	body, err := json.Marshal(orderBody{
		RequestID:       req.RequestID,
		Amount:          req.Amount.String(),
		Currency:        req.Currency,
		ClientReference: req.ClientReference,
		OrderDesc:       req.OrderDesc,
		ExpiresIn:       int64(req.ExpiresIn / time.Second),
		MerchantAlias:   req.MerchantAlias,
		SuccessURL:      req.SuccessURL,
		FailureURL:      req.FailureURL,
		PayMethods:      req.PayMethods,
	})
	if err != nil {
		return nil, fmt.Errorf("infini: encode order: %w", err)
	}
	o, err := c.order(ctx, http.MethodPost, "/v1/acquiring/order", body)
	if err != nil {
		return nil, err
	}
	if o.RequestID == "" {
		o.RequestID = req.RequestID
	}
	if o.ClientReference == "" {
		o.ClientReference = req.ClientReference
	}
	if o.Amount.IsZero() {
		o.Amount = req.Amount
	}
	if o.Currency == "" {
		o.Currency = req.Currency
	}
	if o.Status == "" {
		o.Status = StatusPending
	}
	return o, nil
}

// GetOrder reads an order (GET /v1/acquiring/order?order_id=).
func (c *Client) GetOrder(ctx context.Context, orderID string) (*Order, error) {
	if orderID == "" {
		return nil, fmt.Errorf("%w: empty order id", ErrInvalidRequest)
	}
	return c.order(ctx, http.MethodGet, "/v1/acquiring/order?order_id="+url.QueryEscape(orderID), nil)
}

func (c *Client) order(ctx context.Context, method, target string, body []byte) (*Order, error) {
	data, err := c.do(ctx, method, target, body)
	if err != nil {
		return nil, err
	}
	var w orderWire
	if err := json.Unmarshal(data, &w); err != nil {
		return nil, fmt.Errorf("infini: decode order: %w", err)
	}
	if w.OrderID == "" {
		return nil, fmt.Errorf("infini: %s %s: answer has no order_id", method, target)
	}
	return w.order(), nil
}

// do sends a request, retrying network errors, timeouts and 5xx answers.
// Each attempt is signed afresh (a new Date) but carries the same body, so
// the same request_id: Infini's idempotency key.
func (c *Client) do(ctx context.Context, method, target string, body []byte) (json.RawMessage, error) {
	wait := c.cfg.RetryBackoff
	for attempt := 1; ; attempt++ {
		data, retry, err := c.attempt(ctx, method, target, body)
		if err == nil || !retry || attempt == maxAttempts {
			return data, err
		}
		select {
		case <-ctx.Done():
			// The context ended the call; the last attempt's error is only
			// told, not wrapped, so errors.Is/As see why the caller stopped
			// and never mistake a transient 5xx for the outcome.
			return nil, fmt.Errorf("infini: gave up after %d attempts: %w (last error: %s)", attempt, ctx.Err(), err.Error())
		case <-time.After(wait):
		}
		wait *= 2
	}
}

// attempt sends the request once and reports whether a failure is worth
// retrying.
func (c *Client) attempt(ctx context.Context, method, target string, body []byte) (json.RawMessage, bool, error) {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	actx, cancel := context.WithTimeout(ctx, attemptTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(actx, method, c.cfg.BaseURL+target, r)
	if err != nil {
		return nil, false, fmt.Errorf("infini: %s %s: %w", method, target, err)
	}
	Sign(req, c.cfg.KeyID, c.cfg.Secret, body, c.now())
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if why := refusal(err); why != nil {
		// Retrying cannot help: the base URL itself is the problem.
		return nil, false, fmt.Errorf("infini: %s %s: %w %s: %w", method, target, ErrBaseURLRefused, c.cfg.BaseURL, why)
	}
	if err != nil {
		return nil, ctx.Err() == nil, fmt.Errorf("infini: %s %s: %w", method, target, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxResponseSize))
	if err != nil {
		return nil, ctx.Err() == nil, fmt.Errorf("infini: %s %s: read answer: %w", method, target, err)
	}
	data, err := unwrap(resp.StatusCode, raw)
	return data, resp.StatusCode >= 500, err
}

// refusal is why the outbound policy refused a call, or nil.
func refusal(err error) error {
	if re, ok := errors.AsType[*outbound.RefusedError](err); ok {
		return re
	}
	if ue, ok := errors.AsType[*url.Error](err); ok && errors.Is(err, outbound.ErrRedirect) {
		return ue.Err
	}
	return nil
}

// envelope is Infini's answer wrapper. Live answers wrap the object in it;
// the documentation's examples show the bare object. Both are accepted.
type envelope struct {
	Code    json.RawMessage `json:"code"`
	Message string          `json:"message"`
	Detail  string          `json:"detail"`
	Data    json.RawMessage `json:"data"`
}

// unwrap returns the object an answer carries, or an *APIError for a
// non-2xx status or a non-zero code (even under HTTP 200).
func unwrap(status int, raw []byte) (json.RawMessage, error) {
	var env envelope
	jsonErr := json.Unmarshal(raw, &env)
	code := 0
	if jsonErr == nil && len(env.Code) > 0 {
		s, err := scalarText(env.Code)
		if err == nil && s != "" {
			code, err = strconv.Atoi(s)
		}
		if err != nil {
			jsonErr = err
		}
	}
	if status < 200 || status > 299 || code != 0 {
		e := &APIError{HTTPStatus: status, Code: code, Message: env.Message, Detail: env.Detail}
		if jsonErr != nil {
			e.Message = excerpt(raw)
		}
		return nil, e
	}
	if jsonErr != nil {
		return nil, fmt.Errorf("infini: answer is not a JSON object: %s", excerpt(raw))
	}
	if len(env.Data) > 0 && string(env.Data) != "null" {
		return env.Data, nil
	}
	return raw, nil
}

func excerpt(raw []byte) string {
	s := strings.TrimSpace(string(raw))
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}
