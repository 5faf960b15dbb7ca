package checkout

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"slices"
	"strings"
	"time"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/ent/checkoutsession"
	"github.com/tally-invoicing/tally/ent/cryptowallet"
	entinvoice "github.com/tally-invoicing/tally/ent/invoice"
	"github.com/tally-invoicing/tally/ent/predicate"
	"github.com/tally-invoicing/tally/internal/checkout/infini"
	"github.com/tally-invoicing/tally/internal/checkout/wallet"
	"github.com/tally-invoicing/tally/internal/database"
	"github.com/tally-invoicing/tally/internal/fault"
	"github.com/tally-invoicing/tally/internal/invoice"
	"github.com/tally-invoicing/tally/internal/invoice/paymethod"
	"github.com/tally-invoicing/tally/internal/invoice/status"
	"github.com/tally-invoicing/tally/internal/money"
	"github.com/tally-invoicing/tally/internal/ptr"
	"github.com/tally-invoicing/tally/internal/tenant"
)

// Start opens a checkout session for the invoice behind token: an order at
// Infini (card, or crypto without a network), or a wallet transfer with an
// amount unique to the session. An open session for the same choice and
// amount is returned again, so a double click or a reload starts nothing new.
func (s *Service) Start(ctx context.Context, token string, method paymethod.Method, network, asset string) (*ent.CheckoutSession, error) {
	ctx = tenant.System(ctx)
	v, err := s.Load(ctx, token)
	if err != nil {
		return nil, err
	}
	inv := v.Invoice
	if !Payable(inv) {
		if inv.Status == status.Paid {
			return nil, fault.New(fault.CodeConflict, "this invoice is already paid")
		}
		return nil, ErrNotPayable
	}
	if !slices.Contains(inv.PaymentMethods, string(method)) {
		return nil, fault.Invalidf("method", "%s is not accepted for this invoice", method)
	}
	if network != "" || asset != "" {
		if method != paymethod.Crypto {
			return nil, fault.Invalid("network", "a network and asset go with the CRYPTO method only")
		}
		return s.startWallet(ctx, v, network, asset)
	}
	return s.startInfini(ctx, v, method)
}

func (s *Service) startWallet(ctx context.Context, v *View, network, asset string) (*ent.CheckoutSession, error) {
	inv := v.Invoice
	if inv.Currency != "USD" {
		return nil, fault.Invalidf("method", "stablecoin payment is offered for USD invoices only; this one is in %s", inv.Currency)
	}
	tok, err := wallet.Lookup(wallet.Network(strings.ToUpper(network)), wallet.Asset(strings.ToUpper(asset)))
	if err != nil {
		return nil, fault.WithField(err, "network")
	}
	w, err := s.client.CryptoWallet.Query().Where(cryptowallet.MerchantID(inv.MerchantID),
		cryptowallet.Network(string(tok.Network)), cryptowallet.Asset(string(tok.Asset))).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, fault.Invalidf("network", "%s has no %s wallet on %s", v.Merchant.Name, tok.Asset, wallet.NetworkName(string(tok.Network)))
	}
	if err != nil {
		return nil, fmt.Errorf("wallet of merchant %s: %w", inv.MerchantID, err)
	}
	c, _ := money.Lookup(inv.Currency)
	var out *ent.CheckoutSession
	// Two payers racing for the same amount on one address lose on the
	// unique open_key; the loser picks the next free amount.
	for attempt := 0; attempt < 5; attempt++ {
		err = database.InTx(ctx, s.client, func(ctx context.Context, tx *ent.Client) error {
			inv, due, existing, err := s.lockPayable(ctx, tx, inv.ID,
				checkoutsession.ProviderEQ(checkoutsession.ProviderWALLET),
				checkoutsession.Network(string(tok.Network)), checkoutsession.Asset(string(tok.Asset)),
				checkoutsession.Address(w.Address))
			if err != nil || existing != nil {
				out = existing
				return err
			}
			now := s.now()
			// Amounts of sessions expired longer than the grace period are
			// free again.
			if _, err := tx.CheckoutSession.Update().Where(
				checkoutsession.Network(string(tok.Network)), checkoutsession.Asset(string(tok.Asset)),
				checkoutsession.Address(w.Address), checkoutsession.OpenKeyNotNil(), checkoutsession.ExpiresAtLTE(now.Add(-lateGrace)),
			).ClearOpenKey().Save(ctx); err != nil {
				return err
			}
			units, err := wallet.UniqueAmount(tok, money.FromMinor(due, c), func(u *big.Int) bool {
				n, _ := tx.CheckoutSession.Query().Where(checkoutsession.OpenKey(openKey(tok, w.Address, u))).Exist(ctx)
				return n
			})
			if err != nil {
				return fault.New(fault.CodeConflict, "too many payments are open on this wallet right now; try again in a few minutes")
			}
			out, err = tx.CheckoutSession.Create().
				SetMerchantID(inv.MerchantID).
				SetInvoiceID(inv.ID).
				SetMethod(checkoutsession.MethodCRYPTO).
				SetProvider(checkoutsession.ProviderWALLET).
				SetAmountMinor(due).
				SetCurrency(inv.Currency).
				SetExpiresAt(now.Add(walletSessionTTL)).
				SetClientReference(ptr.Val(inv.Reference)).
				SetNetwork(string(tok.Network)).
				SetAsset(string(tok.Asset)).
				SetAddress(w.Address).
				SetAmountUnits(units.String()).
				SetOpenKey(openKey(tok, w.Address, units)).
				Save(ctx)
			return err
		})
		if !ent.IsConstraintError(err) {
			break
		}
	}
	return out, err
}

func (s *Service) startInfini(ctx context.Context, v *View, method paymethod.Method) (*ent.CheckoutSession, error) {
	inv := v.Invoice
	acct, ok := s.accounts.InfiniAccount(v.Merchant)
	if !ok {
		return nil, fault.Invalidf("method", "%s does not take payments through Infini", v.Merchant.Name)
	}
	if method == paymethod.Crypto && inv.Currency != "USD" {
		return nil, fault.Invalidf("method", "crypto is offered for USD invoices only; this one is in %s", inv.Currency)
	}
	smethod := checkoutsession.Method(method)
	var sess *ent.CheckoutSession
	// The session, with the request_id Infini dedupes on, is stored before
	// the order is created, so a retry after a crash or timeout sends the
	// same request_id again instead of opening a second order.
	err := database.InTx(ctx, s.client, func(ctx context.Context, tx *ent.Client) error {
		inv, due, existing, err := s.lockPayable(ctx, tx, inv.ID,
			checkoutsession.ProviderEQ(checkoutsession.ProviderINFINI), checkoutsession.MethodEQ(smethod),
			checkoutsession.ProviderAccount(acct.ID()))
		if err != nil || existing != nil {
			sess = existing
			return err
		}
		// Infini wants client_reference unique per order; the first order
		// carries the invoice's reference as is, later ones (the rest of a
		// partial payment, a retry after expiry) a numbered suffix.
		n, err := tx.CheckoutSession.Query().Where(checkoutsession.InvoiceID(inv.ID), checkoutsession.ProviderEQ(checkoutsession.ProviderINFINI)).Count(ctx)
		if err != nil {
			return err
		}
		ref := ptr.Val(inv.Reference)
		if n > 0 {
			ref = fmt.Sprintf("%s-%d", ref, n+1)
		}
		sess, err = tx.CheckoutSession.Create().
			SetMerchantID(inv.MerchantID).
			SetInvoiceID(inv.ID).
			SetMethod(smethod).
			SetProvider(checkoutsession.ProviderINFINI).
			SetAmountMinor(due).
			SetCurrency(inv.Currency).
			SetExpiresAt(s.now().Add(infiniSessionTTL)).
			SetRequestID(infini.NewRequestID()).
			SetProviderAccount(acct.ID()).
			SetClientReference(ref).
			Save(ctx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("start infini checkout for invoice %s: %w", inv.ID, err)
	}
	if sess.OrderID != nil && sess.RedirectURL != "" {
		return sess, nil
	}
	return s.createOrder(ctx, v, acct, sess)
}

func (s *Service) createOrder(ctx context.Context, v *View, acct infini.Account, sess *ent.CheckoutSession) (*ent.CheckoutSession, error) {
	c, _ := money.Lookup(sess.Currency)
	pay := infini.PayCard
	if sess.Method == checkoutsession.MethodCRYPTO {
		pay = infini.PayCrypto
	}
	back := s.cfg.BaseURL + "/pay/" + *v.Invoice.CheckoutToken
	desc := "Invoice " + ptr.Val(v.Invoice.Number) + " from " + v.Merchant.Name
	order, err := s.infiniClient(acct).CreateOrder(ctx, infini.OrderRequest{
		RequestID:       sess.RequestID,
		Amount:          money.FromMinor(sess.AmountMinor, c),
		Currency:        sess.Currency,
		ClientReference: sess.ClientReference,
		OrderDesc:       desc,
		ExpiresIn:       time.Until(sess.ExpiresAt).Truncate(time.Second),
		SuccessURL:      back + "?session=" + sess.ID,
		FailureURL:      back + "?session=" + sess.ID + "&failed=1",
		MerchantAlias:   v.Merchant.Name,
		PayMethods:      []infini.PayMethod{pay},
	})
	if err != nil {
		slog.ErrorContext(ctx, "infini: create order", "session", sess.ID, "merchant", sess.MerchantID, "err", err)
		if errors.Is(err, infini.ErrUnauthorized) || errors.Is(err, infini.ErrInvalidRequest) || errors.Is(err, infini.ErrDuplicateReference) {
			// Retrying will not help: close the session so the next try
			// starts a fresh one, and tell the payer plainly.
			_ = s.client.CheckoutSession.UpdateOne(sess).SetStatus(checkoutsession.StatusFAILED).ClearOpenKey().Exec(tenant.System(ctx))
		}
		return nil, ErrUnavailable
	}
	out, err := s.client.CheckoutSession.UpdateOne(sess).
		SetOrderID(order.OrderID).
		SetRedirectURL(order.CheckoutURL).
		Save(tenant.System(ctx))
	if ent.IsValidationError(err) {
		// An order id or URL no real provider sends (control characters).
		slog.ErrorContext(ctx, "infini: unusable order in the answer", "session", sess.ID, "merchant", sess.MerchantID, "err", err)
		_ = s.client.CheckoutSession.UpdateOne(sess).SetStatus(checkoutsession.StatusFAILED).Exec(tenant.System(ctx))
		return nil, ErrUnavailable
	}
	if ent.IsConstraintError(err) {
		slog.ErrorContext(ctx, "infini: order id already names another checkout in this account", "session", sess.ID,
			"merchant", sess.MerchantID, "order", order.OrderID, "account", ptr.Val(sess.ProviderAccount))
		_ = s.client.CheckoutSession.UpdateOne(sess).SetStatus(checkoutsession.StatusFAILED).Exec(tenant.System(ctx))
		return nil, ErrForeignOrder
	}
	return out, err
}

// SessionStatus is a session's status as a payer sees it now: an open
// session past its expiry is EXPIRED even before anything reports it.
func (s *Service) SessionStatus(sess *ent.CheckoutSession) checkoutsession.Status {
	if sess.Status == checkoutsession.StatusNEW && s.now().After(sess.ExpiresAt) {
		return checkoutsession.StatusEXPIRED
	}
	return sess.Status
}

// lockPayable locks invoice id in tx and returns it with what is due, and an
// open session matching where for that same amount that is not about to
// expire: one to hand out again rather than start another.
func (s *Service) lockPayable(ctx context.Context, tx *ent.Client, id string, where ...predicate.CheckoutSession) (*ent.Invoice, int64, *ent.CheckoutSession, error) {
	inv, err := s.lockInvoice(ctx, tx, id)
	if err != nil {
		return nil, 0, nil, err
	}
	due := invoice.AmountDue(inv)
	if due <= 0 {
		return nil, 0, nil, ErrNotPayable
	}
	where = append(where, checkoutsession.InvoiceID(inv.ID), checkoutsession.AmountMinor(due),
		checkoutsession.StatusIn(checkoutsession.StatusNEW, checkoutsession.StatusPROCESSING),
		checkoutsession.ExpiresAtGT(s.now().Add(reuseMargin)))
	sess, err := tx.CheckoutSession.Query().Where(where...).First(ctx)
	if ent.IsNotFound(err) {
		return inv, due, nil, nil
	}
	return inv, due, sess, err
}

func (s *Service) lockInvoice(ctx context.Context, tx *ent.Client, id string) (*ent.Invoice, error) {
	q := tx.Invoice.Query().Where(entinvoice.ID(id))
	if s.rowLocks {
		q.ForUpdate()
	}
	return q.Only(ctx)
}
