package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tally-invoicing/tally/internal/checkout/infini"
	"github.com/tally-invoicing/tally/internal/checkout/wallet"
	"github.com/tally-invoicing/tally/internal/database/dbtest"
	"github.com/tally-invoicing/tally/internal/ptr"
)

// payable issues an invoice for one line of price in currency, accepting
// methods, and returns its id and payment-link token.
func (c *client) payable(price, currency string, methods ...string) (id, token string) {
	c.t.Helper()
	cust := c.createCustomer("Payer "+strconv.Itoa(int(merchantSeq.Add(1))), fmt.Sprintf("payer%d@example.com", merchantSeq.Add(1)))
	var d struct{ CreateInvoiceDraft struct{ ID string } }
	c.do(`mutation($c: ID!, $cur: String) { createInvoiceDraft(input: {customerID: $c, currency: $cur}) { id } }`,
		map[string]any{"c": cust, "cur": currency}, &d)
	id = d.CreateInvoiceDraft.ID
	c.do(`mutation($id: ID!, $p: Decimal!) { setInvoiceItems(id: $id, items: [{name: "Work", quantity: "1", unitPrice: $p}]) { id } }`,
		map[string]any{"id": id, "p": price}, nil)
	c.do(`mutation($id: ID!, $m: [PaymentMethod!]!) { setInvoicePaymentMethods(id: $id, methods: $m) { id } }`,
		map[string]any{"id": id, "m": methods}, nil)
	var out struct{ IssueInvoice struct{ CheckoutURL string } }
	c.do(`mutation($id: ID!) { issueInvoice(id: $id, send: false) { checkoutURL } }`, map[string]any{"id": id}, &out)
	u := out.IssueInvoice.CheckoutURL
	return id, u[strings.LastIndex(u, "/")+1:]
}

type invoiceState struct {
	Status         string
	Version        int
	AmountPaid     string
	AmountDue      string
	AmountOverpaid string
	Payments       []struct {
		Amount     string
		Channel    string
		Provider   string
		ExternalID *string
		Late       bool
		RecordedBy string
	}
	Events []struct {
		Type       string
		FromStatus *string
		ToStatus   *string
		Note       string
	}
}

func (c *client) invoiceState(id string) invoiceState {
	c.t.Helper()
	var out struct{ Node invoiceState }
	c.do(`query($id: ID!) { node(id: $id) { ... on Invoice { status version amountPaid amountDue amountOverpaid
		payments { amount channel provider externalID late recordedBy }
		events { type fromStatus toStatus note } } } }`, map[string]any{"id": id}, &out)
	return out.Node
}

type session struct {
	ID          string
	Status      string
	Amount      string
	Currency    string
	RedirectURL *string
	Network     *string
	Address     *string
	Reference   *string
	PaymentURI  *string
	QRCode      *string
}

const sessionFields = `id status amount currency redirectURL network address reference paymentURI qrCode`

func (ta *testApp) startCheckout(t *testing.T, token, method, network, asset string) session {
	t.Helper()
	vars := map[string]any{"t": token, "m": method}
	if network != "" {
		vars["n"], vars["a"] = network, asset
	}
	var out struct{ StartCheckout session }
	ta.anonymous(t).do(`mutation($t: String!, $m: PaymentMethod!, $n: String, $a: String) {
		startCheckout(token: $t, method: $m, network: $n, asset: $a) { `+sessionFields+` } }`, vars, &out)
	return out.StartCheckout
}

// noRedirect is a browser that stops at the first redirect, to see where it points.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// sandboxAct submits a form on the sandbox's hosted checkout, as the payer's
// browser would, and returns where the sandbox sends the payer next.
func sandboxAct(t *testing.T, checkoutURL, action string, form url.Values) string {
	t.Helper()
	resp, err := noRedirect.PostForm(checkoutURL+"/"+action, form)
	if err != nil {
		t.Fatalf("sandbox %s: %v", action, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sandbox %s: HTTP %d, want 303", action, resp.StatusCode)
	}
	return resp.Header.Get("Location")
}

func payByCard(t *testing.T, checkoutURL, number string) string {
	return sandboxAct(t, checkoutURL, "card", url.Values{"card_number": {number}, "card_name": {"Jane Payer"}, "card_expiry": {"12/34"}, "card_cvc": {"123"}})
}

func TestInfiniCardPaysInvoice(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Card Shop")
		id, token := c.payable("400.00", "USD", "INFINI_CARD")

		s := ta.startCheckout(t, token, "INFINI_CARD", "", "")
		if s.Status != "NEW" || s.Amount != "400.00" || s.Currency != "USD" || s.RedirectURL == nil {
			t.Fatalf("session = %+v, want NEW 400.00 USD with a redirect", s)
		}
		if !strings.HasPrefix(*s.RedirectURL, ta.srv.URL+"/sandbox/infini/checkout/") {
			t.Fatalf("redirectURL = %s, want the built-in sandbox's checkout", *s.RedirectURL)
		}
		// Starting again (a reload, a double click) hands out the same session.
		if again := ta.startCheckout(t, token, "INFINI_CARD", "", ""); again.ID != s.ID {
			t.Fatalf("second start gave session %s, want %s again", again.ID, s.ID)
		}

		// A declined card changes nothing.
		payByCard(t, *s.RedirectURL, infini.SandboxCardDeclined)
		if st := c.invoiceState(id); st.Status != "OPEN" || len(st.Payments) != 0 {
			t.Fatalf("after a declined card: %s with %d payments, want OPEN with none", st.Status, len(st.Payments))
		}

		next := payByCard(t, *s.RedirectURL, infini.SandboxCardSuccess)
		if !strings.HasPrefix(next, ta.srv.URL+"/pay/"+token) {
			t.Fatalf("after paying, the payer is sent to %s, want back to the payment page", next)
		}
		st := c.invoiceState(id)
		if st.Status != "PAID" || st.AmountPaid != "400.00" || st.AmountDue != "0.00" {
			t.Fatalf("invoice = %s paid %s due %s, want PAID 400.00 0.00", st.Status, st.AmountPaid, st.AmountDue)
		}
		if len(st.Payments) != 1 || st.Payments[0].Channel != "CHECKOUT_CARD" || st.Payments[0].Provider != "infini" ||
			st.Payments[0].Amount != "400.00" || st.Payments[0].RecordedBy != "system" {
			t.Fatalf("payments = %+v, want one CHECKOUT_CARD payment of 400.00 by infini", st.Payments)
		}
		last := st.Events[len(st.Events)-1]
		if last.Type != "PAYMENT_RECEIVED" || ptr.Val(last.FromStatus) != "OPEN" || ptr.Val(last.ToStatus) != "PAID" {
			t.Fatalf("last timeline event = %+v, want PAYMENT_RECEIVED OPEN -> PAID", last)
		}

		// The payment page now says PAID, and offers nothing to pay.
		page := page(t, next)
		if !strings.Contains(page, ">PAID<") || strings.Contains(page, "Pay with") {
			t.Fatalf("payment page after paying does not show PAID:\n%s", excerpt(page))
		}
		// A paid invoice cannot start another checkout.
		e := ta.anonymous(t).expectCode("CONFLICT", "", `mutation($t: String!) { startCheckout(token: $t, method: INFINI_CARD) { id } }`, map[string]any{"t": token})
		if !strings.Contains(e.Message, "already paid") {
			t.Fatalf("message = %q, want it to say the invoice is already paid", e.Message)
		}
	})
}

func TestInfiniCryptoPartialLateAndOverpayment(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Crypto Shop")

		// Partial + partial = paid, each part a payment.
		id, token := c.payable("100.00", "USD", "CRYPTO")
		s := ta.startCheckout(t, token, "CRYPTO", "", "")
		sandboxAct(t, *s.RedirectURL, "crypto", url.Values{"amount": {"40"}})
		st := c.invoiceState(id)
		if st.Status != "PARTIALLY_PAID" || st.AmountDue != "60.00" {
			t.Fatalf("after 40 of 100: %s due %s, want PARTIALLY_PAID due 60.00", st.Status, st.AmountDue)
		}
		sandboxAct(t, *s.RedirectURL, "crypto", url.Values{"amount": {"60"}})
		st = c.invoiceState(id)
		if st.Status != "PAID" || len(st.Payments) != 2 || st.Payments[0].Channel != "CHECKOUT_CRYPTO" {
			t.Fatalf("after 40 + 60: %s with payments %+v, want PAID with two crypto payments", st.Status, st.Payments)
		}

		// Overpayment: PAID, the excess recorded as credit.
		id2, token2 := c.payable("50.00", "USD", "CRYPTO")
		s2 := ta.startCheckout(t, token2, "CRYPTO", "", "")
		sandboxAct(t, *s2.RedirectURL, "crypto", url.Values{"amount": {"55.5"}})
		st = c.invoiceState(id2)
		if st.Status != "PAID" || st.AmountPaid != "55.50" || st.AmountOverpaid != "5.50" {
			t.Fatalf("after 55.50 of 50: %s paid %s over %s, want PAID 55.50 over 5.50", st.Status, st.AmountPaid, st.AmountOverpaid)
		}

		// Expired, then paid late: still counts, flagged late.
		id3, token3 := c.payable("30.00", "USD", "CRYPTO")
		s3 := ta.startCheckout(t, token3, "CRYPTO", "", "")
		sandboxAct(t, *s3.RedirectURL, "expire", nil)
		if st := c.invoiceState(id3); st.Status != "OPEN" {
			t.Fatalf("after the order expired: %s, want OPEN", st.Status)
		}
		var sess struct{ StartCheckout session }
		ta.anonymous(t).do(`mutation($t: String!) { startCheckout(token: $t, method: CRYPTO) { id status } }`, map[string]any{"t": token3}, &sess)
		if sess.StartCheckout.ID == s3.ID {
			t.Fatal("an expired session was handed out again; want a fresh one")
		}
		sandboxAct(t, *s3.RedirectURL, "crypto", url.Values{"amount": {"30"}})
		st = c.invoiceState(id3)
		if st.Status != "PAID" || len(st.Payments) != 1 || !st.Payments[0].Late {
			t.Fatalf("after a late payment: %s payments %+v, want PAID with one late payment", st.Status, st.Payments)
		}
	})
}

// infiniEvent builds a webhook the way the sandbox (and Infini) signs it.
func infiniEvent(t *testing.T, eventID, name, orderID, status, amount, confirmed string, at time.Time) (http.Header, []byte) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"event": name, "order_id": orderID, "client_reference": "x", "amount": amount,
		"currency": "USD", "status": status, "amount_confirmed": confirmed, "amount_confirming": "0",
		"created_at": at.Unix(), "updated_at": at.Unix()})
	ts := strconv.FormatInt(at.Unix(), 10)
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set(infini.HeaderTimestamp, ts)
	h.Set(infini.HeaderEventID, eventID)
	h.Set(infini.HeaderSignature, infini.SignWebhook(sandboxWebhookSecret, ts, eventID, body))
	return h, body
}

func postWebhook(t *testing.T, u string, h http.Header, body []byte) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, u, strings.NewReader(string(body)))
	req.Header = h.Clone()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Errorf("POST %s: %v", u, err)
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// orderOf reads the Infini order id behind a session's checkout URL.
func orderOf(s session) string {
	u := *s.RedirectURL
	return u[strings.LastIndex(u, "/")+1:]
}

func TestInfiniWebhookOnceAndInOrder(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Webhook Shop")
		id, token := c.payable("80.00", "USD", "INFINI_CARD")
		order := orderOf(ta.startCheckout(t, token, "INFINI_CARD", "", ""))
		hook := ta.srv.URL + "/webhooks/infini"

		// The same delivery 50 times at once: one payment, one transition, one event.
		h, body := infiniEvent(t, "evt-completed-1", "order.completed", order, "paid", "80", "80", time.Now())
		var wg sync.WaitGroup
		codes := make(chan int, 50)
		for range 50 {
			wg.Add(1)
			go func() { defer wg.Done(); codes <- postWebhook(t, hook, h, body) }()
		}
		wg.Wait()
		close(codes)
		for code := range codes {
			if code != http.StatusOK {
				t.Fatalf("a duplicate delivery got HTTP %d, want 200 so Infini stops retrying", code)
			}
		}
		st := c.invoiceState(id)
		paidEvents := 0
		for _, e := range st.Events {
			if e.Type == "PAYMENT_RECEIVED" {
				paidEvents++
			}
		}
		if st.Status != "PAID" || len(st.Payments) != 1 || paidEvents != 1 {
			t.Fatalf("after 50 identical deliveries: %s, %d payments, %d payment events; want PAID, 1, 1", st.Status, len(st.Payments), paidEvents)
		}

		// An older event arriving late (processing, 20 confirmed) moves nothing back.
		h, body = infiniEvent(t, "evt-processing-0", "order.processing", order, "processing", "80", "20", time.Now().Add(-time.Minute))
		if code := postWebhook(t, hook, h, body); code != http.StatusOK {
			t.Fatalf("late processing event: HTTP %d, want 200", code)
		}
		if st2 := c.invoiceState(id); st2.Status != "PAID" || st2.Version != st.Version || len(st2.Payments) != 1 {
			t.Fatalf("an out-of-order event changed the invoice: %s v%d (was v%d), %d payments", st2.Status, st2.Version, st.Version, len(st2.Payments))
		}
	})
}

func TestInfiniWebhookSignatures(t *testing.T) {
	ta := startApp(t, dbtest.Backend{Name: "sqlite", URL: dbtest.SQLite(t)})
	c := ta.signUp(t, "Signed Shop")
	id, token := c.payable("10.00", "USD", "INFINI_CARD")
	order := orderOf(ta.startCheckout(t, token, "INFINI_CARD", "", ""))
	hook := ta.srv.URL + "/webhooks/infini"
	now := time.Now()

	cases := []struct {
		name   string
		mutate func(h http.Header, body []byte) (http.Header, []byte)
		want   int
	}{
		{"tampered body", func(h http.Header, b []byte) (http.Header, []byte) {
			return h, []byte(strings.Replace(string(b), `"amount_confirmed":"10"`, `"amount_confirmed":"99"`, 1))
		}, http.StatusUnauthorized},
		{"wrong secret", func(h http.Header, b []byte) (http.Header, []byte) {
			h.Set(infini.HeaderSignature, infini.SignWebhook("not-the-secret", h.Get(infini.HeaderTimestamp), h.Get(infini.HeaderEventID), b))
			return h, b
		}, http.StatusUnauthorized},
		{"no signature", func(h http.Header, b []byte) (http.Header, []byte) { h.Del(infini.HeaderSignature); return h, b }, http.StatusUnauthorized},
		{"other event id", func(h http.Header, b []byte) (http.Header, []byte) {
			h.Set(infini.HeaderEventID, "evt-other")
			return h, b
		}, http.StatusUnauthorized},
		{"not JSON", func(h http.Header, _ []byte) (http.Header, []byte) { return h, []byte("<xml/>") }, http.StatusBadRequest},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h, body := infiniEvent(t, "evt-"+tc.name, "order.completed", order, "paid", "10", "10", now)
			h, body = tc.mutate(h, body)
			if code := postWebhook(t, hook, h, body); code != tc.want {
				t.Fatalf("HTTP %d, want %d", code, tc.want)
			}
		})
	}
	t.Run("signed 40 minutes ago", func(t *testing.T) {
		h, body := infiniEvent(t, "evt-stale", "order.completed", order, "paid", "10", "10", now.Add(-40*time.Minute))
		if code := postWebhook(t, hook, h, body); code != http.StatusUnauthorized {
			t.Fatalf("HTTP %d, want 401", code)
		}
	})
	if st := c.invoiceState(id); st.Status != "OPEN" || len(st.Payments) != 0 {
		t.Fatalf("refused webhooks changed the invoice: %s with %d payments", st.Status, len(st.Payments))
	}
	t.Run("a retry signed 25 minutes ago still counts", func(t *testing.T) {
		h, body := infiniEvent(t, "evt-retry", "order.completed", order, "paid", "10", "10", now.Add(-25*time.Minute))
		if code := postWebhook(t, hook, h, body); code != http.StatusOK {
			t.Fatalf("HTTP %d, want 200", code)
		}
		if st := c.invoiceState(id); st.Status != "PAID" {
			t.Fatalf("invoice is %s, want PAID", st.Status)
		}
	})
	t.Run("an order Tally never created is acknowledged", func(t *testing.T) {
		h, body := infiniEvent(t, "evt-foreign", "order.completed", "00000000-0000-4000-8000-000000000000", "paid", "10", "10", now)
		if code := postWebhook(t, hook, h, body); code != http.StatusOK {
			t.Fatalf("HTTP %d, want 200", code)
		}
	})
}

func TestReturnFromCheckoutRepairsMissedWebhook(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Repair Shop")
		id, token := c.payable("25.00", "USD", "INFINI_CARD")
		s := ta.startCheckout(t, token, "INFINI_CARD", "", "")
		// Break webhook delivery: the sandbox posts to a URL that refuses.
		ta.app.sandbox.SetWebhookURL(ta.srv.URL + "/nowhere")
		next := payByCard(t, *s.RedirectURL, infini.SandboxCardSuccess)
		if st := c.invoiceState(id); st.Status != "OPEN" {
			t.Fatalf("invoice is %s before the payer returns, want OPEN (webhook lost)", st.Status)
		}
		page := page(t, next) // the payer lands back on the payment page
		if !strings.Contains(page, ">PAID<") {
			t.Fatalf("payment page after return does not show PAID:\n%s", excerpt(page))
		}
		if st := c.invoiceState(id); st.Status != "PAID" || len(st.Payments) != 1 {
			t.Fatalf("after the return: %s with %d payments, want PAID with 1 (read back from the order)", st.Status, len(st.Payments))
		}
	})
}

const tronAddress = "TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU7"

func TestWalletCheckout(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Wallet Shop")
		var m struct {
			SetCryptoWallets struct {
				CryptoWallets []struct{ Network, Asset, Address string }
			}
		}
		c.do(`mutation($w: [CryptoWalletInput!]!) { setCryptoWallets(wallets: $w) { cryptoWallets { network asset address } } }`,
			map[string]any{"w": []map[string]any{
				{"network": "TRON", "asset": "USDT", "address": tronAddress},
				{"network": "ethereum", "asset": "usdc", "address": "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"},
			}}, &m)
		ws := m.SetCryptoWallets.CryptoWallets
		if len(ws) != 2 || ws[0].Network != "ETHEREUM" || ws[0].Address != "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed" {
			t.Fatalf("wallets = %+v, want ETHEREUM first with its EIP-55 checksummed address", ws)
		}

		id1, tok1 := c.payable("12.50", "USD", "CRYPTO")
		_, tok2 := c.payable("12.50", "USD", "CRYPTO")
		s1 := ta.startCheckout(t, tok1, "CRYPTO", "TRON", "USDT")
		s2 := ta.startCheckout(t, tok2, "CRYPTO", "TRON", "USDT")
		if s1.Currency != "USDT" || s1.Address == nil || *s1.Address != tronAddress || !strings.HasPrefix(s1.Amount, "12.50") {
			t.Fatalf("session = %+v, want USDT to %s for about 12.50", s1, tronAddress)
		}
		if s1.Amount == s2.Amount {
			t.Fatalf("two open sessions on one address share the amount %s; each must be unique", s1.Amount)
		}
		if s1.Reference == nil || !strings.HasPrefix(*s1.Reference, "RF") || s1.PaymentURI == nil ||
			!strings.HasPrefix(*s1.PaymentURI, "tron:"+tronAddress) || s1.QRCode == nil || !strings.HasPrefix(*s1.QRCode, "data:image/png;base64,") {
			t.Fatalf("session = %+v, want a reference, a tron: payment URI and a PNG QR code", s1)
		}

		transfer := func(amount, tx string, confirmations int) (int, map[string]any) {
			body, _ := json.Marshal(map[string]any{"network": "TRON", "asset": "USDT", "to": tronAddress, "amount": amount, "txHash": tx, "confirmations": confirmations})
			resp, err := http.Post(ta.srv.URL+"/sandbox/crypto/transfers", "application/json", strings.NewReader(string(body)))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var out map[string]any
			_ = json.NewDecoder(resp.Body).Decode(&out)
			return resp.StatusCode, out
		}
		tx := strings.Repeat("ab", 32)
		if code, out := transfer(s1.Amount, tx, 1); code != 200 || out["status"] != "PROCESSING" || out["applied"] != false {
			t.Fatalf("unconfirmed transfer: HTTP %d %v, want 200, PROCESSING, not applied", code, out)
		}
		if st := c.invoiceState(id1); st.Status != "OPEN" {
			t.Fatalf("an unconfirmed transfer made the invoice %s, want OPEN", st.Status)
		}
		for range 2 { // confirmed, then the watcher repeats itself
			if code, out := transfer(s1.Amount, tx, 30); code != 200 || out["status"] != "SETTLED" {
				t.Fatalf("confirmed transfer: HTTP %d %v, want 200 SETTLED", code, out)
			}
		}
		st := c.invoiceState(id1)
		if st.Status != "PAID" || len(st.Payments) != 1 || st.Payments[0].Channel != "CHECKOUT_CRYPTO" ||
			st.Payments[0].Provider != "wallet" || ptr.Val(st.Payments[0].ExternalID) != tx {
			t.Fatalf("after the transfer: %s payments %+v, want PAID with one wallet payment for tx %s", st.Status, st.Payments, tx)
		}
		// A transfer no session asked for is not guessed at, nor lost: it
		// waits in the review queue, suggesting the invoice of that amount.
		if code, out := transfer("12.50", strings.Repeat("cd", 32), 30); code != http.StatusOK || out["matched"] != false || out["collectionStatus"] != "UNMATCHED" {
			t.Fatalf("unknown amount: HTTP %d %v, want 200, recorded UNMATCHED", code, out)
		}
		var queue struct {
			Collections struct {
				Edges []struct {
					Node struct {
						Amount      string
						Channel     string
						Suggestions []struct{ ID string }
					}
				}
			}
		}
		c.do(`{ collections(first: 50, where: {statusIn: [UNMATCHED, PARTIAL]}) { edges { node { amount channel suggestions { id } } } } }`, nil, &queue)
		if len(queue.Collections.Edges) != 1 || queue.Collections.Edges[0].Node.Amount != "12.50" || queue.Collections.Edges[0].Node.Channel != "CHECKOUT_CRYPTO" {
			t.Fatalf("review queue = %+v, want the 12.50 USDT transfer", queue.Collections.Edges)
		}
		// Bad input says what to fix.
		if code, out := transfer("abc", tx, 1); code != http.StatusBadRequest || !strings.Contains(fmt.Sprint(out["error"]), "amount") {
			t.Fatalf("bad amount: HTTP %d %v, want 400 naming the amount", code, out)
		}
	})
}

func TestWalletSettingsValidation(t *testing.T) {
	ta := startApp(t, dbtest.Backend{Name: "sqlite", URL: dbtest.SQLite(t)})
	c := ta.signUp(t, "Careful Shop")
	set := `mutation($w: [CryptoWalletInput!]!) { setCryptoWallets(wallets: $w) { id } }`
	cases := []struct {
		name   string
		wallet map[string]any
		field  string
	}{
		{"bad EIP-55 checksum", map[string]any{"network": "ETHEREUM", "asset": "USDT", "address": "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD"}, "wallets[0].address"},
		{"TRON typo", map[string]any{"network": "TRON", "asset": "USDT", "address": "TLa2f6VPqDgRE67v1736s7bJ8Ray5wYjU8"}, "wallets[0].address"},
		{"unknown network", map[string]any{"network": "DOGE", "asset": "USDT", "address": tronAddress}, "wallets[0].network"},
		{"short Solana key", map[string]any{"network": "SOLANA", "asset": "USDC", "address": "abc"}, "wallets[0].address"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(_ *testing.T) {
			c.expectCode("VALIDATION", tc.field, set, map[string]any{"w": []map[string]any{tc.wallet}})
		})
	}
}

func TestPaymentMethodsFollowSettings(t *testing.T) {
	ta := startApp(t, dbtest.Backend{Name: "sqlite", URL: dbtest.SQLite(t)})
	c := ta.signUp(t, "Euro Shop")
	cust := c.createCustomer("Eva", "eva@example.com")
	var d struct{ CreateInvoiceDraft struct{ ID string } }
	c.do(`mutation($c: ID!) { createInvoiceDraft(input: {customerID: $c, currency: "EUR"}) { id } }`, map[string]any{"c": cust}, &d)
	e := c.expectCode("VALIDATION", "methods", `mutation($id: ID!) { setInvoicePaymentMethods(id: $id, methods: [CRYPTO]) { id } }`, map[string]any{"id": d.CreateInvoiceDraft.ID})
	if !strings.Contains(e.Message, "USD") {
		t.Fatalf("message = %q, want it to say crypto is for USD invoices", e.Message)
	}
	// A fresh development merchant takes both methods through the sandbox.
	var v struct {
		Viewer struct {
			Merchant struct {
				Infini         struct{ Configured, Sandbox bool }
				PaymentMethods []struct {
					Method    string
					Available bool
				}
			}
		}
	}
	c.do(`{ viewer { merchant { infini { configured sandbox } paymentMethods { method available } } } }`, nil, &v)
	if !v.Viewer.Merchant.Infini.Configured || !v.Viewer.Merchant.Infini.Sandbox {
		t.Fatalf("infini = %+v, want the sandbox configured out of the box", v.Viewer.Merchant.Infini)
	}
	for _, pm := range v.Viewer.Merchant.PaymentMethods {
		if !pm.Available {
			t.Fatalf("%s is not available to a fresh development merchant", pm.Method)
		}
	}
}

func TestMarkInvoicePaid(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Manual Shop")
		id, _ := c.payable("300.00", "USD", "INFINI_CARD")
		mark := `mutation($id: ID!, $in: MarkInvoicePaidInput!) { markInvoicePaid(id: $id, input: $in) { status amountDue } }`

		c.expectCode("VALIDATION", "channel", mark, map[string]any{"id": id, "in": map[string]any{"channel": "CHECKOUT_CARD"}})
		c.expectCode("VALIDATION", "amount", mark, map[string]any{"id": id, "in": map[string]any{"channel": "CASH", "amount": "0"}})
		c.expectCode("VALIDATION", "amount", mark, map[string]any{"id": id, "in": map[string]any{"channel": "CASH", "amount": "1.005"}})
		c.expectCode("VALIDATION", "receivedAt", mark, map[string]any{"id": id, "in": map[string]any{"channel": "CASH", "receivedAt": time.Now().Add(48 * time.Hour).Format(time.RFC3339)}})

		var out struct {
			MarkInvoicePaid struct{ Status, AmountDue string }
		}
		c.do(mark, map[string]any{"id": id, "in": map[string]any{"channel": "BANK_TRANSFER", "amount": "100.00", "reference": "SEPA 4471"}}, &out)
		if out.MarkInvoicePaid.Status != "PARTIALLY_PAID" || out.MarkInvoicePaid.AmountDue != "200.00" {
			t.Fatalf("after 100 of 300: %+v, want PARTIALLY_PAID due 200.00", out.MarkInvoicePaid)
		}
		c.do(mark, map[string]any{"id": id, "in": map[string]any{"channel": "CASH"}}, &out) // the rest, by default
		if out.MarkInvoicePaid.Status != "PAID" || out.MarkInvoicePaid.AmountDue != "0.00" {
			t.Fatalf("after the rest: %+v, want PAID due 0.00", out.MarkInvoicePaid)
		}
		st := c.invoiceState(id)
		if len(st.Payments) != 2 || st.Payments[0].Channel != "BANK_TRANSFER" || ptr.Val(st.Payments[0].ExternalID) != "SEPA 4471" ||
			st.Payments[1].Amount != "200.00" || !strings.Contains(st.Payments[1].RecordedBy, "@") {
			t.Fatalf("payments = %+v, want the bank transfer then 200.00 in cash, recorded by the user", st.Payments)
		}
		c.expectCode("CONFLICT", "", mark, map[string]any{"id": id, "in": map[string]any{"channel": "CASH"}})

		// Another merchant cannot see or pay it.
		other := ta.signUp(t, "Other Shop")
		other.expectCode("NOT_FOUND", "", mark, map[string]any{"id": id, "in": map[string]any{"channel": "CASH"}})
	})
}

func TestPublicCheckoutQuery(t *testing.T) {
	ta := startApp(t, dbtest.Backend{Name: "sqlite", URL: dbtest.SQLite(t)})
	c := ta.signUp(t, "Open Shop")
	id, token := c.payable("19.99", "USD", "CRYPTO", "INFINI_CARD")
	q := `query($t: String!) { checkout(token: $t) { merchantName number status currency total amountDue reference pdfURL options { method provider label } } }`
	var out struct {
		Checkout *struct {
			MerchantName, Number, Status, AmountDue, Reference string
			Options                                            []struct{ Method, Provider, Label string }
		}
	}
	ta.anonymous(t).do(q, map[string]any{"t": token}, &out)
	if out.Checkout == nil || out.Checkout.MerchantName != "Open Shop" || out.Checkout.AmountDue != "19.99" ||
		!strings.HasPrefix(out.Checkout.Reference, "RF") || len(out.Checkout.Options) != 2 {
		t.Fatalf("checkout = %+v, want Open Shop, 19.99 due, an RF reference and two options", out.Checkout)
	}
	ta.anonymous(t).do(q, map[string]any{"t": "nope"}, &out)
	if out.Checkout != nil {
		t.Fatalf("an unknown token gave %+v, want null", out.Checkout)
	}
	c.do(`mutation($id: ID!) { voidInvoice(id: $id) { id } }`, map[string]any{"id": id}, nil)
	ta.anonymous(t).do(q, map[string]any{"t": token}, &out)
	if out.Checkout != nil {
		t.Fatalf("a voided invoice's token gave %+v, want null", out.Checkout)
	}
}

func TestPaymentPageStreamsStatus(t *testing.T) {
	ta := startApp(t, dbtest.Backend{Name: "sqlite", URL: dbtest.SQLite(t)})
	c := ta.signUp(t, "Live Shop")
	id, token := c.payable("5.00", "USD", "INFINI_CARD")
	resp, err := http.Get(ta.srv.URL + "/pay/" + token + "/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("Content-Type = %q, want text/event-stream", ct)
	}
	lines := make(chan string, 16)
	go func() {
		buf := make([]byte, 4096)
		for {
			n, err := resp.Body.Read(buf)
			if n > 0 {
				lines <- string(buf[:n])
			}
			if err != nil {
				close(lines)
				return
			}
		}
	}()
	<-lines // "retry:" preamble: the stream is open
	c.do(`mutation($id: ID!) { markInvoicePaid(id: $id, input: {channel: CASH}) { id } }`, map[string]any{"id": id}, nil)
	deadline := time.After(2 * time.Second)
	var got string
	for !strings.Contains(got, `"status":"PAID"`) {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("stream ended; got %q", got)
			}
			got += l
		case <-deadline:
			t.Fatalf("no PAID event within 2 s; got %q", got)
		}
	}
	if !strings.Contains(got, "event: status") {
		t.Fatalf("stream = %q, want an event named status", got)
	}
}

// page fetches a page as a browser without a session would.
func page(t *testing.T, u string) string {
	t.Helper()
	resp, b := get(t, u, "")
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: HTTP %d: %s", u, resp.StatusCode, b)
	}
	return string(b)
}

func excerpt(s string) string {
	if i := strings.Index(s, "<aside"); i >= 0 {
		s = s[i:]
	}
	if len(s) > 1500 {
		s = s[:1500]
	}
	return s
}

func TestCryptoWebhookSignatures(t *testing.T) {
	ta := startAppWith(t, dbtest.SQLite(t), func(c *config) { c.CryptoWebhookSecrets = "old-secret, new-secret" })
	c := ta.signUp(t, "Watched Shop")
	c.do(`mutation { setCryptoWallets(wallets: [{network: "TRON", asset: "USDT", address: "`+tronAddress+`"}]) { id } }`, nil, nil)
	id, token := c.payable("7.00", "USD", "CRYPTO")
	s := ta.startCheckout(t, token, "CRYPTO", "TRON", "USDT")
	body, _ := json.Marshal(map[string]any{"network": "TRON", "asset": "USDT", "to": tronAddress, "amount": s.Amount, "txHash": strings.Repeat("ef", 32), "confirmations": 40})
	post := func(sig string) int {
		req, _ := http.NewRequest(http.MethodPost, ta.srv.URL+"/webhooks/crypto", strings.NewReader(string(body)))
		if sig != "" {
			req.Header.Set(wallet.SignatureHeader, sig)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	now := time.Now()
	for _, tc := range []struct {
		name string
		sig  string
	}{
		{"unsigned", ""},
		{"unknown secret", wallet.Sign("guess", body, now)},
		{"six minutes old", wallet.Sign("new-secret", body, now.Add(-6*time.Minute))},
		{"garbage", "t=abc,v1=zz"},
	} {
		if code := post(tc.sig); code != http.StatusUnauthorized {
			t.Fatalf("%s: HTTP %d, want 401", tc.name, code)
		}
	}
	if st := c.invoiceState(id); st.Status != "OPEN" {
		t.Fatalf("refused webhooks made the invoice %s", st.Status)
	}
	// During a rotation the old secret still signs.
	if code := post(wallet.Sign("old-secret", body, now)); code != http.StatusOK {
		t.Fatalf("signed with the old secret: HTTP %d, want 200", code)
	}
	if st := c.invoiceState(id); st.Status != "PAID" {
		t.Fatalf("invoice is %s, want PAID", st.Status)
	}
}

func TestUncollectibleCanStillBePaid(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Patient Shop")
		id, _ := c.payable("60.00", "USD", "INFINI_CARD")
		var out struct{ MarkInvoiceUncollectible struct{ Status string } }
		c.do(`mutation($id: ID!) { markInvoiceUncollectible(id: $id, reason: "customer went quiet") { status } }`, map[string]any{"id": id}, &out)
		if out.MarkInvoiceUncollectible.Status != "UNCOLLECTIBLE" {
			t.Fatalf("status = %s, want UNCOLLECTIBLE", out.MarkInvoiceUncollectible.Status)
		}
		c.expectCode("CONFLICT", "", `mutation($id: ID!) { markInvoiceUncollectible(id: $id) { status } }`, map[string]any{"id": id})
		c.do(`mutation($id: ID!) { markInvoicePaid(id: $id, input: {channel: BANK_TRANSFER}) { id } }`, map[string]any{"id": id}, nil)
		st := c.invoiceState(id)
		last := st.Events[len(st.Events)-1]
		if st.Status != "PAID" || ptr.Val(last.FromStatus) != "UNCOLLECTIBLE" {
			t.Fatalf("after paying: %s, last event %+v; want PAID from UNCOLLECTIBLE", st.Status, last)
		}
	})
}

func TestWalletTransferAfterExpiryCountsLate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Slow Payer Shop")
		c.do(`mutation { setCryptoWallets(wallets: [{network: "TRON", asset: "USDT", address: "`+tronAddress+`"}]) { id } }`, nil, nil)
		id, token := c.payable("9.00", "USD", "CRYPTO")
		s := ta.startCheckout(t, token, "CRYPTO", "TRON", "USDT")

		// Two hours later the session has expired...
		later := time.Now().Add(2 * time.Hour)
		ta.app.checkout.SetClock(func() time.Time { return later })
		var view struct{ StartCheckout session }
		// ...a new session is a fresh one, with another amount: the old one
		// stays reserved for late transfers.
		ta.anonymous(t).do(`mutation($t: String!) { startCheckout(token: $t, method: CRYPTO, network: "TRON", asset: "USDT") { id amount } }`, map[string]any{"t": token}, &view)
		if view.StartCheckout.ID == s.ID || view.StartCheckout.Amount == s.Amount {
			t.Fatalf("after expiry got session %+v, want a new one with another amount than %s", view.StartCheckout, s.Amount)
		}
		// The customer's transfer for the first amount arrives late: it still pays, flagged.
		body, _ := json.Marshal(map[string]any{"network": "TRON", "asset": "USDT", "to": tronAddress, "amount": s.Amount, "txHash": strings.Repeat("12", 32), "confirmations": 25})
		resp, err := http.Post(ta.srv.URL+"/sandbox/crypto/transfers", "application/json", strings.NewReader(string(body)))
		if err != nil {
			t.Fatal(err)
		}
		var out map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&out)
		resp.Body.Close()
		if out["late"] != true || out["applied"] != true {
			t.Fatalf("late transfer: %v, want applied and late", out)
		}
		st := c.invoiceState(id)
		if st.Status != "PAID" || len(st.Payments) != 1 || !st.Payments[0].Late {
			t.Fatalf("after a late transfer: %s %+v, want PAID with one late payment", st.Status, st.Payments)
		}
	})
}

func TestReconcileFindsPaymentsWhoseWebhooksWereLost(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Quiet Shop")
		id, token := c.payable("45.00", "USD", "CRYPTO")
		s := ta.startCheckout(t, token, "CRYPTO", "", "")
		ta.app.sandbox.SetWebhookURL(ta.srv.URL + "/nowhere") // every webhook is lost
		sandboxAct(t, *s.RedirectURL, "crypto", url.Values{"amount": {"45"}})
		// The payer never comes back to the payment page.
		if n, err := ta.app.checkout.Reconcile(context.Background()); err != nil || n != 0 {
			t.Fatalf("a sweep right away read %d orders (err %v); want none, the order is not quiet yet", n, err)
		}
		if st := c.invoiceState(id); st.Status != "OPEN" {
			t.Fatalf("invoice is %s before the sweep, want OPEN", st.Status)
		}
		later := time.Now().Add(5 * time.Minute)
		ta.app.checkout.SetClock(func() time.Time { return later })
		if n, err := ta.app.checkout.Reconcile(context.Background()); err != nil || n != 1 {
			t.Fatalf("the sweep read %d orders (err %v), want 1", n, err)
		}
		if st := c.invoiceState(id); st.Status != "PAID" || len(st.Payments) != 1 {
			t.Fatalf("after the sweep: %s with %d payments, want PAID with 1", st.Status, len(st.Payments))
		}
		// A second sweep finds nothing left to do.
		if n, _ := ta.app.checkout.Reconcile(context.Background()); n != 0 {
			t.Fatalf("a second sweep read %d orders, want 0", n)
		}
	})
}
