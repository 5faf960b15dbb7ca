package infini

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// Webhook headers.
const (
	HeaderTimestamp = "X-Webhook-Timestamp"
	HeaderEventID   = "X-Webhook-Event-Id"
	HeaderSignature = "X-Webhook-Signature"
)

// WebhookTolerance is how old (or how far ahead) a webhook's timestamp may
// be. Infini keeps the original timestamp on its retries, which span about
// 16 minutes, so the 300 s of Infini's own example would refuse them.
const WebhookTolerance = 30 * time.Minute

// Webhook event names. Infini's documentation uses both order.created and
// order.create for the creation event.
const (
	EventOrderCreated     = "order.created"
	EventOrderCreate      = "order.create"
	EventOrderProcessing  = "order.processing"
	EventOrderCompleted   = "order.completed"
	EventOrderExpired     = "order.expired"
	EventOrderLatePayment = "order.late_payment"
)

// Event is a webhook from Infini. Events other than order.* (card or
// subscription events) carry only ID, Name and Timestamp.
type Event struct {
	ID               string // X-Webhook-Event-Id; deduplicate by it
	Name             string // e.g. "order.completed"
	OrderID          string
	ClientReference  string
	Currency         string
	Status           OrderStatus
	Amount           decimal.Decimal
	AmountConfirmed  decimal.Decimal
	AmountConfirming decimal.Decimal
	ExceptionTags    []string
	CreatedAt        time.Time
	UpdatedAt        time.Time
	Timestamp        time.Time // X-Webhook-Timestamp
}

type eventWire struct {
	orderWire
	Event     string          `json:"event"`
	UpdatedAt flexTime        `json:"updated_at"`
	Data      json.RawMessage `json:"data"`
}

// SignWebhook returns X-Webhook-Signature for a webhook: lower-case hex
// HMAC-SHA256 of timestamp + "." + event id + "." + body.
func SignWebhook(secret, ts, eventID string, body []byte) string {
	return hex.EncodeToString(webhookMAC(secret, ts, eventID, body))
}

func webhookMAC(secret, ts, eventID string, body []byte) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts + "." + eventID + "."))
	m.Write(body)
	return m.Sum(nil)
}

// VerifyWebhook checks a webhook's signature and timestamp against secret
// and returns its event. body must be the raw request body.
func VerifyWebhook(secret string, h http.Header, body []byte, now time.Time) (*Event, error) {
	ts, id, sig := h.Get(HeaderTimestamp), h.Get(HeaderEventID), h.Get(HeaderSignature)
	for _, v := range []struct{ name, value string }{{HeaderTimestamp, ts}, {HeaderEventID, id}, {HeaderSignature, sig}} {
		if v.value == "" {
			return nil, fmt.Errorf("%w: no %s header", ErrMissingSignature, v.name)
		}
	}
	if secret == "" {
		// An empty key is one anybody can sign with.
		return nil, fmt.Errorf("%w: no webhook secret configured", ErrBadSignature)
	}
	got, err := hex.DecodeString(strings.TrimSpace(sig))
	if err != nil || !hmac.Equal(got, webhookMAC(secret, ts, id, body)) {
		return nil, ErrBadSignature
	}
	n, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("%w: %s %q is not a Unix time", ErrStaleTimestamp, HeaderTimestamp, ts)
	}
	at := unixTime(n)
	if d := now.Sub(at).Abs(); d > WebhookTolerance {
		return nil, fmt.Errorf("%w: signed %s ago", ErrStaleTimestamp, now.Sub(at).Round(time.Second))
	}
	e, err := ParseEvent(body)
	if err != nil {
		return nil, err
	}
	e.ID, e.Timestamp = id, at
	return e, nil
}

// ParseEvent reads a webhook body without checking anything, so a caller
// can use its order_id or client_reference to find which secret to verify
// it with. Never act on an event that VerifyWebhook has not returned.
func ParseEvent(body []byte) (*Event, error) {
	var head struct {
		Event string          `json:"event"`
		ID    json.RawMessage `json:"id"`
	}
	if err := json.Unmarshal(body, &head); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformedEvent, err)
	}
	if head.Event == "" {
		return nil, fmt.Errorf("%w: no event name", ErrMalformedEvent)
	}
	e := &Event{Name: head.Event}
	e.ID, _ = scalarText(head.ID)
	if !strings.HasPrefix(head.Event, "order.") {
		return e, nil // not ours to read; the caller answers 200 and moves on
	}
	var w eventWire
	if err := json.Unmarshal(body, &w); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrMalformedEvent, err)
	}
	// Tolerate the fields nested under "data", as card events have them.
	if w.OrderID == "" && strings.HasPrefix(strings.TrimSpace(string(w.Data)), "{") {
		data := w.Data
		w = eventWire{}
		if err := json.Unmarshal(data, &w); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrMalformedEvent, err)
		}
	}
	o := w.order()
	e.OrderID, e.ClientReference, e.Currency, e.Status = o.OrderID, o.ClientReference, o.Currency, o.Status
	e.Amount, e.AmountConfirmed, e.AmountConfirming = o.Amount, o.AmountConfirmed, o.AmountConfirming
	e.ExceptionTags, e.CreatedAt, e.UpdatedAt = o.ExceptionTags, o.CreatedAt, w.UpdatedAt.Time
	return e, nil
}
