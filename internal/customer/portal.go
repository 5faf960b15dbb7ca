package customer

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/ent/customer"
	"github.com/tally-invoicing/tally/internal/tenant"
)

// NewPortalToken returns a fresh secret for a customer's portal link: two
// rand.Text values, 2 x 128 random bits in base32, like a payment link's
// token, so it cannot be guessed or enumerated.
func NewPortalToken() string { return rand.Text() + rand.Text() }

// PortalURL is the customer's portal link under baseURL, or "" when the
// customer has no token yet.
func PortalURL(baseURL string, c *ent.Customer) string {
	if c == nil || c.PortalToken == nil || *c.PortalToken == "" {
		return ""
	}
	return baseURL + "/portal/" + *c.PortalToken
}

// EnsurePortalToken returns c with its portal token, giving it one when it
// has none. The token is set with a conditional update (only while it is
// still null), so callers racing for the same customer all end up with the
// one token that won.
func EnsurePortalToken(ctx context.Context, client *ent.Client, c *ent.Customer) (*ent.Customer, error) {
	if c.PortalToken != nil && *c.PortalToken != "" {
		return c, nil
	}
	err := client.Customer.Update().
		Where(customer.ID(c.ID), customer.PortalTokenIsNil()).
		SetPortalToken(NewPortalToken()).
		Exec(ctx)
	if err != nil {
		return nil, fmt.Errorf("give customer %s a portal link: %w", c.ID, err)
	}
	out, err := client.Customer.Get(ctx, c.ID)
	if err != nil {
		return nil, fmt.Errorf("reload customer %s: %w", c.ID, err)
	}
	return out, nil
}

// PortalLink returns c's portal link under baseURL, giving c a token
// first if it has none.
func (s *Service) PortalLink(ctx context.Context, c *ent.Customer, baseURL string) (string, error) {
	c, err := EnsurePortalToken(ctx, s.client, c)
	if err != nil {
		return "", err
	}
	return PortalURL(baseURL, c), nil
}

// RevokePortalLink replaces customer id's portal token: the old link
// answers 404 from the moment this returns.
func (s *Service) RevokePortalLink(ctx context.Context, id string) (*ent.Customer, error) {
	c, err := s.client.Customer.UpdateOneID(id).SetPortalToken(NewPortalToken()).Save(ctx)
	if err != nil {
		return nil, fmt.Errorf("revoke portal link of customer %s: %w", id, err)
	}
	return c, nil
}

// ClaimPortalTokens gives every customer without a portal token one, at
// start-up: customers created before portal links existed get theirs
// before any email could need it. It is a no-op once every customer has
// one.
func ClaimPortalTokens(ctx context.Context, client *ent.Client, log *slog.Logger) error {
	ctx = tenant.System(ctx)
	total := 0
	for {
		ids, err := client.Customer.Query().Where(customer.PortalTokenIsNil()).Limit(500).IDs(ctx)
		if err != nil {
			return fmt.Errorf("find customers without a portal link: %w", err)
		}
		if len(ids) == 0 {
			break
		}
		for _, id := range ids {
			// Conditional: another process starting at the same time may
			// have given this customer a token already.
			err := client.Customer.Update().Where(customer.ID(id), customer.PortalTokenIsNil()).
				SetPortalToken(NewPortalToken()).Exec(ctx)
			if err != nil {
				return fmt.Errorf("give customer %s a portal link: %w", id, err)
			}
		}
		total += len(ids)
	}
	if total > 0 {
		log.Info("gave existing customers portal links", "customers", total)
	}
	return nil
}
