// Package rates keeps a merchant's tax rates (VAT 19 %, GST 10 %, Sales tax
// CA) and its default rate, and turns the rate ids an invoice line gives
// into the copies the line stores. The arithmetic is the parent package.
package rates

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tally-invoicing/tally/internal/ptr"

	"github.com/shopspring/decimal"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/ent/merchant"
	"github.com/tally-invoicing/tally/ent/taxrate"
	"github.com/tally-invoicing/tally/internal/database"
	"github.com/tally-invoicing/tally/internal/fault"
	"github.com/tally-invoicing/tally/internal/invoice/lineitem"
	"github.com/tally-invoicing/tally/internal/party"
	"github.com/tally-invoicing/tally/internal/tax"
	"github.com/tally-invoicing/tally/internal/tenant"
)

// Limits.
const (
	maxName   = 100
	maxReason = 1000
)

// ErrArchived is returned when an archived rate is changed.
var ErrArchived = fault.New(fault.CodeConflict, "this tax rate is archived; create a new rate instead")

// Service manages tax rates. Every query goes through the ent client, whose
// tenant rules limit it to the viewer's merchant.
type Service struct{ client *ent.Client }

// NewService returns a Service over client.
func NewService(client *ent.Client) *Service { return &Service{client: client} }

// Input is a new rate.
type Input struct {
	Name       string
	Percentage decimal.Decimal
	Inclusive  bool
	// Category is STANDARD when nil.
	Category        *taxrate.Category
	Country         *string
	ExemptionReason *string
	// Default makes it the merchant's default rate.
	Default bool
}

// Changes edit a rate; nil fields stay as they are. Country and
// ExemptionReason are applied when their Set flag is true, a nil value
// removing them.
type Changes struct {
	Name       *string
	Percentage *decimal.Decimal
	Inclusive  *bool
	Category   *taxrate.Category
	SetCountry bool
	Country    *string
	SetReason  bool
	Reason     *string
	// Default true makes it the default rate; false stops it being the
	// default; nil leaves the default alone.
	Default *bool
}

// Create adds a rate to the viewer's merchant.
func (s *Service) Create(ctx context.Context, in Input) (*ent.TaxRate, error) {
	v := tenant.FromContext(ctx)
	if v == nil {
		return nil, tenant.ErrNoViewer
	}
	name, err := cleanName(in.Name)
	if err != nil {
		return nil, err
	}
	pct, err := percentage(in.Percentage)
	if err != nil {
		return nil, err
	}
	country, err := cleanCountry(in.Country)
	if err != nil {
		return nil, err
	}
	reason, err := cleanReason(in.ExemptionReason)
	if err != nil {
		return nil, err
	}
	var out *ent.TaxRate
	err = database.InTx(ctx, s.client, func(ctx context.Context, tx *ent.Client) error {
		c := tx.TaxRate.Create().SetName(name).SetPercentage(pct).SetInclusive(in.Inclusive).
			SetNillableCountry(country).SetNillableExemptionReason(reason)
		if in.Category != nil {
			c.SetCategory(*in.Category)
		}
		r, err := c.Save(ctx)
		if err != nil {
			return err
		}
		out = r
		if in.Default {
			return tx.Merchant.UpdateOneID(v.MerchantID).SetDefaultTaxRateID(r.ID).Exec(ctx)
		}
		return nil
	})
	return detach(out, err)
}

// Update changes a rate. Invoices already priced with it keep their copy.
func (s *Service) Update(ctx context.Context, id string, ch Changes) (*ent.TaxRate, error) {
	v := tenant.FromContext(ctx)
	if v == nil {
		return nil, tenant.ErrNoViewer
	}
	var out *ent.TaxRate
	err := database.InTx(ctx, s.client, func(ctx context.Context, tx *ent.Client) error {
		r, err := get(ctx, tx, id, "id")
		if err != nil {
			return err
		}
		if r.ArchivedAt != nil {
			return ErrArchived
		}
		upd := tx.TaxRate.UpdateOne(r)
		if ch.Name != nil {
			n, err := cleanName(*ch.Name)
			if err != nil {
				return err
			}
			upd.SetName(n)
		}
		if ch.Percentage != nil {
			p, err := percentage(*ch.Percentage)
			if err != nil {
				return err
			}
			upd.SetPercentage(p)
		}
		if ch.Inclusive != nil {
			upd.SetInclusive(*ch.Inclusive)
		}
		if ch.Category != nil {
			upd.SetCategory(*ch.Category)
		}
		if ch.SetCountry {
			c, err := cleanCountry(ch.Country)
			if err != nil {
				return err
			}
			if c == nil {
				upd.ClearCountry()
			} else {
				upd.SetCountry(*c)
			}
		}
		if ch.SetReason {
			rs, err := cleanReason(ch.Reason)
			if err != nil {
				return err
			}
			if rs == nil {
				upd.ClearExemptionReason()
			} else {
				upd.SetExemptionReason(*rs)
			}
		}
		if out, err = upd.Save(ctx); err != nil {
			return err
		}
		if ch.Default == nil {
			return nil
		}
		m, err := tx.Merchant.Get(ctx, v.MerchantID)
		if err != nil {
			return err
		}
		switch isDefault := m.DefaultTaxRateID != nil && *m.DefaultTaxRateID == id; {
		case *ch.Default && !isDefault:
			return tx.Merchant.UpdateOne(m).SetDefaultTaxRateID(id).Exec(ctx)
		case !*ch.Default && isDefault:
			return tx.Merchant.UpdateOne(m).ClearDefaultTaxRateID().Exec(ctx)
		}
		return nil
	})
	return detach(out, err)
}

// Archive retires a rate: it can no longer be put on lines and stops being
// the default; invoices that use it keep their copy. Archiving an archived
// rate returns it unchanged.
func (s *Service) Archive(ctx context.Context, id string) (*ent.TaxRate, error) {
	v := tenant.FromContext(ctx)
	if v == nil {
		return nil, tenant.ErrNoViewer
	}
	var out *ent.TaxRate
	err := database.InTx(ctx, s.client, func(ctx context.Context, tx *ent.Client) error {
		r, err := get(ctx, tx, id, "id")
		if err != nil {
			return err
		}
		if r.ArchivedAt != nil {
			out = r
			return nil
		}
		if out, err = tx.TaxRate.UpdateOne(r).SetArchivedAt(time.Now().UTC()).Save(ctx); err != nil {
			return err
		}
		_, err = tx.Merchant.Update().
			Where(merchant.ID(v.MerchantID), merchant.DefaultTaxRateID(id)).
			ClearDefaultTaxRateID().Save(ctx)
		return err
	})
	return detach(out, err)
}

// SetDefault makes rate id the merchant's default, or removes the default
// when id is nil. field names the input in errors (defaultTaxRateID).
func (s *Service) SetDefault(ctx context.Context, id *string, field string) error {
	v := tenant.FromContext(ctx)
	if v == nil {
		return tenant.ErrNoViewer
	}
	return database.InTx(ctx, s.client, func(ctx context.Context, tx *ent.Client) error {
		upd := tx.Merchant.UpdateOneID(v.MerchantID)
		if id == nil {
			return upd.ClearDefaultTaxRateID().Exec(ctx)
		}
		r, err := get(ctx, tx, *id, field)
		if err != nil {
			return err
		}
		if r.ArchivedAt != nil {
			return fault.Invalid(field, "this tax rate is archived; choose an active rate")
		}
		return upd.SetDefaultTaxRateID(r.ID).Exec(ctx)
	})
}

// Default is the merchant's default rate, nil when it has none (or the
// stored one is gone or archived).
func (s *Service) Default(ctx context.Context, m *ent.Merchant) (*ent.TaxRate, error) {
	if m.DefaultTaxRateID == nil {
		return nil, nil
	}
	r, err := s.client.TaxRate.Get(ctx, *m.DefaultTaxRateID)
	if ent.IsNotFound(err) {
		return nil, nil
	}
	if err != nil || r.ArchivedAt != nil {
		return nil, err
	}
	return r, nil
}

// Query lists the viewer's rates; archived ones only when includeArchived.
func (s *Service) Query(includeArchived bool) *ent.TaxRateQuery {
	q := s.client.TaxRate.Query()
	if !includeArchived {
		q.Where(taxrate.ArchivedAtIsNil())
	}
	return q
}

// ForLines resolves each line's rate ids, inside the caller's transaction
// tx, into the copies the line stores. A nil entry means "not given": the
// merchant's default rate, if any. An empty one means no tax. Errors name
// items[i].taxRateIDs: NOT_FOUND for an id that is not one of the
// merchant's rates, VALIDATION for an archived rate or a rate given twice.
// The mixing rules (one inclusive rate per line) are the parent package's.
func ForLines(ctx context.Context, tx *ent.Client, merchantID string, ids [][]string) ([][]lineitem.Tax, error) {
	want := map[string]bool{}
	needDefault := false
	for _, l := range ids {
		if l == nil {
			needDefault = true
		}
		for _, id := range l {
			want[id] = true
		}
	}
	var def *string
	if needDefault {
		m, err := tx.Merchant.Get(ctx, merchantID)
		if err != nil {
			return nil, err
		}
		if def = m.DefaultTaxRateID; def != nil {
			want[*def] = true
		}
	}
	found := map[string]*ent.TaxRate{}
	if len(want) > 0 {
		list := make([]string, 0, len(want))
		for id := range want {
			list = append(list, id)
		}
		rs, err := tx.TaxRate.Query().Where(taxrate.IDIn(list...)).All(ctx)
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			found[r.ID] = r
		}
	}
	out := make([][]lineitem.Tax, len(ids))
	for i, l := range ids {
		field := fmt.Sprintf("items[%d].taxRateIDs", i)
		if l == nil {
			if r := found[ptr.Val(def)]; def != nil && r != nil && r.ArchivedAt == nil {
				out[i] = []lineitem.Tax{Copy(r)}
			}
			continue
		}
		taxes := make([]lineitem.Tax, 0, len(l))
		for k, id := range l {
			r := found[id]
			if r == nil {
				return nil, &fault.Error{Code: fault.CodeNotFound, Field: field, Message: fmt.Sprintf("no tax rate with id %q", id)}
			}
			if r.ArchivedAt != nil {
				return nil, fault.Invalidf(field, "tax rate %q is archived; choose an active rate", r.Name)
			}
			for _, prev := range l[:k] {
				if prev == id {
					return nil, fault.Invalidf(field, "tax rate %q is given twice", r.Name)
				}
			}
			taxes = append(taxes, Copy(r))
		}
		out[i] = taxes
	}
	return out, nil
}

// Copy is rate r as a line stores it.
func Copy(r *ent.TaxRate) lineitem.Tax {
	return lineitem.Tax{
		ID: r.ID, Name: r.Name, Percentage: r.Percentage, Inclusive: r.Inclusive,
		Category: string(r.Category), Country: ptr.Val(r.Country), ExemptionReason: ptr.Val(r.ExemptionReason),
	}
}

func get(ctx context.Context, tx *ent.Client, id, field string) (*ent.TaxRate, error) {
	r, err := tx.TaxRate.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, &fault.Error{Code: fault.CodeNotFound, Field: field, Message: "no tax rate with this id"}
	}
	return r, err
}

func cleanName(name string) (string, error) {
	n := strings.TrimSpace(name)
	if n == "" {
		return "", fault.Invalid("name", "enter the tax's name, e.g. VAT")
	}
	if utf8.RuneCountInString(n) > maxName {
		return "", fault.Invalidf("name", "name must be at most %d characters", maxName)
	}
	return n, nil
}

// percentage checks p and returns its canonical text ("19", "8.875").
func percentage(p decimal.Decimal) (string, error) {
	if err := tax.CheckPercent("percentage", p); err != nil {
		return "", err
	}
	return p.String(), nil
}

func cleanCountry(c *string) (*string, error) {
	if c == nil {
		return nil, nil
	}
	code := strings.ToUpper(strings.TrimSpace(*c))
	if code == "" {
		return nil, nil
	}
	if _, err := party.CountryCode(code); err != nil {
		return nil, fault.Invalid("country", err.Error())
	}
	return &code, nil
}

func cleanReason(s *string) (*string, error) {
	if s == nil {
		return nil, nil
	}
	r := strings.TrimSpace(*s)
	if r == "" {
		return nil, nil
	}
	if utf8.RuneCountInString(r) > maxReason {
		return nil, fault.Invalidf("exemptionReason", "exemption reason must be at most %d characters", maxReason)
	}
	return &r, nil
}

// detach points a rate returned from a committed transaction back at the
// main client.
func detach(r *ent.TaxRate, err error) (*ent.TaxRate, error) {
	if err != nil || r == nil {
		return nil, err
	}
	return r.Unwrap(), nil
}
