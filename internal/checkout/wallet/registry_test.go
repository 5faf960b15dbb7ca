package wallet

import (
	"errors"
	"testing"

	"github.com/tally-invoicing/tally/internal/fault"
)

func TestLookup(t *testing.T) {
	tests := []struct {
		network  Network
		asset    Asset
		decimals int32
		contract string
		chainID  int64
	}{
		{Ethereum, USDT, 6, "0xdAC17F958D2ee523a2206206994597C13D831ec7", 1},
		{Ethereum, USDC, 6, "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48", 1},
		{Polygon, USDT, 6, "0xc2132D05D31c914a87C6611C10748AEb04B58e8F", 137},
		{Polygon, USDC, 6, "0x3c499c542cEF5E3811e1192ce70d8cC03d5c3359", 137},
		{BSC, USDT, 18, "0x55d398326f99059fF775485246999027B3197955", 56},
		{BSC, USDC, 18, "0x8AC76a51cc950d9822D68b83fE1Ad97B32Cd580d", 56},
		{Tron, USDT, 6, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", 0},
		{Solana, USDT, 6, "Es9vMFrAgEnvRpCV7ZJ2NiFBrYQMGvnnNJpvcJDBuaUt", 0},
		{Solana, USDC, 6, "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v", 0},
	}
	for _, tt := range tests {
		tok, err := Lookup(tt.network, tt.asset)
		if err != nil {
			t.Errorf("%s %s: %v", tt.network, tt.asset, err)
			continue
		}
		if tok.Decimals != tt.decimals || tok.Contract != tt.contract || tok.ChainID != tt.chainID || tok.Confirmations <= 0 {
			t.Errorf("%s %s: got %+v, want decimals %d, contract %s, chain %d", tt.network, tt.asset, tok, tt.decimals, tt.contract, tt.chainID)
		}
	}
	if got := len(Tokens()); got != len(tests) {
		t.Errorf("got %d tokens, want %d", got, len(tests))
	}
}

func TestLookupErrors(t *testing.T) {
	tests := []struct {
		network Network
		asset   Asset
		want    string
	}{
		{"DOGE", USDT, `"DOGE" is not a supported network; choose one of ETHEREUM, TRON, POLYGON, BSC, SOLANA`},
		{"ethereum", USDT, `"ethereum" is not a supported network; choose one of ETHEREUM, TRON, POLYGON, BSC, SOLANA`},
		{Ethereum, "DAI", `"DAI" is not a supported asset; choose USDT or USDC`},
		{Tron, USDC, `USDC is not supported on TRON; choose USDT`},
	}
	for _, tt := range tests {
		_, err := Lookup(tt.network, tt.asset)
		if err == nil || err.Error() != tt.want {
			t.Errorf("Lookup(%s, %s): got %v, want %s", tt.network, tt.asset, err, tt.want)
		}
		if !errors.Is(err, ErrUnsupported) || !errors.Is(err, fault.Validation) {
			t.Errorf("Lookup(%s, %s): got %v, want ErrUnsupported and a validation fault", tt.network, tt.asset, err)
		}
	}
}

func TestTokensIsACopy(t *testing.T) {
	Tokens()[0].Contract = "changed"
	Networks()[0] = "changed"
	if tok, _ := Lookup(Ethereum, USDT); tok.Contract == "changed" {
		t.Error("changing Tokens() changed the registry")
	}
	if Networks()[0] != Ethereum {
		t.Error("changing Networks() changed the registry")
	}
}
