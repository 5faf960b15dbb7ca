package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/ent/collection"
	"github.com/tally-invoicing/tally/internal/collect/match"
	"github.com/tally-invoicing/tally/internal/database/dbtest"
	"github.com/tally-invoicing/tally/internal/reference"
	"github.com/tally-invoicing/tally/internal/tenant"
)

// autoMatch sets the merchant's auto-match confidence.
func (c *client) autoMatch(percent int) {
	c.t.Helper()
	c.do(`mutation($c: Int!) { updateMerchant(input: {autoMatchConfidence: $c}) { id } }`, map[string]any{"c": percent}, nil)
	var out struct {
		Viewer struct {
			Merchant struct{ AutoMatchConfidence int }
		}
	}
	c.do(`{ viewer { merchant { autoMatchConfidence } } }`, nil, &out)
	if got := out.Viewer.Merchant.AutoMatchConfidence; got != percent {
		c.t.Fatalf("autoMatchConfidence = %d after setting it, want %d", got, percent)
	}
}

// queued is a collection as the review queue shows it.
type queued struct {
	ID, Status, ReviewReason, Flag, ExternalID, ReceivedAt, Unallocated string
	SetAsideReason, SetAsideNote                                        *string
	Customer                                                            *struct{ ID, Name string }
	Allocations                                                         []struct {
		Rule    string
		Invoice struct{ ID string }
	}
	ProposedAllocations []struct {
		Amount, Rule string
		Confidence   int
		Invoice      struct{ ID, Number string }
	}
	Suggestions []struct{ ID string }
}

const queuedFields = `id status reviewReason flag externalID receivedAt unallocated setAsideReason setAsideNote customer { id name }
	allocations { rule invoice { id } } proposedAllocations { amount rule confidence invoice { id number } } suggestions { id }`

// collections lists the merchant's collections matching where, newest first.
func (c *client) collections(where map[string]any) []queued {
	c.t.Helper()
	var out struct {
		Collections struct{ Edges []struct{ Node queued } }
	}
	c.do(`query($w: CollectionFilter) { collections(first: 100, where: $w) { edges { node { `+queuedFields+` } } } }`, map[string]any{"w": where}, &out)
	var cols []queued
	for _, e := range out.Collections.Edges {
		cols = append(cols, e.Node)
	}
	return cols
}

func byExternalID(cols []queued, id string) queued {
	for _, c := range cols {
		if c.ExternalID == id {
			return c
		}
	}
	return queued{}
}

// statementOp imports a statement and reports proposals too.
const statementOp = `mutation($file: Upload!, $format: StatementFormat!, $mapping: StatementMappingInput) {
	importStatement(file: $file, format: $format, mapping: $mapping) { lines created matched partial unmatched proposed } }`

type statementResult struct{ Lines, Created, Matched, Partial, Unmatched, Proposed int }

// importCSV imports a German-style bank CSV (see hausbank).
func (c *client) importCSV(name, content string) statementResult {
	c.t.Helper()
	mapping := map[string]any{"date": "Buchungstag", "amount": "Betrag", "currency": "Währung", "text": []string{"Verwendungszweck"},
		"payerName": "Auftraggeber", "payerAccount": "IBAN", "externalID": "Buchungsreferenz"}
	r := c.upload(statementOp, map[string]any{"format": "CSV", "mapping": mapping}, name, []byte(content))
	if len(r.Errors) > 0 {
		c.t.Fatalf("import %s: %+v", name, r.Errors)
	}
	var out struct{ ImportStatement statementResult }
	_ = json.Unmarshal(r.Data, &out)
	return out.ImportStatement
}

// hausbank writes a statement export the way a German savings bank does:
// a semicolon CSV with a decimal comma, one row per line given as
// date, amount, text, payer, IBAN, reference.
func hausbank(rows ...[6]string) string {
	var b strings.Builder
	b.WriteString("Buchungstag;Betrag;Währung;Verwendungszweck;Auftraggeber;IBAN;Buchungsreferenz\n")
	for _, r := range rows {
		fmt.Fprintf(&b, "%s;%s;USD;%s;%s;%s;%s\n", r[0], r[1], r[2], r[3], r[4], r[5])
	}
	return b.String()
}

func today() string { return time.Now().UTC().Format("02.01.2006") }

// Two payments naming one invoice: the one booked first pays it, whatever
// the order of the file; the other stays in the queue with a reason that
// says why, never the reason of the match that did not apply.
func TestImportTakesLinesInBookingOrder(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		for _, reversed := range []bool{false, true} {
			c := ta.signUp(t, fmt.Sprintf("Order Shop %v", reversed))
			cust := c.createCustomer("Hafen GmbH", "buchhaltung@hafen.example")
			inv := c.bill(cust, "120.00")
			early := [6]string{"03.11.2026", "120,00", "Rechnung " + inv.Number, "Hafen GmbH", "DE89 3704 0044 0532 0130 00", "EARLY"}
			late := [6]string{"05.11.2026", "120,00", "Rechnung " + inv.Number, "Hafen GmbH", "DE89 3704 0044 0532 0130 00", "LATE"}
			csv := hausbank(late, early)
			if reversed {
				csv = hausbank(early, late)
			}
			res := c.importCSV("umsatz.csv", csv)
			if res.Matched != 1 || res.Unmatched != 1 {
				t.Fatalf("reversed=%v: import = %+v, want 1 matched, 1 unmatched", reversed, res)
			}
			cols := c.collections(nil)
			first, second := byExternalID(cols, "EARLY"), byExternalID(cols, "LATE")
			if first.Status != "MATCHED" || len(first.Allocations) != 1 || first.Allocations[0].Invoice.ID != inv.ID {
				t.Fatalf("reversed=%v: the payment booked on 3 Nov = %+v, want MATCHED to %s", reversed, first, inv.Number)
			}
			if second.Status != "UNMATCHED" || len(second.Allocations) != 0 ||
				strings.Contains(second.ReviewReason, "exactly what it owes") || !strings.Contains(second.ReviewReason, "already been paid") {
				t.Fatalf("reversed=%v: the payment booked on 5 Nov = %+v, want UNMATCHED saying %s was already paid", reversed, second, inv.Number)
			}
		}

		// The same by amount alone, two payments from one payer on one day:
		// file order decides, and the second keeps no "only open invoice" reason.
		c := ta.signUp(t, "Amount Order Shop")
		c.autoMatch(50)
		cust := c.createCustomer("Hafen GmbH", "buchhaltung@hafen.example")
		inv := c.bill(cust, "80.00")
		res := c.importCSV("umsatz.csv", hausbank(
			[6]string{today(), "80,00", "Danke", "Hafen GmbH", "", "ONE"},
			[6]string{today(), "80,00", "Danke", "Hafen GmbH", "", "TWO"}))
		if res.Matched != 1 || res.Unmatched != 1 {
			t.Fatalf("two equal payments by amount: %+v, want 1 matched, 1 unmatched", res)
		}
		cols := c.collections(nil)
		if one := byExternalID(cols, "ONE"); one.Status != "MATCHED" || one.Allocations[0].Invoice.ID != inv.ID {
			t.Fatalf("first line = %+v, want MATCHED to %s", one, inv.Number)
		}
		two := byExternalID(cols, "TWO")
		if two.Status != "UNMATCHED" || strings.Contains(two.ReviewReason, "only open invoice") || !strings.Contains(two.ReviewReason, inv.Number) {
			t.Fatalf("second line = %+v, want UNMATCHED with a reason naming %s as paid, not the amount rule's", two, inv.Number)
		}
	})
}

// Money booked before an invoice was issued is not matched to it by the
// amount alone; a reference still matches.
func TestPaymentBeforeTheInvoiceIsNotMatchedByAmount(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Early Shop")
		c.autoMatch(50)
		cust := c.createCustomer("Early Bird", "ap@early.example")
		inv := c.bill(cust, "64.00")
		yesterday := time.Now().UTC().Add(-24 * time.Hour).Format(time.RFC3339)
		r := c.record(map[string]any{"amount": "64.00", "customerID": cust, "receivedAt": yesterday})
		if r.Collection.Status != "UNMATCHED" || len(r.Allocations) != 0 || !strings.Contains(r.Collection.ReviewReason, "issued") {
			t.Fatalf("booked the day before the invoice: %+v, want UNMATCHED, the reason saying it was issued later", r.Collection)
		}
		r = c.record(map[string]any{"amount": "64.00", "customerID": cust, "receivedAt": yesterday, "text": "ref " + inv.Reference})
		if r.Collection.Status != "MATCHED" || r.Allocations[0].Rule != "REFERENCE" {
			t.Fatalf("booked the day before, with the reference: %+v, want MATCHED by REFERENCE", r)
		}
	})
}

// At the default threshold an amount-only match waits with its proposal;
// accepting it pays the invoice and teaches Tally the payer's account, so
// the next line from that account is matched by itself.
func TestAmountOnlyWaitsThenThePayerIsLearned(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Learning Shop")
		cust := c.createCustomer("Hafen GmbH", "buchhaltung@hafen.example")
		first, second := c.bill(cust, "250.00"), c.bill(cust, "99.90")

		res := c.importCSV("november.csv", hausbank([6]string{today(), "250,00", "Danke fuer die Lieferung", "Hafen GmbH", "DE89 3704 0044 0532 0130 00", "N-1"}))
		if res != (statementResult{Lines: 1, Created: 1, Unmatched: 1, Proposed: 1}) {
			t.Fatalf("import = %+v, want 1 unmatched with a proposal", res)
		}
		col := byExternalID(c.collections(map[string]any{"statusIn": []string{"UNMATCHED", "PARTIAL"}}), "N-1")
		if col.Status != "UNMATCHED" || len(col.ProposedAllocations) != 1 || col.ProposedAllocations[0].Invoice.Number != first.Number ||
			col.ProposedAllocations[0].Amount != "250.00" || col.ProposedAllocations[0].Rule != "AMOUNT" || col.ProposedAllocations[0].Confidence != 80 {
			t.Fatalf("waiting collection = %+v, want UNMATCHED proposing 250.00 to %s by AMOUNT at 80 %%", col, first.Number)
		}
		if !strings.Contains(col.ReviewReason, first.Number) || !strings.Contains(col.ReviewReason, "confidence 80 %, your threshold is 90 %") {
			t.Fatalf("reason = %q, want it to name %s and say why it waits", col.ReviewReason, first.Number)
		}
		if st := c.invoiceState(first.ID); st.Status != "OPEN" {
			t.Fatalf("%s is %s while the proposal waits, want OPEN", first.Number, st.Status)
		}

		var acc struct{ AcceptProposedAllocations []collectionResult }
		c.do(`mutation($ids: [ID!]!) { acceptProposedAllocations(ids: $ids) { `+resultFields+` } }`, map[string]any{"ids": []string{col.ID}}, &acc)
		if got := acc.AcceptProposedAllocations; len(got) != 1 || got[0].Collection.Status != "MATCHED" || got[0].Allocations[0].Rule != "AMOUNT" {
			t.Fatalf("accept = %+v, want the collection MATCHED by AMOUNT", got)
		}
		if st := c.invoiceState(first.ID); st.Status != "PAID" {
			t.Fatalf("%s is %s after accepting, want PAID", first.Number, st.Status)
		}
		// Accepting again: nothing to accept any more.
		c.expectCode("CONFLICT", "ids[0]", `mutation($ids: [ID!]!) { acceptProposedAllocations(ids: $ids) { collection { id } } }`, map[string]any{"ids": []string{col.ID}})

		// The same account, written another way, under a name that fits no customer.
		res = c.importCSV("dezember.csv", hausbank([6]string{today(), "99,90", "Sammelueberweisung", "HAFEN", "de89370400440532013000", "D-1"}))
		if res.Matched != 1 || res.Proposed != 0 {
			t.Fatalf("second import = %+v, want the line from the learned account matched by itself", res)
		}
		next := byExternalID(c.collections(nil), "D-1")
		if next.Status != "MATCHED" || next.Allocations[0].Invoice.ID != second.ID || next.Customer == nil || next.Customer.ID != cust {
			t.Fatalf("line from the learned account = %+v, want MATCHED to %s, customer Hafen GmbH", next, second.Number)
		}

		// A rule never overrides a person's choice: a line from that account
		// naming another customer's invoice pays it, and the account stays
		// Hafen's.
		otherCust := c.createCustomer("Other AG", "ap@other.example")
		named, fourth := c.bill(otherCust, "15.00"), c.bill(cust, "33.00")
		if res = c.importCSV("januar.csv", hausbank([6]string{today(), "15,00", "Rechnung " + named.Number, "", "DE89370400440532013000", "J-1"})); res.Matched != 1 {
			t.Fatalf("line naming Other AG's invoice: %+v, want matched", res)
		}
		c.importCSV("februar.csv", hausbank([6]string{today(), "33,00", "Danke", "", "DE89370400440532013000", "F-1"}))
		if got := byExternalID(c.collections(nil), "F-1"); got.Status != "MATCHED" || got.Allocations[0].Invoice.ID != fourth.ID {
			t.Fatalf("after a rule paid Other AG from the account: %+v, want MATCHED to Hafen's %s", got, fourth.Number)
		}
		// A person allocating money from the account to Other AG overrides it.
		manual, later := c.bill(otherCust, "7.00"), c.bill(otherCust, "8.00")
		loose := c.record(map[string]any{"amount": "7.00", "payerAccount": "DE89 3704 0044 0532 0130 00", "text": "?"}).Collection.ID
		c.do(`mutation($id: ID!, $inv: ID!) { allocateCollection(id: $id, allocations: [{invoiceID: $inv, amount: "7.00"}]) { collection { id } } }`,
			map[string]any{"id": loose, "inv": manual.ID}, nil)
		c.importCSV("maerz.csv", hausbank([6]string{today(), "8,00", "Danke", "", "DE89370400440532013000", "M-1"}))
		if got := byExternalID(c.collections(nil), "M-1"); got.Status != "MATCHED" || got.Allocations[0].Invoice.ID != later.ID {
			t.Fatalf("after a person chose Other AG for the account: %+v, want MATCHED to %s", got, later.Number)
		}

		// At 50 % the amount alone is enough at once.
		c.autoMatch(50)
		third := c.bill(cust, "12.50")
		r := c.record(map[string]any{"amount": "12.50", "payerName": "hafen gmbh"})
		if r.Collection.Status != "MATCHED" || r.Allocations[0].Invoice.ID != third.ID || r.Allocations[0].Confidence != 80 {
			t.Fatalf("threshold 50: %+v, want MATCHED to %s at 80 %%", r, third.Number)
		}
	})
}

// A mistyped reference is flagged on every line that had one: on a line
// the amount rule paid, and on one whose match waits.
func TestMistypedReferenceIsAlwaysFlagged(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Typo Shop")
		cust := c.createCustomer("Typo Ltd", "ap@typo.example")
		paid, other := c.bill(cust, "40.00"), c.bill(cust, "55.00")
		typo := func(ref string) string {
			b := []byte(ref)
			b[len(b)-1] = '0' + (b[len(b)-1]-'0'+1)%10
			return string(b)
		}
		// The partner names the customer: the amount of one invoice is enough,
		// and the typo is one away from that invoice's own reference.
		r := c.record(map[string]any{"amount": "40.00", "customerID": cust, "text": "ref " + typo(paid.Reference)})
		if r.Collection.Status != "MATCHED" || r.Collection.Flag != "REFERENCE_MISTYPED" || r.Allocations[0].Invoice.ID != paid.ID {
			t.Fatalf("amount-matched line with a typo: %+v, want MATCHED to %s and flagged REFERENCE_MISTYPED", r, paid.Number)
		}
		// The typo points at another invoice: the amount match waits, flagged.
		third := c.bill(cust, "60.00")
		r = c.record(map[string]any{"amount": "55.00", "customerID": cust, "text": "ref " + typo(reference.Format(third.Reference)), "externalID": "typo-2"})
		col := byExternalID(c.collections(map[string]any{"flagged": true}), "typo-2")
		if r.Collection.Status != "UNMATCHED" || col.Flag != "REFERENCE_MISTYPED" || len(col.ProposedAllocations) != 1 || col.ProposedAllocations[0].Invoice.ID != other.ID {
			t.Fatalf("disputed amount match: %+v, want UNMATCHED, flagged, proposing %s", col, other.Number)
		}
	})
}

const asideOp = `mutation($in: SetCollectionsAsideInput!) { setCollectionsAside(input: $in) { id status reviewReason setAsideReason setAsideNote setAsideAt unallocated } }`

// Money that pays no invoice is set aside with a reason and a note;
// a customer's credit counts in Customer.credit; restoring puts it back.
func TestSetAsideAndRestore(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Aside Shop")
		cust := c.createCustomer("Credit Co", "ap@credit.example")
		inv := c.bill(cust, "75.00")
		loan := c.record(map[string]any{"amount": "1000.00", "text": "Darlehen Gesellschafter"}).Collection.ID
		twice := c.record(map[string]any{"amount": "75.00", "customerID": cust, "text": "second transfer"}).Collection.ID // pays inv (known payer)
		again := c.record(map[string]any{"amount": "75.00", "customerID": cust, "text": "paid twice by mistake"}).Collection.ID
		stray := c.record(map[string]any{"amount": "30.00", "text": "no idea"}).Collection.ID
		if st := c.invoiceState(inv.ID); st.Status != "PAID" {
			t.Fatalf("%s is %s, want PAID by the first 75.00", inv.Number, st.Status)
		}

		var out struct {
			SetCollectionsAside []struct{ ID, Status, SetAsideReason, SetAsideNote, SetAsideAt, ReviewReason string }
		}
		c.do(asideOp, map[string]any{"in": map[string]any{"ids": []string{loan}, "reason": "NOT_INVOICE_PAYMENT", "note": "Shareholder loan, see contract"}}, &out)
		if got := out.SetCollectionsAside[0]; got.Status != "SET_ASIDE" || got.SetAsideReason != "NOT_INVOICE_PAYMENT" || got.SetAsideNote != "Shareholder loan, see contract" || got.SetAsideAt == "" {
			t.Fatalf("set aside = %+v", got)
		}
		c.do(asideOp, map[string]any{"in": map[string]any{"ids": []string{again}, "reason": "REFUNDED", "note": "Sent back on the 4th"}}, &out)
		// A credit needs a customer: the stray money names none. All or nothing.
		c.expectCode("VALIDATION", "customerID", asideOp, map[string]any{"in": map[string]any{"ids": []string{stray}, "reason": "CUSTOMER_CREDIT"}})
		c.expectCode("VALIDATION", "ids[1]", asideOp, map[string]any{"in": map[string]any{"ids": []string{stray, twice}, "reason": "NOT_INVOICE_PAYMENT"}})
		if s := byID(c.collections(nil), stray); s.Status != "UNMATCHED" {
			t.Fatalf("after a refused bulk call the stray money is %s, want UNMATCHED", s.Status)
		}
		c.do(asideOp, map[string]any{"in": map[string]any{"ids": []string{stray}, "reason": "CUSTOMER_CREDIT", "customerID": cust}}, &out)
		var credit struct {
			Node struct {
				Credit []struct{ Amount, Currency string }
			}
		}
		c.do(`query($id: ID!) { node(id: $id) { ... on Customer { credit { amount currency } } } }`, map[string]any{"id": cust}, &credit)
		if len(credit.Node.Credit) != 1 || credit.Node.Credit[0].Amount != "30.00" {
			t.Fatalf("credit = %+v, want 30.00 USD (the refunded 75.00 is not credit)", credit.Node.Credit)
		}
		if q := c.collections(map[string]any{"statusIn": []string{"UNMATCHED", "PARTIAL"}}); len(q) != 0 {
			t.Fatalf("review queue = %+v, want empty once everything is set aside", q)
		}

		// Set aside money is not allocated by hand until it is restored.
		c.expectCode("CONFLICT", "", `mutation($id: ID!, $inv: ID!) { allocateCollection(id: $id, allocations: [{invoiceID: $inv, amount: "1.00"}]) { collection { id } } }`,
			map[string]any{"id": loan, "inv": inv.ID})
		var restored struct {
			RestoreCollection struct {
				Status         string
				SetAsideReason *string
				ReviewReason   string
			}
		}
		c.do(`mutation($id: ID!) { restoreCollection(id: $id) { status setAsideReason reviewReason } }`, map[string]any{"id": loan}, &restored)
		if r := restored.RestoreCollection; r.Status != "UNMATCHED" || r.SetAsideReason != nil || !strings.Contains(r.ReviewReason, "left to allocate") {
			t.Fatalf("restored = %+v, want UNMATCHED, no set-aside reason", r)
		}
		c.expectCode("CONFLICT", "", `mutation($id: ID!) { restoreCollection(id: $id) { id } }`, map[string]any{"id": loan})
	})
}

func byID(cols []queued, id string) queued {
	for _, c := range cols {
		if c.ID == id {
			return c
		}
	}
	return queued{}
}

// The review queue's search looks in the payer, the account, the text, the
// statement's name and the amount; flagged keeps what a person must see.
func TestReviewQueueSearch(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Search Shop")
		cust := c.createCustomer("Someone", "ap@someone.example")
		inv := c.bill(cust, "10.00")
		bad := []byte(inv.Reference)
		bad[len(bad)-1] = '0' + (bad[len(bad)-1]-'0'+1)%10
		c.record(map[string]any{"amount": "250.00", "payerName": "Müller & Söhne", "payerAccount": "NL91 ABNA 0417 1643 00", "text": "Miete Oktober", "externalID": "s-1"})
		c.record(map[string]any{"amount": "99.00", "payerName": "Bolt 100% Ltd", "text": "invoice_7 thanks", "externalID": "s-2"})
		c.record(map[string]any{"amount": "12.00", "text": "ref " + string(bad), "externalID": "s-3"})
		ids := func(where map[string]any) string {
			var got []string
			for _, col := range c.collections(where) {
				got = append(got, col.ExternalID)
			}
			return strings.Join(got, ",")
		}
		for _, tc := range []struct {
			search, want string
		}{
			{"miete", "s-1"},
			{"MIETE 250", "s-1"},
			{"250.00", "s-1"},
			{"abna", "s-1"},
			{"miete 99", ""},
			{"100%", "s-2"},     // a LIKE wildcard is a character
			{"invoice_", "s-2"}, // so is _
			{"_7", "s-2"},
			{"%", "s-2"},
		} {
			if got := ids(map[string]any{"search": tc.search}); got != tc.want {
				t.Errorf("search %q = %q, want %q", tc.search, got, tc.want)
			}
		}
		if got := ids(map[string]any{"flagged": true}); got != "s-3" {
			t.Errorf("flagged = %q, want s-3 (the mistyped reference)", got)
		}
	})
}

// Another merchant's collections are not found by the review-queue actions.
func TestReviewActionsKeepToTheMerchant(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		owner, other := ta.signUp(t, "Owner Shop"), ta.signUp(t, "Other Shop")
		id := owner.record(map[string]any{"amount": "5.00", "text": "hello"}).Collection.ID
		other.expectCode("NOT_FOUND", "ids[0]", `mutation($ids: [ID!]!) { acceptProposedAllocations(ids: $ids) { collection { id } } }`, map[string]any{"ids": []string{id}})
		other.expectCode("NOT_FOUND", "ids[0]", asideOp, map[string]any{"in": map[string]any{"ids": []string{id}, "reason": "REFUNDED"}})
		other.expectCode("NOT_FOUND", "", `mutation($id: ID!) { restoreCollection(id: $id) { id } }`, map[string]any{"id": id})
		if col := byID(owner.collections(nil), id); col.Status != "UNMATCHED" {
			t.Fatalf("owner's collection is %s after another merchant's attempts, want UNMATCHED", col.Status)
		}
	})
}

// The review queue with 2,000 waiting collections: the first page, with
// suggestions, proposals and customers, is a fixed number of SQL
// statements whatever the page size.
func TestReviewQueueStaysFastWhenLong(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "Queue Shop")
		var custs []string
		var invs []issued
		for i := range 5 {
			custs = append(custs, c.createCustomer(fmt.Sprintf("Payer %d", i), fmt.Sprintf("p%d@queue.example", i)))
			invs = append(invs, c.bill(custs[i], "25.00"), c.bill(custs[i], "50.00"))
		}
		ctx := tenant.WithViewer(context.Background(), &tenant.Viewer{MerchantID: c.merchantID()})
		const waiting = 2000
		start := time.Now()
		for i := 0; i < waiting; i += 500 {
			bulk := make([]*ent.CollectionCreate, 0, 500)
			for j := i; j < i+500; j++ {
				inv := invs[j%len(invs)]
				bulk = append(bulk, ta.db.Client.Collection.Create().SetAmountMinor(2500).SetCurrency("USD").
					SetChannel(collection.ChannelBANK_TRANSFER).SetReceivedAt(time.Now().Add(-time.Duration(j)*time.Minute)).
					SetStatus(collection.StatusUNMATCHED).SetUnallocatedMinor(2500).SetCustomerID(custs[j%len(custs)]).
					SetPayerName(fmt.Sprintf("Payer %d", j%len(custs))).SetText(fmt.Sprintf("transfer %d", j)).
					SetReviewReason("waits").SetSuggestedInvoiceIds([]string{inv.ID, invs[(j+1)%len(invs)].ID}).
					SetProposedAllocations([]match.Allocation{{InvoiceID: inv.ID, Amount: 2500, Rule: match.RuleAmount, Confidence: 80}}))
			}
			if err := ta.db.Client.Collection.CreateBulk(bulk...).Exec(ctx); err != nil {
				t.Fatal(err)
			}
		}
		t.Logf("%s: seeded %d waiting collections in %s", b.Name, waiting, time.Since(start).Round(time.Millisecond))
		const page = `query($n: Int!) { collections(first: $n, where: {statusIn: [UNMATCHED, PARTIAL]}) { totalCount
			edges { node { id amount reviewReason customer { name } suggestions { id number } proposedAllocations { amount confidence invoice { number } } } } } }`
		count := func(n int) (int64, time.Duration) {
			before, began := ta.queries.Load(), time.Now()
			var out struct {
				Collections struct {
					TotalCount int
					Edges      []struct{ Node queued }
				}
			}
			c.do(page, map[string]any{"n": n}, &out)
			took := time.Since(began)
			e := out.Collections.Edges
			if len(e) != n || out.Collections.TotalCount != waiting || e[0].Node.Customer == nil || len(e[0].Node.Suggestions) != 2 ||
				len(e[n-1].Node.ProposedAllocations) != 1 || e[n-1].Node.ProposedAllocations[0].Invoice.Number == "" {
				t.Fatalf("page of %d: %d edges of %d, first %+v", n, len(e), out.Collections.TotalCount, e[0].Node)
			}
			return ta.queries.Load() - before, took
		}
		q5, _ := count(5)
		q50, took := count(50)
		const auth = 2 // the session and its user
		if q50 != q5 || q50-auth > 5 {
			t.Fatalf("SQL statements: page of 5 = %d, page of 50 = %d (incl. %d for auth); want equal and at most 5 for the page", q5, q50, auth)
		}
		t.Logf("%s: first page of 50 of %d waiting in %s, %d SQL statements (%d of them authentication)", b.Name, waiting, took.Round(time.Millisecond), q50, auth)
	})
}
