package main

import (
	"strings"
	"testing"
	"time"

	"github.com/tally-invoicing/tally/internal/database/dbtest"
)

const merchantIdentityFields = `name address legalName taxID paymentTermsDays footer language
	postalAddress { lines city postalCode region country }
	bankAccount { accountName bankName iban bic accountNumber routingNumber }`

type merchantIdentity struct {
	Name, Address, Footer, Language string
	LegalName, TaxID                *string
	PaymentTermsDays                *int
	PostalAddress                   *struct {
		Lines                             []string
		City, PostalCode, Region, Country *string
	}
	BankAccount *struct {
		AccountName, BankName, Iban, Bic, AccountNumber, RoutingNumber *string
	}
}

func (c *client) updateMerchant(in map[string]any) merchantIdentity {
	c.t.Helper()
	var out struct{ UpdateMerchant merchantIdentity }
	c.do(`mutation($in: UpdateMerchantInput!) { updateMerchant(input: $in) { `+merchantIdentityFields+` } }`,
		map[string]any{"in": in}, &out)
	return out.UpdateMerchant
}

func (c *client) merchantIdentity() merchantIdentity {
	c.t.Helper()
	var out struct {
		Viewer struct{ Merchant merchantIdentity }
	}
	c.do(`{ viewer { merchant { `+merchantIdentityFields+` } } }`, nil, &out)
	return out.Viewer.Merchant
}

// in is c reporting to t, for use inside a subtest.
func (c *client) in(t *testing.T) *client {
	cp := *c
	cp.t = t
	return &cp
}

func str(p *string) string {
	if p == nil {
		return "<null>"
	}
	return *p
}

// TestMerchantIdentityRoundTrip: what a merchant enters in Settings comes
// back normalised, the old free-text address follows the structured one,
// and null removes each part again.
func TestMerchantIdentityRoundTrip(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Acme")
		c.updateMerchant(map[string]any{
			"legalName": " Acme Trading GmbH ",
			"taxID":     "de 123 456 789",
			"postalAddress": map[string]any{
				"lines": []string{"Unter den Linden 1", " "}, "city": "Berlin", "postalCode": "10117", "country": "de",
			},
			"bankAccount": map[string]any{
				"accountName": "Acme Trading GmbH", "iban": "de89 3704 0044 0532 0130 00", "bic": "cobadeffxxx",
			},
			"paymentTermsDays": 14,
			"footer":           "Late payments: 1% a month.\nRegistered at Amtsgericht Berlin.",
			"language":         "DE-ch",
		})
		m := c.merchantIdentity()
		if str(m.LegalName) != "Acme Trading GmbH" || str(m.TaxID) != "DE123456789" || m.Language != "de" ||
			m.PaymentTermsDays == nil || *m.PaymentTermsDays != 14 || !strings.HasPrefix(m.Footer, "Late payments") {
			t.Fatalf("merchant after update: %+v", m)
		}
		if a := m.PostalAddress; a == nil || strings.Join(a.Lines, "|") != "Unter den Linden 1" || str(a.City) != "Berlin" ||
			str(a.PostalCode) != "10117" || str(a.Country) != "DE" || a.Region != nil {
			t.Fatalf("postalAddress = %+v", m.PostalAddress)
		}
		if m.Address != "Unter den Linden 1\n10117 Berlin\nGermany" {
			t.Errorf("address = %q, want the formatted postal address for old clients", m.Address)
		}
		if ba := m.BankAccount; ba == nil || str(ba.Iban) != "DE89370400440532013000" || str(ba.Bic) != "COBADEFFXXX" ||
			str(ba.AccountName) != "Acme Trading GmbH" || ba.AccountNumber != nil {
			t.Fatalf("bankAccount = %+v", m.BankAccount)
		}

		// Fields not given stay; a domestic account replaces the IBAN.
		m = c.updateMerchant(map[string]any{"bankAccount": map[string]any{"accountNumber": "000123456789", "routingNumber": "026009593"}})
		if str(m.TaxID) != "DE123456789" || m.BankAccount == nil || m.BankAccount.Iban != nil || str(m.BankAccount.RoutingNumber) != "026009593" {
			t.Fatalf("after changing the bank account: %+v %+v", m, m.BankAccount)
		}

		// null removes.
		m = c.updateMerchant(map[string]any{"legalName": nil, "taxID": nil, "postalAddress": nil, "bankAccount": nil, "paymentTermsDays": nil, "footer": ""})
		if m.LegalName != nil || m.TaxID != nil || m.PostalAddress != nil || m.BankAccount != nil || m.PaymentTermsDays != nil || m.Footer != "" || m.Address != "" {
			t.Fatalf("after removing: %+v", m)
		}
		if m = c.merchantIdentity(); m.PostalAddress != nil || m.Language != "de" {
			t.Fatalf("read back after removing: %+v", m)
		}

		// An old client writing the free-text address replaces the
		// structured one, so what is printed is what was written last.
		c.updateMerchant(map[string]any{"postalAddress": map[string]any{"city": "Paris", "country": "FR"}})
		m = c.updateMerchant(map[string]any{"address": "1 Rue de Rivoli\n75001 Paris"})
		if m.PostalAddress != nil || m.Address != "1 Rue de Rivoli\n75001 Paris" {
			t.Fatalf("after an old client's address: %+v", m)
		}

		// Another merchant sees none of it.
		other := ta.signUp(t, "Other")
		if o := other.merchantIdentity(); o.TaxID != nil || o.PostalAddress != nil || o.Language != "en" {
			t.Fatalf("a new merchant: %+v", o)
		}
	})
}

// TestMerchantIdentityBadInput: each mistake is VALIDATION naming the field
// to fix, and nothing is saved.
func TestMerchantIdentityBadInput(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Acme")
		c.updateMerchant(map[string]any{"taxID": "DE123456789"})
		iban := "DE89370400440532013000"
		for _, tc := range []struct {
			name, field, msg string
			in               map[string]any
		}{
			{"tax id of one character", "taxID", "2 to 40", map[string]any{"taxID": "D"}},
			{"tax id with a slash", "taxID", "letters, digits", map[string]any{"taxID": "DE/123"}},
			{"address without country", "postalAddress.country", "ISO 3166-1", map[string]any{"postalAddress": map[string]any{"city": "Berlin"}}},
			{"country not a country", "postalAddress.country", "", map[string]any{"postalAddress": map[string]any{"city": "Brussels", "country": "EU"}}},
			{"country of three letters", "postalAddress.country", "", map[string]any{"postalAddress": map[string]any{"country": "DEU"}}},
			{"four street lines", "postalAddress.lines", "at most 3", map[string]any{"postalAddress": map[string]any{"lines": []string{"a", "b", "c", "d"}, "country": "DE"}}},
			{"long street line", "postalAddress.lines[0]", "100", map[string]any{"postalAddress": map[string]any{"lines": []string{strings.Repeat("x", 101)}, "country": "DE"}}},
			{"long city", "postalAddress.city", "100", map[string]any{"postalAddress": map[string]any{"city": strings.Repeat("x", 101), "country": "DE"}}},
			{"IBAN typo", "bankAccount.iban", "the check digits do not match: check for a typo", map[string]any{"bankAccount": map[string]any{"iban": "DE89370400440532013001"}}},
			{"IBAN too short", "bankAccount.iban", "22 characters", map[string]any{"bankAccount": map[string]any{"iban": "DE8937040044053201300"}}},
			{"bad BIC", "bankAccount.bic", "8 or 11", map[string]any{"bankAccount": map[string]any{"iban": iban, "bic": "COBADE"}}},
			{"IBAN and account number", "bankAccount.accountNumber", "not both", map[string]any{"bankAccount": map[string]any{"iban": iban, "accountNumber": "12345"}}},
			{"no account at all", "bankAccount.iban", "", map[string]any{"bankAccount": map[string]any{"bankName": "Commerzbank"}}},
			{"terms over a year", "paymentTermsDays", "365", map[string]any{"paymentTermsDays": 366}},
			{"negative terms", "paymentTermsDays", "", map[string]any{"paymentTermsDays": -1}},
			{"long footer", "footer", "2000", map[string]any{"footer": strings.Repeat("x", 2001)}},
			{"unsupported language", "language", "zh-Hant", map[string]any{"language": "sv"}},
			{"not a language", "language", "", map[string]any{"language": "!!"}},
			{"long legal name", "legalName", "200", map[string]any{"legalName": strings.Repeat("x", 201)}},
			{"address and postalAddress", "address", "", map[string]any{"address": "x", "postalAddress": map[string]any{"country": "DE"}}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				tc.in["taxID"] = orDefault(tc.in["taxID"], "FR40303265045") // would change if anything were saved
				e := c.in(t).expectCode("VALIDATION", tc.field, `mutation($in: UpdateMerchantInput!) { updateMerchant(input: $in) { id } }`, map[string]any{"in": tc.in})
				if !strings.Contains(e.Message, tc.msg) {
					t.Errorf("message %q does not say %q", e.Message, tc.msg)
				}
			})
		}
		if m := c.merchantIdentity(); str(m.TaxID) != "DE123456789" || m.PostalAddress != nil || m.BankAccount != nil {
			t.Fatalf("a refused update changed the merchant: %+v", m)
		}
	})
}

func orDefault(v any, d string) any {
	if v == nil {
		return d
	}
	return v
}

type customerIdentity struct {
	ID, Name      string
	TaxID         *string
	Language      *string
	PostalAddress *struct {
		Lines                             []string
		City, PostalCode, Region, Country *string
	}
}

const customerIdentityFields = `id name taxID language postalAddress { lines city postalCode region country }`

// TestCustomerIdentity: a customer's address, tax number and language are
// kept normalised, removable, checked like the merchant's, and another
// merchant's customer cannot be changed.
func TestCustomerIdentity(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Acme")
		var created struct{ CreateCustomer customerIdentity }
		c.do(`mutation($in: CreateCustomerInput!) { createCustomer(input: $in) { `+customerIdentityFields+` } }`, map[string]any{"in": map[string]any{
			"name": "Loja Azul", "email": "contas@lojaazul.example", "taxID": "pt 501 964 843", "language": "pt-BR",
			"postalAddress": map[string]any{"lines": []string{"Rua Augusta 10"}, "city": "Lisboa", "postalCode": "1100-053", "country": "pt"},
		}}, &created)
		cu := created.CreateCustomer
		if str(cu.TaxID) != "PT501964843" || str(cu.Language) != "pt" || cu.PostalAddress == nil || str(cu.PostalAddress.Country) != "PT" ||
			str(cu.PostalAddress.PostalCode) != "1100-053" {
			t.Fatalf("created %+v %+v", cu, cu.PostalAddress)
		}
		plain := c.createCustomer("Plain", "plain@example.com")
		var p struct{ Node customerIdentity }
		c.do(`query($id: ID!) { node(id: $id) { ... on Customer { `+customerIdentityFields+` } } }`, map[string]any{"id": plain}, &p)
		if p.Node.TaxID != nil || p.Node.Language != nil || p.Node.PostalAddress != nil {
			t.Fatalf("a customer created without details: %+v", p.Node)
		}

		update := `mutation($id: ID!, $in: UpdateCustomerInput!) { updateCustomer(id: $id, input: $in) { ` + customerIdentityFields + ` } }`
		var upd struct{ UpdateCustomer customerIdentity }
		c.do(update, map[string]any{"id": cu.ID, "in": map[string]any{"language": "ZH-hant"}}, &upd)
		if u := upd.UpdateCustomer; str(u.Language) != "zh-Hant" || str(u.TaxID) != "PT501964843" || u.PostalAddress == nil {
			t.Fatalf("after changing the language only: %+v", u)
		}
		c.do(update, map[string]any{"id": cu.ID, "in": map[string]any{"language": nil, "taxID": nil, "postalAddress": nil}}, &upd)
		if u := upd.UpdateCustomer; u.Language != nil || u.TaxID != nil || u.PostalAddress != nil || u.Name != "Loja Azul" {
			t.Fatalf("after removing: %+v", u)
		}

		// The languages offered are the ones accepted, in their own names.
		var langs struct{ Languages []struct{ Tag, Name string } }
		c.do(`{ languages { tag name } }`, nil, &langs)
		var tags []string
		for _, l := range langs.Languages {
			tags = append(tags, l.Tag)
		}
		if got := strings.Join(tags, " "); got != "en de fr es pt it nl ja zh-Hans zh-Hant" || langs.Languages[1].Name != "Deutsch" {
			t.Fatalf("languages = %s (%+v)", got, langs.Languages)
		}

		create := `mutation($in: CreateCustomerInput!) { createCustomer(input: $in) { id } }`
		for _, tc := range []struct {
			name, field string
			in          map[string]any
		}{
			{"address without country", "postalAddress.country", map[string]any{"postalAddress": map[string]any{"city": "Lisboa"}}},
			{"unknown country", "postalAddress.country", map[string]any{"postalAddress": map[string]any{"city": "Lisboa", "country": "XX"}}},
			{"long postal code", "postalAddress.postalCode", map[string]any{"postalAddress": map[string]any{"postalCode": strings.Repeat("1", 101), "country": "PT"}}},
			{"bad tax id", "taxID", map[string]any{"taxID": "PT#501"}},
			{"unsupported language", "language", map[string]any{"language": "sv-SE"}},
		} {
			t.Run(tc.name, func(t *testing.T) {
				c := c.in(t)
				c.expectCode("VALIDATION", tc.field, update, map[string]any{"id": plain, "in": tc.in})
				in := map[string]any{"name": "New", "email": "new@example.com"}
				for k, v := range tc.in {
					in[k] = v
				}
				c.expectCode("VALIDATION", tc.field, create, map[string]any{"in": in})
			})
		}

		// Another merchant's customer does not exist for this one.
		other := ta.signUp(t, "Other")
		other.expectCode("NOT_FOUND", "", update, map[string]any{"id": cu.ID, "in": map[string]any{"taxID": "DE123456789"}})
		other.expectCode("NOT_FOUND", "", update, map[string]any{"id": cu.ID, "in": map[string]any{"postalAddress": nil}})
		c.do(`query($id: ID!) { node(id: $id) { ... on Customer { `+customerIdentityFields+` } } }`, map[string]any{"id": cu.ID}, &p)
		if p.Node.TaxID != nil || p.Node.Name != "Loja Azul" {
			t.Fatalf("another merchant changed the customer: %+v", p.Node)
		}
	})
}

// TestCustomerAmountDue: what a customer owes is the sum of amount due of
// its OPEN and PARTIALLY_PAID invoices per currency, exact, in one query.
func TestCustomerAmountDue(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Acme")
		cust := c.createCustomer("Globex", "ap@globex.example")
		bill := func(currency, price string) string {
			var d struct{ CreateInvoiceDraft struct{ ID string } }
			c.do(`mutation($c: ID!, $cur: String) { createInvoiceDraft(input: {customerID: $c, currency: $cur}) { id } }`,
				map[string]any{"c": cust, "cur": currency}, &d)
			id := d.CreateInvoiceDraft.ID
			c.do(`mutation($id: ID!, $p: Decimal!) { setInvoiceItems(id: $id, items: [{name: "Work", quantity: "1", unitPrice: $p}]) { id } }`,
				map[string]any{"id": id, "p": price}, nil)
			return id
		}
		issue := func(id string) {
			c.do(`mutation($id: ID!) { setInvoicePaymentMethods(id: $id, methods: [INFINI_CARD]) { id } }`, map[string]any{"id": id}, nil)
			c.issue(id)
		}
		pay := func(id string, amount any) { // nil: all that is due
			c.do(`mutation($id: ID!, $a: Decimal) { markInvoicePaid(id: $id, input: {channel: CASH, amount: $a}) { id } }`,
				map[string]any{"id": id, "a": amount}, nil)
		}
		amountDue := func() string {
			var out struct {
				Node struct {
					AmountDue []struct{ Amount, Currency string }
				}
			}
			c.do(`query($id: ID!) { node(id: $id) { ... on Customer { amountDue { amount currency } } } }`, map[string]any{"id": cust}, &out)
			var parts []string
			for _, m := range out.Node.AmountDue {
				parts = append(parts, m.Amount+" "+m.Currency)
			}
			return strings.Join(parts, ", ")
		}
		if got := amountDue(); got != "" {
			t.Fatalf("a new customer owes %q, want nothing", got)
		}

		bill("USD", "999.99") // a draft is not owed
		open := bill("USD", "100.10")
		issue(open)
		partial := bill("USD", "250.25")
		issue(partial)
		pay(partial, "100.00")
		paid := bill("USD", "40.00")
		issue(paid)
		pay(paid, nil)
		voided := bill("USD", "70.00")
		issue(voided)
		c.do(`mutation($id: ID!) { voidInvoice(id: $id) { id } }`, map[string]any{"id": voided}, nil)
		yen := bill("JPY", "1500")
		issue(yen)
		kwd := bill("KWD", "12.345")
		issue(kwd)
		pay(kwd, "0.005")

		if got, want := amountDue(), "1500 JPY, 12.340 KWD, 250.35 USD"; got != want {
			t.Fatalf("amountDue = %q, want %q", got, want)
		}

		// One grouped query, not one per invoice or currency.
		count := func(q string) int64 {
			before := ta.queries.Load()
			c.do(q, map[string]any{"id": cust}, nil)
			return ta.queries.Load() - before
		}
		without := count(`query($id: ID!) { node(id: $id) { id } }`)
		with := count(`query($id: ID!) { node(id: $id) { ... on Customer { amountDue { amount currency } } } }`)
		if with-without != 1 {
			t.Errorf("amountDue took %d SQL statements, want 1", with-without)
		}

		// Another merchant sees neither the customer nor its balance.
		other := ta.signUp(t, "Other")
		other.expectCode("NOT_FOUND", "", `query($id: ID!) { node(id: $id) { ... on Customer { amountDue { amount } } } }`, map[string]any{"id": cust})
	})
}

type termsInvoice struct {
	ID               string
	PaymentTermsDays *int
	DueDate          *time.Time
	IssuedAt         *time.Time
	Overdue          bool
}

const termsFields = `id paymentTermsDays dueDate issuedAt overdue`

// TestPaymentTerms: terms in days become a due date when the invoice is
// issued; the merchant's default applies when a draft gives neither; a
// draft has a due date or terms, never both.
func TestPaymentTerms(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Acme")
		cust := c.createCustomer("Globex", "ap@globex.example")
		create := func(in map[string]any) termsInvoice {
			t.Helper()
			in["customerID"] = cust
			var out struct{ CreateInvoiceDraft termsInvoice }
			c.do(`mutation($in: CreateInvoiceDraftInput!) { createInvoiceDraft(input: $in) { `+termsFields+` } }`, map[string]any{"in": in}, &out)
			return out.CreateInvoiceDraft
		}
		issue := func(id string) termsInvoice {
			t.Helper()
			c.do(`mutation($id: ID!) { setInvoiceItems(id: $id, items: [{name: "Work", quantity: "1", unitPrice: "10.00"}]) { id } }`, map[string]any{"id": id}, nil)
			c.do(`mutation($id: ID!) { setInvoicePaymentMethods(id: $id, methods: [INFINI_CARD]) { id } }`, map[string]any{"id": id}, nil)
			var out struct{ IssueInvoice termsInvoice }
			c.do(`mutation($id: ID!) { issueInvoice(id: $id, send: false) { `+termsFields+` } }`, map[string]any{"id": id}, &out)
			return out.IssueInvoice
		}
		// dueOn is the end of the day days after the issue day, in UTC,
		// as the dashboard stores a date picked by hand.
		dueOn := func(inv termsInvoice, days int) {
			t.Helper()
			if inv.IssuedAt == nil || inv.DueDate == nil {
				t.Fatalf("issued invoice %+v: want issuedAt and dueDate", inv)
			}
			y, m, d := inv.IssuedAt.UTC().Date()
			if want := time.Date(y, m, d+days, 23, 59, 59, 0, time.UTC); !inv.DueDate.Equal(want) {
				t.Fatalf("dueDate = %v, want %v (issued %v + %d days)", inv.DueDate, want, inv.IssuedAt, days)
			}
			if inv.Overdue {
				t.Fatalf("a freshly issued invoice with %d-day terms is overdue", days)
			}
		}

		// No default terms: no due date, as before.
		inv := create(map[string]any{})
		if inv.PaymentTermsDays != nil || inv.DueDate != nil {
			t.Fatalf("draft without terms: %+v", inv)
		}
		if got := issue(inv.ID); got.DueDate != nil {
			t.Fatalf("issued without terms: dueDate %v, want none", got.DueDate)
		}

		// Terms on the draft.
		inv = create(map[string]any{"paymentTermsDays": 14})
		if inv.PaymentTermsDays == nil || *inv.PaymentTermsDays != 14 || inv.DueDate != nil {
			t.Fatalf("draft with terms: %+v", inv)
		}
		got := issue(inv.ID)
		dueOn(got, 14)
		if got.PaymentTermsDays == nil || *got.PaymentTermsDays != 14 {
			t.Fatalf("issued invoice lost its terms: %+v", got)
		}
		// Due on receipt: the issue day.
		dueOn(issue(create(map[string]any{"paymentTermsDays": 0}).ID), 0)

		// The merchant's default applies when a draft gives neither.
		c.updateMerchant(map[string]any{"paymentTermsDays": 30})
		inv = create(map[string]any{})
		if inv.PaymentTermsDays == nil || *inv.PaymentTermsDays != 30 {
			t.Fatalf("draft under Net 30 default: %+v", inv)
		}
		dueOn(issue(inv.ID), 30)
		// An explicit date wins over the default.
		date := time.Now().UTC().AddDate(0, 0, 3).Format("2006-01-02") + "T23:59:59Z"
		inv = create(map[string]any{"dueDate": date})
		if inv.PaymentTermsDays != nil || inv.DueDate == nil || inv.DueDate.Format(time.RFC3339) != date {
			t.Fatalf("draft with a date under a default: %+v", inv)
		}
		if got := issue(inv.ID); got.DueDate.Format(time.RFC3339) != date {
			t.Fatalf("issue moved the chosen due date to %v", got.DueDate)
		}

		// Bad terms.
		op := `mutation($in: CreateInvoiceDraftInput!) { createInvoiceDraft(input: $in) { id } }`
		e := c.expectCode("VALIDATION", "paymentTermsDays", op, map[string]any{"in": map[string]any{"customerID": cust, "dueDate": date, "paymentTermsDays": 7}})
		if !strings.Contains(e.Message, "give dueDate or paymentTermsDays, not both") {
			t.Errorf("both: %q", e.Message)
		}
		c.expectCode("VALIDATION", "paymentTermsDays", op, map[string]any{"in": map[string]any{"customerID": cust, "paymentTermsDays": 366}})
		c.expectCode("VALIDATION", "paymentTermsDays", op, map[string]any{"in": map[string]any{"customerID": cust, "paymentTermsDays": -1}})

		// Editing: a date clears the terms, terms clear the date.
		inv = create(map[string]any{})
		upd := `mutation($id: ID!, $in: UpdateInvoiceDraftInput!) { updateInvoiceDraft(id: $id, input: $in) { ` + termsFields + ` } }`
		var u struct{ UpdateInvoiceDraft termsInvoice }
		c.do(upd, map[string]any{"id": inv.ID, "in": map[string]any{"dueDate": date}}, &u)
		if u.UpdateInvoiceDraft.PaymentTermsDays != nil || u.UpdateInvoiceDraft.DueDate == nil {
			t.Fatalf("setting a date: %+v", u.UpdateInvoiceDraft)
		}
		c.do(upd, map[string]any{"id": inv.ID, "in": map[string]any{"paymentTermsDays": 60}}, &u)
		if u.UpdateInvoiceDraft.DueDate != nil || u.UpdateInvoiceDraft.PaymentTermsDays == nil || *u.UpdateInvoiceDraft.PaymentTermsDays != 60 {
			t.Fatalf("setting terms: %+v", u.UpdateInvoiceDraft)
		}
		c.expectCode("VALIDATION", "paymentTermsDays", upd, map[string]any{"id": inv.ID, "in": map[string]any{"paymentTermsDays": 7, "dueDate": date}})
		c.expectCode("VALIDATION", "paymentTermsDays", upd, map[string]any{"id": inv.ID, "in": map[string]any{"paymentTermsDays": 400}})
		c.do(upd, map[string]any{"id": inv.ID, "in": map[string]any{"paymentTermsDays": nil}}, &u)
		if u.UpdateInvoiceDraft.DueDate != nil || u.UpdateInvoiceDraft.PaymentTermsDays != nil {
			t.Fatalf("removing terms: %+v", u.UpdateInvoiceDraft)
		}
		if got := issue(inv.ID); got.DueDate != nil {
			t.Fatalf("issued after removing terms: %+v", got)
		}

		// Another merchant's draft is not found.
		other := ta.signUp(t, "Other")
		draft := create(map[string]any{})
		other.expectCode("NOT_FOUND", "", upd, map[string]any{"id": draft.ID, "in": map[string]any{"paymentTermsDays": 7}})
	})
}
