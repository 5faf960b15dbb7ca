package checkout

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/ent/checkoutsession"
	"github.com/tally-invoicing/tally/ent/payment"
	"github.com/tally-invoicing/tally/internal/checkout/infini"
	"github.com/tally-invoicing/tally/internal/database"
	"github.com/tally-invoicing/tally/internal/invoice"
	"github.com/tally-invoicing/tally/internal/money"
	"github.com/tally-invoicing/tally/internal/ptr"
	"github.com/tally-invoicing/tally/internal/tenant"
)

// maxWebhookCandidates bounds the sessions (in different provider accounts)
// a webhook's order id is tried against; the genuine one was stored first.
const maxWebhookCandidates = 20

func (s *Service) infiniClient(a infini.Account) *infini.Client {
	return infini.NewClient(infini.Config{BaseURL: a.BaseURL, KeyID: a.KeyID, Secret: a.Secret, HTTPClient: s.cfg.HTTPClient})
}

// HandleInfiniWebhook verifies and applies one Infini webhook delivery. It
// returns nil for deliveries to acknowledge (applied, duplicate, or not
// about an order), an infini verification error for a forged or stale one,
// and any other error for a failure Infini should retry.
func (s *Service) HandleInfiniWebhook(ctx context.Context, h http.Header, body []byte) error {
	ctx = tenant.System(ctx)
	head, err := infini.ParseEvent(body)
	if err != nil {
		return err
	}
	if !strings.HasPrefix(head.Name, "order.") || head.OrderID == "" {
		return nil // card, subscription and unknown events: not ours to act on
	}
	sess, ev, err := s.webhookSession(ctx, head.OrderID, h, body)
	if err != nil {
		return err
	}
	return database.InTx(ctx, s.client, func(ctx context.Context, tx *ent.Client) error {
		// The receipt and the effect commit together: a redelivery finds the
		// receipt and changes nothing.
		err := tx.WebhookReceipt.Create().SetProvider("infini").SetEventID(ev.ID).Exec(ctx)
		if ent.IsConstraintError(err) {
			return errDuplicate
		}
		if err != nil {
			return err
		}
		return s.applyOrder(ctx, tx, sess.ID, orderState{
			Status: ev.Status, Currency: ev.Currency, Amount: ev.Amount, Confirmed: ev.AmountConfirmed,
			Tags: ev.ExceptionTags, Late: ev.Name == "order.late_payment",
		})
	})
}

// webhookSession finds the session a webhook is about and verifies the
// webhook. Webhooks name no account, and order ids are unique only within
// one, so the order id alone may match sessions of several merchants (one
// whose provider made up another's id): the session is the one whose
// account's webhook secret signed the delivery, the earliest if several do.
func (s *Service) webhookSession(ctx context.Context, orderID string, h http.Header, body []byte) (*ent.CheckoutSession, *infini.Event, error) {
	candidates, err := s.client.CheckoutSession.Query().
		Where(checkoutsession.OrderID(orderID), checkoutsession.ProviderEQ(checkoutsession.ProviderINFINI)).
		Order(ent.Asc(checkoutsession.FieldCreatedAt), ent.Asc(checkoutsession.FieldID)).
		Limit(maxWebhookCandidates).All(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("sessions of infini order %s: %w", orderID, err)
	}
	if len(candidates) == 0 {
		return nil, nil, ErrUnknownOrder
	}
	for _, sess := range candidates {
		m, err := s.client.Merchant.Get(ctx, sess.MerchantID)
		if err != nil {
			return nil, nil, fmt.Errorf("merchant of session %s: %w", sess.ID, err)
		}
		acct, ok := s.accounts.InfiniAccount(m)
		// A session from before accounts were recorded belongs to its
		// merchant's account; one from an account the merchant has since
		// left cannot be verified any more.
		if !ok || (sess.ProviderAccount != nil && *sess.ProviderAccount != acct.ID()) {
			continue
		}
		ev, err := infini.VerifyWebhook(acct.WebhookSecret, h, body, s.now())
		if err == nil || !errors.Is(err, infini.ErrBadSignature) {
			// Verified, or refused for a reason no other secret changes
			// (missing headers; a stale timestamp under a good signature).
			return sess, ev, err
		}
	}
	return nil, nil, infini.ErrBadSignature
}

var errDuplicate = errors.New("duplicate delivery")

// IsDuplicate reports whether HandleInfiniWebhook saw a redelivery.
func IsDuplicate(err error) bool { return errors.Is(err, errDuplicate) }

type orderState struct {
	Status    infini.OrderStatus
	Currency  string
	Amount    decimal.Decimal
	Confirmed decimal.Decimal
	Tags      []string
	Late      bool
}

// applyOrder brings a session and its invoice up to what Infini reports.
// amount_confirmed is cumulative, so only its growth is new money: an old or
// repeated report adds nothing, and a session never moves backwards.
func (s *Service) applyOrder(ctx context.Context, tx *ent.Client, sessionID string, st orderState) error {
	q := tx.CheckoutSession.Query().Where(checkoutsession.ID(sessionID))
	if s.rowLocks {
		q.ForUpdate()
	}
	sess, err := q.Only(ctx)
	if err != nil {
		return err
	}
	if st.Currency != "" && !strings.EqualFold(st.Currency, sess.Currency) {
		return fmt.Errorf("infini order %s is in %s, session %s in %s", ptr.Val(sess.OrderID), st.Currency, sess.ID, sess.Currency)
	}
	c, _ := money.Lookup(sess.Currency)
	// Amounts finer than the currency's minor unit are rounded down: Tally
	// never counts money that did not arrive.
	confirmed := st.Confirmed.Shift(c.Exponent).Floor().IntPart()
	late := st.Late || slices.Contains(st.Tags, "late") || s.now().After(sess.ExpiresAt)
	if delta := confirmed - sess.ConfirmedMinor; delta > 0 {
		channel := payment.ChannelCHECKOUT_CARD
		if sess.Method == checkoutsession.MethodCRYPTO {
			channel = payment.ChannelCHECKOUT_CRYPTO
		}
		if _, _, err := s.invoices.ApplyPayment(ctx, tx, sess.InvoiceID, invoice.Received{
			Amount: delta, Channel: channel, Provider: "infini", ExternalID: ptr.Val(sess.OrderID),
			ReceivedAt: s.now(), Late: late, CheckoutSessionID: sess.ID, Rule: payment.RuleCHECKOUT,
			// amount_confirmed only grows, so order + total names this money once.
			DedupeKey: dedupeKey(sess, confirmed),
		}); err != nil {
			return err
		}
	}
	upd := tx.CheckoutSession.UpdateOne(sess)
	if confirmed > sess.ConfirmedMinor {
		upd.SetConfirmedMinor(confirmed)
	}
	if len(st.Tags) > 0 {
		upd.SetExceptionTags(mergeTags(sess.ExceptionTags, st.Tags))
	}
	next := sess.Status
	switch {
	case max(confirmed, sess.ConfirmedMinor) >= sess.AmountMinor || st.Status == infini.StatusPaid:
		next = checkoutsession.StatusSETTLED
	case st.Status == infini.StatusExpired || st.Status == infini.StatusPartialPaid:
		next = checkoutsession.StatusEXPIRED
	case st.Status == infini.StatusProcessing:
		next = checkoutsession.StatusPROCESSING
	}
	if rank(next) > rank(sess.Status) {
		upd.SetStatus(next)
	}
	return upd.Exec(ctx)
}

// dedupeKey names the money an Infini order has confirmed up to confirmed.
// Order ids are unique within an account only, so the account is part of
// the key; sessions from before accounts were recorded keep the old form.
func dedupeKey(sess *ent.CheckoutSession, confirmed int64) string {
	if sess.ProviderAccount == nil {
		return fmt.Sprintf("infini:%s:%d", ptr.Val(sess.OrderID), confirmed)
	}
	return fmt.Sprintf("infini:%s:%s:%d", *sess.ProviderAccount, ptr.Val(sess.OrderID), confirmed)
}

// rank orders session statuses so reports arriving out of order never move
// a session back: NEW < PROCESSING < EXPIRED/FAILED < SETTLED.
func rank(st checkoutsession.Status) int {
	switch st {
	case checkoutsession.StatusPROCESSING:
		return 1
	case checkoutsession.StatusEXPIRED, checkoutsession.StatusFAILED:
		return 2
	case checkoutsession.StatusSETTLED:
		return 3
	}
	return 0
}

func mergeTags(have, add []string) []string {
	out := slices.Clone(have)
	for _, t := range add {
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return out
}

// Refresh asks Infini for the state of the invoice's open orders and applies
// it: the repair for a webhook that never came, run when the payer returns
// from the hosted checkout.
func (s *Service) Refresh(ctx context.Context, invoiceID string) error {
	ctx = tenant.System(ctx)
	sessions, err := s.client.CheckoutSession.Query().Where(
		checkoutsession.InvoiceID(invoiceID), checkoutsession.ProviderEQ(checkoutsession.ProviderINFINI),
		checkoutsession.OrderIDNotNil(), checkoutsession.StatusIn(checkoutsession.StatusNEW, checkoutsession.StatusPROCESSING),
	).All(ctx)
	if err != nil {
		return fmt.Errorf("open infini sessions of invoice %s: %w", invoiceID, err)
	}
	for _, sess := range sessions {
		if err := s.refreshSession(ctx, sess); err != nil {
			return err
		}
	}
	return nil
}

// Reconcile reads back open Infini orders that have been quiet for a while,
// so a payment whose webhooks were all lost and whose payer never came back
// still reaches its invoice. It returns how many orders it read.
func (s *Service) Reconcile(ctx context.Context) (int, error) {
	ctx = tenant.System(ctx)
	now := s.now()
	sessions, err := s.client.CheckoutSession.Query().Where(
		checkoutsession.ProviderEQ(checkoutsession.ProviderINFINI), checkoutsession.OrderIDNotNil(),
		checkoutsession.StatusIn(checkoutsession.StatusNEW, checkoutsession.StatusPROCESSING),
		checkoutsession.UpdatedAtLT(now.Add(-reconcileQuiet)),
		checkoutsession.ExpiresAtGT(now.Add(-lateGrace)),
	).Order(ent.Asc(checkoutsession.FieldUpdatedAt)).Limit(reconcileBatch).All(ctx)
	if err != nil {
		return 0, fmt.Errorf("quiet infini sessions: %w", err)
	}
	var errs []error
	for _, sess := range sessions {
		if err := s.refreshSession(ctx, sess); err != nil {
			errs = append(errs, err)
		}
		// Touch it, so the next sweep reads the others first.
		_ = s.client.CheckoutSession.UpdateOne(sess).SetUpdatedAt(now).Exec(ctx)
	}
	return len(sessions), errors.Join(errs...)
}

// RunReconciler calls Reconcile every interval until ctx ends.
func (s *Service) RunReconciler(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if n, err := s.Reconcile(ctx); err != nil {
				slog.WarnContext(ctx, "checkout: reconcile Infini orders", "read", n, "err", err)
			}
		}
	}
}

const (
	// reconcileQuiet is how long an order may go without news before
	// Tally asks Infini itself; webhooks normally arrive within seconds.
	reconcileQuiet = 2 * time.Minute
	reconcileBatch = 50
)

func (s *Service) refreshSession(ctx context.Context, sess *ent.CheckoutSession) error {
	m, err := s.client.Merchant.Get(ctx, sess.MerchantID)
	if err != nil {
		return fmt.Errorf("merchant of session %s: %w", sess.ID, err)
	}
	acct, ok := s.accounts.InfiniAccount(m)
	if !ok || (sess.ProviderAccount != nil && *sess.ProviderAccount != acct.ID()) {
		// The order lives in an account the merchant no longer uses; its
		// id means nothing in the current one.
		return nil
	}
	o, err := s.infiniClient(acct).GetOrder(ctx, *sess.OrderID)
	if err != nil {
		return fmt.Errorf("infini: read order %s: %w", *sess.OrderID, err)
	}
	return database.InTx(ctx, s.client, func(ctx context.Context, tx *ent.Client) error {
		return s.applyOrder(ctx, tx, sess.ID, orderState{Status: o.Status, Currency: o.Currency, Amount: o.Amount,
			Confirmed: o.AmountConfirmed, Tags: o.ExceptionTags})
	})
}
