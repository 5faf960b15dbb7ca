// Package merchant keeps a merchant's own settings: the name and address
// printed on invoices, the default currency and the PDF paper size, and its
// payment settings (Infini keys, stablecoin wallets), from which it answers
// which payment methods the merchant can offer.
package merchant

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/tally-invoicing/tally/ent"
	entmerchant "github.com/tally-invoicing/tally/ent/merchant"
	"github.com/tally-invoicing/tally/internal/fault"
	"github.com/tally-invoicing/tally/internal/money"
	"github.com/tally-invoicing/tally/internal/tenant"
)

// Settings are changes to apply; nil fields stay as they are.
type Settings struct {
	Name            *string
	Address         *string
	DefaultCurrency *string
	PaperSize       *entmerchant.PaperSize
}

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
	if s.Address != nil {
		a := strings.TrimSpace(*s.Address)
		if utf8.RuneCountInString(a) > 500 {
			return nil, fault.Invalid("address", "address must be at most 500 characters")
		}
		upd.SetAddress(a)
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
	return upd.Save(ctx)
}
