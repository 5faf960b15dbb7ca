package match

import (
	"strings"
	"testing"

	"github.com/tally-invoicing/tally/internal/reference"
)

// fuzzIndex is the fixture merchant plus references of every kind the
// scanner keeps apart: one with letters, one far from the others (a map,
// not the sequence table), a one-character body, one whose check digits
// are 99 (the same as 02 modulo 97), one carried by two invoices, and one
// that fails its check digits (never found).
func fuzzIndex(f *testing.F) (*Index, []string) {
	invoices, customers := fixture()
	letters, err := reference.New("ACME2026X")
	if err != nil {
		f.Fatal(err)
	}
	short, err := reference.New("7")
	if err != nil {
		f.Fatal(err)
	}
	alias := ""
	for n := 1; alias == ""; n++ {
		if r, _ := reference.New(strings.Repeat("9", n%5+1) + itoa(n)); r[2:4] == "02" {
			alias = "RF99" + r[4:]
		}
	}
	inv := func(id, ref string, due int64) Invoice {
		return Invoice{ID: id, CustomerID: "cora", Reference: ref, Currency: "EUR", Due: due, IssuedAt: day(9)}
	}
	shared := reference.ForInvoice(merchantCode, 4_000_000)
	invoices = append(invoices,
		inv("letters", reference.Format(letters), 1000),
		inv("far", reference.ForInvoice(merchantCode, 5_000_000), 2000),
		inv("short", short, 3000),
		inv("alias", alias, 4000),
		inv("shared-1", shared, 5000),
		inv("shared-2", shared, 6000),
		inv("broken", "RF00539007547034", 7000),
	)
	customers = append(customers, Customer{ID: "cora", Name: "Cora"})
	// The references each naming exactly one invoice: the probes.
	probes := []string{letters, reference.ForInvoice(merchantCode, 5_000_000), short, alias}
	for _, in := range invoices[:len(invoices)-7] {
		if in.Due > 0 {
			probes = append(probes, in.Reference)
		}
	}
	return NewIndex(invoices, customers), probes
}

// squash is a token as the scanner compares it: no separators, upper case.
func squash(s string) string {
	return strings.ToUpper(strings.Map(func(r rune) rune {
		if strings.ContainsRune(" \t\r\n-.", r) {
			return -1
		}
		return r
	}, s))
}

// printed writes a compact reference the ways people and banks do.
func printed(ref string, style uint8) string {
	grouped := reference.Format(ref)
	switch style % 6 {
	case 0:
		return grouped
	case 1:
		return ref
	case 2:
		return strings.ToLower(grouped)
	case 3:
		return strings.ReplaceAll(grouped, " ", "-")
	case 4:
		return strings.ReplaceAll(grouped, " ", ".")
	default:
		return strings.Replace(grouped, " ", "\r\n", 1)
	}
}

// FuzzScanReferences runs the memo scanner that finds RF references (and
// invoice numbers) on arbitrary text. It must not panic; every reference
// hit must be a token of the text that is, without separators and
// ignoring case, a valid reference of the invoice it names; every flag's
// token must be in the text. And a valid reference appended after a
// clear break (" ; ") is found whatever the text before it says.
func FuzzScanReferences(f *testing.F) {
	ix, probes := fuzzIndex(f)
	for _, s := range []string{
		"RF18 5390 0754 7034", "rf18-5390-0754-7034 thanks", "Payment RF18 5390 0754 7035",
		"INV-000124 and INV-000125", "invoice no. 123", "RF71ACME2026X", "RF18 5390\r\n 0754 7034",
		"RF18 5390 0754 70341", "RFID 12", "rf", "RF99", "RF18539007547034RF18539007547034",
		"\xffRF18\x00539007547034", strings.Repeat("RF1 ", 40),
	} {
		f.Add(s, uint8(0), uint8(0))
	}
	// Every probe in every style, once: the index is what the fuzz
	// function expects.
	for _, want := range probes {
		for style := range uint8(6) {
			probeScan(f, ix, "", want, style)
		}
	}
	f.Add("paid", uint8(3), uint8(2))
	f.Add("", uint8(1), uint8(5))
	f.Fuzz(func(t *testing.T, text string, probe, style uint8) {
		checkScan(t, ix, text)
		probeScan(t, ix, text, probes[int(probe)%len(probes)], style)

		c := Collection{Amount: 5000, Currency: "EUR", Text: text}
		check(t, ix, c, ix.Match(c))
	})
}

// probeScan appends want, printed in style, to text after a clear break
// and expects the scanner to find it.
func probeScan(t testing.TB, ix *Index, text, want string, style uint8) {
	t.Helper()
	withRef := text + " ; " + printed(want, style) + " ; "
	hits := checkScan(t, ix, withRef)
	for _, h := range hits {
		if h.conf == confReference && ix.invoices[h.inv].Reference == want {
			return
		}
	}
	t.Fatalf("scan(%q) missed the reference %s at the end; hits %+v", withRef, want, hits)
}

// checkScan scans text and checks what the scanner reports.
func checkScan(t testing.TB, ix *Index, text string) []hit {
	t.Helper()
	m := matcher{ix: ix, c: Collection{Amount: 5000, Currency: "EUR", Text: text}, cur: ix.currency("EUR"), remaining: 5000}
	m.scan(text)
	hits := m.hits.items()
	for _, h := range hits {
		if h.text == "" || !strings.Contains(text, h.text) {
			t.Fatalf("scan(%q): hit token %q is not in the text", text, h.text)
		}
		if h.inv < 0 || int(h.inv) >= len(ix.invoices) {
			t.Fatalf("scan(%q): hit %q names invoice %d of %d", text, h.text, h.inv, len(ix.invoices))
		}
		if h.conf != confReference {
			continue // an invoice number
		}
		ref := ix.invoices[h.inv].Reference
		if got := squash(h.text); got != ref {
			t.Fatalf("scan(%q): token %q (%s) found invoice %s, whose reference is %s", text, h.text, got, ix.invoices[h.inv].ID, ref)
		}
		if norm, err := reference.Normalize(squash(h.text)); err != nil || norm != ref {
			t.Fatalf("scan(%q): token %q is not a valid reference: %q, %v", text, h.text, norm, err)
		}
	}
	for _, fl := range m.r.Flags {
		if fl.Text != "" && !strings.Contains(text, fl.Text) {
			t.Fatalf("scan(%q): flag %s token %q is not in the text", text, fl.Kind, fl.Text)
		}
		isRef := len(fl.Text) >= 2 && strings.EqualFold(fl.Text[:2], "RF")
		switch {
		case !isRef:
		case fl.Kind == FlagReferenceUnknown:
			if _, err := reference.Normalize(squash(fl.Text)); err != nil {
				t.Fatalf("scan(%q): %q flagged as an unknown reference, but it is not valid: %v", text, fl.Text, err)
			}
		case fl.Kind == FlagReferenceMistyped:
			if _, err := reference.Normalize(squash(fl.Text)); err == nil {
				t.Fatalf("scan(%q): %q flagged as mistyped, but it is a valid reference", text, fl.Text)
			}
		}
	}
	return hits
}
