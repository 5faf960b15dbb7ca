package checkout

import (
	"context"
	"errors"
	"fmt"
	"math/big"

	"github.com/shopspring/decimal"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/ent/checkoutsession"
	"github.com/tally-invoicing/tally/ent/collection"
	"github.com/tally-invoicing/tally/ent/cryptowallet"
	"github.com/tally-invoicing/tally/ent/payment"
	"github.com/tally-invoicing/tally/internal/checkout/wallet"
	"github.com/tally-invoicing/tally/internal/collect"
	"github.com/tally-invoicing/tally/internal/database"
	"github.com/tally-invoicing/tally/internal/invoice"
	"github.com/tally-invoicing/tally/internal/tenant"
)

// TransferResult says what an observed transfer did.
type TransferResult struct {
	// Session is the checkout it paid; nil for a transfer no session asked
	// for, which is recorded as Collection instead.
	Session    *ent.CheckoutSession
	Collection *ent.Collection
	// Applied is false while the transfer lacks confirmations, and for a
	// transfer already counted.
	Applied bool
	Late    bool
}

// ObserveTransfer is the one entry for stablecoin transfers seen on chain
// (from the sandbox or an external chain watcher). A transfer to a
// merchant's wallet of exactly a session's amount pays that session's
// invoice once it has enough confirmations, even after the session expired
// (flagged late). The same transaction reported again changes nothing.
func (s *Service) ObserveTransfer(ctx context.Context, t wallet.Transfer) (*TransferResult, error) {
	caller := ctx
	ctx = tenant.System(ctx)
	tok, err := wallet.Lookup(t.Network, t.Asset)
	if err != nil {
		return nil, err
	}
	units, err := t.Units()
	if err != nil {
		return nil, err
	}
	sess, err := s.client.CheckoutSession.Query().Where(
		checkoutsession.ProviderEQ(checkoutsession.ProviderWALLET),
		checkoutsession.Network(string(t.Network)), checkoutsession.Asset(string(t.Asset)),
		checkoutsession.Address(t.To), checkoutsession.AmountUnits(units.String()),
	).Order(ent.Desc(checkoutsession.FieldCreatedAt)).First(ctx)
	if ent.IsNotFound(err) {
		return s.unexpectedTransfer(ctx, caller, t, tok, units)
	}
	if err != nil {
		return nil, fmt.Errorf("session for transfer %s: %w", t.TxHash, err)
	}
	res := &TransferResult{Session: sess, Late: s.now().After(sess.ExpiresAt)}
	if !t.Confirmed() {
		if sess.Status == checkoutsession.StatusNEW {
			sess, err = s.client.CheckoutSession.UpdateOne(sess).SetStatus(checkoutsession.StatusPROCESSING).Save(ctx)
			res.Session = sess
		}
		return res, err
	}
	err = database.InTx(ctx, s.client, func(ctx context.Context, tx *ent.Client) error {
		_, _, err := s.invoices.ApplyPayment(ctx, tx, sess.InvoiceID, invoice.Received{
			Amount: sess.AmountMinor, Channel: payment.ChannelCHECKOUT_CRYPTO, Provider: "wallet",
			ExternalID: t.TxHash, ReceivedAt: s.now(), Late: res.Late, CheckoutSessionID: sess.ID,
			Note:      fmt.Sprintf("%s %s on %s to %s", wallet.FromUnits(tok, units).String(), t.Asset, wallet.NetworkName(string(t.Network)), t.To),
			DedupeKey: "wallet:" + string(t.Network) + ":" + t.TxHash, Rule: payment.RuleCHECKOUT,
		})
		if err != nil {
			return err
		}
		res.Session, err = tx.CheckoutSession.UpdateOne(sess).SetStatus(checkoutsession.StatusSETTLED).ClearOpenKey().Save(ctx)
		return err
	})
	if errors.Is(err, invoice.ErrAlreadyRecorded) {
		return res, nil
	}
	if err != nil {
		return nil, fmt.Errorf("apply transfer %s to session %s: %w", t.TxHash, sess.ID, err)
	}
	res.Applied = true
	return res, nil
}

// unexpectedTransfer records a confirmed transfer to a merchant's wallet
// that no checkout session asked for (a wrong amount, a customer paying
// without the page) as a collection, matched by its memo or left in the
// review queue. Stablecoins are dollars: the amount is counted in USD,
// rounded down to the cent.
// ctx looks across merchants for the wallet; caller (without that power)
// becomes the wallet's merchant to record the money.
func (s *Service) unexpectedTransfer(ctx, caller context.Context, t wallet.Transfer, tok wallet.Token, units *big.Int) (*TransferResult, error) {
	// An address belongs to one merchant (its claim); the order settles
	// rows saved before claims existed the same way every time.
	w, err := s.client.CryptoWallet.Query().Where(cryptowallet.Network(string(t.Network)), cryptowallet.Asset(string(t.Asset)), cryptowallet.Address(t.To)).
		Order(ent.Asc(cryptowallet.FieldCreatedAt), ent.Asc(cryptowallet.FieldID)).First(ctx)
	if ent.IsNotFound(err) {
		return nil, ErrNoSession
	}
	if err != nil {
		return nil, fmt.Errorf("wallet receiving transfer %s: %w", t.TxHash, err)
	}
	if !t.Confirmed() {
		return &TransferResult{}, nil
	}
	amount := wallet.FromUnits(tok, units).Truncate(2)
	if !amount.IsPositive() {
		return nil, ErrNoSession
	}
	vctx := tenant.WithViewer(caller, &tenant.Viewer{MerchantID: w.MerchantID, Actor: "system"})
	out, err := s.collect.Record(vctx, collect.Input{
		Amount: amount, Currency: "USD", Channel: collection.ChannelCHECKOUT_CRYPTO,
		Text:       fmt.Sprintf("%s %s on %s to %s, transaction %s", wallet.FromUnits(tok, units), t.Asset, wallet.NetworkName(string(t.Network)), t.To, t.TxHash),
		ExternalID: "wallet:" + string(t.Network) + ":" + t.TxHash,
	})
	if err != nil {
		return nil, err
	}
	return &TransferResult{Collection: out.Collection, Applied: !out.Existing}, nil
}

// WalletAmount is the exact token amount a wallet session asks for.
func WalletAmount(sess *ent.CheckoutSession) (decimal.Decimal, wallet.Token, *big.Int, bool) {
	tok, err := wallet.Lookup(wallet.Network(sess.Network), wallet.Asset(sess.Asset))
	if err != nil {
		return decimal.Zero, tok, nil, false
	}
	units, ok := new(big.Int).SetString(sess.AmountUnits, 10)
	if !ok {
		return decimal.Zero, tok, nil, false
	}
	return wallet.FromUnits(tok, units), tok, units, true
}

func openKey(t wallet.Token, address string, units *big.Int) string {
	return string(t.Network) + ":" + string(t.Asset) + ":" + address + ":" + units.String()
}
