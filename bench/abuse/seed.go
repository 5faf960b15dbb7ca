package main

import (
	"context"
	"fmt"
	"sync"
	"time"
)

const (
	password    = "correct horse battery staple"
	badPassword = "wrong horse battery staple"
)

// merchant is a signed-up account and what was made for it.
type merchant struct {
	email   string
	session string   // the sign-up's session token
	keys    []string // API key secrets, one per attacker goroutine
	invoice string   // an issued invoice's id
	drafts  []string // further invoices (drafts with items)
}

// signUp creates a merchant account from address xff.
func signUp(ctx context.Context, c caller, name, email string) (*merchant, error) {
	var out struct{ SignUp struct{ Token string } }
	err := c.do(ctx, `mutation($i: SignUpInput!) { signUp(input: $i) { token } }`,
		map[string]any{"i": map[string]any{"merchantName": name, "email": email, "password": password}}, &out)
	if err != nil {
		return nil, fmt.Errorf("signUp %s: %w", email, err)
	}
	return &merchant{email: email, session: out.SignUp.Token}, nil
}

// seed gives m a customer, one issued invoice and `drafts` more invoices
// with a line item each (previewHTML renders drafts too), and `keys` API
// keys.
func seed(ctx context.Context, c caller, m *merchant, drafts, keys int) error {
	c.bearer = m.session
	for i := range keys {
		var k struct{ CreateAPIKey struct{ Secret string } }
		if err := c.do(ctx, `mutation($i: CreateAPIKeyInput!) { createAPIKey(input: $i) { secret } }`,
			map[string]any{"i": map[string]any{"name": fmt.Sprintf("abuse %d", i)}}, &k); err != nil {
			return fmt.Errorf("createAPIKey: %w", err)
		}
		m.keys = append(m.keys, k.CreateAPIKey.Secret)
	}
	var cust struct{ CreateCustomer struct{ ID string } }
	if err := c.do(ctx, `mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { id } }`,
		map[string]any{"i": map[string]any{"name": "Harbour Supplies Ltd", "email": "accounts@harbour.example"}}, &cust); err != nil {
		return fmt.Errorf("createCustomer: %w", err)
	}
	draft := func() (string, error) {
		var d struct{ CreateInvoiceDraft struct{ ID string } }
		due := time.Now().AddDate(0, 0, 30).UTC().Format(time.RFC3339)
		if err := c.do(ctx, `mutation($i: CreateInvoiceDraftInput!) { createInvoiceDraft(input: $i) { id } }`,
			map[string]any{"i": map[string]any{"customerID": cust.CreateCustomer.ID, "currency": "USD", "dueDate": due}}, &d); err != nil {
			return "", fmt.Errorf("createInvoiceDraft: %w", err)
		}
		id := d.CreateInvoiceDraft.ID
		items := []map[string]any{
			{"name": "Consulting, November", "quantity": "12", "unitPrice": "95.00"},
			{"name": "Hosting", "quantity": "1", "unitPrice": "49.90"},
		}
		if err := c.do(ctx, `mutation($id: ID!, $items: [LineItemInput!]!) { setInvoiceItems(id: $id, items: $items) { id } }`,
			map[string]any{"id": id, "items": items}, nil); err != nil {
			return "", fmt.Errorf("setInvoiceItems: %w", err)
		}
		return id, nil
	}
	id, err := draft()
	if err != nil {
		return err
	}
	if err := c.do(ctx, `mutation($id: ID!, $m: [PaymentMethod!]!) { setInvoicePaymentMethods(id: $id, methods: $m) { id } }`,
		map[string]any{"id": id, "m": []string{"INFINI_CARD"}}, nil); err != nil {
		return fmt.Errorf("setInvoicePaymentMethods: %w", err)
	}
	if err := c.do(ctx, `mutation($id: ID!) { issueInvoice(id: $id, send: false) { id } }`, map[string]any{"id": id}, nil); err != nil {
		return fmt.Errorf("issueInvoice: %w", err)
	}
	m.invoice = id

	var (
		mu   sync.Mutex
		wg   sync.WaitGroup
		errs []error
		next = make(chan struct{}, drafts)
	)
	for range drafts {
		next <- struct{}{}
	}
	close(next)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range next {
				id, err := draft()
				mu.Lock()
				if err != nil {
					errs = append(errs, err)
				} else {
					m.drafts = append(m.drafts, id)
				}
				mu.Unlock()
				if err != nil || ctx.Err() != nil {
					return
				}
			}
		}()
	}
	wg.Wait()
	if len(errs) > 0 {
		return errs[0]
	}
	return nil
}
