package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/tally-invoicing/tally/internal/database/dbtest"
	"github.com/tally-invoicing/tally/internal/reference"
)

// issued is an invoice as the collection tests need it.
type issued struct{ ID, Number, Reference string }

// bill issues an invoice of price to customer and returns it.
func (c *client) bill(customerID, price string) issued {
	c.t.Helper()
	var d struct{ CreateInvoiceDraft struct{ ID string } }
	c.do(`mutation($c: ID!) { createInvoiceDraft(input: {customerID: $c}) { id } }`, map[string]any{"c": customerID}, &d)
	id := d.CreateInvoiceDraft.ID
	c.do(`mutation($id: ID!, $p: Decimal!) { setInvoiceItems(id: $id, items: [{name: "Work", quantity: "1", unitPrice: $p}]) { id } }`,
		map[string]any{"id": id, "p": price}, nil)
	c.do(`mutation($id: ID!) { setInvoicePaymentMethods(id: $id, methods: [INFINI_CARD]) { id } }`, map[string]any{"id": id}, nil)
	var out struct{ IssueInvoice issued }
	c.do(`mutation($id: ID!) { issueInvoice(id: $id, send: false) { id number reference } }`, map[string]any{"id": id}, &out)
	return out.IssueInvoice
}

type collectionResult struct {
	Collection struct {
		ID, Status, Unallocated, Flag, ReviewReason string
		Suggestions                                 []struct{ ID string }
	}
	Allocations []struct {
		ID, Amount, Rule string
		Confidence       int
		Invoice          struct{ ID string }
	}
	Unallocated string
}

const resultFields = `collection { id status unallocated flag reviewReason suggestions { id } } allocations { id amount rule confidence invoice { id } } unallocated`

func (c *client) record(in map[string]any) collectionResult {
	c.t.Helper()
	if in["currency"] == nil {
		in["currency"] = "USD"
	}
	if in["channel"] == nil {
		in["channel"] = "BANK_TRANSFER"
	}
	var out struct{ RecordCollection collectionResult }
	c.do(`mutation($in: RecordCollectionInput!) { recordCollection(input: $in) { `+resultFields+` } }`, map[string]any{"in": in}, &out)
	return out.RecordCollection
}

func TestRecordCollectionMatches(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Matching Shop")
		c.autoMatch(50) // this test is about the rules, not the threshold
		acme := c.createCustomer("Acme Ltd", "ap@acme.example")
		first := c.bill(acme, "120.00")
		second := c.bill(acme, "120.00")
		third := c.bill(acme, "30.00")
		fourth := c.bill(acme, "45.50")

		// A reference inside a long memo, spaced and lower-cased, among other numbers.
		r := c.record(map[string]any{"amount": "45.50", "text": "Order 4471, tel +351 912 345 678, ref " + strings.ToLower(reference.Format(fourth.Reference)) + " thanks"})
		if r.Collection.Status != "MATCHED" || len(r.Allocations) != 1 || r.Allocations[0].Invoice.ID != fourth.ID || r.Allocations[0].Rule != "REFERENCE" {
			t.Fatalf("memo with a reference: %+v, want MATCHED to %s by REFERENCE", r, fourth.Number)
		}

		// Same amount twice for one customer: the oldest open invoice wins.
		r = c.record(map[string]any{"amount": "120.00", "customerID": acme, "text": "monthly"})
		if len(r.Allocations) != 1 || r.Allocations[0].Invoice.ID != first.ID || r.Allocations[0].Rule != "AMOUNT" {
			t.Fatalf("amount rule: %+v, want %s (the oldest) by AMOUNT", r.Allocations, first.Number)
		}
		if st := c.invoiceState(second.ID); st.Status != "OPEN" {
			t.Fatalf("the other 120.00 invoice is %s, want OPEN", st.Status)
		}

		// A one-character typo: flagged with the right candidate, never matched.
		typo := []byte(third.Reference)
		last := len(typo) - 1
		typo[last] = '0' + (typo[last]-'0'+1)%10
		r = c.record(map[string]any{"amount": "30.00", "text": "payment " + string(typo)})
		if r.Collection.Status != "UNMATCHED" || r.Collection.Flag != "REFERENCE_MISTYPED" || len(r.Allocations) != 0 {
			t.Fatalf("typo: %+v, want UNMATCHED, flagged REFERENCE_MISTYPED, nothing allocated", r)
		}
		if len(r.Collection.Suggestions) == 0 || r.Collection.Suggestions[0].ID != third.ID {
			t.Fatalf("typo suggestions = %+v, want %s first", r.Collection.Suggestions, third.Number)
		}
		// One click to accept the suggestion.
		var alloc struct{ AllocateCollection collectionResult }
		c.do(`mutation($id: ID!, $inv: ID!) { allocateCollection(id: $id, allocations: [{invoiceID: $inv, amount: "30.00"}]) { `+resultFields+` } }`,
			map[string]any{"id": r.Collection.ID, "inv": third.ID}, &alloc)
		if alloc.AllocateCollection.Collection.Status != "MATCHED" || alloc.AllocateCollection.Allocations[0].Rule != "MANUAL" {
			t.Fatalf("after allocating by hand: %+v, want MATCHED by MANUAL", alloc.AllocateCollection)
		}
		if st := c.invoiceState(third.ID); st.Status != "PAID" {
			t.Fatalf("%s is %s after the manual allocation, want PAID", third.Number, st.Status)
		}

		// Overpayment: the invoice is paid, the rest stays unallocated (credit).
		r = c.record(map[string]any{"amount": "150.00", "text": second.Number})
		if r.Collection.Status != "PARTIAL" || r.Unallocated != "30.00" || len(r.Allocations) != 1 || r.Allocations[0].Amount != "120.00" {
			t.Fatalf("overpayment: %+v, want 120.00 to %s and 30.00 unallocated", r, second.Number)
		}
		var credit struct {
			Node struct {
				Credit []struct{ Amount, Currency string }
			}
		}
		c.do(`query($id: ID!) { node(id: $id) { ... on Customer { credit { amount currency } } } }`, map[string]any{"id": acme}, &credit)
		if len(credit.Node.Credit) != 1 || credit.Node.Credit[0].Amount != "30.00" || credit.Node.Credit[0].Currency != "USD" {
			t.Fatalf("customer credit = %+v, want 30.00 USD", credit.Node.Credit)
		}

		// Nothing to go on: unmatched, with a reason.
		r = c.record(map[string]any{"amount": "9.99", "text": "hello"})
		if r.Collection.Status != "UNMATCHED" || r.Collection.ReviewReason == "" {
			t.Fatalf("no clue: %+v, want UNMATCHED with a reason", r.Collection)
		}
	})
}

func TestOneTransferPaysThreeInvoices(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Batch Shop")
		c.autoMatch(50) // COMBINATION (65 %) applies by itself only below the default
		cust := c.createCustomer("Bulk Buyer", "ap@bulk.example")
		a, bb, cc := c.bill(cust, "10.00"), c.bill(cust, "20.00"), c.bill(cust, "40.00")
		other := c.bill(cust, "5.00")

		// By three references.
		r := c.record(map[string]any{"amount": "70.00", "text": a.Reference + " / " + bb.Number + " / " + cc.Reference})
		if r.Collection.Status != "MATCHED" || len(r.Allocations) != 3 {
			t.Fatalf("three references: %+v, want three allocations, MATCHED", r)
		}
		for _, inv := range []issued{a, bb, cc} {
			if st := c.invoiceState(inv.ID); st.Status != "PAID" {
				t.Fatalf("%s is %s, want PAID", inv.Number, st.Status)
			}
		}

		// By combination: 5 + 20 = 25 among the customer's open invoices.
		d, e := c.bill(cust, "20.00"), c.bill(cust, "7.00")
		r = c.record(map[string]any{"amount": "25.00", "customerID": cust})
		got := map[string]bool{}
		for _, al := range r.Allocations {
			if al.Rule != "COMBINATION" {
				t.Fatalf("allocation %+v, want rule COMBINATION", al)
			}
			got[al.Invoice.ID] = true
		}
		if !got[other.ID] || !got[d.ID] || got[e.ID] || r.Collection.Status != "MATCHED" {
			t.Fatalf("combination paid %v, want %s and %s", got, other.Number, d.Number)
		}
	})
}

func TestUndoAllocation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Undo Shop")
		cust := c.createCustomer("Careful Co", "ap@careful.example")
		inv := c.bill(cust, "80.00")
		r := c.record(map[string]any{"amount": "80.00", "text": inv.Reference})
		if st := c.invoiceState(inv.ID); st.Status != "PAID" {
			t.Fatalf("invoice is %s, want PAID", st.Status)
		}
		var undo struct{ UndoAllocation struct{ UndoneAt *string } }
		c.do(`mutation($id: ID!) { undoAllocation(id: $id) { undoneAt } }`, map[string]any{"id": r.Allocations[0].ID}, &undo)
		if undo.UndoAllocation.UndoneAt == nil {
			t.Fatal("the undone payment has no undoneAt")
		}
		st := c.invoiceState(inv.ID)
		if st.Status != "OPEN" || st.AmountPaid != "0.00" || st.AmountDue != "80.00" {
			t.Fatalf("after undo: %s paid %s due %s, want OPEN 0.00 80.00", st.Status, st.AmountPaid, st.AmountDue)
		}
		types := []string{}
		for _, e := range st.Events {
			types = append(types, e.Type)
		}
		if !strings.Contains(strings.Join(types, ","), "PAYMENT_RECEIVED,PAYMENT_UNDONE") {
			t.Fatalf("timeline = %v, want both the payment and its undo", types)
		}
		var col struct {
			Node struct{ Status, Unallocated, ReviewReason string }
		}
		c.do(`query($id: ID!) { node(id: $id) { ... on Collection { status unallocated reviewReason } } }`, map[string]any{"id": r.Collection.ID}, &col)
		if col.Node.Status != "UNMATCHED" || col.Node.Unallocated != "80.00" || !strings.Contains(col.Node.ReviewReason, "undone") {
			t.Fatalf("collection after undo = %+v, want UNMATCHED with 80.00 unallocated", col.Node)
		}
		c.expectCode("CONFLICT", "", `mutation($id: ID!) { undoAllocation(id: $id) { id } }`, map[string]any{"id": r.Allocations[0].ID})
		// markInvoicePaid is a collection with a MANUAL allocation: undoable too.
		c.do(`mutation($id: ID!) { markInvoicePaid(id: $id, input: {channel: CASH}) { id } }`, map[string]any{"id": inv.ID}, nil)
		var pays struct {
			Node struct {
				Payments []struct {
					ID, Rule   string
					UndoneAt   *string
					Collection struct{ ID string }
				}
			}
		}
		c.do(`query($id: ID!) { node(id: $id) { ... on Invoice { payments { id rule undoneAt collection { id } } } } }`, map[string]any{"id": inv.ID}, &pays)
		lastPay := pays.Node.Payments[len(pays.Node.Payments)-1]
		if lastPay.Rule != "MANUAL" || lastPay.Collection.ID == "" {
			t.Fatalf("the cash payment = %+v, want a MANUAL allocation of its own collection", lastPay)
		}
	})
}

func TestSameExternalIDRecordedOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Retry Shop")
		cust := c.createCustomer("Retry Co", "ap@retry.example")
		inv := c.bill(cust, "64.00")
		var wg sync.WaitGroup
		ids := make(chan string, 20)
		for range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var out struct{ RecordCollection collectionResult }
				_, r := c.raw(`mutation($in: RecordCollectionInput!) { recordCollection(input: $in) { `+resultFields+` } }`,
					map[string]any{"in": map[string]any{"amount": "64.00", "currency": "USD", "channel": "BANK_TRANSFER", "text": inv.Reference, "externalID": "bank-tx-991"}})
				if len(r.Errors) > 0 {
					t.Errorf("racing record: %+v", r.Errors)
					return
				}
				_ = json.Unmarshal(r.Data, &out)
				ids <- out.RecordCollection.Collection.ID
			}()
		}
		wg.Wait()
		close(ids)
		seen := map[string]bool{}
		for id := range ids {
			seen[id] = true
		}
		st := c.invoiceState(inv.ID)
		if len(seen) != 1 || st.Status != "PAID" || len(st.Payments) != 1 {
			t.Fatalf("20 racing records of one externalID: %d collections, invoice %s with %d payments; want 1, PAID, 1", len(seen), st.Status, len(st.Payments))
		}
	})
}

// upload posts a GraphQL multipart request with one file.
func (c *client) upload(query string, vars map[string]any, name string, content []byte) gqlResponse {
	c.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	vars["file"] = nil
	ops, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	_ = w.WriteField("operations", string(ops))
	_ = w.WriteField("map", `{"0": ["variables.file"]}`)
	part, _ := w.CreateFormFile("0", name)
	_, _ = part.Write(content)
	_ = w.Close()
	req, _ := http.NewRequest(http.MethodPost, c.url, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("GraphQL-Require-Preflight", "1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out gqlResponse
	if err := json.Unmarshal(raw, &out); err != nil {
		c.t.Fatalf("upload: HTTP %d %s", resp.StatusCode, raw)
	}
	return out
}

const importOp = `mutation($file: Upload!, $format: StatementFormat!, $mapping: StatementMappingInput) {
	importStatement(file: $file, format: $format, mapping: $mapping) { lines created alreadyImported matched partial unmatched } }`

type importResult struct{ Lines, Created, AlreadyImported, Matched, Partial, Unmatched int }

func (c *client) importStatement(format, name string, content []byte, mapping map[string]any) (importResult, []gqlError) {
	c.t.Helper()
	r := c.upload(importOp, map[string]any{"format": format, "mapping": mapping}, name, content)
	var out struct{ ImportStatement importResult }
	if len(r.Errors) == 0 {
		_ = json.Unmarshal(r.Data, &out)
	}
	return out.ImportStatement, r.Errors
}

func TestImportStatement(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Statement Shop")
		cust := c.createCustomer("Hafen GmbH", "buchhaltung@hafen.example")
		a, bb := c.bill(cust, "1250.00"), c.bill(cust, "99.90")

		csv := fmt.Sprintf("Buchungstag;Betrag;Währung;Verwendungszweck;Name\n"+
			"03.11.2026;1.250,00;USD;Rechnung %s;Hafen GmbH\n"+
			"04.11.2026;-20,00;USD;Bankgebühr;Bank\n"+
			"05.11.2026;99,90;USD;%s;Hafen GmbH\n"+
			"06.11.2026;12,00;USD;unknown;Someone\n", strings.ToLower(reference.Format(a.Reference)), bb.Number)
		// The preview suggests a mapping from the header.
		var prev struct {
			PreviewStatement struct {
				Headers []string
				Mapping struct{ Date, Amount, Currency string }
			}
		}
		r := c.upload(`mutation($file: Upload!) { previewStatement(file: $file) { headers mapping { date amount currency } } }`, map[string]any{}, "umsatz.csv", []byte(csv))
		if len(r.Errors) > 0 {
			t.Fatalf("preview: %+v", r.Errors)
		}
		_ = json.Unmarshal(r.Data, &prev)
		m := prev.PreviewStatement.Mapping
		if len(prev.PreviewStatement.Headers) != 5 || m.Date != "Buchungstag" || m.Amount != "Betrag" {
			t.Fatalf("preview = %+v, want 5 headers and Buchungstag/Betrag suggested", prev.PreviewStatement)
		}
		mapping := map[string]any{"date": "Buchungstag", "amount": "Betrag", "currency": "Währung", "text": []string{"Verwendungszweck"}, "payerName": "Name"}
		res, errs := c.importStatement("CSV", "umsatz.csv", []byte(csv), mapping)
		if errs != nil {
			t.Fatalf("import: %+v", errs)
		}
		if res != (importResult{Lines: 3, Created: 3, Matched: 2, Unmatched: 1}) {
			t.Fatalf("import = %+v, want 3 lines: 2 matched, 1 unmatched (the debit skipped)", res)
		}
		for _, inv := range []issued{a, bb} {
			if st := c.invoiceState(inv.ID); st.Status != "PAID" {
				t.Fatalf("%s is %s after the import, want PAID", inv.Number, st.Status)
			}
		}
		// The same statement again creates nothing.
		res, errs = c.importStatement("CSV", "umsatz.csv", []byte(csv), mapping)
		if errs != nil || res != (importResult{Lines: 3, AlreadyImported: 3}) {
			t.Fatalf("re-import = %+v %v, want all 3 already imported", res, errs)
		}
		// A malformed file is refused whole, naming the line.
		bad := "Buchungstag;Betrag;Währung;Verwendungszweck;Name\n07.11.2026;5,00;USD;ok;A\n08.11.2026;12,5O;USD;typo;B\n"
		_, errs = c.importStatement("CSV", "bad.csv", []byte(bad), mapping)
		if len(errs) == 0 || errs[0].Extensions["code"] != "VALIDATION" || !strings.Contains(errs[0].Message, "line 3") {
			t.Fatalf("malformed import errors = %+v, want VALIDATION naming line 3", errs)
		}
		var count struct{ Collections struct{ TotalCount int } }
		c.do(`{ collections(first: 1) { totalCount } }`, nil, &count)
		if count.Collections.TotalCount != 3 {
			t.Fatalf("%d collections after a refused file, want still 3", count.Collections.TotalCount)
		}

		// camt.053: a structured RF reference.
		inv := c.bill(cust, "310.00")
		camt := `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-11-20T10:00:00</CreDtTm></GrpHdr>
<Stmt><Id>STMT-77</Id><CreDtTm>2026-11-20T10:00:00</CreDtTm><Acct><Id><IBAN>DE89370400440532013000</IBAN></Id></Acct>
<Ntry><NtryRef>1</NtryRef><Amt Ccy="USD">310.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-11-19</Dt></BookgDt><AcctSvcrRef>BANKREF-1</AcctSvcrRef>
<NtryDtls><TxDtls><RltdPties><Dbtr><Nm>Hafen GmbH</Nm></Dbtr></RltdPties><RmtInf><Strd><CdtrRefInf><Ref>` + inv.Reference + `</Ref></CdtrRefInf></Strd></RmtInf></TxDtls></NtryDtls></Ntry>
</Stmt></BkToCstmrStmt></Document>`
		res, errs = c.importStatement("CAMT053", "stmt.xml", []byte(camt), nil)
		if errs != nil || res.Matched != 1 {
			t.Fatalf("camt import = %+v %v, want 1 matched", res, errs)
		}
		if st := c.invoiceState(inv.ID); st.Status != "PAID" {
			t.Fatalf("%s is %s after the camt import, want PAID", inv.Number, st.Status)
		}
	})
}
