package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"testing"
)

// gqlClient speaks GraphQL to Tally as one signed-in caller.
type gqlClient struct {
	http  *http.Client
	url   string
	token string
}

type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

// do sends one operation and decodes its data into out. GraphQL errors are
// errors: the seed data must be exactly what the benchmark expects.
func (c *gqlClient) do(ctx context.Context, query string, vars map[string]any, out any) error {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	var r struct {
		Data   json.RawMessage `json:"data"`
		Errors []gqlError      `json:"errors"`
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return fmt.Errorf("status %d, body %.300s: %w", resp.StatusCode, raw, err)
	}
	if resp.StatusCode != http.StatusOK || len(r.Errors) > 0 {
		return fmt.Errorf("status %d, errors %+v", resp.StatusCode, r.Errors)
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(r.Data, out)
}

// seed is what the benchmark needs to know about the data it created.
type seed struct {
	token      string
	merchantID string
}

// seedMerchant signs up one merchant and creates customers and issued
// invoices through the public API, the way a client would.
func seedMerchant(t *testing.T, c *gqlClient, customers, invoices int) seed {
	t.Helper()
	ctx := context.Background()
	var up struct {
		SignUp struct {
			Token  string
			Viewer struct{ Merchant struct{ ID string } }
		}
	}
	err := c.do(ctx, `mutation($in: SignUpInput!) { signUp(input: $in) { token viewer { merchant { id } } } }`,
		map[string]any{"in": map[string]any{"merchantName": "Bench Studio", "email": "owner@bench.example", "password": "benchmark password"}}, &up)
	if err != nil {
		t.Fatalf("signUp: %v", err)
	}
	c.token = up.SignUp.Token

	customerIDs := make([]string, customers)
	for i := range customerIDs {
		var r struct{ CreateCustomer struct{ ID string } }
		err := c.do(ctx, `mutation($in: CreateCustomerInput!) { createCustomer(input: $in) { id } }`,
			map[string]any{"in": map[string]any{"name": fmt.Sprintf("Customer %02d Ltd", i), "email": fmt.Sprintf("billing%02d@customer.example", i)}}, &r)
		if err != nil {
			t.Fatalf("createCustomer: %v", err)
		}
		customerIDs[i] = r.CreateCustomer.ID
	}

	// A few writers in parallel keep seeding short; issuing still takes the
	// numbering lock one at a time.
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		firstErr error
	)
	sem := make(chan struct{}, 4)
	for i := range invoices {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			if err := createInvoice(ctx, c, customerIDs[i%len(customerIDs)], i); err != nil {
				mu.Lock()
				if firstErr == nil {
					firstErr = fmt.Errorf("invoice %d: %w", i, err)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		t.Fatalf("seed: %v", firstErr)
	}
	return seed{token: c.token, merchantID: up.SignUp.Viewer.Merchant.ID}
}

// createInvoice walks the invoice wizard: draft, items, payment methods, issue.
func createInvoice(ctx context.Context, c *gqlClient, customerID string, i int) error {
	var draft struct{ CreateInvoiceDraft struct{ ID string } }
	if err := c.do(ctx, `mutation($c: ID!) { createInvoiceDraft(input: {customerID: $c}) { id } }`,
		map[string]any{"c": customerID}, &draft); err != nil {
		return fmt.Errorf("createInvoiceDraft: %w", err)
	}
	id := draft.CreateInvoiceDraft.ID
	items := []map[string]any{
		{"name": fmt.Sprintf("Design work, week %d", i%52+1), "quantity": "2", "unitPrice": "10.00"},
		{"name": "Hosting", "quantity": "1", "unitPrice": "25.50"},
		{"name": "Support hours", "quantity": "1.5", "unitPrice": "80.00"},
	}
	steps := []struct {
		name, query string
		vars        map[string]any
	}{
		{"setInvoiceItems", `mutation($id: ID!, $items: [LineItemInput!]!) { setInvoiceItems(id: $id, items: $items) { id } }`,
			map[string]any{"id": id, "items": items}},
		{"setInvoicePaymentMethods", `mutation($id: ID!) { setInvoicePaymentMethods(id: $id, methods: [CRYPTO]) { id } }`,
			map[string]any{"id": id}},
		{"issueInvoice", `mutation($id: ID!) { issueInvoice(id: $id, send: false) { number } }`,
			map[string]any{"id": id}},
	}
	for _, s := range steps {
		if err := c.do(ctx, s.query, s.vars, nil); err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
	}
	return nil
}
