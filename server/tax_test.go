package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/tally-invoicing/tally/internal/database/dbtest"
)

const (
	createRate = `mutation($in: CreateTaxRateInput!) { createTaxRate(input: $in) { id name percentage inclusive category country exemptionReason archivedAt } }`
	updateRate = `mutation($id: ID!, $in: UpdateTaxRateInput!) { updateTaxRate(id: $id, input: $in) { id name percentage inclusive category country exemptionReason } }`
	archive    = `mutation($id: ID!) { archiveTaxRate(id: $id) { id archivedAt } }`
	listRates  = `query($all: Boolean) { taxRates(first: 100, includeArchived: $all) { totalCount edges { node { name percentage archivedAt } } } }`
	defaultOf  = `{ viewer { merchant { defaultTaxRate { id name } } } }`

	taxedFields = `id status currency subtotal totalDiscount totalTax total amountDue
		discount { percent amount reason }
		items { name amount discountPercent discountAmount taxRates { id name percentage inclusive category country exemptionReason } }
		taxBreakdown { taxRate { id name percentage inclusive category } taxableAmount amount }`
	setTaxedItems = `mutation($id: ID!, $items: [LineItemInput!]!, $d: InvoiceDiscountInput) { setInvoiceItems(id: $id, items: $items, discount: $d) { ` + taxedFields + ` } }`
)

type rateData struct {
	ID, Name, Percentage, Category string
	Inclusive                      bool
	Country, ExemptionReason       *string
	ArchivedAt                     *string
}

type taxedInvoice struct {
	ID, Status, Currency                                string
	Subtotal, TotalDiscount, TotalTax, Total, AmountDue string
	Discount                                            *struct {
		Percent *string
		Amount  string
		Reason  *string
	}
	Items []struct {
		Name, Amount, DiscountAmount string
		DiscountPercent              *string
		TaxRates                     []rateData
	}
	TaxBreakdown []struct {
		TaxRate       rateData
		TaxableAmount string
		Amount        string
	}
}

func (c *client) rate(in map[string]any) rateData {
	c.t.Helper()
	var out struct{ CreateTaxRate rateData }
	c.do(createRate, map[string]any{"in": in}, &out)
	return out.CreateTaxRate
}

func (c *client) setTaxed(id string, items []map[string]any, discount map[string]any) taxedInvoice {
	c.t.Helper()
	vars := map[string]any{"id": id, "items": items}
	if discount != nil {
		vars["d"] = discount
	}
	var out struct{ SetInvoiceItems taxedInvoice }
	c.do(setTaxedItems, vars, &out)
	return out.SetInvoiceItems
}

func (c *client) taxedInvoice(id string) taxedInvoice {
	c.t.Helper()
	var out struct{ Node taxedInvoice }
	c.do(`query($id: ID!) { node(id: $id) { ... on Invoice { `+taxedFields+` } } }`, map[string]any{"id": id}, &out)
	return out.Node
}

func (c *client) newDraft(customerID, currency string) string {
	c.t.Helper()
	var d struct{ CreateInvoiceDraft struct{ ID string } }
	c.do(`mutation($c: ID!, $cur: String) { createInvoiceDraft(input: {customerID: $c, currency: $cur}) { id } }`,
		map[string]any{"c": customerID, "cur": currency}, &d)
	return d.CreateInvoiceDraft.ID
}

type breakdownRow struct{ name, taxable, tax string }

func breakdownOf(inv taxedInvoice) []breakdownRow {
	var out []breakdownRow
	for _, b := range inv.TaxBreakdown {
		out = append(out, breakdownRow{b.TaxRate.Name, b.TaxableAmount, b.Amount})
	}
	return out
}

func sameRows(a, b []breakdownRow) bool { return slices.Equal(a, b) }

// A merchant keeps tax rates: validation names the field, the list is by
// name with archived rates only on request, one rate is the default, and
// archived rates can no longer change. Another merchant sees none of it.
func TestTaxRates(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Rate Keeper")

		bad := []struct {
			field string
			in    map[string]any
		}{
			{"name", map[string]any{"name": "  ", "percentage": "19"}},
			{"name", map[string]any{"name": strings.Repeat("x", 101), "percentage": "19"}},
			{"percentage", map[string]any{"name": "VAT", "percentage": "100.5"}},
			{"percentage", map[string]any{"name": "VAT", "percentage": "-1"}},
			{"percentage", map[string]any{"name": "VAT", "percentage": "8.87501"}},
			{"country", map[string]any{"name": "VAT", "percentage": "19", "country": "XX"}},
			{"country", map[string]any{"name": "VAT", "percentage": "19", "country": "DEU"}},
			{"exemptionReason", map[string]any{"name": "VAT", "percentage": "0", "exemptionReason": strings.Repeat("x", 1001)}},
		}
		for _, tc := range bad {
			if e := c.expectCode("VALIDATION", tc.field, createRate, map[string]any{"in": tc.in}); e.Message == "" {
				t.Errorf("%s: empty message", tc.field)
			}
		}

		vat := c.rate(map[string]any{"name": "VAT", "percentage": "19.00", "country": "de", "default": true})
		if vat.Percentage != "19" || vat.Category != "STANDARD" || vat.Inclusive || vat.Country == nil || *vat.Country != "DE" {
			t.Fatalf("created %+v, want 19 %% STANDARD exclusive in DE", vat)
		}
		exempt := c.rate(map[string]any{"name": "Exempt", "percentage": "0", "category": "EXEMPT", "exemptionReason": "Article 132 VAT Directive"})
		nyc := c.rate(map[string]any{"name": "NYC sales tax", "percentage": "8.875"})
		var def struct {
			Viewer struct {
				Merchant struct{ DefaultTaxRate *rateData }
			}
		}
		c.do(defaultOf, nil, &def)
		if def.Viewer.Merchant.DefaultTaxRate == nil || def.Viewer.Merchant.DefaultTaxRate.ID != vat.ID {
			t.Fatalf("default = %+v, want VAT", def.Viewer.Merchant.DefaultTaxRate)
		}

		// Update: fields change, null removes the country, default moves.
		var up struct{ UpdateTaxRate rateData }
		c.do(updateRate, map[string]any{"id": nyc.ID, "in": map[string]any{"percentage": "8.8750", "country": "US", "default": true}}, &up)
		if up.UpdateTaxRate.Percentage != "8.875" || *up.UpdateTaxRate.Country != "US" {
			t.Fatalf("updated %+v", up.UpdateTaxRate)
		}
		c.do(updateRate, map[string]any{"id": nyc.ID, "in": map[string]any{"country": nil}}, &up)
		if up.UpdateTaxRate.Country != nil {
			t.Fatalf("country not removed: %+v", up.UpdateTaxRate)
		}
		c.expectCode("VALIDATION", "percentage", updateRate, map[string]any{"id": nyc.ID, "in": map[string]any{"percentage": "101"}})
		c.do(defaultOf, nil, &def)
		if def.Viewer.Merchant.DefaultTaxRate == nil || def.Viewer.Merchant.DefaultTaxRate.ID != nyc.ID {
			t.Fatalf("default = %+v, want NYC after updateTaxRate(default: true)", def.Viewer.Merchant.DefaultTaxRate)
		}

		// Archive: gone from the list, no longer the default, frozen.
		var ar struct{ ArchiveTaxRate rateData }
		c.do(archive, map[string]any{"id": nyc.ID}, &ar)
		if ar.ArchiveTaxRate.ArchivedAt == nil {
			t.Fatal("archiveTaxRate: archivedAt not set")
		}
		c.do(archive, map[string]any{"id": nyc.ID}, &ar) // again: unchanged, no error
		c.do(defaultOf, nil, &def)
		if def.Viewer.Merchant.DefaultTaxRate != nil {
			t.Fatalf("an archived rate is still the default: %+v", def.Viewer.Merchant.DefaultTaxRate)
		}
		c.expectCode("CONFLICT", "", updateRate, map[string]any{"id": nyc.ID, "in": map[string]any{"name": "NYC"}})
		var list struct {
			TaxRates struct {
				TotalCount int
				Edges      []struct{ Node rateData }
			}
		}
		c.do(listRates, nil, &list)
		if list.TaxRates.TotalCount != 2 || list.TaxRates.Edges[0].Node.Name != "Exempt" || list.TaxRates.Edges[1].Node.Name != "VAT" {
			t.Fatalf("active rates = %+v, want Exempt, VAT", list.TaxRates)
		}
		c.do(listRates, map[string]any{"all": true}, &list)
		if list.TaxRates.TotalCount != 3 || list.TaxRates.Edges[1].Node.Name != "NYC sales tax" {
			t.Fatalf("all rates = %+v, want Exempt, NYC sales tax, VAT", list.TaxRates)
		}
		var desc struct {
			TaxRates struct{ Edges []struct{ Node rateData } }
		}
		c.do(`{ taxRates(first: 1, orderBy: {field: NAME, direction: DESC}, includeArchived: true) { edges { node { name } } } }`, nil, &desc)
		if len(desc.TaxRates.Edges) != 1 || desc.TaxRates.Edges[0].Node.Name != "VAT" {
			t.Fatalf("first by name Z to A = %+v, want VAT", desc.TaxRates.Edges)
		}
		c.expectCode("VALIDATION", "", `{ taxRates(first: 101) { totalCount } }`, nil) // at most 100, like every connection

		// updateMerchant's defaultTaxRateID: set, refuse archived, clear.
		merchantDefault := `mutation($id: ID) { updateMerchant(input: {defaultTaxRateID: $id}) { defaultTaxRate { id } } }`
		c.do(merchantDefault, map[string]any{"id": exempt.ID}, nil)
		c.do(defaultOf, nil, &def)
		if def.Viewer.Merchant.DefaultTaxRate == nil || def.Viewer.Merchant.DefaultTaxRate.ID != exempt.ID {
			t.Fatalf("default = %+v, want Exempt", def.Viewer.Merchant.DefaultTaxRate)
		}
		c.expectCode("VALIDATION", "defaultTaxRateID", merchantDefault, map[string]any{"id": nyc.ID})
		c.do(merchantDefault, map[string]any{"id": nil}, nil)
		c.do(defaultOf, nil, &def)
		if def.Viewer.Merchant.DefaultTaxRate != nil {
			t.Fatal("updateMerchant(defaultTaxRateID: null) kept the default")
		}

		// Another merchant: nothing listed, every id NOT_FOUND.
		other := ta.signUp(t, "Other Shop")
		other.do(listRates, map[string]any{"all": true}, &list)
		if list.TaxRates.TotalCount != 0 {
			t.Fatalf("another merchant lists %d rates", list.TaxRates.TotalCount)
		}
		other.expectCode("NOT_FOUND", "", updateRate, map[string]any{"id": vat.ID, "in": map[string]any{"name": "Mine"}})
		other.expectCode("NOT_FOUND", "", archive, map[string]any{"id": vat.ID})
		other.expectCode("NOT_FOUND", "defaultTaxRateID", merchantDefault, map[string]any{"id": vat.ID})
	})
}

// Invoices through the API: the default rate when a line gives none, every
// bad input named, a document discount over two rates, and an issued
// invoice that does not change when its rates are edited or archived. One
// payment of the taxed total pays it.
func TestInvoiceTaxes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Taxed Shop")
		c.do(`mutation { updateMerchant(input: {defaultCurrency: "EUR"}) { id } }`, nil, nil)
		vat19 := c.rate(map[string]any{"name": "VAT", "percentage": "19", "default": true})
		vat7 := c.rate(map[string]any{"name": "VAT reduced", "percentage": "7"})
		incl20 := c.rate(map[string]any{"name": "VAT incl.", "percentage": "20", "inclusive": true})
		incl10 := c.rate(map[string]any{"name": "GST incl.", "percentage": "10", "inclusive": true})
		old := c.rate(map[string]any{"name": "Old rate", "percentage": "16"})
		c.do(archive, map[string]any{"id": old.ID}, nil)
		foreign := ta.signUp(t, "Other Shop").rate(map[string]any{"name": "VAT", "percentage": "19"})

		cust := c.createCustomer("Harbor Cafe", "owner@harbor.example")
		id := c.newDraft(cust, "")
		item := func(ids ...string) map[string]any {
			it := map[string]any{"name": "Design", "quantity": "1", "unitPrice": "100.00"}
			if ids != nil {
				it["taxRateIDs"] = ids
			}
			return it
		}
		bad := []struct {
			code, field string
			items       []map[string]any
			discount    map[string]any
		}{
			{"NOT_FOUND", "items[1].taxRateIDs", []map[string]any{item(), item(foreign.ID)}, nil},
			{"NOT_FOUND", "items[0].taxRateIDs", []map[string]any{item("txr_doesnotexist")}, nil},
			{"VALIDATION", "items[0].taxRateIDs", []map[string]any{item(old.ID)}, nil},
			{"VALIDATION", "items[1].taxRateIDs", []map[string]any{item(), item(incl20.ID, incl10.ID)}, nil},
			{"VALIDATION", "items[0].taxRateIDs", []map[string]any{item(incl20.ID, vat19.ID)}, nil},
			{"VALIDATION", "items[0].taxRateIDs", []map[string]any{item(vat19.ID, vat19.ID)}, nil},
			{"VALIDATION", "items[0].discountPercent", []map[string]any{{"name": "A", "quantity": "1", "unitPrice": "1.00", "discountPercent": "100.01"}}, nil},
			{"VALIDATION", "items[0].discountPercent", []map[string]any{{"name": "A", "quantity": "1", "unitPrice": "1.00", "discountPercent": "1.23456"}}, nil},
			{"VALIDATION", "discount.amount", []map[string]any{item()}, map[string]any{"amount": "100.01"}},
			{"VALIDATION", "discount.amount", []map[string]any{item()}, map[string]any{"amount": "1.001"}},
			{"VALIDATION", "discount.percent", []map[string]any{item()}, map[string]any{"percent": "150"}},
			{"VALIDATION", "discount", []map[string]any{item()}, map[string]any{"percent": "5", "amount": "5.00"}},
		}
		for _, tc := range bad {
			vars := map[string]any{"id": id, "items": tc.items}
			if tc.discount != nil {
				vars["d"] = tc.discount
			}
			if e := c.expectCode(tc.code, tc.field, setTaxedItems, vars); e.Message == "" {
				t.Errorf("%s %s: empty message", tc.code, tc.field)
			}
		}

		// Omitted taxRateIDs: the default rate; []: none.
		inv := c.setTaxed(id, []map[string]any{item(), {"name": "Books", "quantity": "1", "unitPrice": "50.00", "taxRateIDs": []string{}}}, nil)
		if len(inv.Items[0].TaxRates) != 1 || inv.Items[0].TaxRates[0].ID != vat19.ID || len(inv.Items[1].TaxRates) != 0 ||
			inv.TotalTax != "19.00" || inv.Total != "169.00" || inv.Discount != nil || inv.TotalDiscount != "0.00" {
			t.Fatalf("default rate: %+v", inv)
		}

		// The partner guide's example 2: a line discount and a document
		// discount of 10.00 over two rates.
		inv = c.setTaxed(id, []map[string]any{
			{"name": "Consulting", "quantity": "1", "unitPrice": "100.00"},
			{"name": "Books", "quantity": "2", "unitPrice": "31.25", "discountPercent": "20", "taxRateIDs": []string{vat7.ID}},
		}, map[string]any{"amount": "10.00", "reason": "Loyalty"})
		want := []breakdownRow{{"VAT", "93.33", "17.73"}, {"VAT reduced", "46.67", "3.27"}}
		if inv.Subtotal != "150.00" || inv.TotalDiscount != "10.00" || inv.TotalTax != "21.00" || inv.Total != "161.00" ||
			inv.AmountDue != "161.00" || !sameRows(breakdownOf(inv), want) ||
			inv.Items[1].Amount != "50.00" || inv.Items[1].DiscountAmount != "12.50" || *inv.Items[1].DiscountPercent != "20" ||
			inv.Items[0].DiscountPercent != nil || inv.Items[0].DiscountAmount != "0.00" ||
			inv.Discount == nil || inv.Discount.Amount != "10.00" || inv.Discount.Percent != nil || *inv.Discount.Reason != "Loyalty" {
			t.Fatalf("document discount: %+v\nbreakdown %v, want %v", inv, breakdownOf(inv), want)
		}
		// A percent discount is kept as a percent.
		pct := c.setTaxed(id, []map[string]any{item()}, map[string]any{"percent": "12.5"})
		if pct.Discount == nil || pct.Discount.Percent == nil || *pct.Discount.Percent != "12.5" || pct.Discount.Amount != "12.50" ||
			pct.Total != "104.13" { // 87.50 + 19 % (16.625 -> 16.63)
			t.Fatalf("percent discount: %+v", pct)
		}
		// Inclusive: the total is the prices; the tax is inside.
		in := c.setTaxed(id, []map[string]any{{"name": "Ticket", "quantity": "1", "unitPrice": "120.00", "taxRateIDs": []string{incl20.ID}}}, nil)
		if in.Total != "120.00" || in.TotalTax != "20.00" || !sameRows(breakdownOf(in), []breakdownRow{{"VAT incl.", "100.00", "20.00"}}) {
			t.Fatalf("inclusive: %+v", in)
		}

		// Back to example 2, then issue; editing and archiving the rates
		// afterwards leaves the issued invoice as it was.
		c.setTaxed(id, []map[string]any{
			{"name": "Consulting", "quantity": "1", "unitPrice": "100.00"},
			{"name": "Books", "quantity": "2", "unitPrice": "31.25", "discountPercent": "20", "taxRateIDs": []string{vat7.ID}},
		}, map[string]any{"amount": "10.00", "reason": "Loyalty"})
		c.do(`mutation($id: ID!) { setInvoicePaymentMethods(id: $id, methods: [INFINI_CARD]) { id } }`, map[string]any{"id": id}, nil)
		c.issue(id)
		before := c.taxedInvoice(id)
		c.do(updateRate, map[string]any{"id": vat19.ID, "in": map[string]any{"name": "MwSt", "percentage": "16", "inclusive": true}}, nil)
		c.do(archive, map[string]any{"id": vat7.ID}, nil)
		after := c.taxedInvoice(id)
		if !sameRows(breakdownOf(after), want) || after.Total != "161.00" || after.TotalTax != "21.00" ||
			after.Items[0].TaxRates[0].Name != "VAT" || after.Items[0].TaxRates[0].Percentage != "19" || after.Items[0].TaxRates[0].Inclusive {
			t.Fatalf("the issued invoice changed with its rates:\nbefore %+v\nafter  %+v", before, after)
		}
		// A new draft gets the edited default rate.
		id2 := c.newDraft(cust, "")
		if d := c.setTaxed(id2, []map[string]any{item()}, nil); d.Items[0].TaxRates[0].Name != "MwSt" || d.Total != "100.00" || d.TotalTax != "13.79" {
			t.Fatalf("new draft with the edited default: %+v", d)
		}

		// One payment of the taxed total pays the invoice; the untaxed
		// subtotal alone would not.
		mark := `mutation($id: ID!, $in: MarkInvoicePaidInput!) { markInvoicePaid(id: $id, input: $in) { status amountDue amountPaid } }`
		var paid struct {
			MarkInvoicePaid struct{ Status, AmountDue, AmountPaid string }
		}
		c.do(mark, map[string]any{"id": id, "in": map[string]any{"channel": "BANK_TRANSFER", "amount": "161.00"}}, &paid)
		if paid.MarkInvoicePaid.Status != "PAID" || paid.MarkInvoicePaid.AmountDue != "0.00" || paid.MarkInvoicePaid.AmountPaid != "161.00" {
			t.Fatalf("after paying 161.00: %+v, want PAID", paid.MarkInvoicePaid)
		}

		// Matching by amount looks for the taxed total: 100.00 + 8.875 % = 108.88.
		nyc := c.rate(map[string]any{"name": "NYC sales tax", "percentage": "8.875"})
		payer := c.createCustomer("Payer Inc", "ap@payer.example")
		id3 := c.newDraft(payer, "")
		c.setTaxed(id3, []map[string]any{item(nyc.ID)}, nil)
		c.do(`mutation($id: ID!) { setInvoicePaymentMethods(id: $id, methods: [INFINI_CARD]) { id } }`, map[string]any{"id": id3}, nil)
		c.issue(id3)
		r := c.record(map[string]any{"amount": "108.88", "currency": "EUR", "customerID": payer, "text": "thanks"})
		if len(r.Allocations) != 1 || r.Allocations[0].Invoice.ID != id3 || r.Allocations[0].Rule != "AMOUNT" || c.taxedInvoice(id3).Status != "PAID" {
			t.Fatalf("a transfer of the taxed total: %+v, want it matched by AMOUNT and the invoice PAID", r)
		}
	})
}

// The totals through the API in currencies without (JPY) and with three
// (KWD) decimals, and a currency switch that re-prices with the rates the
// lines carry, even once one of them is archived.
func TestInvoiceTaxesInJPYAndKWD(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Tokyo Kuwait Trading")
		jct := c.rate(map[string]any{"name": "Consumption tax", "percentage": "10", "country": "JP"})
		jcti := c.rate(map[string]any{"name": "Consumption tax (incl.)", "percentage": "10", "inclusive": true, "country": "JP"})
		kw := c.rate(map[string]any{"name": "VAT", "percentage": "5", "country": "KW"})
		cust := c.createCustomer("Harbor Cafe", "owner@harbor.example")

		// The same numbers as internal/tax's JPY example.
		jpy := c.newDraft(cust, "JPY")
		inv := c.setTaxed(jpy, []map[string]any{
			{"name": "Tea", "quantity": "3", "unitPrice": "1980", "discountPercent": "5", "taxRateIDs": []string{jct.ID}},
			{"name": "Sweets", "quantity": "0.5", "unitPrice": "1235", "taxRateIDs": []string{jct.ID}},
			{"name": "Set menu", "quantity": "1", "unitPrice": "1100", "taxRateIDs": []string{jcti.ID}},
		}, nil)
		if inv.Subtotal != "7361" || inv.TotalTax != "726" || inv.Total != "7987" || inv.Items[0].DiscountAmount != "297" ||
			!sameRows(breakdownOf(inv), []breakdownRow{{"Consumption tax", "6261", "626"}, {"Consumption tax (incl.)", "1000", "100"}}) {
			t.Fatalf("JPY: %+v", inv)
		}
		c.expectCode("VALIDATION", "discount.amount", setTaxedItems, map[string]any{"id": jpy, "items": []map[string]any{
			{"name": "Tea", "quantity": "1", "unitPrice": "1980"}}, "d": map[string]any{"amount": "0.5"}})

		kwd := c.newDraft(cust, "KWD")
		inv = c.setTaxed(kwd, []map[string]any{{"name": "Fuel", "quantity": "2.5", "unitPrice": "1.235", "taxRateIDs": []string{kw.ID}}},
			map[string]any{"percent": "0.5"})
		if inv.Subtotal != "3.088" || inv.TotalDiscount != "0.015" || inv.TotalTax != "0.154" || inv.Total != "3.227" ||
			!sameRows(breakdownOf(inv), []breakdownRow{{"VAT", "3.073", "0.154"}}) {
			t.Fatalf("KWD: %+v", inv)
		}

		// KWD -> USD after the rate is archived: re-priced with the copy.
		c.setTaxed(kwd, []map[string]any{{"name": "Fuel", "quantity": "2", "unitPrice": "1.230", "taxRateIDs": []string{kw.ID}}},
			map[string]any{"amount": "0.100"})
		c.do(archive, map[string]any{"id": kw.ID}, nil)
		var sw struct{ UpdateInvoiceDraft struct{ Currency string } }
		c.do(`mutation($id: ID!) { updateInvoiceDraft(id: $id, input: {currency: "USD"}) { currency } }`, map[string]any{"id": kwd}, &sw)
		inv = c.taxedInvoice(kwd)
		// 2 x 1.23 = 2.46, less 0.10 = 2.36, 5 % = 0.118 -> 0.12.
		if inv.Currency != "USD" || inv.Subtotal != "2.46" || inv.TotalDiscount != "0.10" || inv.TotalTax != "0.12" || inv.Total != "2.48" ||
			len(inv.Items[0].TaxRates) != 1 || inv.Items[0].TaxRates[0].ID != kw.ID {
			t.Fatalf("after KWD -> USD: %+v", inv)
		}
		c.expectCode("VALIDATION", "currency", `mutation($id: ID!) { updateInvoiceDraft(id: $id, input: {currency: "JPY"}) { currency } }`, map[string]any{"id": kwd})
	})
}
