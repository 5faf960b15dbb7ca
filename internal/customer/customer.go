// Package customer keeps the people and companies a merchant invoices:
// names and deliverable email addresses, unique per merchant.
package customer

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/ent/customer"
	"github.com/tally-invoicing/tally/ent/predicate"
	"github.com/tally-invoicing/tally/internal/fault"
	"github.com/tally-invoicing/tally/internal/validate"
)

// ErrDuplicateEmail is returned when the merchant already has a customer
// with that email.
var ErrDuplicateEmail = fault.Invalid("email", "a customer with this email already exists")

// Service manages customers.
type Service struct{ client *ent.Client }

// NewService returns a Service over client.
func NewService(client *ent.Client) *Service { return &Service{client: client} }

// Input carries the fields of a create or update; nil means unchanged.
type Input struct {
	Name  *string
	Email *string
}

// Create adds a customer to the viewer's merchant.
func (s *Service) Create(ctx context.Context, name, email string) (*ent.Customer, error) {
	n, err := cleanName(name)
	if err != nil {
		return nil, err
	}
	e, err := validate.Email(email)
	if err != nil {
		return nil, err
	}
	if dup, err := s.client.Customer.Query().Where(customer.Email(e)).Exist(ctx); err != nil {
		return nil, err
	} else if dup {
		return nil, ErrDuplicateEmail
	}
	c, err := s.client.Customer.Create().SetName(n).SetEmail(e).Save(ctx)
	if ent.IsConstraintError(err) {
		return nil, ErrDuplicateEmail // lost a race with an identical create
	}
	return c, err
}

// Update changes a customer's name or email.
func (s *Service) Update(ctx context.Context, id string, in Input) (*ent.Customer, error) {
	c, err := s.client.Customer.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	upd := s.client.Customer.UpdateOne(c)
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
