package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tally-invoicing/tally/internal/reference"
)

// acks remembers every write the load generator saw acknowledged (its id in
// a 200 response), to find each of them in the database at the end.
type acks struct {
	mu          sync.Mutex
	merchants   map[string]int      // merchant id -> client index
	customers   map[string]string   // customer id -> merchant id
	invoices    map[string]*invoice // invoice id -> what was acknowledged
	payments    map[string]string   // payment id -> invoice id
	collections map[string]string   // collection id -> merchant id
}

// invoice is what the load generator knows about one of its invoices.
type invoice struct {
	id, merchant, customer string
	total                  string // Decimal, as the server returned it
	methods                []string
	// Set once issueInvoice was acknowledged.
	issued                     bool
	number, reference, payLink string
	send                       bool
	// paidAck: a 200 response showed the invoice PAID.
	paidAck bool
	// payActions counts payment attempts started (any outcome); the
	// generator pays an invoice at most once, in full.
	payActions int
}

func newAcks() *acks {
	return &acks{
		merchants: map[string]int{}, customers: map[string]string{}, invoices: map[string]*invoice{},
		payments: map[string]string{}, collections: map[string]string{},
	}
}

func (a *acks) lock(f func()) {
	a.mu.Lock()
	defer a.mu.Unlock()
	f()
}

// counters are the run's tallies that are not per operation.
type counters struct {
	invoicesIssued    atomic.Int64
	paidCard          atomic.Int64
	paidWallet        atomic.Int64
	paidCollection    atomic.Int64
	paidManual        atomic.Int64
	payUnconfirmed    atomic.Int64 // a checkout payment accepted but the invoice not PAID within the wait
	sandboxLost       atomic.Int64 // the sandbox forgot the order (it lives in memory; a restart loses it)
	interrupted       atomic.Int64 // retries refused because the first attempt died with the server (Idempotency-Key interrupted)
	recoveredByRead   atomic.Int64 // an operation whose answer was lost had taken effect, as a read showed
	redone            atomic.Int64 // operations sent again under a new key (their effect had not happened, or is safe to repeat)
	collectionMisses  atomic.Int64 // recordCollection did not allocate to the invoice its reference names
	transferUnmatched atomic.Int64 // a sandbox transfer the server did not match to its session
	statusChangesAck  atomic.Int64 // status changes the generator saw acknowledged (issued, paid)
	subEvents         atomic.Int64
	subConnects       atomic.Int64
	subDrops          atomic.Int64
	clientsGaveUp     atomic.Int64
	iterations        atomic.Int64

	mu        sync.Mutex
	dropCause map[string]int  // why subscriptions ended, by message
	lags      []time.Duration // from a status change (its event's at) to its delivery
	dupSent   atomic.Int64
	dupBad    map[string]int    // by operation: concurrent duplicates that were not run once
	dupSample map[string]string // by operation
}

func (c *counters) noteDup(op, msg string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.dupBad == nil {
		c.dupBad, c.dupSample = map[string]int{}, map[string]string{}
	}
	c.dupBad[op]++
	if _, ok := c.dupSample[op]; !ok {
		c.dupSample[op] = msg
	}
}

func (c *counters) noteLag(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lags = append(c.lags, d)
}

func (c *counters) noteDrop(err error) {
	msg := "ended"
	if err != nil {
		msg = truncate(err.Error(), 120)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.dropCause == nil {
		c.dropCause = map[string]int{}
	}
	c.dropCause[msg]++
}

// vclient is one virtual client: one merchant, its API key, its customers,
// and the X-Forwarded-For of its own address.
type vclient struct {
	rq        *requester
	idx       int
	xff       string
	bearer    string
	rng       *mrand.Rand
	acks      *acks
	cnt       *counters
	cfg       *config
	email     string
	merchant  string
	ethWallet string
	customers []string
}

func newVClient(idx int, runTag byte, rq *requester, a *acks, cnt *counters, cfg *config, runID string) *vclient {
	n := idx + 1
	return &vclient{
		rq:   rq,
		idx:  idx,
		xff:  fmt.Sprintf("10.%d.%d.%d", runTag, (n>>8)&0xff, n&0xff),
		rng:  mrand.New(mrand.NewPCG(uint64(cfg.seed), uint64(idx))), //nolint:gosec // seeded so that a run can be repeated
		acks: a, cnt: cnt, cfg: cfg,
		email: fmt.Sprintf("load-%s-%d@load.example", runID, idx),
	}
}

const password = "correct horse battery staple"

// loop creates and pays invoices until the deadline.
func (c *vclient) loop(ctx context.Context, deadline time.Time) {
	for k := 0; time.Now().Before(deadline) && ctx.Err() == nil; k++ {
		c.iteration(ctx, k)
		c.cnt.iterations.Add(1)
		if c.cfg.think > 0 {
			select {
			case <-ctx.Done():
			case <-time.After(time.Duration(c.rng.Int64N(int64(2 * c.cfg.think)))):
			}
		}
	}
}

// setUp creates the signed-up merchant's API key, its wallet and its
// customers.
func (c *vclient) setUp(ctx context.Context, token string) error {
	var key struct {
		CreateAPIKey struct{ Secret string }
	}
	if err := c.redo(ctx, "createAPIKey", token, `mutation($i: CreateAPIKeyInput!) { createAPIKey(input: $i) { secret apiKey { id } } }`,
		map[string]any{"i": map[string]any{"name": "load generator"}}, &key); err != nil {
		return err
	}
	c.bearer = key.CreateAPIKey.Secret

	// A wallet of its own, so that wallet sessions of different merchants
	// never share an address. All-lower-case EVM addresses carry no checksum.
	var addr [20]byte
	_, _ = rand.Read(addr[:])
	c.ethWallet = "0x" + hex.EncodeToString(addr[:])
	if err := c.redo(ctx, "setCryptoWallets", c.bearer, `mutation($w: [CryptoWalletInput!]!) { setCryptoWallets(wallets: $w) { id } }`,
		map[string]any{"w": []map[string]any{{"network": "ETHEREUM", "asset": "USDT", "address": c.ethWallet}}}, nil); err != nil {
		c.ethWallet = ""
	}

	for j := range c.cfg.customers {
		if id, ok := c.createCustomer(ctx, fmt.Sprintf("Customer %d-%d", c.idx, j), fmt.Sprintf("customer%d@c%d.load.example", j, c.idx)); ok {
			c.customers = append(c.customers, id)
		}
	}
	if len(c.customers) == 0 {
		return errors.New("no customer")
	}
	return nil
}

// signUp creates the client's merchant account and returns its session
// token; when the answer was lost and the account exists, it signs in
// instead.
func (c *vclient) signUp(ctx context.Context) (token string, err error) {
	token, c.merchant, err = c.signUpOrIn(ctx)
	return token, err
}

func (c *vclient) signUpOrIn(ctx context.Context) (token, merchant string, err error) {
	var su struct {
		SignUp struct {
			Token  string
			Viewer struct{ Merchant struct{ ID string } }
		}
	}
	err = c.graphqlAs(ctx, "signUp", "", `mutation($i: SignUpInput!) { signUp(input: $i) { token viewer { merchant { id } } } }`,
		map[string]any{"i": map[string]any{"merchantName": fmt.Sprintf("Load Merchant %d", c.idx), "email": c.email, "password": password}}, &su)
	token, merchant = su.SignUp.Token, su.SignUp.Viewer.Merchant.ID
	if err != nil && (ambiguousOrInterrupted(err) || strings.HasPrefix(codeOf(err), "CONFLICT")) {
		// A sign-up that went through but whose answer was lost: the
		// account exists, so sign in.
		var si struct {
			SignIn struct {
				Token  string
				Viewer struct{ Merchant struct{ ID string } }
			}
		}
		if err2 := c.graphqlAs(ctx, "signIn", "", `mutation($i: SignInInput!) { signIn(input: $i) { token viewer { merchant { id } } } }`,
			map[string]any{"i": map[string]any{"email": c.email, "password": password}}, &si); err2 != nil {
			return "", "", err
		}
		token, merchant = si.SignIn.Token, si.SignIn.Viewer.Merchant.ID
	} else if err != nil {
		return "", "", err
	} else {
		c.acks.lock(func() { c.acks.merchants[merchant] = c.idx })
	}
	return token, merchant, nil
}

// createCustomer creates a customer; when an attempt's effect is unknown it
// looks the email up (emails are unique per merchant) before trying again
// under a new key.
func (c *vclient) createCustomer(ctx context.Context, name, email string) (string, bool) {
	for i := 0; i < 3 && ctx.Err() == nil; i++ {
		var out struct{ CreateCustomer struct{ ID string } }
		err := c.graphql(ctx, "createCustomer", `mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { id } }`,
			map[string]any{"i": map[string]any{"name": name, "email": email}}, &out)
		if err == nil {
			id := out.CreateCustomer.ID
			c.acks.lock(func() { c.acks.customers[id] = c.merchant })
			return id, true
		}
		if !ambiguousOrInterrupted(err) && !(i > 0 && strings.HasPrefix(codeOf(err), "CONFLICT")) {
			return "", false
		}
		if interrupted(err) {
			c.cnt.interrupted.Add(1)
		}
		var found struct {
			Customers struct {
				Edges []struct{ Node struct{ ID, Email string } }
			}
		}
		if c.graphql(ctx, "customers(search)", `query($s: String!) { customers(first: 5, where: {search: $s}) { edges { node { id email } } } }`,
			map[string]any{"s": email}, &found) == nil {
			for _, e := range found.Customers.Edges {
				if strings.EqualFold(e.Node.Email, email) {
					c.cnt.recoveredByRead.Add(1)
					return e.Node.ID, true
				}
			}
		}
		c.cnt.redone.Add(1)
	}
	return "", false
}

// codeOf returns err's GraphQL error code, if it has one.
func codeOf(err error) string {
	var oe *opError
	if errors.As(err, &oe) {
		return oe.code
	}
	return ""
}

var itemNames = []string{"Consulting", "Design work", "Hosting", "Support plan", "Printing", "Licence", "Travel", "Workshop"}

// iteration runs the invoice wizard once and does something with the
// invoice: pay it one of four ways, or leave it open.
func (c *vclient) iteration(ctx context.Context, k int) {
	inv := c.wizard(ctx, k)
	if inv != nil && inv.issued {
		switch r := c.rng.Float64(); {
		case r < 0.35:
			c.payByCheckout(ctx, inv)
		case r < 0.55:
			c.recordCollection(ctx, inv)
		case r < 0.75:
			c.markPaid(ctx, inv)
		}
	}
	if k%2 == 0 {
		var out struct {
			Invoices struct{ TotalCount int }
		}
		_ = c.graphql(ctx, "invoices(first:50)", `query { invoices(first: 50) { totalCount
			edges { node { id number status total amountDue dueDate customer { name } } } } }`, nil, &out)
	}
}

func (c *vclient) wizard(ctx context.Context, k int) *invoice {
	cust := c.customers[c.rng.IntN(len(c.customers))]
	var d struct{ CreateInvoiceDraft struct{ ID string } }
	due := time.Now().AddDate(0, 0, 14+c.rng.IntN(30)).UTC().Format(time.RFC3339)
	if err := c.redo(ctx, "createInvoiceDraft", c.bearer, `mutation($i: CreateInvoiceDraftInput!) { createInvoiceDraft(input: $i) { id status } }`,
		map[string]any{"i": map[string]any{"customerID": cust, "currency": "USD", "dueDate": due}}, &d); err != nil {
		return nil
	}
	inv := &invoice{id: d.CreateInvoiceDraft.ID, merchant: c.merchant, customer: cust}
	c.acks.lock(func() { c.acks.invoices[inv.id] = inv })

	items := make([]map[string]any, 1+c.rng.IntN(3))
	for i := range items {
		items[i] = map[string]any{
			"name":      itemNames[c.rng.IntN(len(itemNames))],
			"quantity":  fmt.Sprint(1 + c.rng.IntN(4)),
			"unitPrice": fmt.Sprintf("%d.%02d", 5+c.rng.IntN(500), c.rng.IntN(100)),
		}
	}
	var it struct{ SetInvoiceItems struct{ Total string } }
	if err := c.redo(ctx, "setInvoiceItems", c.bearer, `mutation($id: ID!, $items: [LineItemInput!]!) { setInvoiceItems(id: $id, items: $items) { id total } }`,
		map[string]any{"id": inv.id, "items": items}, &it); err != nil {
		return nil
	}
	if err := c.redo(ctx, "setInvoiceDescription", c.bearer, `mutation($id: ID!, $d: String) { setInvoiceDescription(id: $id, description: $d) { id } }`,
		map[string]any{"id": inv.id, "d": fmt.Sprintf("Load test invoice %d of client %d", k, c.idx)}, nil); err != nil {
		return nil
	}
	inv.methods = []string{"INFINI_CARD"}
	if c.ethWallet != "" && c.rng.IntN(2) == 0 {
		inv.methods = []string{"CRYPTO", "INFINI_CARD"}
	}
	if err := c.redo(ctx, "setInvoicePaymentMethods", c.bearer, `mutation($id: ID!, $m: [PaymentMethod!]!) { setInvoicePaymentMethods(id: $id, methods: $m) { id paymentMethods } }`,
		map[string]any{"id": inv.id, "m": inv.methods}, nil); err != nil {
		return nil
	}
	send := c.rng.Float64() < c.cfg.sendRatio
	type issued struct {
		ID, Status, Total string
		Number, Reference *string
		CheckoutURL       *string
	}
	var is struct{ IssueInvoice issued }
	var err error
	for i := 0; ; i++ {
		err = c.graphql(ctx, "issueInvoice", `mutation($id: ID!, $s: Boolean!) { issueInvoice(id: $id, send: $s) { id status total number reference checkoutURL } }`,
			map[string]any{"id": inv.id, "s": send}, &is)
		if err == nil || !ambiguousOrInterrupted(err) {
			break
		}
		if interrupted(err) {
			c.cnt.interrupted.Add(1)
		}
		// An earlier attempt may have issued it: read it back (a read,
		// not an acknowledged write), or issue it under a new key.
		var n struct{ Node *issued }
		if c.graphql(ctx, "invoice(recover)", `query($id: ID!) { node(id: $id) { ... on Invoice { id status total number reference checkoutURL } } }`,
			map[string]any{"id": inv.id}, &n) != nil || n.Node == nil {
			return nil
		}
		if n.Node.Status != "DRAFT" && n.Node.CheckoutURL != nil {
			c.cnt.recoveredByRead.Add(1)
			c.acks.lock(func() {
				inv.issued, inv.send, inv.total, inv.payLink = true, send, n.Node.Total, *n.Node.CheckoutURL
				if n.Node.Reference != nil {
					inv.reference = *n.Node.Reference
				}
			})
			return inv
		}
		if i == 3 {
			return nil
		}
		c.cnt.redone.Add(1)
	}
	if err != nil {
		return nil
	}
	got := is.IssueInvoice
	if got.Number == nil || got.Reference == nil || got.CheckoutURL == nil {
		return nil
	}
	c.cnt.invoicesIssued.Add(1)
	c.cnt.statusChangesAck.Add(1)
	c.acks.lock(func() {
		inv.issued, inv.send, inv.total = true, send, got.Total
		inv.number, inv.reference, inv.payLink = *got.Number, *got.Reference, *got.CheckoutURL
	})
	return inv
}

// payToken is the secret at the end of the payment link.
func (inv *invoice) payToken() string { return inv.payLink[strings.LastIndex(inv.payLink, "/")+1:] }

type paymentRef struct {
	ID       string
	UndoneAt *string
}

type invoiceState struct {
	Status   string
	Payments []paymentRef
}

// ackPaid notes what a 200 response said about an invoice's payments.
func (c *vclient) ackPaid(inv *invoice, st invoiceState) bool {
	paid := st.Status == "PAID"
	c.acks.lock(func() {
		for _, p := range st.Payments {
			c.acks.payments[p.ID] = inv.id
		}
		if paid && !inv.paidAck {
			inv.paidAck = true
			c.cnt.statusChangesAck.Add(1)
		}
	})
	return paid
}

// state reads the invoice's status and payments.
func (c *vclient) state(ctx context.Context, op string, inv *invoice) (invoiceState, error) {
	var out struct{ Node *invoiceState }
	err := c.graphql(ctx, op, `query($id: ID!) { node(id: $id) { ... on Invoice { status payments { id undoneAt } } } }`,
		map[string]any{"id": inv.id}, &out)
	if err != nil {
		return invoiceState{}, err
	}
	if out.Node == nil {
		return invoiceState{}, fmt.Errorf("invoice %s not found", inv.id)
	}
	return *out.Node, nil
}

// confirmPaid waits up to 10 s for the checkout's payment to show on the
// invoice (the sandbox delivers its webhook before answering, so it is
// normally there at once).
func (c *vclient) confirmPaid(ctx context.Context, inv *invoice) bool {
	deadline := time.Now().Add(10 * time.Second)
	for {
		st, err := c.state(ctx, "invoice(confirm)", inv)
		if err == nil && c.ackPaid(inv, st) {
			return true
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			c.cnt.payUnconfirmed.Add(1)
			return false
		}
		time.Sleep(250 * time.Millisecond)
	}
}

type checkoutSession struct {
	ID          string
	Status      string
	Amount      string
	Currency    string
	RedirectURL *string
	Address     *string
}

// startCheckout is the payer's first step: no viewer, the token is the secret.
func (c *vclient) startCheckout(ctx context.Context, op string, inv *invoice, method, network, asset string) (*checkoutSession, error) {
	vars := map[string]any{"t": inv.payToken(), "m": method}
	if network != "" {
		vars["n"], vars["a"] = network, asset
	}
	var out struct{ StartCheckout checkoutSession }
	if err := c.redo(ctx, op, "", `mutation($t: String!, $m: PaymentMethod!, $n: String, $a: String) {
		startCheckout(token: $t, method: $m, network: $n, asset: $a) { id status amount currency redirectURL address } }`, vars, &out); err != nil {
		return nil, err
	}
	return &out.StartCheckout, nil
}

func (c *vclient) payByCheckout(ctx context.Context, inv *invoice) {
	c.acks.lock(func() { inv.payActions++ })
	wallet := len(inv.methods) > 1 && c.rng.IntN(2) == 0
	var lost bool
	if wallet {
		c.payByWallet(ctx, inv)
	} else {
		lost = c.payByCard(ctx, inv)
	}
	if !lost {
		return
	}
	// The sandbox lost the order in a restart: the money never moved. Pay
	// another way, unless it got paid after all.
	c.cnt.sandboxLost.Add(1)
	st, err := c.state(ctx, "invoice(confirm)", inv)
	if err != nil || c.ackPaid(inv, st) {
		return
	}
	c.markPaid(ctx, inv)
}

// payByCard: Infini card checkout on the built-in sandbox. Its hosted page
// takes the test card, and the sandbox posts its signed webhook to
// /webhooks/infini before it redirects the payer back.
func (c *vclient) payByCard(ctx context.Context, inv *invoice) (lost bool) {
	s, err := c.startCheckout(ctx, "startCheckout(card)", inv, "INFINI_CARD", "", "")
	if err != nil || s.RedirectURL == nil {
		return false
	}
	form := url.Values{"card_number": {"4242 4242 4242 4242"}, "card_name": {"Load Payer"}, "card_expiry": {"12/34"}, "card_cvc": {"123"}}
	res, err := c.rq.do(ctx, &request{
		op: "sandbox card pay", method: http.MethodPost, url: *s.RedirectURL + "/card",
		contentType: "application/x-www-form-urlencoded", body: []byte(form.Encode()), xff: c.xff,
		idempotencyKey: newUUID(),
		accept:         func(st int) bool { return st == http.StatusSeeOther },
	})
	if err != nil {
		var oe *opError
		return errors.As(err, &oe) && oe.status == http.StatusNotFound
	}
	loc := res.header.Get("Location")
	if strings.Contains(loc, "?m=") && !strings.Contains(loc, "m=closed") {
		// Declined, or the form was refused: nothing was paid.
		return false
	}
	if c.confirmPaid(ctx, inv) {
		c.cnt.paidCard.Add(1)
	}
	return false
}

// payByWallet: a direct USDT transfer to the merchant's own wallet, reported
// by the development chain watcher stand-in (the same code path as signed
// chain-watcher webhooks).
func (c *vclient) payByWallet(ctx context.Context, inv *invoice) {
	s, err := c.startCheckout(ctx, "startCheckout(wallet)", inv, "CRYPTO", "ETHEREUM", "USDT")
	if err != nil || s.Address == nil {
		return
	}
	var tx [32]byte
	_, _ = rand.Read(tx[:])
	body, _ := json.Marshal(map[string]any{
		"network": "ETHEREUM", "asset": "USDT", "to": *s.Address, "amount": s.Amount,
		"txHash": "0x" + hex.EncodeToString(tx[:]), "confirmations": 64,
	})
	res, err := c.rq.do(ctx, &request{
		op: "sandbox crypto transfer", method: http.MethodPost, url: c.rq.base + "/sandbox/crypto/transfers",
		contentType: "application/json", body: body, xff: c.xff, idempotencyKey: newUUID(),
		accept: func(st int) bool { return st == http.StatusOK },
	})
	if err != nil {
		return
	}
	var out struct{ Matched, Applied bool }
	_ = json.Unmarshal(res.body, &out)
	if !out.Matched {
		c.cnt.transferUnmatched.Add(1)
	}
	if c.confirmPaid(ctx, inv) {
		c.cnt.paidWallet.Add(1)
	}
}

// recordCollection: a bank transfer whose remittance text carries the
// invoice's RF reference, as a partner app would record it.
func (c *vclient) recordCollection(ctx context.Context, inv *invoice) {
	c.acks.lock(func() { inv.payActions++ })
	if inv.reference == "" {
		return
	}
	var out struct {
		RecordCollection struct {
			Collection  struct{ ID, Status string }
			Allocations []struct {
				ID, InvoiceID, Amount string
			}
		}
	}
	err := c.redo(ctx, "recordCollection", c.bearer, `mutation($i: RecordCollectionInput!) { recordCollection(input: $i) {
		collection { id status } allocations { id invoiceID amount } unallocated } }`,
		map[string]any{"i": map[string]any{
			"amount": inv.total, "currency": "USD", "channel": "BANK_TRANSFER",
			"text":       "Payment " + reference.Format(inv.reference) + " thank you",
			"externalID": "load-" + newUUID(),
			"payerName":  "Load Payer",
		}}, &out)
	if err != nil {
		return
	}
	r := out.RecordCollection
	mine := false
	c.acks.lock(func() {
		c.acks.collections[r.Collection.ID] = c.merchant
		for _, a := range r.Allocations {
			c.acks.payments[a.ID] = a.InvoiceID
			mine = mine || a.InvoiceID == inv.id
		}
	})
	if !mine {
		c.cnt.collectionMisses.Add(1)
		return
	}
	if r.Collection.Status == "MATCHED" {
		c.acks.lock(func() {
			if !inv.paidAck {
				inv.paidAck = true
				c.cnt.statusChangesAck.Add(1)
			}
		})
		c.cnt.paidCollection.Add(1)
	}
}

// markPaid: the merchant records a bank transfer by hand, for the full
// total (an explicit amount: a second application would show as a second
// payment, not be refused as nothing due).
func (c *vclient) markPaid(ctx context.Context, inv *invoice) {
	c.acks.lock(func() { inv.payActions++ })
	for i := 0; i < 4 && ctx.Err() == nil; i++ {
		var out struct{ MarkInvoicePaid invoiceState }
		err := c.graphql(ctx, "markInvoicePaid", `mutation($id: ID!, $i: MarkInvoicePaidInput!) { markInvoicePaid(id: $id, input: $i) {
			id status payments { id undoneAt } } }`,
			map[string]any{"id": inv.id, "i": map[string]any{"amount": inv.total, "channel": "BANK_TRANSFER", "reference": "load-" + newUUID()[:8]}}, &out)
		if err == nil {
			if c.ackPaid(inv, out.MarkInvoicePaid) {
				c.cnt.paidManual.Add(1)
			}
			return
		}
		if !ambiguousOrInterrupted(err) {
			return
		}
		if interrupted(err) {
			c.cnt.interrupted.Add(1)
		}
		// Did the unanswered attempt record the money? Then it is paid.
		st, serr := c.state(ctx, "invoice(recover)", inv)
		if serr != nil || st.Status == "PAID" {
			if serr == nil {
				c.cnt.recoveredByRead.Add(1)
			}
			return
		}
		c.cnt.redone.Add(1)
	}
}

// redo sends a mutation whose effect is safe to repeat (it sets a value, or
// carries its own dedupe id such as externalID) again under a new
// Idempotency-Key when the server says the first attempt was interrupted.
func (c *vclient) redo(ctx context.Context, op, bearer, query string, vars map[string]any, out any) error {
	for i := 0; ; i++ {
		err := c.graphqlAs(ctx, op, bearer, query, vars, out)
		if err == nil || !interrupted(err) || i == 3 || ctx.Err() != nil {
			return err
		}
		c.cnt.interrupted.Add(1)
		c.cnt.redone.Add(1)
	}
}
