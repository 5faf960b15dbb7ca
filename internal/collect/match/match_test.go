package match

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tally-invoicing/tally/internal/reference"
)

const merchantCode = 1234567

func day(d int) time.Time { return time.Date(2026, 1, d, 9, 0, 0, 0, time.UTC) }

// fixture is one merchant: Acme with three EUR invoices (two for the same
// amount) and one in USD; Bolt with four EUR invoices; a paid one.
func fixture() ([]Invoice, []Customer) {
	inv := func(id, cust string, seq int, cur string, due int64, issued int) Invoice {
		return Invoice{
			ID: id, CustomerID: cust, Number: fmt.Sprintf("INV-%06d", seq),
			Reference: reference.ForInvoice(merchantCode, seq), Currency: cur, Due: due, IssuedAt: day(issued),
		}
	}
	invoices := []Invoice{
		inv("acme-1", "acme", 123, "EUR", 12000, 1),
		inv("acme-2", "acme", 124, "EUR", 5000, 2),
		inv("acme-3", "acme", 125, "EUR", 5000, 3),
		inv("acme-usd", "acme", 126, "USD", 7000, 4),
		inv("bolt-1", "bolt", 130, "EUR", 3000, 5),
		inv("bolt-2", "bolt", 127, "EUR", 2500, 6),
		inv("bolt-3", "bolt", 128, "EUR", 4000, 7),
		inv("bolt-4", "bolt", 129, "EUR", 3500, 8),
		inv("bolt-paid", "bolt", 131, "EUR", 0, 1),
	}
	// The example from ISO 11649, so memos read like real ones.
	invoices[0].Reference = "RF18539007547034"
	return invoices, []Customer{{"acme", "Acme Ltd"}, {"bolt", "Bolt GmbH"}}
}

func ref(seq int) string { return reference.Format(reference.ForInvoice(merchantCode, seq)) }

// typo changes one digit of a printed reference's body.
func typo(printed string, at int) string {
	b := []byte(printed)
	b[at] = '0' + (b[at]-'0'+3)%10
	return string(b)
}

// swap exchanges two neighbouring characters.
func swap(printed string, at int) string {
	b := []byte(printed)
	b[at], b[at+1] = b[at+1], b[at]
	return string(b)
}

type alloc struct {
	invoice string
	amount  int64
	rule    Rule
	conf    int
}

func TestMatch(t *testing.T) {
	ix := NewIndex(fixture())
	eur := func(amount int64, text string) Collection {
		return Collection{Amount: amount, Currency: "EUR", Text: text}
	}
	acme := func(c Collection) Collection { c.CustomerID = "acme"; return c }
	bolt := func(c Collection) Collection { c.CustomerID = "bolt"; return c }
	received := func(c Collection, at time.Time) Collection { c.ReceivedAt = at; return c }

	tests := []struct {
		name        string
		c           Collection
		want        []alloc
		unallocated int64
		flags       []FlagKind
		candidate   string // first candidate of the first flag
		suggestions []string
	}{
		{name: "reference as printed",
			c:    eur(12000, "RF18 5390 0754 7034"),
			want: []alloc{{"acme-1", 12000, RuleReference, 100}}},
		{name: "reference inside a long memo with other numbers",
			c:    eur(12000, "Payment for order 4471 ref RF18 5390 0754 7034 thanks, tel +351 912 345 678"),
			want: []alloc{{"acme-1", 12000, RuleReference, 100}}},
		{name: "reference compact",
			c:    eur(12000, "/ROC/RF18539007547034/"),
			want: []alloc{{"acme-1", 12000, RuleReference, 100}}},
		{name: "reference lower case with dashes and spaces",
			c:    eur(12000, "rf18 5390-0754 7034"),
			want: []alloc{{"acme-1", 12000, RuleReference, 100}}},
		{name: "reference glued to a word",
			c:    eur(12000, "RF18539007547034thanks"),
			want: []alloc{{"acme-1", 12000, RuleReference, 100}}},
		{name: "reference split over two lines",
			c:    eur(5000, "Ustrd: "+ref(124)[:12]+"\r\n"+ref(124)[12:]),
			want: []alloc{{"acme-2", 5000, RuleReference, 100}}},
		{name: "number as printed",
			c:    eur(5000, "INV-000124"),
			want: []alloc{{"acme-2", 5000, RuleReference, 95}}},
		{name: "number lower case",
			c:    eur(5000, "paying inv-000124 now"),
			want: []alloc{{"acme-2", 5000, RuleReference, 95}}},
		{name: "number with a space",
			c:    eur(5000, "INV 000124"),
			want: []alloc{{"acme-2", 5000, RuleReference, 95}}},
		{name: "number without separator",
			c:    eur(5000, "inv000124"),
			want: []alloc{{"acme-2", 5000, RuleReference, 95}}},
		{name: "number without zero padding",
			c:    eur(5000, "INV-124"),
			want: []alloc{{"acme-2", 5000, RuleReference, 90}}},
		{name: "the word invoice",
			c:    eur(5000, "Invoice no. 124, thank you"),
			want: []alloc{{"acme-2", 5000, RuleReference, 90}}},
		{name: "the word invoice with a hash",
			c:    eur(5000, "invoice #000124"),
			want: []alloc{{"acme-2", 5000, RuleReference, 90}}},
		{name: "number inside a longer number is not matched",
			c:           eur(12000, "INV-0001231"),
			unallocated: 12000,
			flags:       []FlagKind{FlagReferenceUnknown},
			suggestions: []string{"acme-1"}},
		{name: "number followed by decimals is not matched",
			c:           eur(12000, "INV 123.50"),
			unallocated: 12000,
			suggestions: []string{"acme-1"}},
		{name: "number after digits is not matched",
			c:           eur(12000, "4471INV-000123"),
			unallocated: 12000,
			suggestions: []string{"acme-1"}},
		{name: "reference followed by another digit is not cut, but flagged",
			c:           eur(12000, "RF185390075470341"),
			unallocated: 12000,
			flags:       []FlagKind{FlagReferenceMistyped},
			candidate:   "acme-1",
			suggestions: []string{"acme-1"}},
		{name: "invoice 2 of 3 is a count, not a number",
			c:           eur(12000, "invoice 2 of 3"),
			unallocated: 12000,
			suggestions: []string{"acme-1"}},
		{name: "one-character typo is flagged, not matched",
			c:           eur(5000, "Payment "+typo(ref(125), 17)),
			unallocated: 5000,
			flags:       []FlagKind{FlagReferenceMistyped},
			candidate:   "acme-3",
			suggestions: []string{"acme-3", "acme-2"}},
		{name: "transposition is flagged, not matched",
			c:           eur(12000, swap("RF18 5390 0754 7034", 17)),
			unallocated: 12000,
			flags:       []FlagKind{FlagReferenceMistyped},
			candidate:   "acme-1",
			suggestions: []string{"acme-1"}},
		{name: "three invoices by three references",
			c: eur(10000, "INV-000127, "+ref(128)+" and inv 000129"),
			want: []alloc{
				{"bolt-2", 2500, RuleReference, 95},
				{"bolt-3", 4000, RuleReference, 100},
				{"bolt-4", 3500, RuleReference, 95},
			}},
		{name: "references beyond the money get nothing",
			c: eur(5000, "INV-000127 INV-000128 INV-000129"),
			want: []alloc{
				{"bolt-2", 2500, RuleReference, 95},
				{"bolt-3", 2500, RuleReference, 95},
			}},
		{name: "the same invoice named twice is paid once",
			c:    eur(12000, "INV-000123 / RF18 5390 0754 7034"),
			want: []alloc{{"acme-1", 12000, RuleReference, 100}}},
		{name: "overpayment is left unallocated",
			c:           eur(6000, ref(124)),
			want:        []alloc{{"acme-2", 5000, RuleReference, 100}},
			unallocated: 1000},
		{name: "underpayment pays part",
			c:    eur(4000, ref(124)),
			want: []alloc{{"acme-2", 4000, RuleReference, 100}}},
		{name: "reference for an invoice in another currency",
			c:           acme(eur(5000, ref(126))),
			unallocated: 5000,
			flags:       []FlagKind{FlagCurrencyMismatch},
			candidate:   "acme-usd",
			suggestions: []string{"acme-usd", "acme-2", "acme-3"}},
		{name: "reference wins over amount",
			c:    acme(eur(5000, "for "+ref(125))),
			want: []alloc{{"acme-3", 5000, RuleReference, 100}}},
		{name: "reference to a paid invoice",
			c:           eur(2500, ref(131)),
			unallocated: 2500,
			flags:       []FlagKind{FlagNothingDue},
			candidate:   "bolt-paid",
			suggestions: []string{"bolt-paid", "bolt-2"}},
		{name: "paid invoice named, amount rule still pays the customer",
			c:     bolt(eur(2500, ref(131))),
			want:  []alloc{{"bolt-2", 2500, RuleAmount, 90}},
			flags: []FlagKind{FlagNothingDue}, candidate: "bolt-paid"},
		{name: "valid reference of another merchant",
			c:           eur(5000, reference.ForInvoice(7654321, 5)),
			unallocated: 5000,
			flags:       []FlagKind{FlagReferenceUnknown},
			suggestions: []string{"acme-2", "acme-3"}},
		{name: "two invoices of one customer with the same amount: oldest wins",
			c:    acme(eur(5000, "thanks")),
			want: []alloc{{"acme-2", 5000, RuleAmount, 80}}},
		{name: "only invoice for the amount",
			c:    acme(eur(12000, "")),
			want: []alloc{{"acme-1", 12000, RuleAmount, 90}}},
		{name: "payer recognised by name",
			c:    Collection{Amount: 12000, Currency: "eur", PayerName: "  ACME   ltd "},
			want: []alloc{{"acme-1", 12000, RuleAmount, 80}}},
		{name: "mistyped reference settles a tie of amounts",
			c:     acme(eur(5000, typo(ref(125), 20))),
			want:  []alloc{{"acme-3", 5000, RuleAmount, 95}},
			flags: []FlagKind{FlagReferenceMistyped}, candidate: "acme-3"},
		{name: "three invoices by combination",
			c: bolt(eur(10000, "March")),
			want: []alloc{
				{"bolt-2", 2500, RuleCombination, 60},
				{"bolt-3", 4000, RuleCombination, 60},
				{"bolt-4", 3500, RuleCombination, 60},
			}},
		{name: "two invoices by combination",
			c: acme(eur(17000, "")),
			want: []alloc{
				{"acme-1", 12000, RuleCombination, 65},
				{"acme-2", 5000, RuleCombination, 65},
			}},
		{name: "nothing fits the customer",
			c:           acme(eur(999, "")),
			unallocated: 999,
			suggestions: []string{"acme-2", "acme-3", "acme-1"}},
		{name: "unknown payer: invoices for exactly the amount are suggested",
			c:           eur(3000, "thanks"),
			unallocated: 3000,
			suggestions: []string{"bolt-1"}},
		{name: "booked before the invoice was issued: not by amount",
			c:           received(bolt(eur(3000, "thanks")), day(4)),
			unallocated: 3000,
			suggestions: []string{"bolt-1", "bolt-2", "bolt-4", "bolt-3"}},
		{name: "booked on the day of issue: by amount",
			c:    received(bolt(eur(3000, "thanks")), day(5).Truncate(24*time.Hour)),
			want: []alloc{{"bolt-1", 3000, RuleAmount, 90}}},
		{name: "booked before the invoice was issued: a reference still matches",
			c:    received(eur(3000, "INV-000130"), day(4)),
			want: []alloc{{"bolt-1", 3000, RuleReference, 95}}},
		{name: "booked before two of the three: no combination with them",
			c:           received(bolt(eur(10000, "March")), day(6)),
			unallocated: 10000,
			suggestions: []string{"bolt-3", "bolt-4", "bolt-1", "bolt-2"}},
		{name: "payer name fits nobody",
			c:           Collection{Amount: 3000, Currency: "EUR", PayerName: "Carla"},
			unallocated: 3000,
			suggestions: []string{"bolt-1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ix.Match(tt.c)
			check(t, ix, tt.c, got)
			var allocs []alloc
			for _, a := range got.Allocations {
				allocs = append(allocs, alloc{a.InvoiceID, a.Amount, a.Rule, a.Confidence})
			}
			if !slices.Equal(allocs, tt.want) {
				t.Errorf("allocations = %v, want %v (reason %q)", allocs, tt.want, got.Reason)
			}
			if got.Unallocated != tt.unallocated {
				t.Errorf("unallocated = %d, want %d", got.Unallocated, tt.unallocated)
			}
			var kinds []FlagKind
			for _, f := range got.Flags {
				kinds = append(kinds, f.Kind)
			}
			if !slices.Equal(kinds, tt.flags) {
				t.Errorf("flags = %v, want %v", got.Flags, tt.flags)
			}
			if tt.candidate != "" && (len(got.Flags) == 0 || len(got.Flags[0].Candidates) == 0 ||
				got.Flags[0].Candidates[0] != tt.candidate) {
				t.Errorf("flags = %+v, want first candidate %s", got.Flags, tt.candidate)
			}
			if !slices.Equal(got.Suggestions, tt.suggestions) {
				t.Errorf("suggestions = %v, want %v", got.Suggestions, tt.suggestions)
			}
			t.Logf("reason: %s", got.Reason)
			for _, f := range got.Flags {
				t.Logf("flag %s %q: %s", f.Kind, f.Text, f.Reason)
			}
		})
	}
}

func TestMistypedFlagShowsTheTokenSeen(t *testing.T) {
	ix := NewIndex(fixture())
	text := "order 4471, ref RF18 5390 0754 7035 thanks"
	got := ix.Match(Collection{Amount: 12000, Currency: "EUR", Text: text})
	if len(got.Flags) != 1 || got.Flags[0].Text != "RF18 5390 0754 7035" {
		t.Fatalf("flags = %+v, want one with text %q", got.Flags, "RF18 5390 0754 7035")
	}
}

func TestAmbiguousPayerName(t *testing.T) {
	invoices, customers := fixture()
	customers = append(customers, Customer{"acme-2nd", "ACME LTD"})
	invoices = append(invoices, Invoice{ID: "other", CustomerID: "acme-2nd", Number: "INV-000200",
		Currency: "EUR", Due: 12000, IssuedAt: day(9)})
	ix := NewIndex(invoices, customers)
	c := Collection{Amount: 12000, Currency: "EUR", PayerName: "Acme Ltd"}
	got := ix.Match(c)
	check(t, ix, c, got)
	if len(got.Allocations) != 0 || len(got.Flags) != 1 || got.Flags[0].Kind != FlagAmbiguous {
		t.Fatalf("got %+v, want no allocation and an AMBIGUOUS flag", got)
	}
	if want := []string{"acme-1", "other"}; !slices.Equal(got.Flags[0].Candidates, want) {
		t.Errorf("candidates = %v, want %v", got.Flags[0].Candidates, want)
	}
}

func TestCombinationPrefersOlderInvoices(t *testing.T) {
	var invoices []Invoice
	for i, due := range []int64{100, 200, 300, 400} {
		invoices = append(invoices, Invoice{ID: fmt.Sprint("i", i), CustomerID: "c", Number: fmt.Sprintf("INV-%06d", i+1),
			Currency: "EUR", Due: due, IssuedAt: day(i + 1)})
	}
	ix := NewIndex(invoices, nil)
	c := Collection{Amount: 500, Currency: "EUR", CustomerID: "c"}
	got := ix.Match(c)
	check(t, ix, c, got)
	var ids []string
	for _, a := range got.Allocations {
		ids = append(ids, a.InvoiceID)
	}
	if want := []string{"i0", "i3"}; !slices.Equal(ids, want) {
		t.Errorf("paid %v, want %v (100+400 before 200+300)", ids, want)
	}
}

func TestCombinationIsBounded(t *testing.T) {
	many := func(dues func(i int) int64) *Index {
		var invoices []Invoice
		for i := range 400 {
			invoices = append(invoices, Invoice{ID: fmt.Sprint("i", i), CustomerID: "c", Number: fmt.Sprintf("INV-%06d", i+1),
				Currency: "EUR", Due: dues(i), IssuedAt: day(1).Add(time.Duration(i) * time.Hour)})
		}
		return NewIndex(invoices, nil)
	}
	tests := []struct {
		name   string
		ix     *Index
		amount int64
		paid   int // invoices, 0 for none
		flag   FlagKind
	}{
		// Even dues, odd amount: no set exists and no bound proves it.
		{"distinct dues, no answer", many(func(i int) int64 { return int64(1000 + 2*i*i%99991*2) }), 400_001, 0, FlagSearchIncomplete},
		{"subscription, five months at once", many(func(int) int64 { return 1000 }), 5000, 5, ""},
		{"subscription, an amount no set makes", many(func(int) int64 { return 1000 }), 5500, 0, ""},
		{"distinct dues, an answer among old invoices", many(func(i int) int64 { return int64(1000 + 7*i) }), 1000 + 1007 + 1014, 3, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Collection{Amount: tt.amount, Currency: "EUR", CustomerID: "c"}
			start := time.Now()
			got := tt.ix.Match(c)
			elapsed := time.Since(start)
			check(t, tt.ix, c, got)
			if len(got.Allocations) != tt.paid {
				t.Errorf("paid %d invoices, want %d: %s", len(got.Allocations), tt.paid, got.Reason)
			}
			var kinds []FlagKind
			for _, f := range got.Flags {
				kinds = append(kinds, f.Kind)
			}
			if want := []FlagKind{tt.flag}; tt.flag != "" && !slices.Equal(kinds, want) || tt.flag == "" && len(kinds) > 0 {
				t.Errorf("flags = %v, want %q", kinds, tt.flag)
			}
			// The deadline is 20ms; leave room for -race and a busy machine.
			if elapsed > 500*time.Millisecond {
				t.Errorf("Match took %v, want about 20ms at most", elapsed)
			}
			t.Logf("%v: %s", elapsed, got.Reason)
		})
	}
}

func TestNonPositiveAmount(t *testing.T) {
	ix := NewIndex(fixture())
	for _, amount := range []int64{0, -5} {
		c := Collection{Amount: amount, Currency: "EUR", Text: "INV-000123"}
		got := ix.Match(c)
		if len(got.Allocations) != 0 || got.Unallocated != amount || got.Reason == "" {
			t.Errorf("Match(%d) = %+v, want nothing allocated and a reason", amount, got)
		}
	}
}

// check asserts what must hold of every result.
func check(t *testing.T, ix *Index, c Collection, r Result) {
	t.Helper()
	total := r.Unallocated
	seen := map[string]bool{}
	byID := map[string]*Invoice{}
	for i := range ix.invoices {
		byID[ix.invoices[i].ID] = &ix.invoices[i]
	}
	for _, a := range r.Allocations {
		total += a.Amount
		inv := byID[a.InvoiceID]
		switch {
		case inv == nil:
			t.Errorf("allocation to %q, which is not in the index", a.InvoiceID)
		case a.Amount <= 0 || a.Amount > inv.Due:
			t.Errorf("allocated %d to %s, which owes %d", a.Amount, a.InvoiceID, inv.Due)
		case !strings.EqualFold(inv.Currency, c.Currency):
			t.Errorf("allocated %s to %s, invoiced in %s", c.Currency, a.InvoiceID, inv.Currency)
		}
		if seen[a.InvoiceID] {
			t.Errorf("%s allocated twice", a.InvoiceID)
		}
		seen[a.InvoiceID] = true
		if a.Confidence < 0 || a.Confidence > 100 {
			t.Errorf("confidence %d out of 0-100", a.Confidence)
		}
		if inv != nil && (a.Rule == RuleAmount || a.Rule == RuleCombination) && !c.ReceivedAt.IsZero() &&
			dayOf(inv.IssuedAt) > dayOf(c.ReceivedAt) {
			t.Errorf("%s allocated to %s by %s, issued %s after the money was booked %s", c.Currency, a.InvoiceID, a.Rule,
				inv.IssuedAt.Format(time.DateOnly), c.ReceivedAt.Format(time.DateOnly))
		}
	}
	if total != c.Amount {
		t.Errorf("allocated + unallocated = %d, want the amount %d", total, c.Amount)
	}
	if c.Amount > 0 && r.Unallocated < 0 {
		t.Errorf("unallocated = %d, negative", r.Unallocated)
	}
	if r.Reason == "" {
		t.Errorf("no reason")
	}
	if len(r.Suggestions) > maxSuggestions || len(r.Allocations) > 0 && len(r.Suggestions) > 0 {
		t.Errorf("suggestions = %v with %d allocations", r.Suggestions, len(r.Allocations))
	}
}

// TestSparseAndLetterReferences covers the maps behind the sequence
// tables: numbers and references too far apart for an array, and an ISO
// 11649 reference with letters, as other systems issue.
func TestSparseAndLetterReferences(t *testing.T) {
	letters, err := reference.New("ACME2026X")
	if err != nil {
		t.Fatal(err)
	}
	invoices := []Invoice{
		{ID: "first", CustomerID: "c", Number: "INV-000001", Reference: reference.ForInvoice(merchantCode, 1),
			Currency: "EUR", Due: 1000, IssuedAt: day(1)},
		{ID: "far", CustomerID: "c", Number: "INV-5000000", Reference: reference.ForInvoice(merchantCode, 5_000_000),
			Currency: "EUR", Due: 2000, IssuedAt: day(2)},
		{ID: "letters", CustomerID: "c", Number: "INV-000002", Reference: reference.Format(letters),
			Currency: "EUR", Due: 3000, IssuedAt: day(3)},
	}
	ix := NewIndex(invoices, nil)
	if ix.refSeq.slots != nil || ix.numSeq[0].slots != nil {
		t.Fatalf("sequence tables built for sparse numbers")
	}
	tests := []struct {
		text string
		want string
	}{
		{ref(5_000_000), "far"},
		{"INV 5000000", "far"},
		{strings.ToLower(letters), "letters"},
		{"ref " + reference.Format(letters) + " thanks", "letters"},
		{"inv-000001", "first"},
	}
	for _, tt := range tests {
		c := Collection{Amount: 500, Currency: "EUR", Text: tt.text}
		got := ix.Match(c)
		check(t, ix, c, got)
		if len(got.Allocations) != 1 || got.Allocations[0].InvoiceID != tt.want {
			t.Errorf("Match(%q) = %+v, want %s", tt.text, got, tt.want)
		}
	}
	// A typo in a reference kept in a map is found the same way.
	c := Collection{Amount: 2000, Currency: "EUR", Text: swap(ref(5_000_000), 12)}
	if got := ix.Match(c); len(got.Flags) != 1 || got.Flags[0].Kind != FlagReferenceMistyped ||
		len(got.Flags[0].Candidates) == 0 || got.Flags[0].Candidates[0] != "far" {
		t.Errorf("Match(%q) = %+v, want a mistyped flag pointing at far", c.Text, got)
	}
}

// TestSharedNumberIsNotGuessed: two invoices carrying one number or one
// reference (an import gone wrong) are flagged, never picked from.
func TestSharedNumberIsNotGuessed(t *testing.T) {
	invoices := []Invoice{
		{ID: "a", CustomerID: "c", Number: "INV-000007", Reference: reference.ForInvoice(merchantCode, 7), Currency: "EUR", Due: 1000, IssuedAt: day(1)},
		{ID: "b", CustomerID: "c", Number: "INV-000007", Reference: reference.ForInvoice(merchantCode, 7), Currency: "EUR", Due: 1000, IssuedAt: day(2)},
	}
	ix := NewIndex(invoices, nil)
	for _, text := range []string{"INV-000007", ref(7)} {
		c := Collection{Amount: 1000, Currency: "EUR", Text: text}
		got := ix.Match(c)
		check(t, ix, c, got)
		if len(got.Allocations) != 0 || len(got.Flags) != 1 || got.Flags[0].Kind != FlagAmbiguous ||
			!slices.Equal(got.Flags[0].Candidates, []string{"a", "b"}) {
			t.Errorf("Match(%q) = %+v, want nothing allocated and an AMBIGUOUS flag for a and b", text, got)
		}
	}
}
