// Package merchant keeps a merchant's own settings: who bills (names, tax
// number, address, bank details, logo), the defaults of new invoices
// (currency, payment terms, language, footer, paper size), and its payment
// settings (Infini keys, stablecoin wallets), from which it answers which
// payment methods the merchant can offer.
package merchant

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/tally-invoicing/tally/ent"
	entmerchant "github.com/tally-invoicing/tally/ent/merchant"
	"github.com/tally-invoicing/tally/internal/fault"
	"github.com/tally-invoicing/tally/internal/money"
	"github.com/tally-invoicing/tally/internal/party"
	"github.com/tally-invoicing/tally/internal/tenant"
	"github.com/tally-invoicing/tally/internal/validate"
)

// Settings are changes to apply; nil fields and unset Changes stay as they
// are.
type Settings struct {
	Name *string
	// Address is the old free-text address. Giving it alone removes
	// PostalAddress, so the address printed is the one written last.
	Address          *string
	LegalName        Change[string]
	TaxID            Change[string]
	PostalAddress    Change[party.Address]
	BankAccount      Change[party.BankAccount]
	PaymentTermsDays Change[int]
	Footer           *string
	Language         *string
	DefaultCurrency  *string
	PaperSize        *entmerchant.PaperSize
	// AutoMatchConfidence is the confidence (50 to 100 percent) from which
	// matches apply by themselves; below it they wait as proposals.
	AutoMatchConfidence *int
	// Autopilot is the reminder and payment email settings (autopilot.go).
	Autopilot
}

// Change is a setting that can be removed: when Set, a nil Value removes
// it and any other replaces it.
type Change[T any] struct {
	Set   bool
	Value *T
}

// MaxPaymentTermsDays bounds payment terms: a year.
const MaxPaymentTermsDays = 365

const maxFooter = 2000

// Update applies s to the viewer's merchant.
func Update(ctx context.Context, client *ent.Client, s Settings) (*ent.Merchant, error) {
	v := tenant.FromContext(ctx)
	if v == nil {
		return nil, tenant.ErrNoViewer
	}
	upd := client.Merchant.UpdateOneID(v.MerchantID)
	if s.Name != nil {
		n := strings.TrimSpace(*s.Name)
		if n == "" {
			return nil, fault.Invalid("name", "enter your business name")
		}
		if utf8.RuneCountInString(n) > 200 {
			return nil, fault.Invalid("name", "business name must be at most 200 characters")
		}
		upd.SetName(n)
	}
	if err := setIdentity(upd, s); err != nil {
		return nil, err
	}
	if s.DefaultCurrency != nil {
		c, ok := money.Lookup(*s.DefaultCurrency)
		if !ok {
			return nil, fault.Invalidf("defaultCurrency", "%q is not a supported currency code", *s.DefaultCurrency)
		}
		upd.SetDefaultCurrency(c.Code)
	}
	if s.PaperSize != nil {
		upd.SetPaperSize(*s.PaperSize)
	}
	if err := setAutopilot(upd, s.Autopilot); err != nil {
		return nil, err
	}
	return upd.Save(ctx)
}

// setIdentity applies who bills and the defaults printed on invoices.
func setIdentity(upd *ent.MerchantUpdateOne, s Settings) error {
	if s.Address != nil && s.PostalAddress.Set && s.PostalAddress.Value != nil {
		return fault.Invalid("address", "address is written from postalAddress; give only postalAddress")
	}
	if s.Address != nil {
		a := strings.TrimSpace(*s.Address)
		if utf8.RuneCountInString(a) > 500 {
			return fault.Invalid("address", "address must be at most 500 characters")
		}
		upd.SetAddress(a).ClearPostalAddress()
	}
	if s.PostalAddress.Set {
		var a party.Address
		if s.PostalAddress.Value != nil {
			var err error
			if a, err = CleanAddress("postalAddress", *s.PostalAddress.Value); err != nil {
				return err
			}
		}
		if a.IsZero() {
			upd.ClearPostalAddress()
			if s.Address == nil {
				upd.SetAddress("") // it was the formatted postal address
			}
		} else {
			upd.SetPostalAddress(a).SetAddress(FormatAddress(a))
		}
	}
	if s.LegalName.Set {
		n := ""
		if s.LegalName.Value != nil {
			var err error
			if n, err = CleanLegalName("legalName", *s.LegalName.Value); err != nil {
				return err
			}
		}
		if n == "" {
			upd.ClearLegalName()
		} else {
			upd.SetLegalName(n)
		}
	}
	if s.TaxID.Set {
		id := ""
		if s.TaxID.Value != nil {
			var err error
			if id, err = CleanTaxID("taxID", *s.TaxID.Value); err != nil {
				return err
			}
		}
		if id == "" {
			upd.ClearTaxID()
		} else {
			upd.SetTaxID(id)
		}
	}
	if s.BankAccount.Set {
		var b party.BankAccount
		if s.BankAccount.Value != nil {
			var err error
			if b, err = CleanBankAccount("bankAccount", *s.BankAccount.Value); err != nil {
				return err
			}
		}
		if b == (party.BankAccount{}) {
			upd.ClearBankAccount()
		} else {
			upd.SetBankAccount(b)
		}
	}
	if c := s.AutoMatchConfidence; c != nil {
		if *c < 50 || *c > 100 {
			return fault.Invalidf("autoMatchConfidence", "%d is not a confidence Tally uses; give 50 to 100 percent (90: references, invoice numbers and known payers paying one invoice's amount apply; amount-only matches wait)", *c)
		}
		upd.SetAutoMatchConfidence(*c)
	}
	if s.PaymentTermsDays.Set {
		if d := s.PaymentTermsDays.Value; d == nil {
			upd.ClearPaymentTermsDays()
		} else if err := CheckPaymentTerms("paymentTermsDays", *d); err != nil {
			return err
		} else {
			upd.SetPaymentTermsDays(*d)
		}
	}
	if s.Footer != nil {
		f := strings.TrimSpace(*s.Footer)
		if err := validate.MultiLine(f); err != nil {
			return fault.Invalid("footer", err.Error())
		}
		if utf8.RuneCountInString(f) > maxFooter {
			return fault.Invalidf("footer", "the footer must be at most %d characters", maxFooter)
		}
		upd.SetFooter(f)
	}
	if s.Language != nil {
		tag, err := NormalizeLanguage("language", *s.Language)
		if err != nil {
			return err
		}
		upd.SetLanguage(tag)
	}
	return nil
}

// CheckPaymentTerms checks payment terms in days after issue: 0 (due on
// receipt) to MaxPaymentTermsDays.
func CheckPaymentTerms(field string, days int) error {
	if days < 0 || days > MaxPaymentTermsDays {
		return fault.Invalidf(field, "payment terms are 0 (due on receipt) to %d days, e.g. 30 for Net 30", MaxPaymentTermsDays)
	}
	return nil
}
