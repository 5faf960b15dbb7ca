package infini

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// OrderStatus is an order's status at Infini. paid, partial_paid and
// expired are final; a late payment adds the "late" exception tag and
// raises amount_confirmed but leaves the status as it was.
type OrderStatus string

// The order statuses, as Infini spells them.
const (
	StatusPending     OrderStatus = "pending"
	StatusProcessing  OrderStatus = "processing"
	StatusPaid        OrderStatus = "paid"
	StatusPartialPaid OrderStatus = "partial_paid"
	StatusExpired     OrderStatus = "expired"
)

// Final reports whether Infini will no longer change the status.
func (s OrderStatus) Final() bool {
	return s == StatusPaid || s == StatusPartialPaid || s == StatusExpired
}

// PayMethod is a payment method offered on the hosted checkout.
type PayMethod int

// Infini's pay_methods codes.
const (
	PayCrypto    PayMethod = 1
	PayCard      PayMethod = 2
	PayBinance   PayMethod = 3
	PayApplePay  PayMethod = 5
	PayGooglePay PayMethod = 6
)

// Order is an order as Infini reports it. Fields Infini left out are zero.
type Order struct {
	OrderID          string
	RequestID        string
	CheckoutURL      string
	ClientReference  string
	Currency         string
	Status           OrderStatus
	Amount           decimal.Decimal
	AmountConfirmed  decimal.Decimal
	AmountConfirming decimal.Decimal
	ExceptionTags    []string
	ExpiresAt        time.Time
	CreatedAt        time.Time
}

// orderWire is an order on the wire. Infini's documentation revisions
// disagree on names (amount/order_amount, currency/order_currency,
// exception_tag/exception_tags) and on types (amounts as strings or
// numbers), so it accepts all of them.
type orderWire struct {
	OrderID          string      `json:"order_id"`
	RequestID        string      `json:"request_id"`
	CheckoutURL      string      `json:"checkout_url"`
	ClientReference  string      `json:"client_reference"`
	Currency         string      `json:"currency"`
	OrderCurrency    string      `json:"order_currency"`
	Status           OrderStatus `json:"status"`
	Amount           flexDecimal `json:"amount"`
	OrderAmount      flexDecimal `json:"order_amount"`
	AmountConfirmed  flexDecimal `json:"amount_confirmed"`
	AmountConfirming flexDecimal `json:"amount_confirming"`
	ExceptionTags    flexTags    `json:"exception_tags"`
	ExceptionTag     flexTags    `json:"exception_tag"`
	ExpiresAt        flexTime    `json:"expires_at"`
	CreatedAt        flexTime    `json:"created_at"`
}

func (w *orderWire) order() *Order {
	o := &Order{
		OrderID:          w.OrderID,
		RequestID:        w.RequestID,
		CheckoutURL:      w.CheckoutURL,
		ClientReference:  w.ClientReference,
		Currency:         firstNonEmpty(w.Currency, w.OrderCurrency),
		Status:           w.Status,
		Amount:           w.Amount.Decimal,
		AmountConfirmed:  w.AmountConfirmed.Decimal,
		AmountConfirming: w.AmountConfirming.Decimal,
		ExceptionTags:    append(w.ExceptionTags, w.ExceptionTag...),
		ExpiresAt:        w.ExpiresAt.Time,
		CreatedAt:        w.CreatedAt.Time,
	}
	if !w.Amount.set {
		o.Amount = w.OrderAmount.Decimal
	}
	return o
}

// flexDecimal decodes a JSON string or number into a decimal without
// passing through float64.
type flexDecimal struct {
	decimal.Decimal
	set bool
}

func (d *flexDecimal) UnmarshalJSON(b []byte) error {
	s, err := scalarText(b)
	if err != nil || s == "" {
		return err
	}
	v, err := decimal.NewFromString(s)
	if err != nil {
		return fmt.Errorf("amount %q is not a decimal", s)
	}
	d.Decimal, d.set = v, true
	return nil
}

// flexTime decodes Unix seconds or milliseconds (as a number or a string)
// or an RFC 3339 string; 0 and null stay zero.
type flexTime struct{ time.Time }

func (t *flexTime) UnmarshalJSON(b []byte) error {
	s, err := scalarText(b)
	if err != nil || s == "" || s == "0" {
		return err
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		t.Time = unixTime(n)
		return nil
	}
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return fmt.Errorf("time %q is neither Unix time nor RFC 3339", s)
	}
	t.Time = v
	return nil
}

// unixTime reads seconds, or milliseconds when n >= 1e12 (a date in 33658
// as seconds, 2001 as milliseconds).
func unixTime(n int64) time.Time {
	if n >= 1e12 {
		return time.UnixMilli(n).UTC()
	}
	return time.Unix(n, 0).UTC()
}

// flexTags decodes a list of strings, or one comma-separated string.
type flexTags []string

func (t *flexTags) UnmarshalJSON(b []byte) error {
	if bytes.HasPrefix(bytes.TrimSpace(b), []byte("[")) {
		return json.Unmarshal(b, (*[]string)(t))
	}
	s, err := scalarText(b)
	if err != nil {
		return err
	}
	for tag := range strings.SplitSeq(s, ",") {
		if tag = strings.TrimSpace(tag); tag != "" {
			*t = append(*t, tag)
		}
	}
	return nil
}

// scalarText is the text of a JSON string, or the literal of a JSON
// number, or "" for null.
func scalarText(b []byte) (string, error) {
	b = bytes.TrimSpace(b)
	switch {
	case string(b) == "null":
		return "", nil
	case len(b) > 0 && b[0] == '"':
		var s string
		err := json.Unmarshal(b, &s)
		return strings.TrimSpace(s), err
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return "", fmt.Errorf("%s is neither a string nor a number", b)
	}
	return n.String(), nil
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// orderProblem is the first thing Infini rejects in an order, as Infini's
// error code and a message, or code 0. The client checks it before sending
// and the sandbox answers with it.
func orderProblem(requestID string, amount decimal.Decimal, currency, successURL, failureURL string) (int, string) {
	switch {
	case !isUUID(requestID):
		return 40001, fmt.Sprintf("request_id %q must be a valid UUID", requestID)
	case !amount.IsPositive():
		return 40003, fmt.Sprintf("amount %s must be positive", amount)
	case !amount.Equal(amount.Truncate(6)):
		return 40004, fmt.Sprintf("amount %s has more than 6 decimal places", amount)
	case amount.LessThanOrEqual(decimal.New(1, -2)):
		return 40006, fmt.Sprintf("amount %s must be greater than 0.01", amount)
	case (strings.EqualFold(currency, "JPY") || strings.EqualFold(currency, "KRW")) && !amount.IsInteger():
		return 40004, fmt.Sprintf("%s amounts must be whole numbers, got %s", strings.ToUpper(currency), amount)
	}
	if msg := urlProblem("success_url", successURL); msg != "" {
		return 40008, msg
	}
	if msg := urlProblem("failure_url", failureURL); msg != "" {
		return 40009, msg
	}
	return 0, ""
}

// urlProblem allows at most 255 characters: Infini passes redirect URLs on
// to the payment rail, and Binance Pay refuses longer ones (unverified).
func urlProblem(field, s string) string {
	if s == "" {
		return ""
	}
	if len(s) > 255 {
		return fmt.Sprintf("%s is %d characters long; the limit is 255", field, len(s))
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Sprintf("%s %q is not an absolute http(s) URL", field, s)
	}
	return ""
}

// NewRequestID returns a random UUID (version 4) for OrderRequest.RequestID.
func NewRequestID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// isUUID reports whether s is a UUID in its canonical 8-4-4-4-12 hex form.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, c := range s {
		switch {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if c != '-' {
				return false
			}
		case !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'):
			return false
		}
	}
	return true
}
