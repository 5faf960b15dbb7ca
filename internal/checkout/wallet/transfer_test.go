package wallet

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

const (
	evmHash  = "0x5C504ED432CB51138BCF09AA5E8A410DD4A1E204EF84BFED1BE16DFBA1B22060"
	tronHash = "A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718293A4B5C6D7E8F90"
)

func TestDecodeTransfer(t *testing.T) {
	solHash := encodeBase58(bytes.Repeat([]byte{0xab}, 64))
	tests := []struct {
		name      string
		body      string
		to, hash  string
		units     string
		confirmed bool
	}{
		{"bsc, lower-case address",
			`{"network":"BSC","asset":"USDT","to":"0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed","amount":"400.000017","txHash":"` + evmHash + `","confirmations":15}`,
			"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", strings.ToLower(evmHash), "400000017000000000000", true},
		{"tron, not yet confirmed",
			`{"network":"TRON","asset":"USDT","to":"TEkxiTehnzSmSe2XqrBj4w32RUN966rdz8","amount":"12.5","txHash":"` + tronHash + `","confirmations":18}`,
			"TEkxiTehnzSmSe2XqrBj4w32RUN966rdz8", strings.ToLower(tronHash), "12500000", false},
		{"solana, confirmations left out",
			`{"network":"SOLANA","asset":"USDC","to":"TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA","amount":"0.000001","txHash":"` + solHash + `"}`,
			"TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA", solHash, "1", false},
	}
	for _, tt := range tests {
		tr, err := DecodeTransfer([]byte(tt.body))
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if tr.To != tt.to || tr.TxHash != tt.hash {
			t.Errorf("%s: got to %s, hash %s, want %s, %s", tt.name, tr.To, tr.TxHash, tt.to, tt.hash)
		}
		if u, err := tr.Units(); err != nil || u.String() != tt.units {
			t.Errorf("%s: got units %v, %v, want %s", tt.name, u, err, tt.units)
		}
		if got := tr.Confirmed(); got != tt.confirmed {
			t.Errorf("%s: got confirmed %t, want %t", tt.name, got, tt.confirmed)
		}
	}
}

func TestDecodeTransferErrors(t *testing.T) {
	// valid with one field replaced; "-" drops the field.
	body := func(field, value string) string {
		fields := [][2]string{
			{"network", `"ETHEREUM"`}, {"asset", `"USDC"`},
			{"to", `"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"`},
			{"amount", `"400.000017"`}, {"txHash", `"` + evmHash + `"`}, {"confirmations", `3`},
		}
		var parts []string
		for _, f := range fields {
			if f[0] == field {
				f[1] = value
			}
			if f[1] != "-" {
				parts = append(parts, `"`+f[0]+`":`+f[1])
			}
		}
		return "{" + strings.Join(parts, ",") + "}"
	}
	if _, err := DecodeTransfer([]byte(body("", ""))); err != nil {
		t.Fatalf("the base body: %v", err)
	}
	tests := []struct {
		body string
		want string // part of the message
	}{
		{body("amount", `400.000017`), `amount: must be a decimal string such as "400.000017", not 400.000017`},
		{body("amount", `"4e2"`), `amount: "4e2" is not a plain decimal`},
		{body("amount", `"-1"`), `amount: "-1" is not a plain decimal`},
		{body("amount", `"0.000"`), "amount: must be more than zero"},
		{body("amount", `"400.0000001"`), "amount: 400.0000001 has more than the 6 decimals USDC on ETHEREUM has"},
		{body("amount", `null`), "amount: required"},
		{body("amount", `-`), "amount: required"},
		{body("network", `"DOGE"`), `network: "DOGE" is not a supported network`},
		{body("network", `-`), `network: "" is not a supported network`},
		{body("network", `"TRON"`), "asset: USDC is not supported on TRON"},
		{body("asset", `"DAI"`), `asset: "DAI" is not a supported asset`},
		{body("to", `"0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"`), "to: address checksum does not match"},
		{body("txHash", `"`+evmHash[2:]+`"`), "txHash:"},
		{body("txHash", `"`+evmHash+`0"`), "txHash:"},
		{body("txHash", `"0x`+strings.Repeat("g", 64)+`"`), "txHash:"},
		{body("txHash", `-`), "txHash:"},
		{`{"network":"TRON","asset":"USDT","to":"TEkxiTehnzSmSe2XqrBj4w32RUN966rdz8","amount":"1","txHash":"` + evmHash + `"}`, "txHash: \"0x5C504ED4"},
		{body("confirmations", `-1`), "confirmations: must not be negative"},
		{body("confirmations", `"3"`), "confirmations"},
		{strings.Replace(body("", ""), "}", `,"memo":"x"}`, 1), `unknown field "memo"`},
		{body("", "") + `{}`, "data after the JSON object"},
		{`[]`, "cannot unmarshal array"},
		{``, "EOF"},
	}
	for _, tt := range tests {
		_, err := DecodeTransfer([]byte(tt.body))
		if !errors.Is(err, ErrInvalidTransfer) || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s:\n got %v\nwant ErrInvalidTransfer containing %q", tt.body, err, tt.want)
		}
	}
}

func TestTxHashSolana(t *testing.T) {
	tests := []struct {
		hash string
		ok   bool
	}{
		{encodeBase58(bytes.Repeat([]byte{0xff}, 64)), true},
		{encodeBase58(append(make([]byte, 63), 1)), true}, // leading zero bytes: 64 characters
		{encodeBase58(bytes.Repeat([]byte{0xff}, 63)), false},
		{encodeBase58(bytes.Repeat([]byte{0xff}, 64)) + "1", false},
		{"0x" + strings.Repeat("a", 64), false},
	}
	for _, tt := range tests {
		if _, err := txHash(Solana, tt.hash); (err == nil) != tt.ok {
			t.Errorf("%s: got %v, want ok %t", tt.hash, err, tt.ok)
		}
	}
}
