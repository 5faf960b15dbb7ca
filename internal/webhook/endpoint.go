package webhook

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"entgo.io/ent/dialect"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/ent/merchant"
	"github.com/tally-invoicing/tally/ent/webhookattempt"
	"github.com/tally-invoicing/tally/ent/webhookdelivery"
	"github.com/tally-invoicing/tally/ent/webhookendpoint"
	"github.com/tally-invoicing/tally/internal/database"
	"github.com/tally-invoicing/tally/internal/fault"
	"github.com/tally-invoicing/tally/internal/outbound"
	"github.com/tally-invoicing/tally/internal/tenant"
	"github.com/tally-invoicing/tally/internal/validate"
)

// Limits on endpoints.
const (
	// MaxEndpoints is how many endpoints one merchant may have.
	MaxEndpoints = 16
	// MaxURL is the longest endpoint URL accepted, in bytes.
	MaxURL = 2048
	// MaxDescription is the longest description, in characters.
	MaxDescription = 500
	// SecretPrefix starts every signing secret, so a leaked one is
	// recognisable (secret scanners, logs).
	SecretPrefix = "whsec_"
	// RotationOverlap is how long the secret replaced by a rotation keeps
	// signing next to the new one.
	RotationOverlap = 24 * time.Hour
)

// ErrNotFound is an endpoint or delivery that does not exist or belongs to
// another merchant: the two are indistinguishable on purpose.
var ErrNotFound = fault.New(fault.CodeNotFound, "no webhook endpoint or delivery with this id")

// Clock is the merchants' time (internal/clock's Clock is one).
type Clock interface {
	Now(merchantID string) time.Time
}

// Endpoints manages a merchant's webhook endpoints. Every method runs as
// the viewer in ctx, whose merchant the ent interceptors filter by.
type Endpoints struct {
	client     *ent.Client
	policy     outbound.Policy
	production bool
	clock      Clock
	rowLocks   bool
	// Lookup resolves a URL's host at creation and update, to refuse names
	// that point inside Tally's network in production. The dialer checks
	// again on every connection (a name can be re-pointed later).
	Lookup func(ctx context.Context, host string) ([]netip.Addr, error)
}

// NewEndpoints returns the endpoint service over client; policy is the
// outbound policy deliveries go out under, and production additionally
// demands https.
func NewEndpoints(client *ent.Client, dia string, policy outbound.Policy, production bool, clock Clock) *Endpoints {
	return &Endpoints{client: client, policy: policy, production: production, clock: clock, rowLocks: dia == dialect.Postgres,
		Lookup: func(ctx context.Context, host string) ([]netip.Addr, error) {
			return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
		}}
}

// EndpointInput is a new endpoint.
type EndpointInput struct {
	URL         string
	Events      []string
	Description string
}

// EndpointChange is an update; nil fields stay as they are.
type EndpointChange struct {
	URL         *string
	Events      []string // nil: unchanged
	Description *string
	Enabled     *bool
}

// Create adds an endpoint for the viewer's merchant and returns it with
// its signing secret, which is not shown again.
func (s *Endpoints) Create(ctx context.Context, in EndpointInput) (*ent.WebhookEndpoint, string, error) {
	v := tenant.FromContext(ctx)
	if v == nil {
		return nil, "", tenant.ErrNoViewer
	}
	u, err := s.checkURL(ctx, in.URL)
	if err != nil {
		return nil, "", err
	}
	events, err := checkEvents(in.Events)
	if err != nil {
		return nil, "", err
	}
	desc, err := checkDescription(in.Description)
	if err != nil {
		return nil, "", err
	}
	secret, err := NewSecret()
	if err != nil {
		return nil, "", err
	}
	var ep *ent.WebhookEndpoint
	err = database.InTx(ctx, s.client, func(ctx context.Context, tx *ent.Client) error {
		// The merchant row is the lock that makes the count and the insert
		// one step, so racing requests cannot pass MaxEndpoints together.
		// (SQLite serialises writers already.)
		if s.rowLocks {
			q := tx.Merchant.Query().Where(merchant.ID(v.MerchantID))
			q.ForUpdate()
			if _, err := q.IDs(tenant.System(ctx)); err != nil {
				return fmt.Errorf("lock merchant: %w", err)
			}
		}
		n, err := tx.WebhookEndpoint.Query().Count(ctx)
		if err != nil {
			return fmt.Errorf("count webhook endpoints: %w", err)
		}
		if n >= MaxEndpoints {
			return fault.New(fault.CodeConflict, fmt.Sprintf("a merchant can have at most %d webhook endpoints; delete one you no longer use first", MaxEndpoints))
		}
		ep, err = tx.WebhookEndpoint.Create().SetURL(u).SetEvents(events).SetDescription(desc).SetSecret(secret).Save(ctx)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	return ep.Unwrap(), secret, nil
}

// Update changes an endpoint. Disabling it fails its pending deliveries;
// enabling it clears the reason it was disabled and its failure streak.
func (s *Endpoints) Update(ctx context.Context, id string, ch EndpointChange) (*ent.WebhookEndpoint, error) {
	var ep *ent.WebhookEndpoint
	err := database.InTx(ctx, s.client, func(ctx context.Context, tx *ent.Client) error {
		cur, err := s.get(ctx, tx, id)
		if err != nil {
			return err
		}
		upd := tx.WebhookEndpoint.UpdateOne(cur)
		if ch.URL != nil {
			u, err := s.checkURL(ctx, *ch.URL)
			if err != nil {
				return err
			}
			upd.SetURL(u)
		}
		if ch.Events != nil {
			events, err := checkEvents(ch.Events)
			if err != nil {
				return err
			}
			upd.SetEvents(events)
		}
		if ch.Description != nil {
			desc, err := checkDescription(*ch.Description)
			if err != nil {
				return err
			}
			upd.SetDescription(desc)
		}
		if ch.Enabled != nil {
			switch {
			case *ch.Enabled && cur.Status == webhookendpoint.StatusDISABLED:
				upd.SetStatus(webhookendpoint.StatusENABLED).ClearDisabledReason().ClearFailingSince()
			case !*ch.Enabled && cur.Status == webhookendpoint.StatusENABLED:
				upd.SetStatus(webhookendpoint.StatusDISABLED).SetDisabledReason("Disabled by the merchant.")
				if err := failPending(ctx, tx, cur.ID, "The endpoint was disabled by the merchant."); err != nil {
					return err
				}
			}
		}
		ep, err = upd.Save(ctx)
		return err
	})
	if err != nil {
		return nil, err
	}
	return ep.Unwrap(), nil
}

// Delete removes an endpoint with its deliveries and their attempts, so
// nothing more is posted to it. Events stay: other endpoints may have
// received them.
func (s *Endpoints) Delete(ctx context.Context, id string) error {
	return database.InTx(ctx, s.client, func(ctx context.Context, tx *ent.Client) error {
		ep, err := s.get(ctx, tx, id)
		if err != nil {
			return err
		}
		return deleteEndpoint(ctx, tx, ep.ID)
	})
}

// Rotate gives an endpoint a new signing secret and returns it. The
// replaced secret keeps signing, next to the new one, for RotationOverlap
// (a second rotation within that time ends the oldest secret at once).
func (s *Endpoints) Rotate(ctx context.Context, id string) (*ent.WebhookEndpoint, string, error) {
	secret, err := NewSecret()
	if err != nil {
		return nil, "", err
	}
	var ep *ent.WebhookEndpoint
	err = database.InTx(ctx, s.client, func(ctx context.Context, tx *ent.Client) error {
		cur, err := s.get(ctx, tx, id)
		if err != nil {
			return err
		}
		ep, err = tx.WebhookEndpoint.UpdateOne(cur).SetSecret(secret).SetPreviousSecret(cur.Secret).
			SetPreviousSecretExpiresAt(s.clock.Now(cur.MerchantID).Add(RotationOverlap)).Save(ctx)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	return ep.Unwrap(), secret, nil
}

// get loads the viewer's endpoint id, locked for the transaction on
// PostgreSQL.
func (s *Endpoints) get(ctx context.Context, tx *ent.Client, id string) (*ent.WebhookEndpoint, error) {
	q := tx.WebhookEndpoint.Query().Where(webhookendpoint.ID(id))
	if s.rowLocks {
		q.ForUpdate()
	}
	ep, err := q.Only(ctx)
	if ent.IsNotFound(err) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load webhook endpoint: %w", err)
	}
	return ep, nil
}

// NewSecret is a fresh signing secret: SecretPrefix and 256 random bits.
func NewSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("webhook secret: %w", err)
	}
	return SecretPrefix + base64.RawURLEncoding.EncodeToString(b), nil
}

// checkURL validates an endpoint URL and returns it trimmed.
func (s *Endpoints) checkURL(ctx context.Context, raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	const example = "e.g. https://example.com/tally/webhooks"
	if raw == "" {
		return "", fault.Invalid("url", "enter the URL Tally should post events to, "+example)
	}
	if len(raw) > MaxURL {
		return "", fault.Invalidf("url", "the URL must be at most %d characters", MaxURL)
	}
	if validate.SingleLine(raw) != nil {
		return "", fault.Invalid("url", "the URL must be one line of printable characters")
	}
	u, err := url.Parse(raw)
	if err != nil || !u.IsAbs() || u.Host == "" || u.Hostname() == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return "", fault.Invalid("url", "the URL must be an absolute http(s) address, "+example)
	}
	if u.User != nil {
		return "", fault.Invalid("url", "the URL must not carry a user name or password; authenticate deliveries by their Tally-Signature header instead")
	}
	if u.Fragment != "" {
		return "", fault.Invalid("url", "the URL must not have a #fragment: it is never sent to the server")
	}
	if s.production && u.Scheme != "https" {
		return "", fault.Invalid("url", "the URL must use https, "+example)
	}
	host := u.Hostname()
	if err := s.policy.CheckHost(host); err != nil {
		return "", fault.Invalidf("url", "%v; use a public address", err)
	}
	if !s.policy.AllowPrivate {
		if _, err := netip.ParseAddr(host); err != nil { // a name: what it points to now
			lctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			addrs, err := s.Lookup(lctx, host)
			cancel()
			if err != nil || len(addrs) == 0 {
				return "", fault.Invalidf("url", "the host %s could not be resolved; check the name", host)
			}
			for _, a := range addrs {
				if err := s.policy.Check(a); err != nil {
					if re, ok := errors.AsType[*outbound.RefusedError](err); ok {
						re.Host = host
					}
					return "", fault.Invalidf("url", "%v; use a public address", err)
				}
			}
		}
	}
	return u.String(), nil
}

// checkEvents validates and de-duplicates event types.
func checkEvents(events []string) ([]string, error) {
	if len(events) == 0 {
		return nil, fault.Invalid("events", `choose at least one event type (see webhookEventTypes), or ["*"] for all`)
	}
	out := make([]string, 0, len(events))
	for _, e := range events {
		e = strings.TrimSpace(e)
		if !Known(e) {
			return nil, fault.Invalidf("events", "%q is not an event type; see webhookEventTypes for the list", e)
		}
		if !slices.Contains(out, e) {
			out = append(out, e)
		}
	}
	if slices.Contains(out, All) {
		out = []string{All}
	}
	return out, nil
}

func checkDescription(d string) (string, error) {
	d = strings.TrimSpace(d)
	if utf8.RuneCountInString(d) > MaxDescription {
		return "", fault.Invalidf("description", "the description must be at most %d characters", MaxDescription)
	}
	if validate.SingleLine(d) != nil {
		return "", fault.Invalid("description", "the description must be one line of printable characters")
	}
	return d, nil
}

// failPending gives up every pending delivery of endpoint id.
func failPending(ctx context.Context, tx *ent.Client, id, reason string) error {
	err := tx.WebhookDelivery.Update().
		Where(webhookdelivery.EndpointID(id), webhookdelivery.StatusEQ(webhookdelivery.StatusPENDING)).
		SetStatus(webhookdelivery.StatusFAILED).ClearNextAttemptAt().SetLastError(reason).
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("fail pending deliveries: %w", err)
	}
	return nil
}

// deleteEndpoint removes endpoint id, its deliveries and their attempts.
func deleteEndpoint(ctx context.Context, tx *ent.Client, id string) error {
	if _, err := tx.WebhookAttempt.Delete().Where(webhookattempt.HasDeliveryWith(webhookdelivery.EndpointID(id))).Exec(ctx); err != nil {
		return fmt.Errorf("delete webhook attempts: %w", err)
	}
	if _, err := tx.WebhookDelivery.Delete().Where(webhookdelivery.EndpointID(id)).Exec(ctx); err != nil {
		return fmt.Errorf("delete webhook deliveries: %w", err)
	}
	if err := tx.WebhookEndpoint.DeleteOneID(id).Exec(ctx); err != nil {
		return fmt.Errorf("delete webhook endpoint: %w", err)
	}
	return nil
}
