// Package customer keeps the people and companies a merchant invoices:
// names and deliverable email addresses, unique per merchant, with the
// address, tax number and language their invoices are printed with, and
// what they owe.
package customer

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"entgo.io/ent/dialect/sql"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/ent/customer"
	entinvoice "github.com/tally-invoicing/tally/ent/invoice"
	"github.com/tally-invoicing/tally/ent/predicate"
	"github.com/tally-invoicing/tally/internal/fault"
	"github.com/tally-invoicing/tally/internal/invoice/status"
	"github.com/tally-invoicing/tally/internal/merchant"
	"github.com/tally-invoicing/tally/internal/party"
	"github.com/tally-invoicing/tally/internal/validate"
)

// ErrDuplicateEmail is returned when the merchant already has a customer
// with that email.
var ErrDuplicateEmail = fault.Invalid("email", "a customer with this email already exists")

// Service manages customers.
type Service struct{ client *ent.Client }

// NewService returns a Service over client.
func NewService(client *ent.Client) *Service { return &Service{client: client} }

// New is a customer to add. Name and Email are required; the rest is
// printed on invoices when given.
type New struct {
	Name, Email   string
	PostalAddress *party.Address
	TaxID         *string
	// Language is a tag of merchant.Languages; nil uses the merchant's.
	Language *string
}

// Input carries the fields of an update; nil fields and unset Changes stay
// as they are.
type Input struct {
	Name          *string
	Email         *string
	PostalAddress merchant.Change[party.Address]
	TaxID         merchant.Change[string]
	Language      merchant.Change[string]
}

// Create adds a customer to the viewer's merchant.
func (s *Service) Create(ctx context.Context, in New) (*ent.Customer, error) {
	n, err := cleanName(in.Name)
	if err != nil {
		return nil, err
	}
	e, err := validate.Email(in.Email)
	if err != nil {
		return nil, err
	}
	create := s.client.Customer.Create().SetName(n).SetEmail(e).SetPortalToken(NewPortalToken())
	id, err := identity(Input{
		PostalAddress: merchant.Change[party.Address]{Set: in.PostalAddress != nil, Value: in.PostalAddress},
		TaxID:         merchant.Change[string]{Set: in.TaxID != nil, Value: in.TaxID},
		Language:      merchant.Change[string]{Set: in.Language != nil, Value: in.Language},
	})
	if err != nil {
		return nil, err
	}
	if id.address != nil && !id.address.IsZero() {
		create.SetPostalAddress(*id.address)
	}
	if id.taxID != nil && *id.taxID != "" {
		create.SetTaxID(*id.taxID)
	}
	if id.language != nil && *id.language != "" {
		create.SetLanguage(*id.language)
	}
	if dup, err := s.client.Customer.Query().Where(customer.Email(e)).Exist(ctx); err != nil {
		return nil, err
	} else if dup {
		return nil, ErrDuplicateEmail
	}
	c, err := create.Save(ctx)
	if ent.IsConstraintError(err) {
		return nil, ErrDuplicateEmail // lost a race with an identical create
	}
	return c, err
}

// Update changes a customer's name, email, address, tax number or
// language.
func (s *Service) Update(ctx context.Context, id string, in Input) (*ent.Customer, error) {
	c, err := s.client.Customer.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	upd := s.client.Customer.UpdateOne(c)
	det, err := identity(in)
	if err != nil {
		return nil, err
	}
	switch a := det.address; {
	case a == nil:
	case a.IsZero():
		upd.ClearPostalAddress()
	default:
		upd.SetPostalAddress(*a)
	}
	switch t := det.taxID; {
	case t == nil:
	case *t == "":
		upd.ClearTaxID()
	default:
		upd.SetTaxID(*t)
	}
	switch l := det.language; {
	case l == nil:
	case *l == "":
		upd.ClearLanguage()
	default:
		upd.SetLanguage(*l)
	}
	if in.Name != nil {
		n, err := cleanName(*in.Name)
		if err != nil {
			return nil, err
		}
		upd.SetName(n)
	}
	if in.Email != nil {
		e, err := validate.Email(*in.Email)
		if err != nil {
			return nil, err
		}
		if e != c.Email {
			if dup, err := s.client.Customer.Query().Where(customer.Email(e), customer.IDNEQ(id)).Exist(ctx); err != nil {
				return nil, err
			} else if dup {
				return nil, ErrDuplicateEmail
			}
		}
		upd.SetEmail(e)
		if e != c.Email {
			upd.SetEmailBouncing(false) // a new address has not bounced yet
		}
	}
	c, err = upd.Save(ctx)
	if ent.IsConstraintError(err) {
		return nil, ErrDuplicateEmail
	}
	return c, err
}

// Search returns a predicate matching name or email, case-insensitively.
func Search(q string) predicate.Customer {
	q = strings.TrimSpace(q)
	return customer.Or(customer.NameContainsFold(q), customer.EmailContainsFold(q))
}

// details are the cleaned identity fields of an Input: nil when not
// given, the zero value to remove.
type details struct {
	address  *party.Address
	taxID    *string
	language *string
}

// identity checks the address, tax number and language of in with the
// merchant's rules (internal/merchant), naming the input's fields.
func identity(in Input) (details, error) {
	var d details
	if in.PostalAddress.Set {
		var a party.Address
		if in.PostalAddress.Value != nil {
			var err error
			if a, err = merchant.CleanAddress("postalAddress", *in.PostalAddress.Value); err != nil {
				return d, err
			}
		}
		d.address = &a
	}
	if in.TaxID.Set {
		var id string
		if in.TaxID.Value != nil {
			var err error
			if id, err = merchant.CleanTaxID("taxID", *in.TaxID.Value); err != nil {
				return d, err
			}
		}
		d.taxID = &id
	}
	if in.Language.Set {
		var tag string
		if in.Language.Value != nil && strings.TrimSpace(*in.Language.Value) != "" {
			var err error
			if tag, err = merchant.NormalizeLanguage("language", *in.Language.Value); err != nil {
				return d, err
			}
		}
		d.language = &tag
	}
	return d, nil
}

// Owed is what a customer owes in one currency, in its minor units.
type Owed struct {
	Currency string
	Minor    int64
}

// AmountDue is what the customer still owes on issued invoices (OPEN and
// PARTIALLY_PAID, each its total less what was paid), per currency in
// alphabetical order; empty when nothing. One grouped query.
func (s *Service) AmountDue(ctx context.Context, customerID string) ([]Owed, error) {
	var rows []struct {
		Currency string `json:"currency"`
		Due      int64  `json:"due"`
	}
	err := s.client.Invoice.Query().
		Where(
			entinvoice.CustomerID(customerID),
			entinvoice.StatusIn(status.Open, status.PartiallyPaid),
			func(s *sql.Selector) {
				s.Where(sql.ColumnsGT(s.C(entinvoice.FieldTotalMinor), s.C(entinvoice.FieldAmountPaidMinor)))
			},
		).
		GroupBy(entinvoice.FieldCurrency).
		Aggregate(func(s *sql.Selector) string {
			return sql.As(fmt.Sprintf("SUM(%s - %s)", s.C(entinvoice.FieldTotalMinor), s.C(entinvoice.FieldAmountPaidMinor)), "due")
		}).
		Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("amount due of %s: %w", customerID, err)
	}
	out := make([]Owed, len(rows))
	for i, r := range rows {
		out[i] = Owed{Currency: r.Currency, Minor: r.Due}
	}
	slices.SortFunc(out, func(a, b Owed) int { return strings.Compare(a.Currency, b.Currency) })
	return out, nil
}

func cleanName(name string) (string, error) {
	n := strings.TrimSpace(name)
	if n == "" {
		return "", fault.Invalid("name", "enter the customer's name")
	}
	if utf8.RuneCountInString(n) > 200 {
		return "", fault.Invalid("name", "name must be at most 200 characters")
	}
	return n, nil
}
