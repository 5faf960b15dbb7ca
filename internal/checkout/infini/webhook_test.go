package infini

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
)

const testWebhookSecret = "whsec-test"

var completedBody = []byte(`{"event":"order.completed","order_id":"20290d05-1111-4222-8333-444455556666","client_reference":"INV-10001","amount":"1","currency":"USD","status":"paid","amount_confirmed":"1","amount_confirming":"0","created_at":1763512349,"updated_at":1763512573}`)

func TestSignWebhookPinned(t *testing.T) {
	// Computed once with Python's hmac module.
	got := SignWebhook("whsec", "1737460800", "evt-1", []byte(`{"event":"order.completed"}`))
	if want := "9f547680cf7770e573a38d295acb72beaa09c847e46e1d18c2835dd82d8deb18"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestVerifyWebhook(t *testing.T) {
	now := time.Unix(1763512600, 0)
	headers := func(ts string, mutate func(h http.Header)) http.Header {
		h := http.Header{}
		h.Set(HeaderTimestamp, ts)
		h.Set(HeaderEventID, "evt-42")
		h.Set(HeaderSignature, SignWebhook(testWebhookSecret, ts, "evt-42", completedBody))
		if mutate != nil {
			mutate(h)
		}
		return h
	}
	secs := func(d time.Duration) string { return strconv.FormatInt(now.Add(d).Unix(), 10) }
	millis := func(d time.Duration) string { return strconv.FormatInt(now.Add(d).UnixMilli(), 10) }
	tests := []struct {
		name   string
		secret string
		h      http.Header
		body   []byte
		want   error
	}{
		{"valid", testWebhookSecret, headers(secs(0), nil), completedBody, nil},
		{"wrong secret", "whsec-other", headers(secs(0), nil), completedBody, ErrBadSignature},
		{"empty secret", "", headers(secs(0), nil), completedBody, ErrBadSignature},
		{"tampered body", testWebhookSecret, headers(secs(0), nil), []byte(strings.Replace(string(completedBody), `"amount":"1"`, `"amount":"100"`, 1)), ErrBadSignature},
		{"tampered event id", testWebhookSecret, headers(secs(0), func(h http.Header) { h.Set(HeaderEventID, "evt-43") }), completedBody, ErrBadSignature},
		{"tampered timestamp", testWebhookSecret, headers(secs(0), func(h http.Header) { h.Set(HeaderTimestamp, secs(time.Second)) }), completedBody, ErrBadSignature},
		{"signature not hex", testWebhookSecret, headers(secs(0), func(h http.Header) { h.Set(HeaderSignature, "zz") }), completedBody, ErrBadSignature},
		{"no timestamp", testWebhookSecret, headers(secs(0), func(h http.Header) { h.Del(HeaderTimestamp) }), completedBody, ErrMissingSignature},
		{"no event id", testWebhookSecret, headers(secs(0), func(h http.Header) { h.Del(HeaderEventID) }), completedBody, ErrMissingSignature},
		{"no signature", testWebhookSecret, headers(secs(0), func(h http.Header) { h.Del(HeaderSignature) }), completedBody, ErrMissingSignature},
		{"29 min old", testWebhookSecret, headers(secs(-29*time.Minute), nil), completedBody, nil},
		{"31 min old", testWebhookSecret, headers(secs(-31*time.Minute), nil), completedBody, ErrStaleTimestamp},
		{"31 min ahead", testWebhookSecret, headers(secs(31*time.Minute), nil), completedBody, ErrStaleTimestamp},
		{"29 min old in ms", testWebhookSecret, headers(millis(-29*time.Minute), nil), completedBody, nil},
		{"31 min old in ms", testWebhookSecret, headers(millis(-31*time.Minute), nil), completedBody, ErrStaleTimestamp},
		{"timestamp not a number", testWebhookSecret, headers("yesterday", nil), completedBody, ErrStaleTimestamp},
		{"upper-case hex", testWebhookSecret, headers(secs(0), func(h http.Header) { h.Set(HeaderSignature, strings.ToUpper(h.Get(HeaderSignature))) }), completedBody, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := VerifyWebhook(tt.secret, tt.h, tt.body, now)
			if tt.want == nil {
				if err != nil {
					t.Fatalf("got %v, want nil", err)
				}
				if e.ID != "evt-42" || e.Name != EventOrderCompleted || e.OrderID == "" {
					t.Errorf("got event %+v", e)
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Errorf("got %v, want %v", err, tt.want)
			}
		})
	}
}

func TestParseEvent(t *testing.T) {
	tests := []struct {
		name string
		body string
		want Event
	}{
		{"completed", string(completedBody), Event{
			Name: EventOrderCompleted, OrderID: "20290d05-1111-4222-8333-444455556666", ClientReference: "INV-10001",
			Currency: "USD", Status: StatusPaid, Amount: decimal.NewFromInt(1), AmountConfirmed: decimal.NewFromInt(1),
			CreatedAt: time.Unix(1763512349, 0), UpdatedAt: time.Unix(1763512573, 0),
		}},
		{"late payment with numbers and tags", `{"event":"order.late_payment","order_id":"o-2","amount":20,"currency":"EUR","status":"expired","amount_confirmed":20.5,"amount_confirming":0,"exception_tags":["late"],"created_at":1763512349000,"updated_at":"1763512573"}`, Event{
			Name: EventOrderLatePayment, OrderID: "o-2", Currency: "EUR", Status: StatusExpired,
			Amount: decimal.NewFromInt(20), AmountConfirmed: decimal.RequireFromString("20.5"), ExceptionTags: []string{"late"},
			CreatedAt: time.Unix(1763512349, 0), UpdatedAt: time.Unix(1763512573, 0),
		}},
		{"fields under data", `{"event":"order.create","data":{"order_id":"o-3","status":"pending","amount":"5"}}`, Event{
			Name: EventOrderCreate, OrderID: "o-3", Status: StatusPending, Amount: decimal.NewFromInt(5),
		}},
		{"card event", `{"id":1234,"event":"card.transaction","version":1,"data":{}}`, Event{ID: "1234", Name: "card.transaction"}},
		{"subscription event with odd types", `{"event":"subscription.update","status":3,"amount":{"v":1}}`, Event{Name: "subscription.update"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseEvent([]byte(tt.body))
			if err != nil {
				t.Fatal(err)
			}
			w := tt.want
			if got.ID != w.ID || got.Name != w.Name || got.OrderID != w.OrderID || got.ClientReference != w.ClientReference ||
				got.Currency != w.Currency || got.Status != w.Status || !got.Amount.Equal(w.Amount) ||
				!got.AmountConfirmed.Equal(w.AmountConfirmed) || !got.AmountConfirming.Equal(w.AmountConfirming) ||
				!slices.Equal(got.ExceptionTags, w.ExceptionTags) || !got.CreatedAt.Equal(w.CreatedAt) || !got.UpdatedAt.Equal(w.UpdatedAt) {
				t.Errorf("got  %+v\nwant %+v", *got, w)
			}
		})
	}
}

func TestParseEventMalformed(t *testing.T) {
	for _, body := range []string{``, `[]`, `{"order_id":"o-1"}`, `{"event":"order.completed","amount":"lots"}`} {
		if _, err := ParseEvent([]byte(body)); !errors.Is(err, ErrMalformedEvent) {
			t.Errorf("ParseEvent(%q): got %v, want ErrMalformedEvent", body, err)
		}
	}
}
