package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/shopspring/decimal"

	entemail "github.com/tally-invoicing/tally/ent/email"
	"github.com/tally-invoicing/tally/internal/database/dbtest"
	"github.com/tally-invoicing/tally/internal/tenant"
)

const (
	cnFields = `id number currency reason subtotal totalTax total creditedToCustomer pdfURL
		invoice { id status amountDue amountCredited amountPaid total }
		items { name quantity amount taxRates { name percentage inclusive } }
		taxBreakdown { taxRate { name percentage inclusive } taxableAmount amount }`
	createCN = `mutation($in: CreateCreditNoteInput!) { createCreditNote(input: $in) { ` + cnFields + ` } }`
	applyCr  = `mutation($in: ApplyCustomerCreditInput!) { applyCustomerCredit(input: $in) { id status amountDue amountPaid } }`
	refundCr = `mutation($in: RecordRefundInput!) { recordRefund(input: $in) { kind amount refundChannel note } }`
)

type creditNoteData struct {
	ID, Number, Currency, Reason                  string
	Subtotal, TotalTax, Total, CreditedToCustomer string
	PdfURL                                        string
	Invoice                                       struct{ ID, Status, AmountDue, AmountCredited, AmountPaid, Total string }
	Items                                         []struct {
		Name, Quantity, Amount string
		TaxRates               []struct {
			Name, Percentage string
			Inclusive        bool
		}
	}
	TaxBreakdown []struct {
		TaxRate struct {
			Name, Percentage string
			Inclusive        bool
		}
		TaxableAmount, Amount string
	}
}

func (c *client) creditNote(in map[string]any) creditNoteData {
	c.t.Helper()
	var out struct{ CreateCreditNote creditNoteData }
	c.do(createCN, map[string]any{"in": in}, &out)
	return out.CreateCreditNote
}

func dec(t *testing.T, s string) decimal.Decimal {
	t.Helper()
	d, err := decimal.NewFromString(s)
	if err != nil {
		t.Fatalf("decimal %q: %v", s, err)
	}
	return d
}

// reconciles checks what a customer checking by hand checks: the rows sum
// to the subtotal, the breakdown to the total tax, and the subtotal plus
// the exclusive taxes is the total.
func reconciles(t *testing.T, cn creditNoteData) {
	t.Helper()
	sum, taxes, exclusive := decimal.Zero, decimal.Zero, decimal.Zero
	for _, it := range cn.Items {
		sum = sum.Add(dec(t, it.Amount))
	}
	for _, b := range cn.TaxBreakdown {
		taxes = taxes.Add(dec(t, b.Amount))
		if !b.TaxRate.Inclusive {
			exclusive = exclusive.Add(dec(t, b.Amount))
		}
	}
	if !sum.Equal(dec(t, cn.Subtotal)) {
		t.Errorf("%s: rows sum to %s, subtotal is %s", cn.Number, sum, cn.Subtotal)
	}
	if !taxes.Equal(dec(t, cn.TotalTax)) {
		t.Errorf("%s: breakdown sums to %s, totalTax is %s", cn.Number, taxes, cn.TotalTax)
	}
	if got := dec(t, cn.Subtotal).Add(exclusive); !got.Equal(dec(t, cn.Total)) {
		t.Errorf("%s: subtotal %s + exclusive taxes %s = %s, total is %s", cn.Number, cn.Subtotal, exclusive, got, cn.Total)
	}
}

func TestCreditNoteArithmeticWithTaxes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Northwind Studio")
		cust := c.createCustomer("Acme GmbH", "billing@acme.example")
		vat19 := c.rate(map[string]any{"name": "VAT", "percentage": "19", "category": "STANDARD"})
		vat7 := c.rate(map[string]any{"name": "VAT reduced", "percentage": "7", "category": "STANDARD"})
		incl20 := c.rate(map[string]any{"name": "VAT incl.", "percentage": "20", "inclusive": true, "category": "STANDARD"})

		id := c.draft(cust)
		inv := c.setTaxed(id, []map[string]any{
			{"name": "Consulting", "quantity": "2", "unitPrice": "100.00", "discountPercent": "10", "taxRateIDs": []string{vat19.ID}},
			{"name": "Books", "quantity": "3", "unitPrice": "31.25", "taxRateIDs": []string{vat7.ID}},
			{"name": "Set menu", "quantity": "1", "unitPrice": "120.00", "taxRateIDs": []string{incl20.ID}},
		}, map[string]any{"amount": "10.00", "reason": "Loyalty"})
		number := c.issue(id)
		total := dec(t, inv.Total)

		// One of the two discounted consulting days.
		cn1 := c.creditNote(map[string]any{"invoiceID": id, "reason": "One day was not worked",
			"lines": []map[string]any{{"line": 0, "quantity": "1"}}})
		if cn1.Number != "CN-000001" || cn1.Items[0].Quantity != "1" || cn1.Items[0].Amount != "90.00" {
			t.Fatalf("partial credit = %s, first row %+v; want CN-000001, 1 x 90.00", cn1.Number, cn1.Items[0])
		}
		reconciles(t, cn1)
		if len(cn1.TaxBreakdown) != 1 || cn1.TaxBreakdown[0].TaxRate.Percentage != "19" {
			t.Errorf("consulting is credited with VAT 19 %% only, got %+v", cn1.TaxBreakdown)
		}
		due := total.Sub(dec(t, cn1.Total))
		if !dec(t, cn1.Invoice.AmountDue).Equal(due) || cn1.Invoice.AmountCredited != cn1.Total {
			t.Fatalf("after %s: amountDue %s amountCredited %s, want %s and %s", cn1.Number, cn1.Invoice.AmountDue, cn1.Invoice.AmountCredited, due, cn1.Total)
		}
		// The invoice document (email, reminders, PDF) asks for what is
		// still due, and says what was credited.
		var doc struct {
			Node struct{ PreviewHTML string }
		}
		c.do(`query($id: ID!) { node(id: $id) { ... on Invoice { previewHTML } } }`, map[string]any{"id": id}, &doc)
		if !strings.Contains(doc.Node.PreviewHTML, "Credited") || !strings.Contains(doc.Node.PreviewHTML, "−$"+cn1.Total) ||
			!strings.Contains(doc.Node.PreviewHTML, "$"+cn1.Invoice.AmountDue) {
			t.Errorf("the invoice document after %s does not show Credited −$%s and $%s due", cn1.Number, cn1.Total, cn1.Invoice.AmountDue)
		}

		// Only one consulting day is left to credit.
		c.expectCode("VALIDATION", "lines[0].quantity", createCN, map[string]any{"in": map[string]any{"invoiceID": id, "reason": "x",
			"lines": []map[string]any{{"line": 0, "quantity": "2"}}}})
		c.expectCode("VALIDATION", "lines[0].line", createCN, map[string]any{"in": map[string]any{"invoiceID": id, "reason": "x",
			"lines": []map[string]any{{"line": 7}}}})

		// The rest of the consulting, the books and the inclusive set menu.
		cn2 := c.creditNote(map[string]any{"invoiceID": id, "reason": "Order cancelled",
			"lines": []map[string]any{{"line": 0}, {"line": 1}, {"line": 2}}})
		reconciles(t, cn2)
		if len(cn2.TaxBreakdown) != 3 || !cn2.TaxBreakdown[2].TaxRate.Inclusive {
			t.Errorf("three rates credited, the last inclusive; got %+v", cn2.TaxBreakdown)
		}
		due = due.Sub(dec(t, cn2.Total))
		if !dec(t, cn2.Invoice.AmountDue).Equal(due) {
			t.Fatalf("after %s: amountDue %s, want %s", cn2.Number, cn2.Invoice.AmountDue, due)
		}
		if due.IsNegative() || due.GreaterThan(decimal.New(5, -2)) {
			t.Errorf("crediting every line leaves %s of %s due; want (near) nothing", due, number)
		}

		// An amount over two rates: 113.00 of a 226.00 invoice (100 at 19 %, 100 at 7 %).
		id2 := c.draft(cust)
		c.setTaxed(id2, []map[string]any{
			{"name": "Design", "quantity": "1", "unitPrice": "100.00", "taxRateIDs": []string{vat19.ID}},
			{"name": "Print", "quantity": "1", "unitPrice": "100.00", "taxRateIDs": []string{vat7.ID}},
		}, nil)
		c.issue(id2)
		cn3 := c.creditNote(map[string]any{"invoiceID": id2, "reason": "Goodwill", "amount": "113.00"})
		reconciles(t, cn3)
		if cn3.Total != "113.00" || cn3.Subtotal != "100.00" || cn3.TotalTax != "13.00" || cn3.Invoice.AmountDue != "113.00" {
			t.Errorf("113.00 over 19 %% and 7 %%: total %s subtotal %s tax %s due %s; want 113.00 100.00 13.00 113.00",
				cn3.Total, cn3.Subtotal, cn3.TotalTax, cn3.Invoice.AmountDue)
		}
		want := map[string][2]string{"19": {"50.00", "9.50"}, "7": {"50.00", "3.50"}}
		for _, b := range cn3.TaxBreakdown {
			if w := want[b.TaxRate.Percentage]; b.TaxableAmount != w[0] || b.Amount != w[1] {
				t.Errorf("rate %s %%: taxable %s tax %s, want %s %s", b.TaxRate.Percentage, b.TaxableAmount, b.Amount, w[0], w[1])
			}
		}
		// Never more than the invoice still carries.
		c.expectCode("VALIDATION", "amount", createCN, map[string]any{"in": map[string]any{"invoiceID": id2, "reason": "x", "amount": "113.01"}})
		// The rest exactly: nothing is due, so the invoice is PAID.
		cn4 := c.creditNote(map[string]any{"invoiceID": id2, "reason": "Cancelled", "amount": "113.00"})
		if cn4.Invoice.Status != "PAID" || cn4.Invoice.AmountDue != "0.00" || cn4.Number != "CN-000004" {
			t.Errorf("fully credited: %s status %s due %s; want CN-000004 PAID 0.00", cn4.Number, cn4.Invoice.Status, cn4.Invoice.AmountDue)
		}
		var list struct {
			CreditNotes struct{ TotalCount int } `json:"creditNotes"`
		}
		c.do(`query($id: ID!) { creditNotes(first: 10, invoiceID: $id) { totalCount } }`, map[string]any{"id": id2}, &list)
		if list.CreditNotes.TotalCount != 2 {
			t.Errorf("creditNotes(invoiceID) = %d, want 2", list.CreditNotes.TotalCount)
		}
	})
}

func balances(c *client, cust string) string {
	c.t.Helper()
	var out struct {
		Node struct {
			CreditBalances []struct{ Currency, Amount string }
		}
	}
	c.do(`query($id: ID!) { node(id: $id) { ... on Customer { creditBalances { currency amount } } } }`, map[string]any{"id": cust}, &out)
	var parts []string
	for _, b := range out.Node.CreditBalances {
		parts = append(parts, b.Amount+" "+b.Currency)
	}
	return strings.Join(parts, ", ")
}

func TestCreditNoteOnPaidInvoiceBecomesCustomerCredit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Northwind Studio")
		cust := c.createCustomer("Acme Ltd", "billing@acme.example")
		paid := c.draft(cust)
		c.issue(paid)
		c.do(`mutation($id: ID!) { markInvoicePaid(id: $id, input: {channel: BANK_TRANSFER}) { id } }`, map[string]any{"id": paid}, nil)

		cn := c.creditNote(map[string]any{"invoiceID": paid, "reason": "Damaged goods", "amount": "40.00"})
		if cn.CreditedToCustomer != "40.00" || cn.Invoice.Status != "PAID" || cn.Invoice.AmountDue != "0.00" {
			t.Fatalf("credit on a paid invoice: creditedToCustomer %s, status %s, due %s", cn.CreditedToCustomer, cn.Invoice.Status, cn.Invoice.AmountDue)
		}
		if got := balances(c, cust); got != "40.00 USD" {
			t.Fatalf("balance = %q, want 40.00 USD", got)
		}
		// Over-crediting is refused: 60.00 is left on the invoice.
		c.expectCode("VALIDATION", "amount", createCN, map[string]any{"in": map[string]any{"invoiceID": paid, "reason": "x", "amount": "60.01"}})

		// Apply some to another invoice: partially paid.
		second := c.draft(cust)
		c.issue(second)
		var applied struct {
			ApplyCustomerCredit struct{ Status, AmountDue, AmountPaid string }
		}
		c.expectCode("VALIDATION", "amount", applyCr, map[string]any{"in": map[string]any{"invoiceID": second, "amount": "40.01"}})
		c.do(applyCr, map[string]any{"in": map[string]any{"invoiceID": second, "amount": "25.00"}}, &applied)
		if a := applied.ApplyCustomerCredit; a.Status != "PARTIALLY_PAID" || a.AmountDue != "75.00" {
			t.Fatalf("25.00 applied: %s due %s, want PARTIALLY_PAID 75.00", a.Status, a.AmountDue)
		}
		// And the default (the smaller of balance and due) to a small one: paid.
		third := c.draft(cust, map[string]any{"name": "Postage", "quantity": "1", "unitPrice": "10.00"})
		c.issue(third)
		c.expectCode("VALIDATION", "amount", applyCr, map[string]any{"in": map[string]any{"invoiceID": third, "amount": "10.01"}})
		c.do(applyCr, map[string]any{"in": map[string]any{"invoiceID": third}}, &applied)
		if a := applied.ApplyCustomerCredit; a.Status != "PAID" || a.AmountDue != "0.00" {
			t.Fatalf("default application: %s due %s, want PAID 0.00", a.Status, a.AmountDue)
		}
		if got := balances(c, cust); got != "5.00 USD" {
			t.Fatalf("balance = %q, want 5.00 USD", got)
		}
		// A paid invoice takes no credit.
		c.expectCode("CONFLICT", "", applyCr, map[string]any{"in": map[string]any{"invoiceID": third}})

		// Refund the rest: never more than the balance, never in the future.
		refund := map[string]any{"customerID": cust, "currency": "USD", "amount": "5.01", "channel": "BANK_TRANSFER"}
		c.expectCode("VALIDATION", "amount", refundCr, map[string]any{"in": refund})
		refund["amount"] = "5.00"
		refund["refundedAt"] = "2999-01-01T00:00:00Z"
		c.expectCode("VALIDATION", "refundedAt", refundCr, map[string]any{"in": refund})
		delete(refund, "refundedAt")
		refund["note"] = "SEPA ref 42"
		var r struct {
			RecordRefund struct{ Kind, Amount, RefundChannel, Note string }
		}
		c.do(refundCr, map[string]any{"in": refund}, &r)
		if r.RecordRefund.Kind != "REFUNDED" || r.RecordRefund.Amount != "-5.00" {
			t.Fatalf("refund line = %+v", r.RecordRefund)
		}
		if got := balances(c, cust); got != "" {
			t.Fatalf("balance after the refund = %q, want none", got)
		}

		// The timelines tell the story.
		var tl struct {
			Node struct{ Events []struct{ Type, Note string } }
		}
		c.do(`query($id: ID!) { node(id: $id) { ... on Invoice { events { type note } } } }`, map[string]any{"id": paid}, &tl)
		var types []string
		for _, e := range tl.Node.Events {
			types = append(types, e.Type)
			if e.Type == "CREDIT_NOTE_CREATED" && !strings.Contains(e.Note, "CN-000001") {
				t.Errorf("CREDIT_NOTE_CREATED note = %q", e.Note)
			}
		}
		if s := strings.Join(types, " "); !strings.Contains(s, "CREDIT_NOTE_CREATED") || !strings.Contains(s, "REFUND_RECORDED") {
			t.Errorf("timeline of the credited invoice = %s", s)
		}

		// An overpayment is credit too.
		fourth := c.draft(cust)
		c.issue(fourth)
		c.do(`mutation($id: ID!) { markInvoicePaid(id: $id, input: {channel: CASH, amount: "120.00"}) { id } }`, map[string]any{"id": fourth}, nil)
		if got := balances(c, cust); got != "20.00 USD" {
			t.Fatalf("balance after paying 120.00 of 100.00 = %q, want 20.00 USD", got)
		}
	})
}

func TestCreditNoteRefusalsAndTenancy(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Northwind Studio")
		cust := c.createCustomer("Acme Ltd", "billing@acme.example")
		draft := c.draft(cust)
		in := func(id string) map[string]any {
			return map[string]any{"in": map[string]any{"invoiceID": id, "reason": "x", "amount": "1.00"}}
		}
		c.expectCode("CONFLICT", "", createCN, in(draft))
		void := c.draft(cust)
		c.issue(void)
		c.do(`mutation($id: ID!) { voidInvoice(id: $id) { id } }`, map[string]any{"id": void}, nil)
		c.expectCode("CONFLICT", "", createCN, in(void))

		open := c.draft(cust)
		c.issue(open)
		c.expectCode("VALIDATION", "reason", createCN, map[string]any{"in": map[string]any{"invoiceID": open, "reason": "  ", "amount": "1.00"}})
		c.expectCode("VALIDATION", "reason", createCN, map[string]any{"in": map[string]any{"invoiceID": open, "reason": strings.Repeat("x", 1001), "amount": "1.00"}})
		other := ta.signUp(t, "Contoso")
		other.expectCode("NOT_FOUND", "invoiceID", createCN, in(open))
		cn := c.creditNote(map[string]any{"invoiceID": open, "reason": "ok", "amount": "1.00"})
		other.expectCode("NOT_FOUND", "", `mutation($id: ID!) { sendCreditNote(id: $id) { id } }`, map[string]any{"id": cn.ID})
		if resp, _ := get(t, ta.srv.URL+"/credit-notes/"+cn.ID+"/pdf", other.token); resp.StatusCode != 404 {
			t.Errorf("another merchant's credit note PDF = %d, want 404", resp.StatusCode)
		}
		if resp, _ := get(t, ta.srv.URL+"/credit-notes/"+cn.ID+"/pdf", ""); resp.StatusCode != 401 {
			t.Errorf("anonymous credit note PDF = %d, want 401", resp.StatusCode)
		}
		var list struct {
			CreditNotes struct{ TotalCount int } `json:"creditNotes"`
		}
		other.do(`{ creditNotes(first: 10) { totalCount } }`, nil, &list)
		if list.CreditNotes.TotalCount != 0 {
			t.Errorf("another merchant sees %d credit notes", list.CreditNotes.TotalCount)
		}
	})
}

func TestCreditNoteNumbersGaplessUnderConcurrency(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Northwind Studio")
		cust := c.createCustomer("Acme Ltd", "billing@acme.example")
		id := c.draft(cust)
		c.issue(id)
		const n = 8
		numbers := make(chan string, n)
		var wg sync.WaitGroup
		for range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, r := c.raw(createCN, map[string]any{"in": map[string]any{"invoiceID": id, "reason": "race", "amount": "1.00"}})
				if len(r.Errors) > 0 {
					t.Errorf("concurrent create: %+v", r.Errors)
					return
				}
				var out struct{ CreateCreditNote struct{ Number string } }
				_ = json.Unmarshal(r.Data, &out)
				numbers <- out.CreateCreditNote.Number
			}()
		}
		wg.Wait()
		close(numbers)
		seen := map[string]bool{}
		for s := range numbers {
			seen[s] = true
		}
		for i := 1; i <= n; i++ {
			if want := fmt.Sprintf("CN-%06d", i); !seen[want] {
				t.Errorf("numbers %v lack %s", seen, want)
			}
		}
		var inv struct {
			Node struct{ AmountCredited, AmountDue string }
		}
		c.do(`query($id: ID!) { node(id: $id) { ... on Invoice { amountCredited amountDue } } }`, map[string]any{"id": id}, &inv)
		if inv.Node.AmountCredited != "8.00" || inv.Node.AmountDue != "92.00" {
			t.Errorf("after 8 credits of 1.00: credited %s due %s", inv.Node.AmountCredited, inv.Node.AmountDue)
		}
	})
}

func TestCreditNoteEmailAndPDF(t *testing.T) {
	needTool(t, "chromium")
	needTool(t, "pdftotext")
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Northwind Studio")
		cust := c.createCustomer("Acme Ltd", "billing@acme.example")
		id := c.draft(cust)
		c.issue(id)
		cn := c.creditNote(map[string]any{"invoiceID": id, "reason": "Price agreed lower", "amount": "30.00", "send": true})
		if n := deliver(t, ta.outbox); n != 1 {
			t.Fatalf("delivered %d emails, want the credit note's", n)
		}
		ctx := tenant.System(context.Background())
		e, err := ta.db.Client.Email.Query().Where(entemail.KindEQ(entemail.KindCREDIT_NOTE)).Only(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if e.Status != entemail.StatusSENT || e.To != "billing@acme.example" || !strings.Contains(e.Subject, "CN-000001") ||
			e.InvoiceID == nil || *e.InvoiceID != id || !strings.Contains(e.HTML, "INV-000001") || !strings.Contains(e.HTML, "Price agreed lower") {
			t.Fatalf("credit note email: status %s to %s subject %q invoice %v", e.Status, e.To, e.Subject, e.InvoiceID)
		}
		out, err := ta.outbox.CreditNoteRenderer()(ctx, e)
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Attachments) != 1 || out.Attachments[0].Name != "CN-000001.pdf" || !strings.HasPrefix(string(out.Attachments[0].Data), "%PDF") {
			t.Fatalf("attachments = %d, first %q", len(out.Attachments), out.Attachments[0].Name)
		}

		resp, body := get(t, ta.srv.URL+"/credit-notes/"+cn.ID+"/pdf?download=1", c.token)
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pdf" ||
			resp.Header.Get("Content-Disposition") != `attachment; filename="CN-000001.pdf"` {
			t.Fatalf("credit note PDF = %d %s %q", resp.StatusCode, resp.Header.Get("Content-Type"), resp.Header.Get("Content-Disposition"))
		}
		text := pdfTool(t, "pdftotext", body)
		for _, want := range []string{"CREDIT NOTE", "CN-000001", "Corrects invoice INV-000001", "Price agreed lower", "$30.00"} {
			if !strings.Contains(text, want) {
				t.Errorf("credit note PDF lacks %q:\n%s", want, text)
			}
		}
		if strings.Contains(text, "Pay now") {
			t.Error("a credit note asks for no payment")
		}
	})
}
