package graph

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"weak"

	"github.com/99designs/gqlgen/graphql"

	"github.com/shopspring/decimal"

	"github.com/tally-invoicing/tally/ent"
	entcustomer "github.com/tally-invoicing/tally/ent/customer"
	entinvoice "github.com/tally-invoicing/tally/ent/invoice"
	"github.com/tally-invoicing/tally/ent/payment"
	"github.com/tally-invoicing/tally/graph/model"
	"github.com/tally-invoicing/tally/internal/collect"
	"github.com/tally-invoicing/tally/internal/collect/statement"
	"github.com/tally-invoicing/tally/internal/money"
	"github.com/tally-invoicing/tally/internal/ptr"
)

func collectionAmount(c *ent.Collection, minor int64) (*decimal.Decimal, error) {
	cur, ok := money.Lookup(c.Currency)
	if !ok {
		return nil, fmt.Errorf("collection %s: unknown currency %q", c.ID, c.Currency)
	}
	d := money.FromMinor(minor, cur)
	return &d, nil
}

func collectionResult(out *collect.Outcome) (*model.CollectionResult, error) {
	left, err := collectionAmount(out.Collection, out.Collection.UnallocatedMinor)
	if err != nil {
		return nil, err
	}
	allocs := out.Allocations
	if allocs == nil {
		allocs = []*ent.Payment{}
	}
	return &model.CollectionResult{Collection: out.Collection, Allocations: allocs, Unallocated: *left}, nil
}

func mappingIn(m *model.StatementMappingInput) *statement.Mapping {
	if m == nil {
		return nil
	}
	return &statement.Mapping{
		Date: m.Date, Amount: ptr.Val(m.Amount), Credit: ptr.Val(m.Credit), Debit: ptr.Val(m.Debit),
		Currency: ptr.Val(m.Currency), FixedCurrency: ptr.Val(m.FixedCurrency), Text: m.Text,
		PayerName: ptr.Val(m.PayerName), PayerAccount: ptr.Val(m.PayerAccount), ExternalID: ptr.Val(m.ExternalID),
		DateFormat: ptr.Val(m.DateFormat), DecimalComma: ptr.Val(m.DecimalComma),
		Direction: ptr.Val(m.Direction), HasHeader: m.HasHeader,
	}
}

// mappingOut shows a mapping; one that leaves the header to detection
// (HasHeader nil) reads as having one, which is what detection assumes
// until the rows say otherwise.
func mappingOut(m statement.Mapping) *model.StatementMapping {
	return &model.StatementMapping{
		Date: m.Date, Amount: m.Amount, Credit: m.Credit, Debit: m.Debit, Currency: m.Currency,
		FixedCurrency: m.FixedCurrency, Text: nonNil(m.Text), PayerName: m.PayerName, PayerAccount: m.PayerAccount,
		ExternalID: m.ExternalID, DateFormat: m.DateFormat, DecimalComma: m.DecimalComma,
		Direction: m.Direction, HasHeader: m.HasHeader == nil || *m.HasHeader,
	}
}

// formatIn is the declared statement format, nil to detect it.
func formatIn(f *model.StatementFormat) *collect.Format {
	if f == nil {
		return nil
	}
	c := collect.Format(*f)
	return &c
}

// statementPreview translates a preview; every list is non-nil, as the
// schema's non-null lists need.
func statementPreview(p *collect.StatementPreview) *model.StatementPreview {
	rows := make([][]string, len(p.Rows))
	for i, r := range p.Rows {
		rows[i] = nonNil(r)
	}
	skipped := make([]*model.SkippedStatementLine, len(p.Skipped))
	for i, sk := range p.Skipped {
		skipped[i] = &model.SkippedStatementLine{Line: sk.Line, Text: sk.Text, Reason: sk.Reason}
	}
	payments := make([]*model.StatementPayment, len(p.Payments))
	for i, l := range p.Payments {
		payments[i] = &model.StatementPayment{Line: l.No, BookedAt: l.BookedAt, Amount: l.Amount, Currency: l.Currency,
			Text: l.Text, PayerName: l.PayerName, PayerAccount: l.PayerAccount}
	}
	return &model.StatementPreview{
		Format: model.StatementFormat(p.Format), Headers: nonNil(p.Headers), Rows: rows, Mapping: mappingOut(p.Mapping),
		Skipped: skipped, Payments: payments, Incoming: p.Incoming, Outgoing: p.Outgoing,
		Notices: nonNil(p.Notices), Problems: nonNil(p.Problems),
	}
}

// nonNil is s, or an empty slice for a non-null GraphQL list.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// proposedAllocations resolves Collection.proposedAllocations: the
// invoices of the page's proposals are read in one statement (see
// pageInvoices).
func (r *Resolver) proposedAllocations(ctx context.Context, obj *ent.Collection) ([]*model.ProposedAllocation, error) {
	out := make([]*model.ProposedAllocation, 0, len(obj.ProposedAllocations))
	if len(obj.ProposedAllocations) == 0 {
		return out, nil
	}
	invs, err := r.pageInvoices(ctx, obj)
	if err != nil {
		return nil, err
	}
	for _, a := range obj.ProposedAllocations {
		inv := invs[a.InvoiceID]
		if inv == nil {
			continue // not the viewer's, or gone: nothing to accept
		}
		amount, err := collectionAmount(obj, a.Amount)
		if err != nil {
			return nil, err
		}
		out = append(out, &model.ProposedAllocation{Invoice: inv, Amount: *amount, Rule: payment.Rule(a.Rule), Confidence: a.Confidence})
	}
	return out, nil
}

// collectionPage holds what the collections of one page need from other
// tables (their customers and the invoices they suggest or propose), read
// in one statement each for the whole page rather than once per
// collection: the review queue stays a bounded number of statements
// whatever the page size.
type collectionPage struct {
	cols      []*ent.Collection
	invOnce   sync.Once
	invoices  map[string]*ent.Invoice
	invErr    error
	custOnce  sync.Once
	customers map[string]*ent.Customer
	custErr   error
}

// pages holds the collectionPage of each collections connection being
// resolved, dropped when the connection is garbage (runtime.AddCleanup).
var pages sync.Map // weak.Pointer[ent.CollectionConnection] -> *collectionPage

// pageOf returns the page obj is resolved in: the collections connection
// above it in the query, or a page of obj alone (a mutation's result, a
// node query).
func pageOf(ctx context.Context, obj *ent.Collection) *collectionPage {
	for fc := graphql.GetFieldContext(ctx); fc != nil; fc = fc.Parent {
		conn, ok := fc.Result.(*ent.CollectionConnection)
		if !ok || conn == nil {
			continue
		}
		key := weak.Make(conn)
		if p, ok := pages.Load(key); ok {
			return p.(*collectionPage)
		}
		p := &collectionPage{}
		for _, e := range conn.Edges {
			if e != nil && e.Node != nil {
				p.cols = append(p.cols, e.Node)
			}
		}
		got, loaded := pages.LoadOrStore(key, p)
		if !loaded {
			runtime.AddCleanup(conn, func(k weak.Pointer[ent.CollectionConnection]) { pages.Delete(k) }, key)
		}
		return got.(*collectionPage)
	}
	return &collectionPage{cols: []*ent.Collection{obj}}
}

// pageInvoices returns the invoices the collections of obj's page suggest
// or propose, by id.
func (r *Resolver) pageInvoices(ctx context.Context, obj *ent.Collection) (map[string]*ent.Invoice, error) {
	p := pageOf(ctx, obj)
	p.invOnce.Do(func() {
		var ids []string
		for _, c := range p.cols {
			ids = append(ids, c.SuggestedInvoiceIds...)
			for _, a := range c.ProposedAllocations {
				ids = append(ids, a.InvoiceID)
			}
		}
		p.invoices = map[string]*ent.Invoice{}
		if len(ids) == 0 {
			return
		}
		slices.Sort(ids)
		invs, err := r.Client.Invoice.Query().Where(entinvoice.IDIn(slices.Compact(ids)...)).All(ctx)
		p.invErr = err
		for _, inv := range invs {
			p.invoices[inv.ID] = inv
		}
	})
	return p.invoices, p.invErr
}

// pageCustomer returns the customer of obj, read with those of its page.
func (r *Resolver) pageCustomer(ctx context.Context, obj *ent.Collection) (*ent.Customer, error) {
	if obj.CustomerID == nil {
		return nil, nil
	}
	p := pageOf(ctx, obj)
	p.custOnce.Do(func() {
		var ids []string
		for _, c := range p.cols {
			if c.CustomerID != nil {
				ids = append(ids, *c.CustomerID)
			}
		}
		p.customers = map[string]*ent.Customer{}
		slices.Sort(ids)
		custs, err := r.Client.Customer.Query().Where(entcustomer.IDIn(slices.Compact(ids)...)).All(ctx)
		p.custErr = err
		for _, c := range custs {
			p.customers[c.ID] = c
		}
	})
	return p.customers[*obj.CustomerID], p.custErr
}

// suggestions resolves Collection.suggestions, best first.
func (r *Resolver) suggestions(ctx context.Context, obj *ent.Collection) ([]*ent.Invoice, error) {
	out := make([]*ent.Invoice, 0, len(obj.SuggestedInvoiceIds))
	if len(obj.SuggestedInvoiceIds) == 0 {
		return out, nil
	}
	invs, err := r.pageInvoices(ctx, obj)
	if err != nil {
		return nil, err
	}
	for _, id := range obj.SuggestedInvoiceIds {
		if inv := invs[id]; inv != nil && !slices.Contains(out, inv) {
			out = append(out, inv)
		}
	}
	return out, nil
}
