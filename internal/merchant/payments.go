package merchant

import (
	"context"
	"fmt"
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
	type row struct{ network, asset, address string }
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
		rows = append(rows, row{string(tok.Network), string(tok.Asset), addr})
	}
	err := database.InTx(ctx, client, func(tx *ent.Client) error {
		if _, err := tx.CryptoWallet.Delete().Where(cryptowallet.MerchantID(v.MerchantID)).Exec(ctx); err != nil {
			return err
		}
		for _, r := range rows {
			if err := tx.CryptoWallet.Create().SetNetwork(r.network).SetAsset(r.asset).SetAddress(r.address).Exec(ctx); err != nil {
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

// InfiniCredentials are a merchant's own Infini API keys.
type InfiniCredentials struct {
	KeyID         string
	Secret        string
	WebhookSecret string
	BaseURL       string
}

// SetInfiniCredentials stores the viewer's merchant's Infini keys. They are
// checked for shape here; Infini itself checks them on the first order.
// baseURLs are the base URLs a merchant may choose (see infini.CheckBaseURL):
// Infini's own hosts in production, nil in development.
func SetInfiniCredentials(ctx context.Context, client *ent.Client, in InfiniCredentials, baseURLs []string) (*ent.Merchant, error) {
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
	base, err := infini.CheckBaseURL(in.BaseURL, baseURLs)
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
