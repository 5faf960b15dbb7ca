package wallet

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"strings"
	"testing"

	"github.com/tally-invoicing/tally/internal/fault"
)

// tronFrom builds the base58check TRON address of a 20-byte account.
func tronFrom(account []byte) string {
	b := append([]byte{0x41}, account...)
	first := sha256.Sum256(b)
	second := sha256.Sum256(first[:])
	return encodeBase58(append(b, second[:4]...))
}

func TestValidateAddressEIP55(t *testing.T) {
	// The test vectors of EIP-55, then the same addresses in one case.
	vectors := []string{
		"0x52908400098527886E0F7030069857D2E4169EE7",
		"0x8617E340B3D01FA5F11F306F4090FD50E238070D",
		"0xde709f2102306220921060314715629080e2fb77",
		"0x27b1fdb04752bbc536007a920d24acb045561c26",
		"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
		"0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
		"0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
		"0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
	}
	for _, n := range []Network{Ethereum, Polygon, BSC} {
		for _, want := range vectors {
			for _, in := range []string{want, "0x" + strings.ToLower(want[2:]), "0x" + strings.ToUpper(want[2:]), "  " + want + "\n"} {
				got, err := ValidateAddress(n, in)
				if err != nil || got != want {
					t.Errorf("%s %q: got %q, %v, want %q", n, in, got, err, want)
				}
			}
		}
	}
}

func TestValidateAddressRejects(t *testing.T) {
	solana31 := encodeBase58(bytes.Repeat([]byte{0xff}, 31))
	tests := []struct {
		network Network
		addr    string
		want    string // part of the message
	}{
		// One letter's case flipped.
		{Ethereum, "0x5AAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "address checksum does not match (EIP-55); copy the address again from your wallet"},
		{BSC, "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359"[:41] + "A", "checksum does not match (EIP-55)"},
		{Polygon, "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6Fb", "checksum does not match (EIP-55)"},
		{Ethereum, "", "enter the ETHEREUM address"},
		{Ethereum, "5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "starts with 0x"},
		{Ethereum, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe", "this one has 39"},
		{Ethereum, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeg", `character 'g' (position 42) is not hexadecimal`},
		{Ethereum, "0x0000000000000000000000000000000000000000", "zero address"},
		{Ethereum, "0xdac17f958d2ee523a2206206994597c13d831ec7", "USDT token contract on ETHEREUM"},
		{Ethereum, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", "looks like a TRON address"},

		// The USDT contract with one character changed.
		{Tron, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6u", "address checksum does not match"},
		{Tron, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6", "34 characters long; this one has 33"},
		{Tron, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj60", `character '0' (position 34)`},
		{Tron, "AR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", "starts with T"},
		{Tron, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "Ethereum-style"},
		{Tron, tronFrom(make([]byte, 20)), "zero address"},
		{Tron, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", "USDT token contract on TRON"},

		{Solana, solana31, "31 bytes, not 32"},
		{Solana, "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1vv", "this one has 45"},
		{Solana, "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1I", `character 'I' (position 44)`},
		{Solana, "11111111111111111111111111111111", "system program"},
		{Solana, "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v", "USDC token contract on SOLANA"},

		{"DOGE", "D8vFz4p1L37jdg47HXKtSHA5uYLYxbGgPD", `"DOGE" is not a supported network`},
	}
	for _, tt := range tests {
		got, err := ValidateAddress(tt.network, tt.addr)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s %q: got %q, %v, want an error containing %q", tt.network, tt.addr, got, err, tt.want)
			continue
		}
		if tt.network != "DOGE" && !errors.Is(err, ErrInvalidAddress) {
			t.Errorf("%s %q: got %v, want ErrInvalidAddress", tt.network, tt.addr, err)
		}
		if f, ok := fault.As(err); !ok || f.Code != fault.CodeValidation || f.Message != err.Error() {
			t.Errorf("%s %q: got fault %v, want a validation fault with the same message", tt.network, tt.addr, f)
		}
	}
}

func TestValidateAddressAccepts(t *testing.T) {
	account := []byte("twenty bytes account")
	tests := []struct {
		network Network
		addr    string
	}{
		{Tron, "TEkxiTehnzSmSe2XqrBj4w32RUN966rdz8"}, // the retired TRON USDC contract: a valid address
		{Tron, tronFrom(account)},
		{Solana, "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA"},
		{Solana, "So11111111111111111111111111111111111111112"},
		{Solana, encodeBase58(bytes.Repeat([]byte{0xff}, 32))},
		{Solana, encodeBase58(append(make([]byte, 31), 1))},
	}
	for _, tt := range tests {
		got, err := ValidateAddress(tt.network, " "+tt.addr+" ")
		if err != nil || got != tt.addr {
			t.Errorf("%s %q: got %q, %v, want it unchanged", tt.network, tt.addr, got, err)
		}
	}
}

// The token contracts themselves are well-formed addresses; ValidateAddress
// refuses them only because they are not wallets.
func TestContractsAreWellFormed(t *testing.T) {
	for _, tok := range Tokens() {
		var err error
		switch tok.Network {
		case Tron:
			_, err = tronAddress(tok.Contract)
		case Solana:
			_, err = solanaAddress(tok.Contract)
		default:
			var got string
			got, err = evmAddress(tok.Network, tok.Contract)
			if err == nil && got != tok.Contract {
				t.Errorf("%s %s: got %s, want the EIP-55 form %s", tok.Network, tok.Asset, tok.Contract, got)
			}
		}
		if err != nil {
			t.Errorf("%s %s %s: %v", tok.Network, tok.Asset, tok.Contract, err)
		}
	}
}
