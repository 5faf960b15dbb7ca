package wallet

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"regexp"
	"slices"
	"strings"

	"github.com/shopspring/decimal"
)

// ErrInvalidTransfer means a chain watcher's transfer is malformed; the
// message names the field.
var ErrInvalidTransfer = errors.New("wallet: invalid transfer")

// Transfer is a token transfer the chain watcher saw on chain.
type Transfer struct {
	Network Network `json:"network"`
	Asset   Asset   `json:"asset"`
	// To is the receiving address, in canonical form.
	To string `json:"to"`
	// Amount is in tokens, not base units, and travels as a decimal string
	// ("400.000017") so that no float ever rounds it.
	Amount decimal.Decimal `json:"amount"`
	// TxHash is the transaction id: lower-case 0x-hex on EVM networks,
	// 64 hex characters on TRON, the base58 signature on Solana.
	TxHash        string `json:"txHash"`
	Confirmations int    `json:"confirmations"`
}

// plainDecimal is how an amount must be written: no sign, no exponent.
var plainDecimal = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?$`)

// DecodeTransfer reads and checks a transfer from the watcher's JSON body.
// Unknown fields are refused, so a watcher and Tally out of step fail loudly.
func DecodeTransfer(body []byte) (Transfer, error) {
	var w struct {
		Network       Network         `json:"network"`
		Asset         Asset           `json:"asset"`
		To            string          `json:"to"`
		Amount        json.RawMessage `json:"amount"`
		TxHash        string          `json:"txHash"`
		Confirmations int             `json:"confirmations"`
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&w); err != nil {
		return Transfer{}, fmt.Errorf("%w: %w", ErrInvalidTransfer, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return Transfer{}, fmt.Errorf("%w: data after the JSON object", ErrInvalidTransfer)
	}
	bad := func(field string, err error) (Transfer, error) {
		return Transfer{}, fmt.Errorf("%w: %s: %w", ErrInvalidTransfer, field, err)
	}

	tok, err := Lookup(w.Network, w.Asset)
	if err != nil {
		if !slices.Contains(networks, w.Network) {
			return bad("network", err)
		}
		return bad("asset", err)
	}
	to, err := ValidateAddress(tok.Network, w.To)
	if err != nil {
		return bad("to", err)
	}
	amount, err := decodeAmount(w.Amount)
	if err != nil {
		return bad("amount", err)
	}
	if !amount.Shift(tok.Decimals).IsInteger() {
		return bad("amount", fmt.Errorf("%s has more than the %d decimals %s on %s has", amount, tok.Decimals, tok.Asset, tok.Network))
	}
	hash, err := txHash(tok.Network, w.TxHash)
	if err != nil {
		return bad("txHash", err)
	}
	if w.Confirmations < 0 {
		return bad("confirmations", errors.New("must not be negative"))
	}
	return Transfer{Network: tok.Network, Asset: tok.Asset, To: to, Amount: amount, TxHash: hash, Confirmations: w.Confirmations}, nil
}

func decodeAmount(raw json.RawMessage) (decimal.Decimal, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return decimal.Decimal{}, errors.New(`required, as a decimal string such as "400.000017"`)
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return decimal.Decimal{}, fmt.Errorf(`must be a decimal string such as "400.000017", not %s: a JSON number can lose digits`, raw)
	}
	if !plainDecimal.MatchString(s) {
		return decimal.Decimal{}, fmt.Errorf(`%q is not a plain decimal such as "400.000017"`, s)
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return decimal.Decimal{}, err
	}
	if !d.IsPositive() {
		return decimal.Decimal{}, errors.New("must be more than zero")
	}
	return d, nil
}

// txHash checks that h is shaped like a transaction id on n and returns its
// canonical form.
func txHash(n Network, h string) (string, error) {
	switch {
	case isEVM(n):
		if len(h) == 66 && strings.HasPrefix(h, "0x") && isHexString(h[2:]) {
			return strings.ToLower(h), nil
		}
		return "", fmt.Errorf("%q is not a %s transaction hash (0x and 64 hex characters)", h, n)
	case n == Tron:
		if len(h) == 64 && isHexString(h) {
			return strings.ToLower(h), nil
		}
		return "", fmt.Errorf("%q is not a TRON transaction id (64 hex characters)", h)
	default:
		if len(h) >= 64 && len(h) <= 88 {
			if b, err := decodeBase58(h); err == nil && len(b) == 64 {
				return h, nil
			}
		}
		return "", fmt.Errorf("%q is not a Solana transaction signature (64 bytes in base58)", h)
	}
}

func isHexString(s string) bool {
	for _, r := range s {
		if !isHex(r) {
			return false
		}
	}
	return true
}

// Units returns the amount in the token's base units.
func (t Transfer) Units() (*big.Int, error) {
	tok, err := Lookup(t.Network, t.Asset)
	if err != nil {
		return nil, err
	}
	return ToUnits(tok, t.Amount)
}

// Confirmed reports whether the transfer has as many confirmations as its
// token needs to count as paid.
func (t Transfer) Confirmed() bool {
	tok, err := Lookup(t.Network, t.Asset)
	return err == nil && t.Confirmations >= tok.Confirmations
}
