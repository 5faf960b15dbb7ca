package mail

import (
	"strings"
	"testing"
	"time"

	"github.com/tally-invoicing/tally/internal/document"
	"github.com/tally-invoicing/tally/internal/money"
)

func snap(lang string) document.Snapshot {
	eur, _ := money.Lookup("EUR")
	due := time.Date(2026, 12, 11, 0, 0, 0, 0, time.UTC)
	return document.Snapshot{
		Lang: lang, MerchantName: "Acme GmbH", Number: "INV-000001", Reference: "RF18539007547034",
		Currency: eur, Due: 123450, DueDate: &due, CheckoutURL: "https://pay.example/pay/tok",
	}
}

func TestSubjectFollowsTheCustomersLanguage(t *testing.T) {
	for _, tc := range []struct{ lang, kind, want string }{
		{"", KindInvoice, "Invoice INV-000001 from Acme GmbH"},
		{"en", KindReminder, "Reminder: Invoice INV-000001 from Acme GmbH"},
		{"de", KindInvoice, "Rechnung INV-000001 von Acme GmbH"},
		{"de-AT", KindReminder, "Zahlungserinnerung: Rechnung INV-000001 von Acme GmbH"},
		{"fr", KindInvoice, "Facture INV-000001 de Acme GmbH"},
		{"ja", KindInvoice, "Acme GmbH より請求書 INV-000001"},
		{"zh-TW", KindInvoice, "來自 Acme GmbH 的發票 INV-000001"},
	} {
		if got := Subject(snap(tc.lang), tc.kind); got != tc.want {
			t.Errorf("%s %s: %q, want %q", tc.lang, tc.kind, got, tc.want)
		}
	}
	s := snap("en")
	s.MerchantName = "Evil\r\nBcc: victim@example.com"
	if got := Subject(s, KindInvoice); strings.ContainsAny(got, "\r\n") {
		t.Errorf("a line break reached the subject header: %q", got)
	}
}

func TestPlainTextFollowsTheLanguageAndStartsWithTheMessage(t *testing.T) {
	s := snap("de")
	s.Message = "Hallo Anna,\nanbei die Rechnung."
	text := PlainText(s)
	for _, want := range []string{
		"Hallo Anna,\nanbei die Rechnung.", "Rechnung INV-000001 von Acme GmbH",
		"Offener Betrag: 1.234,50\u00a0€", "Fällig: 11. Dezember 2026", "Zahlungsreferenz: RF18 5390 0754 7034",
		"Online bezahlen: https://pay.example/pay/tok", "Die Rechnung ist als PDF angehängt.",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("text part lacks %q:\n%s", want, text)
		}
	}
	if !strings.HasPrefix(text, "Hallo Anna") {
		t.Error("the message must come first")
	}
	if en := PlainText(snap("")); !strings.HasPrefix(en, "Invoice INV-000001 from Acme GmbH\n\nAmount due: €1,234.50\n") {
		t.Errorf("English text part:\n%s", en)
	}
	if fr := PlainText(snap("fr")); !strings.Contains(fr, "Montant dû\u00a0: 1\u202f234,50\u00a0€") {
		t.Errorf("French puts a space before the colon:\n%s", fr)
	}
}

func TestDocumentTitle(t *testing.T) {
	if got := documentTitle("<html><head><title>Rechnung INV-000001 &amp; Co</title>", "x"); got != "Rechnung INV-000001 & Co" {
		t.Errorf("title = %q", got)
	}
	if got := documentTitle("<html>", "Invoice INV-1"); got != "Invoice INV-1" {
		t.Errorf("fallback = %q", got)
	}
}
