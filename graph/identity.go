package graph

import (
	"github.com/99designs/gqlgen/graphql"

	"github.com/tally-invoicing/tally/graph/model"
	"github.com/tally-invoicing/tally/internal/merchant"
	"github.com/tally-invoicing/tally/internal/party"
	"github.com/tally-invoicing/tally/internal/ptr"
)

// addressIn is a PostalAddressInput as the domain takes it; nil stays nil.
func addressIn(a *model.PostalAddressInput) *party.Address {
	if a == nil {
		return nil
	}
	return &party.Address{Lines: a.Lines, City: ptr.Val(a.City), PostalCode: ptr.Val(a.PostalCode),
		Region: ptr.Val(a.Region), Country: ptr.Val(a.Country)}
}

// addressOut is a stored address as the API shows it: null when none.
func addressOut(a party.Address) *model.PostalAddress {
	if a.IsZero() {
		return nil
	}
	lines := a.Lines
	if lines == nil {
		lines = []string{}
	}
	return &model.PostalAddress{Lines: lines, City: nonEmpty(a.City), PostalCode: nonEmpty(a.PostalCode),
		Region: nonEmpty(a.Region), Country: nonEmpty(a.Country)}
}

func bankIn(b *model.BankAccountInput) *party.BankAccount {
	if b == nil {
		return nil
	}
	return &party.BankAccount{AccountName: ptr.Val(b.AccountName), BankName: ptr.Val(b.BankName), IBAN: ptr.Val(b.Iban),
		BIC: ptr.Val(b.Bic), AccountNumber: ptr.Val(b.AccountNumber), RoutingNumber: ptr.Val(b.RoutingNumber)}
}

func bankOut(b party.BankAccount) *model.BankAccount {
	if b == (party.BankAccount{}) {
		return nil
	}
	return &model.BankAccount{AccountName: nonEmpty(b.AccountName), BankName: nonEmpty(b.BankName), Iban: nonEmpty(b.IBAN),
		Bic: nonEmpty(b.BIC), AccountNumber: nonEmpty(b.AccountNumber), RoutingNumber: nonEmpty(b.RoutingNumber)}
}

// change is an omittable input as a domain Change: given or not, and null
// or a value.
func change[T any](o graphql.Omittable[*T]) merchant.Change[T] {
	return merchant.Change[T]{Set: o.IsSet(), Value: o.Value()}
}

// changeVia is change with the value converted.
func changeVia[In, Out any](o graphql.Omittable[*In], conv func(*In) *Out) merchant.Change[Out] {
	return merchant.Change[Out]{Set: o.IsSet(), Value: conv(o.Value())}
}

func nonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
