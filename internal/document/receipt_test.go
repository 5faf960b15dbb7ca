package document

import (
	"strings"
	"testing"
	"time"

	"github.com/tally-invoicing/tally/internal/money"
)

// The portal link is email-only, like the message: the PDF printed from
// the email is still byte for byte the preview.
func TestPortalLinkIsEmailOnly(t *testing.T) {
	s := full(t)
	preview := render(t, s)
	s.Message = "Hi Anna"
	s.PortalURL = "https://tally.example/portal/SECRETTOKEN"
	email := render(t, s)
	if !strings.Contains(email, s.PortalURL) || !strings.Contains(email, "All your invoices and receipts from") {
		t.Fatal("the email lacks the portal link")
	}
	if got := string(WithoutMessage([]byte(email))); got != preview {
		t.Fatalf("the email without its email-only parts differs from the preview (%d vs %d bytes)", len(got), len(preview))
	}
}

func TestReceiptSaysWhatIsStillDue(t *testing.T) {
	eur, _ := money.Lookup("EUR")
	r := Receipt{Lang: "de", MerchantName: "Acme GmbH", CustomerName: "Anna", InvoiceNumber: "INV-000007",
		Reference: "RF18539007547034", Currency: eur, Amount: 5000, Channel: "BANK_TRANSFER",
		ReceivedAt: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC), Total: 12000, StillDue: 7000,
		PortalURL: "https://tally.example/portal/T"}
	out, err := RenderReceipt(r)
	if err != nil {
		t.Fatal(err)
	}
	html := string(out)
	for _, want := range []string{"QUITTUNG", "INV-000007", "50,00", "70,00", "Noch offen", "Banküberweisung", "RF18 5390 0754 7034", "1. Dezember 2026"} {
		if !strings.Contains(html, want) {
			t.Errorf("the German receipt lacks %q", want)
		}
	}
	if strings.Contains(string(WithoutMessage(out)), "/portal/") {
		t.Error("the printed receipt keeps the email-only portal link")
	}
	r.StillDue = 0
	out, _ = RenderReceipt(r)
	if !strings.Contains(string(out), "Vollständig bezahlt") {
		t.Error("a receipt that settles the invoice does not say it is paid in full")
	}
}
