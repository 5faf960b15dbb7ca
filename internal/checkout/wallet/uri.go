package wallet

import (
	"fmt"
	"math/big"
	"net/url"
	"strings"

	"github.com/skip2/go-qrcode"
)

// PaymentURI returns the payment request for units of t sent to the address
// to (as returned by ValidateAddress; units must not be nil), for a wallet
// app to open or scan.
// reference (the invoice's payment reference) and label (the merchant's name)
// are carried only where the format has room for them: Solana Pay.
func PaymentURI(t Token, to string, units *big.Int, reference, label string) string {
	amount := FromUnits(t, units).String()
	switch t.Network {
	case Solana:
		// Solana Pay transfer request. Its "reference" parameter is a public
		// key for finding the transaction, not ours, so the invoice
		// reference goes in the message shown and the on-chain memo.
		uri := "solana:" + to + "?amount=" + amount + "&spl-token=" + t.Contract
		for _, p := range [][2]string{{"label", label}, {"message", reference}, {"memo", reference}} {
			if p[1] != "" {
				uri += "&" + p[0] + "=" + escape(p[1])
			}
		}
		return uri
	case Tron:
		// TRON has no ratified payment URI; this is the most common form
		// and wallets differ in what they read from it. Some ignore the
		// amount or the token, so the checkout page must also show both.
		return "tron:" + to + "?token=" + t.Contract + "&amount=" + amount
	default:
		// EIP-681: call transfer(address, uint256) on the token contract.
		return fmt.Sprintf("ethereum:%s@%d/transfer?address=%s&uint256=%s", t.Contract, t.ChainID, to, units)
	}
}

// escape URL-encodes s with spaces as %20: some wallets read "+" literally.
func escape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

// QRCodePNG renders uri as a size×size PNG QR code with medium (15%) error
// recovery.
func QRCodePNG(uri string, size int) ([]byte, error) {
	png, err := qrcode.Encode(uri, qrcode.Medium, size)
	if err != nil {
		return nil, fmt.Errorf("wallet: QR code: %w", err)
	}
	return png, nil
}
