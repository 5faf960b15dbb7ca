package merchant

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/ent/cryptowallet"
	"github.com/tally-invoicing/tally/internal/checkout/infini"
	"github.com/tally-invoicing/tally/internal/checkout/wallet"
	"github.com/tally-invoicing/tally/internal/database"
	"github.com/tally-invoicing/tally/internal/fault"
	"github.com/tally-invoicing/tally/internal/tenant"
)

// WalletInput is one stablecoin receiving address as entered.
type WalletInput struct {
	Network string
	Asset   string
	Address string
}

// maxWallets bounds the list; every network x asset pair fits.
const maxWallets = 20

// SetCryptoWallets replaces the viewer's merchant's stablecoin wallets.
// Every address is checked for its network (EIP-55 checksums, TRON's
// base58check, Solana's base58) before anything is saved.
func SetCryptoWallets(ctx context.Context, client *ent.Client, in []WalletInput) (*ent.Merchant, error) {
	v := tenant.FromContext(ctx)
	if v == nil {
		return nil, tenant.ErrNoViewer
	}
	if len(in) > maxWallets {
		return nil, fault.Invalidf("wallets", "at most %d wallets", maxWallets)
	}
	type row struct{ network, asset, address, owner string }
	rows := make([]row, 0, len(in))
	seen := map[string]int{}
	for i, w := range in {
		field := func(f string) string { return fmt.Sprintf("wallets[%d].%s", i, f) }
		tok, err := wallet.Lookup(wallet.Network(strings.ToUpper(strings.TrimSpace(w.Network))), wallet.Asset(strings.ToUpper(strings.TrimSpace(w.Asset))))
		if err != nil {
			f := field("asset")
			if !slices.Contains(wallet.Networks(), wallet.Network(strings.ToUpper(strings.TrimSpace(w.Network)))) {
				f = field("network")
			}
			return nil, fault.WithField(err, f)
		}
		addr, err := wallet.ValidateAddress(tok.Network, w.Address)
		if err != nil {
			return nil, fault.WithField(err, field("address"))
		}
		key := string(tok.Network) + "/" + string(tok.Asset)
		if j, dup := seen[key]; dup {
			return nil, fault.Invalidf(field("asset"), "%s on %s is already wallet %d; keep one address per network and asset", tok.Asset, tok.Network, j+1)
		}
		seen[key] = i
		rows = append(rows, row{string(tok.Network), string(tok.Asset), addr, wallet.OwnerKey(tok.Network, addr)})
	}
	taken := func(i int) error {
		return fault.Invalidf(fmt.Sprintf("wallets[%d].address", i),
			"this %s address is registered by another merchant; a receiving address belongs to one merchant, so payments to it reach only them. Use an address of your own wallet", rows[i].network)
	}
	err := database.InTx(ctx, client, func(ctx context.Context, tx *ent.Client) error {
		if _, err := tx.CryptoWallet.Delete().Where(cryptowallet.MerchantID(v.MerchantID)).Exec(ctx); err != nil {
			return err
		}
		claimed := map[string]bool{}
		for i, r := range rows {
			// The friendly answer; the claim's unique index is what holds
			// when two merchants save the same address at once.
			other, err := tx.CryptoWallet.Query().Where(cryptowallet.ClaimEQ(r.owner), cryptowallet.MerchantIDNEQ(v.MerchantID)).
				Exist(tenant.System(ctx))
			if err != nil {
				return err
			}
			if other {
				return taken(i)
			}
			c := tx.CryptoWallet.Create().SetNetwork(r.network).SetAsset(r.asset).SetAddress(r.address)
			if !claimed[r.owner] {
				c.SetClaim(r.owner)
				claimed[r.owner] = true
			}
			if err := c.Exec(ctx); ent.IsConstraintError(err) {
				return taken(i)
			} else if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return client.Merchant.Get(ctx, v.MerchantID)
}

// ClaimWallets gives every wallet saved before addresses were claimed its
// claim, at start-up. Where two merchants hold the same address on a
// network, the one who registered it first keeps it and the others' rows
// for it are removed, each logged: payments to an address reach its owner
// only, so no merchant may offer another's address. It is a no-op once
// every row is claimed.
func ClaimWallets(ctx context.Context, client *ent.Client, log *slog.Logger) error {
	ctx = tenant.System(ctx)
	return database.InTx(ctx, client, func(ctx context.Context, tx *ent.Client) error {
		rows, err := tx.CryptoWallet.Query().Where(cryptowallet.ClaimIsNil()).
			Order(ent.Asc(cryptowallet.FieldCreatedAt), ent.Asc(cryptowallet.FieldID)).All(ctx)
		if err != nil || len(rows) == 0 {
			return err
		}
		owners := map[string]string{} // owner key -> merchant id
		claimed, err := tx.CryptoWallet.Query().Where(cryptowallet.ClaimNotNil()).All(ctx)
		if err != nil {
			return err
		}
		for _, w := range claimed {
			owners[*w.Claim] = w.MerchantID
		}
		for _, w := range rows {
			key := wallet.OwnerKey(wallet.Network(w.Network), w.Address)
			switch owner, ok := owners[key]; {
			case !ok:
				owners[key] = w.MerchantID
				if err := tx.CryptoWallet.UpdateOne(w).SetClaim(key).Exec(ctx); err != nil {
					return err
				}
			case owner != w.MerchantID:
				log.Warn("wallet address registered by two merchants: the first keeps it, this row is removed",
					"network", w.Network, "asset", w.Asset, "address", w.Address,
					"kept_for_merchant", owner, "removed_from_merchant", w.MerchantID, "wallet", w.ID)
				if err := tx.CryptoWallet.DeleteOne(w).Exec(ctx); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// InfiniCredentials are a merchant's own Infini API keys.
type InfiniCredentials struct {
	KeyID         string
	Secret        string
	WebhookSecret string
	BaseURL       string
}

// SetInfiniCredentials stores the viewer's merchant's Infini keys. They are
// checked for shape here; Infini itself checks them on the first order.
// The base URL must be one PaymentsConfig.InfiniBaseURLs allows.
func (p *Payments) SetInfiniCredentials(ctx context.Context, client *ent.Client, in InfiniCredentials) (*ent.Merchant, error) {
	v := tenant.FromContext(ctx)
	if v == nil {
		return nil, tenant.ErrNoViewer
	}
	key := strings.TrimSpace(in.KeyID)
	secret := strings.TrimSpace(in.Secret)
	hook := strings.TrimSpace(in.WebhookSecret)
	switch {
	case key == "":
		return nil, fault.Invalid("keyID", "enter the API key id from Infini's Developer page")
	case len(key) > 200:
		return nil, fault.Invalid("keyID", "the key id is at most 200 characters")
	case secret == "":
		return nil, fault.Invalid("secret", "enter the secret key shown when the API key was created")
	case len(secret) > 500 || len(hook) > 500:
		return nil, fault.Invalid("secret", "secrets are at most 500 characters")
	}
	if strings.TrimSpace(in.BaseURL) == "" {
		in.BaseURL = infini.ProductionURL
	}
	base, err := infini.CheckBaseURL(in.BaseURL, p.cfg.InfiniBaseURLs)
	if err != nil {
		return nil, fault.Invalid("baseURL", err.Error())
	}
	return client.Merchant.UpdateOneID(v.MerchantID).
		SetInfiniKeyID(key).
		SetInfiniSecret(secret).
		SetInfiniWebhookSecret(hook).
		SetInfiniBaseURL(base).
		Save(ctx)
}

// ClearInfiniCredentials forgets the viewer's merchant's Infini keys.
func ClearInfiniCredentials(ctx context.Context, client *ent.Client) (*ent.Merchant, error) {
	v := tenant.FromContext(ctx)
	if v == nil {
		return nil, tenant.ErrNoViewer
	}
	return client.Merchant.UpdateOneID(v.MerchantID).
		ClearInfiniKeyID().ClearInfiniSecret().ClearInfiniWebhookSecret().ClearInfiniBaseURL().
		Save(ctx)
}
