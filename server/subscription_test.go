package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/tally-invoicing/tally/internal/auth"
	"github.com/tally-invoicing/tally/internal/database/dbtest"
)

// statusSubscription is what the dashboard subscribes to.
const statusSubscription = `subscription($invoiceID: ID, $customerID: ID) {
	invoiceStatusChanged(invoiceID: $invoiceID, customerID: $customerID) { invoice { id status version } from to version at }
}`

// deliveryTimeout is how soon a status change must reach a subscriber.
const deliveryTimeout = 2 * time.Second

// quietPeriod is how long a subscriber must then stay silent for "it got
// nothing else": every subscriber of a change is offered it in the same
// dispatch, so this only covers the last hop to the socket.
const quietPeriod = 500 * time.Millisecond

// TestSubscriptionDeliversMarkInvoicePaid: a merchant watching its invoices
// sees one event for a payment recorded by hand, with the new version.
func TestSubscriptionDeliversMarkInvoicePaid(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Studio")
		id := c.draft(c.createCustomer("Acme", "billing@acme.example"))

		ws := dialWS(t, ta.srv.URL, nil)
		ws.init(map[string]any{"token": c.token})
		ws.subscribe("1", nil)
		waitSubscribers(t, ta, 1)

		c.issue(id)
		checkEvent(t, ws.next("1"), id, "DRAFT", "OPEN", -1)

		paid := markPaid(c, id, "")
		if paid.Status != "PAID" {
			t.Fatalf("markInvoicePaid status = %s, want PAID", paid.Status)
		}
		checkEvent(t, ws.next("1"), id, "OPEN", "PAID", paid.Version)
		ws.expectQuiet()
	})
}

// TestSubscriptionPartialThenFull: a part payment and then the rest are two
// events, in version order.
func TestSubscriptionPartialThenFull(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Studio")
		id := c.draft(c.createCustomer("Acme", "billing@acme.example"))

		ws := dialWS(t, ta.srv.URL, nil)
		ws.init(map[string]any{"token": c.token})
		ws.subscribe("1", map[string]any{"invoiceID": id})
		waitSubscribers(t, ta, 1)
		c.issue(id)
		checkEvent(t, ws.next("1"), id, "DRAFT", "OPEN", -1)

		part := markPaid(c, id, "40.00")
		if part.Status != "PARTIALLY_PAID" || part.AmountDue != "60.00" {
			t.Fatalf("after 40.00 of 100.00: status %s, due %s; want PARTIALLY_PAID, 60.00", part.Status, part.AmountDue)
		}
		checkEvent(t, ws.next("1"), id, "OPEN", "PARTIALLY_PAID", part.Version)

		rest := markPaid(c, id, "")
		if rest.Status != "PAID" {
			t.Fatalf("after the rest: status %s, want PAID", rest.Status)
		}
		checkEvent(t, ws.next("1"), id, "PARTIALLY_PAID", "PAID", rest.Version)
		if rest.Version <= part.Version {
			t.Errorf("versions %d then %d, want increasing", part.Version, rest.Version)
		}
		ws.expectQuiet()
	})
}

// TestSubscriptionTenancy: a subscriber only ever hears of its own merchant's
// invoices, and its filters narrow that further.
func TestSubscriptionTenancy(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		a := ta.signUp(t, "Merchant A")
		bm := ta.signUp(t, "Merchant B")
		first := a.createCustomer("First", "first@a.example")
		second := a.createCustomer("Second", "second@a.example")
		inv1, inv2, inv3 := a.draft(first), a.draft(first), a.draft(second)
		bInv := bm.draft(bm.createCustomer("B's customer", "cust@b.example"))

		// Several subscriptions share a socket, as in the dashboard.
		wsA := dialWS(t, ta.srv.URL, nil)
		wsA.init(map[string]any{"token": a.token})
		wsA.subscribe("all", nil)
		wsA.subscribe("invoice", map[string]any{"invoiceID": inv1})
		wsA.subscribe("customer", map[string]any{"customerID": second})
		wsB := dialWS(t, ta.srv.URL, nil)
		wsB.init(map[string]any{"token": bm.token})
		wsB.subscribe("all", nil)
		wsB.subscribe("a-invoice", map[string]any{"invoiceID": inv1})
		wsB.subscribe("a-customer", map[string]any{"customerID": first})
		waitSubscribers(t, ta, 6)

		for _, id := range []string{inv1, inv2, inv3} {
			a.issue(id)
		}
		for _, id := range []string{inv1, inv2, inv3} {
			markPaid(a, id, "")
		}
		for _, want := range []struct{ id, to string }{
			{inv1, "OPEN"}, {inv2, "OPEN"}, {inv3, "OPEN"}, {inv1, "PAID"}, {inv2, "PAID"}, {inv3, "PAID"},
		} {
			checkEvent(t, wsA.next("all"), want.id, "", want.to, -1)
		}
		for _, to := range []string{"OPEN", "PAID"} {
			checkEvent(t, wsA.next("invoice"), inv1, "", to, -1)
			checkEvent(t, wsA.next("customer"), inv3, "", to, -1)
		}

		// B's subscriber is live: B's own changes are the first it hears of,
		// though A's came before them.
		bm.issue(bInv)
		markPaid(bm, bInv, "")
		checkEvent(t, wsB.next("all"), bInv, "DRAFT", "OPEN", -1)
		checkEvent(t, wsB.next("all"), bInv, "OPEN", "PAID", -1)

		wsA.expectQuiet()
		wsB.expectQuiet()
	})
}

// TestSubscriptionAuth: connection_init decides who a socket is; without
// valid credentials it is closed with 4401, as graphql-ws clients expect.
func TestSubscriptionAuth(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Studio")

		t.Run("no credentials", func(t *testing.T) {
			ws := dialWS(t, ta.srv.URL, nil)
			ws.send(wsMessage{Type: "connection_init", Payload: json.RawMessage(`{}`)})
			ws.expectClose(4401)
		})
		t.Run("wrong token", func(t *testing.T) {
			for _, tok := range []string{"tally_ses_00000000000000000000000000000000", "tally_key_nope", "garbage"} {
				ws := dialWS(t, ta.srv.URL, nil)
				ws.send(wsMessage{Type: "connection_init", Payload: mustJSON(map[string]any{"token": tok})})
				ws.expectClose(4401)
			}
		})
		t.Run("wrong token beats a good cookie", func(t *testing.T) {
			ws := dialWS(t, ta.srv.URL, http.Header{"Cookie": {auth.CookieName + "=" + c.token}})
			ws.send(wsMessage{Type: "connection_init", Payload: mustJSON(map[string]any{"token": "tally_ses_wrong"})})
			ws.expectClose(4401)
		})
		t.Run("subscribe before connection_init", func(t *testing.T) {
			// graphql-transport-ws: 4401 Unauthorized, and no operation runs.
			ws := dialWS(t, ta.srv.URL, nil)
			ws.send(wsMessage{Type: "subscribe", ID: "1", Payload: mustJSON(map[string]any{"query": statusSubscription})})
			ws.expectClose(4401)
			if n := ta.events.Subscribers(); n != 0 {
				t.Errorf("subscribers = %d, want 0", n)
			}
		})
		t.Run("connection_init twice", func(t *testing.T) {
			ws := dialWS(t, ta.srv.URL, nil)
			ws.init(map[string]any{"token": c.token})
			ws.send(wsMessage{Type: "connection_init", Payload: mustJSON(map[string]any{"token": c.token})})
			ws.expectClose(4429)
		})
		t.Run("API key", func(t *testing.T) {
			var key struct{ CreateAPIKey struct{ Secret string } }
			c.do(`mutation { createAPIKey(input: {name: "Live feed"}) { secret } }`, nil, &key)
			ws := dialWS(t, ta.srv.URL, nil)
			ws.init(map[string]any{"token": key.CreateAPIKey.Secret})
		})
		t.Run("revoking the key closes its socket", func(t *testing.T) {
			var key struct {
				CreateAPIKey struct {
					Secret string
					APIKey struct{ ID string }
				}
			}
			c.do(`mutation { createAPIKey(input: {name: "Revoked feed", scopes: [READ]}) { secret apiKey { id } } }`, nil, &key)
			ws := dialWS(t, ta.srv.URL, nil)
			ws.init(map[string]any{"token": key.CreateAPIKey.Secret})
			ws.subscribe("1", nil)
			waitSubscribers(t, ta, 1)
			c.do(`mutation($id: ID!) { revokeAPIKey(id: $id) { id } }`, map[string]any{"id": key.CreateAPIKey.APIKey.ID}, nil)
			ws.expectClose(4403)
			for deadline := time.Now().Add(deliveryTimeout); ta.events.Subscribers() > 0; time.Sleep(5 * time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatalf("the revoked key's subscription is still open (%d subscribers)", ta.events.Subscribers())
				}
			}
		})
		t.Run("signing out closes the session's socket", func(t *testing.T) {
			other := ta.signUp(t, "Leaving Shop")
			ws := dialWS(t, ta.srv.URL, nil)
			ws.init(map[string]any{"token": other.token})
			other.do(`mutation { signOut }`, nil, nil)
			ws.expectClose(4403)
		})
		t.Run("a credential that ended before the watch began is refused", func(t *testing.T) {
			// The window between connection_init's lookup and the revocation
			// watch: the transport asks Active once the watch is in place.
			other := ta.signUp(t, "Racing Shop")
			v, err := ta.auth.Authenticate(context.Background(), other.token)
			if err != nil {
				t.Fatal(err)
			}
			if ok, err := ta.auth.Active(context.Background(), v); err != nil || !ok {
				t.Fatalf("Active for a live session = %v, %v; want true", ok, err)
			}
			other.do(`mutation { signOut }`, nil, nil)
			if ok, err := ta.auth.Active(context.Background(), v); err != nil || ok {
				t.Fatalf("Active after signOut = %v, %v; want false", ok, err)
			}
			var key struct {
				CreateAPIKey struct {
					Secret string
					APIKey struct{ ID string }
				}
			}
			c.do(`mutation { createAPIKey(input: {name: "Short-lived"}) { secret apiKey { id } } }`, nil, &key)
			kv, err := ta.auth.Authenticate(context.Background(), key.CreateAPIKey.Secret)
			if err != nil {
				t.Fatal(err)
			}
			c.do(`mutation($id: ID!) { revokeAPIKey(id: $id) { id } }`, map[string]any{"id": key.CreateAPIKey.APIKey.ID}, nil)
			if ok, err := ta.auth.Active(context.Background(), kv); err != nil || ok {
				t.Fatalf("Active after revokeAPIKey = %v, %v; want false", ok, err)
			}
		})
		t.Run("a write-only key cannot listen", func(t *testing.T) {
			var key struct{ CreateAPIKey struct{ Secret string } }
			c.do(`mutation { createAPIKey(input: {name: "Writer", scopes: [WRITE]}) { secret } }`, nil, &key)
			ws := dialWS(t, ta.srv.URL, nil)
			ws.send(wsMessage{Type: "connection_init", Payload: mustJSON(map[string]any{"token": key.CreateAPIKey.Secret})})
			ws.expectClose(4403)
		})
		t.Run("session cookie", func(t *testing.T) {
			// The cookie a browser got from signing up, with nothing in
			// connection_init: how the dashboard connects.
			resp, r := ta.anonymous(t).raw(`mutation($in: SignUpInput!) { signUp(input: $in) { token } }`,
				map[string]any{"in": map[string]any{"merchantName": "Cookie Shop", "email": "owner@cookie.example", "password": "correct horse battery"}})
			if len(r.Errors) > 0 {
				t.Fatalf("signUp: %+v", r.Errors)
			}
			var cookie *http.Cookie
			for _, ck := range resp.Cookies() {
				if ck.Name == auth.CookieName {
					cookie = ck
				}
			}
			if cookie == nil {
				t.Fatalf("signUp set no %s cookie (Set-Cookie: %q)", auth.CookieName, resp.Header.Values("Set-Cookie"))
			}
			browser := &client{t: t, url: ta.srv.URL + "/query", token: cookie.Value}
			id := browser.draft(browser.createCustomer("Acme", "billing@acme.example"))

			ws := dialWS(t, ta.srv.URL, http.Header{"Cookie": {cookie.Name + "=" + cookie.Value}})
			ws.init(nil)
			ws.subscribe("1", map[string]any{"invoiceID": id})
			waitSubscribers(t, ta, 1)
			browser.issue(id)
			checkEvent(t, ws.next("1"), id, "DRAFT", "OPEN", -1)
			paid := markPaid(browser, id, "")
			checkEvent(t, ws.next("1"), id, "OPEN", "PAID", paid.Version)
		})
		t.Run("cookie from another site", func(t *testing.T) {
			// The session cookie alone must not let another site's page open
			// a socket in the merchant's name.
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			conn, resp, err := websocket.Dial(ctx, wsURL(ta.srv.URL), &websocket.DialOptions{
				Subprotocols: []string{"graphql-transport-ws"},
				HTTPHeader:   http.Header{"Cookie": {auth.CookieName + "=" + c.token}, "Origin": {"https://evil.example"}},
			})
			if err == nil {
				_ = conn.CloseNow()
				t.Fatal("the upgrade from another origin succeeded, want it refused")
			}
			if resp == nil || resp.StatusCode != http.StatusForbidden {
				t.Errorf("upgrade from another origin: %v, want HTTP 403", err)
			}
		})
	})
}

// TestSubscriptionAcrossProcesses: two tally processes on one PostgreSQL; a
// change made through one reaches a subscriber of the other.
func TestSubscriptionAcrossProcesses(t *testing.T) {
	url := dbtest.Postgres(t)
	one, two := startAppAt(t, url), startAppAt(t, url)
	c := one.signUp(t, "Studio")
	id := c.draft(c.createCustomer("Acme", "billing@acme.example"))

	ws := dialWS(t, two.srv.URL, nil)
	ws.init(map[string]any{"token": c.token})
	ws.subscribe("1", nil)
	waitSubscribers(t, two, 1)

	c.issue(id)
	checkEvent(t, ws.next("1"), id, "DRAFT", "OPEN", -1)
	paid := markPaid(c, id, "")
	checkEvent(t, ws.next("1"), id, "OPEN", "PAID", paid.Version)
	ws.expectQuiet()
}

// statusEvent is one invoiceStatusChanged payload.
type statusEvent struct {
	Invoice struct {
		ID      string
		Status  string
		Version int
	}
	From    *string
	To      string
	Version int
	At      time.Time
}

// checkEvent compares e with what the test expects; an empty from, or a
// negative version, is not checked.
func checkEvent(t *testing.T, e statusEvent, id, from, to string, version int) {
	t.Helper()
	gotFrom := "null"
	if e.From != nil {
		gotFrom = *e.From
	}
	switch {
	case e.Invoice.ID != id || e.To != to || (from != "" && gotFrom != from):
		t.Fatalf("got invoice %s %s -> %s, want %s %s -> %s", e.Invoice.ID, gotFrom, e.To, id, from, to)
	case e.Invoice.Version < e.Version || (e.Invoice.Version == e.Version && e.Invoice.Status != e.To):
		// The invoice is read when the event is delivered, so a later
		// change may already show in it; an older state never may.
		t.Errorf("event says %s version %d, but its invoice is %s version %d", e.To, e.Version, e.Invoice.Status, e.Invoice.Version)
	case version >= 0 && e.Version != version:
		t.Errorf("event version = %d, want %d (the mutation's)", e.Version, version)
	case e.At.IsZero():
		t.Errorf("event has no time")
	}
}

type paidInvoice struct {
	ID        string
	Status    string
	Version   int
	AmountDue string
}

// markPaid records a bank transfer of amount, or of the amount due when
// amount is empty.
func markPaid(c *client, id, amount string) paidInvoice {
	c.t.Helper()
	in := map[string]any{"channel": "BANK_TRANSFER", "reference": "TRF-1"}
	if amount != "" {
		in["amount"] = amount
	}
	var out struct{ MarkInvoicePaid paidInvoice }
	c.do(`mutation($id: ID!, $in: MarkInvoicePaidInput!) { markInvoicePaid(id: $id, input: $in) { id status version amountDue } }`,
		map[string]any{"id": id, "in": in}, &out)
	return out.MarkInvoicePaid
}

// waitSubscribers waits until ta's event bus has n subscriptions.
// graphql-transport-ws does not acknowledge a subscribe, and gqlgen starts
// the resolver in a goroutine, so a change made right after subscribing
// could otherwise go out before anyone listens.
func waitSubscribers(t *testing.T, ta *testApp, n int) {
	t.Helper()
	deadline := time.Now().Add(deliveryTimeout)
	for ta.events.Subscribers() < n {
		if time.Now().After(deadline) {
			t.Fatalf("subscribers = %d after %s, want %d", ta.events.Subscribers(), deliveryTimeout, n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// wsMessage is a graphql-transport-ws message, either way.
type wsMessage struct {
	Type    string          `json:"type"`
	ID      string          `json:"id,omitempty"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// wsClient is one graphql-transport-ws connection to /query. A goroutine
// reads it from the start, so a close frame is seen however the test goes.
type wsClient struct {
	t       *testing.T
	conn    *websocket.Conn
	in      chan wsMessage
	done    chan struct{} // closed when the connection has ended
	err     error         // why it ended; read after done
	pending []wsMessage   // read, but for another subscription than asked
}

func wsURL(base string) string { return "ws" + strings.TrimPrefix(base, "http") + "/query" }

// dialWS opens a socket to the app at base with header on the upgrade
// request, and closes it when t ends.
func dialWS(t *testing.T, base string, header http.Header) *wsClient {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, wsURL(base), &websocket.DialOptions{
		Subprotocols: []string{"graphql-transport-ws"}, HTTPHeader: header,
	})
	if err != nil {
		t.Fatalf("dial %s: %v", wsURL(base), err)
	}
	if got := conn.Subprotocol(); got != "graphql-transport-ws" {
		t.Fatalf("subprotocol = %q, want graphql-transport-ws", got)
	}
	w := &wsClient{t: t, conn: conn, in: make(chan wsMessage, 64), done: make(chan struct{})}
	quit := make(chan struct{})
	go w.read(quit)
	t.Cleanup(func() {
		close(quit)
		_ = conn.CloseNow()
		<-w.done
	})
	return w
}

func (w *wsClient) read(quit <-chan struct{}) {
	defer close(w.done)
	for {
		// Never a deadline here: coder/websocket closes the connection when
		// a Read's context ends.
		_, data, err := w.conn.Read(context.Background())
		if err != nil {
			w.err = err
			return
		}
		var m wsMessage
		if err := json.Unmarshal(data, &m); err != nil {
			w.err = fmt.Errorf("server sent %q: %w", data, err)
			return
		}
		if m.Type == "ping" {
			_ = w.write(wsMessage{Type: "pong"}) // a broken connection ends the next Read
			continue
		}
		select {
		case w.in <- m:
		case <-quit:
			return
		}
	}
}

func (w *wsClient) write(m wsMessage) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return w.conn.Write(ctx, websocket.MessageText, b)
}

func (w *wsClient) send(m wsMessage) {
	w.t.Helper()
	if err := w.write(m); err != nil {
		w.t.Fatalf("send %s: %v", m.Type, err)
	}
}

// init sends connection_init with payload and waits for connection_ack.
func (w *wsClient) init(payload map[string]any) {
	w.t.Helper()
	m := wsMessage{Type: "connection_init"}
	if payload != nil {
		m.Payload = mustJSON(payload)
	}
	w.send(m)
	if got := w.receive(); got.Type != "connection_ack" {
		w.t.Fatalf("after connection_init got %s %s, want connection_ack", got.Type, got.Payload)
	}
}

// subscribe starts statusSubscription as id with vars (filters).
func (w *wsClient) subscribe(id string, vars map[string]any) {
	w.t.Helper()
	w.send(wsMessage{Type: "subscribe", ID: id, Payload: mustJSON(map[string]any{"query": statusSubscription, "variables": vars})})
}

// receive returns the next message, failing the test when none comes within
// deliveryTimeout or the connection ends.
func (w *wsClient) receive() wsMessage {
	w.t.Helper()
	select {
	case m := <-w.in:
		return m
	case <-w.done:
		select {
		case m := <-w.in:
			return m
		default:
		}
		w.t.Fatalf("connection ended (%v), want a message", w.err)
	case <-time.After(deliveryTimeout):
		w.t.Fatalf("no message within %s", deliveryTimeout)
	}
	return wsMessage{}
}

// next returns the next event of subscription id.
func (w *wsClient) next(id string) statusEvent {
	w.t.Helper()
	var m wsMessage
	if i := w.pendingIndex(id); i >= 0 {
		m = w.pending[i]
		w.pending = append(w.pending[:i], w.pending[i+1:]...)
	} else {
		for {
			m = w.receive()
			if m.ID == id {
				break
			}
			w.pending = append(w.pending, m)
		}
	}
	if m.Type != "next" {
		w.t.Fatalf("subscription %s: got %s %s, want next", id, m.Type, m.Payload)
	}
	var r struct {
		Data   struct{ InvoiceStatusChanged statusEvent }
		Errors []gqlError
	}
	if err := json.Unmarshal(m.Payload, &r); err != nil {
		w.t.Fatalf("subscription %s: decode %s: %v", id, m.Payload, err)
	}
	if len(r.Errors) > 0 {
		w.t.Fatalf("subscription %s: errors %+v", id, r.Errors)
	}
	return r.Data.InvoiceStatusChanged
}

func (w *wsClient) pendingIndex(id string) int {
	for i, m := range w.pending {
		if m.ID == id {
			return i
		}
	}
	return -1
}

// expectQuiet fails the test if anything not yet read arrives within
// quietPeriod, or already has.
func (w *wsClient) expectQuiet() {
	w.t.Helper()
	select {
	case m := <-w.in:
		w.pending = append(w.pending, m)
	case <-time.After(quietPeriod):
	}
	for _, m := range w.pending {
		w.t.Errorf("unexpected message on subscription %q: %s %s", m.ID, m.Type, m.Payload)
	}
}

// expectClose waits for the server to close the connection and checks the
// close code. Nothing may be received before.
func (w *wsClient) expectClose(code websocket.StatusCode) {
	w.t.Helper()
	select {
	case m := <-w.in:
		w.t.Fatalf("got %s %s, want the connection closed with %d", m.Type, m.Payload, code)
	case <-w.done:
	case <-time.After(deliveryTimeout):
		w.t.Fatalf("connection still open after %s, want it closed with %d", deliveryTimeout, code)
	}
	if got := websocket.CloseStatus(w.err); got != code {
		var ce websocket.CloseError
		errors.As(w.err, &ce)
		w.t.Fatalf("closed with %d %q (%v), want %d", got, ce.Reason, w.err, code)
	}
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
