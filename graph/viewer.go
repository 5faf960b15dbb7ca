package graph

import (
	"context"
	"fmt"

	"github.com/tally-invoicing/tally/graph/model"
	"github.com/tally-invoicing/tally/internal/auth"
	"github.com/tally-invoicing/tally/internal/tenant"
)

// authPayload finishes a sign-up or sign-in: the browser gets the cookie,
// the caller gets the token and who they now are.
func (r *Resolver) authPayload(ctx context.Context, ses *auth.Session) (*model.AuthPayload, error) {
	auth.SetSessionCookie(ctx, ses.Token)
	v, err := r.viewer(tenant.WithViewer(ctx, ses.Viewer), ses.Viewer)
	if err != nil {
		return nil, err
	}
	return &model.AuthPayload{Token: ses.Token, Viewer: v}, nil
}

func (r *Resolver) viewer(ctx context.Context, v *tenant.Viewer) (*model.Viewer, error) {
	out := &model.Viewer{}
	var err error
	if out.Merchant, err = r.Client.Merchant.Get(ctx, v.MerchantID); err != nil {
		return nil, fmt.Errorf("viewer's merchant %s: %w", v.MerchantID, err)
	}
	if v.UserID != "" {
		if out.User, err = r.Client.User.Get(ctx, v.UserID); err != nil {
			return nil, fmt.Errorf("viewer's user %s: %w", v.UserID, err)
		}
	}
	if v.APIKeyID != "" {
		if out.APIKey, err = r.Client.APIKey.Get(ctx, v.APIKeyID); err != nil {
			return nil, fmt.Errorf("viewer's API key %s: %w", v.APIKeyID, err)
		}
	}
	return out, nil
}
