package infini

import (
	"bytes"
	_ "embed"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/shopspring/decimal"
)

//go:embed sandbox_page.html.tmpl
var sandboxPageTemplate string

var sandboxPage = template.Must(template.New("checkout").Parse(sandboxPageTemplate))

// notices are the messages the checkout shows after an action, keyed by
// the ?m= the action redirects with. Only these texts are ever shown.
var notices = map[string]struct{ Kind, Text string }{
	"paid":       {"ok", "Payment complete. Thank you!"},
	"processing": {"info", "Payment received, waiting for the rest."},
	"late":       {"info", "Late payment received after the order expired. It is recorded, but the order stays expired."},
	"expired":    {"info", "This order has expired."},
	"declined":   {"error", "Your card was declined. Nothing was charged."},
	"testcard":   {"error", "This is a sandbox: use a test card. " + SandboxCardSuccess + " succeeds, " + SandboxCardDeclined + " is declined."},
	"missing":    {"error", "Fill in every card field."},
	"amount":     {"error", "Enter an amount greater than zero, with at most 6 decimals."},
	"closed":     {"error", "This order is already paid or has expired."},
	"nocard":     {"error", "This order does not accept cards."},
	"nocrypto":   {"error", "This order does not accept crypto."},
}

type checkoutView struct {
	Merchant, Description, Reference, OrderID string
	Amount, Due, Confirmed                    string // for display, with the currency
	Remaining, Currency                       string // for the crypto form
	Status                                    OrderStatus
	Paid                                      bool
	Closed                                    bool // expired or partially paid: only late payments remain
	Card, Crypto                              bool // the methods offered
	NoticeKind, Notice                        string
	ExpiresAt                                 string
	Action                                    string // where the forms post, without the last segment
	ReturnURL                                 string
	CardSuccess, CardDeclined                 string
}

func (s *Sandbox) checkoutPage(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	o := s.orders[r.PathValue("id")]
	var d *delivery
	var v checkoutView
	if o != nil {
		d = s.expireIfDue(o)
		v = s.checkoutView(o, r.URL.Query().Get("m"))
	}
	s.mu.Unlock()
	if o == nil {
		http.Error(w, "No such order in the Infini sandbox.", http.StatusNotFound)
		return
	}
	s.deliver(d)
	var b bytes.Buffer
	if err := sandboxPage.Execute(&b, v); err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(b.Bytes())
}

func (s *Sandbox) checkoutView(o *sandboxOrder, notice string) checkoutView {
	remaining := o.amount.Sub(o.confirmed)
	v := checkoutView{
		Merchant:     o.alias,
		Description:  o.desc,
		Reference:    o.reference,
		OrderID:      o.id,
		Amount:       displayAmount(o.amount, o.currency),
		Due:          displayAmount(remaining, o.currency),
		Confirmed:    displayAmount(o.confirmed, o.currency),
		Currency:     o.currency,
		Status:       o.status,
		Paid:         o.status == StatusPaid,
		Closed:       o.status == StatusExpired || o.status == StatusPartialPaid,
		Card:         o.allows(PayCard),
		Crypto:       o.allows(PayCrypto),
		ExpiresAt:    o.expiresAt.UTC().Format("2 Jan 2006 15:04 MST"),
		Action:       s.cfg.Prefix + "/checkout/" + url.PathEscape(o.id),
		CardSuccess:  SandboxCardSuccess,
		CardDeclined: SandboxCardDeclined,
	}
	if v.Merchant == "" {
		v.Merchant = "Sandbox merchant"
	}
	if remaining.IsPositive() {
		v.Remaining = remaining.String()
	}
	if v.Paid {
		v.ReturnURL = o.successURL
	} else if v.Closed {
		v.ReturnURL = o.failureURL
	}
	if n, ok := notices[notice]; ok {
		v.NoticeKind, v.Notice = n.Kind, n.Text
	}
	return v
}

// displayAmount shows cents (none for JPY and KRW) unless the amount has
// more decimals than that.
func displayAmount(d decimal.Decimal, currency string) string {
	places := int32(2)
	if currency == "JPY" || currency == "KRW" {
		places = 0
	}
	s := d.String()
	if d.Equal(d.Truncate(places)) {
		s = d.StringFixed(places)
	}
	return strings.TrimSpace(currency + " " + s)
}
