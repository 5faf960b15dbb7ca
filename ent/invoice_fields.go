// Package ent is the database layer entc generates from ent/schema (see
// ent/entc.go); the few files written by hand say so at their top.
package ent

// This file is written by hand (entc leaves files without its header
// alone). It holds the invoice fields the API computes from stored columns.
// They are methods without a context on purpose: gqlgen binds a GraphQL
// field straight to such a method and resolves it inline, while a resolver
// or a method taking a context costs a goroutine per field of every invoice
// in a list.

import (
	"fmt"

	"github.com/tally-invoicing/tally/internal/invoice/amount"
	"github.com/tally-invoicing/tally/internal/invoice/status"
	"github.com/tally-invoicing/tally/internal/money"
)

// LineItem is one row of an invoice as the API shows it (GraphQL LineItem):
// its stored lineitem.Item with the amounts in the invoice's currency.
type LineItem struct {
	Name string
	// Quantity keeps the scale it was stored with ("2.5").
	Quantity amount.Amount
	// UnitPrice and Amount have the currency's decimals ("120.00").
	UnitPrice amount.Amount
	Amount    amount.Amount
}

// LineItems are the invoice's rows, in order; empty for a new draft.
func (_m *Invoice) LineItems() ([]LineItem, error) {
	c, err := _m.currency()
	if err != nil {
		return nil, err
	}
	out := make([]LineItem, len(_m.Items))
	for i, it := range _m.Items {
		q, ok := amount.Parse(it.Quantity)
		if !ok {
			return nil, fmt.Errorf("invoice %s item %d: stored quantity %q is not a short decimal", _m.ID, i, it.Quantity)
		}
		out[i] = LineItem{
			Name:      it.Name,
			Quantity:  q,
			UnitPrice: amount.New(it.UnitPrice, c.Exponent),
			Amount:    amount.New(it.Amount, c.Exponent),
		}
	}
	return out, nil
}

// Subtotal is the sum of the line amounts.
func (_m *Invoice) Subtotal() (amount.Amount, error) { return _m.amount(_m.SubtotalMinor) }

// Total is what the customer is asked to pay.
func (_m *Invoice) Total() (amount.Amount, error) { return _m.amount(_m.TotalMinor) }

// AmountPaid is the money applied to the invoice so far.
func (_m *Invoice) AmountPaid() (amount.Amount, error) { return _m.amount(_m.AmountPaidMinor) }

// AmountDue is AmountDueMinor in the invoice's currency.
func (_m *Invoice) AmountDue() (amount.Amount, error) { return _m.amount(_m.AmountDueMinor()) }

// AmountOverpaid is what was paid beyond the total, kept as the customer's
// credit; nothing for a draft.
func (_m *Invoice) AmountOverpaid() (amount.Amount, error) {
	over := _m.AmountPaidMinor - _m.TotalMinor
	if over < 0 || _m.Status == status.Draft {
		over = 0
	}
	return _m.amount(over)
}

// AmountDueMinor is what is (or, for a draft, will be) owed, in minor units:
// total minus amount paid while DRAFT, OPEN, PARTIALLY_PAID or
// UNCOLLECTIBLE; nothing once PAID or VOID, and never less than nothing.
func (_m *Invoice) AmountDueMinor() int64 {
	switch _m.Status {
	case status.Draft, status.Open, status.PartiallyPaid, status.Uncollectible:
		if d := _m.TotalMinor - _m.AmountPaidMinor; d > 0 {
			return d
		}
	}
	return 0
}

func (_m *Invoice) amount(minor int64) (amount.Amount, error) {
	c, err := _m.currency()
	if err != nil {
		return amount.Amount{}, err
	}
	return amount.New(minor, c.Exponent), nil
}

func (_m *Invoice) currency() (money.Currency, error) {
	c, ok := money.Lookup(_m.Currency)
	if !ok {
		return c, fmt.Errorf("invoice %s: unknown currency %q", _m.ID, _m.Currency)
	}
	return c, nil
}
