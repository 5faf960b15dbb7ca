package wallet

import (
	"bytes"
	"testing"
)

func TestPaymentURI(t *testing.T) {
	const (
		evmTo  = "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
		tronTo = "TEkxiTehnzSmSe2XqrBj4w32RUN966rdz8"
		solTo  = "TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA"
		ref    = "RF18539007547034"
	)
	tests := []struct {
		network  Network
		asset    Asset
		to       string
		units    string
		ref, lbl string
		want     string
	}{
		{Ethereum, USDT, evmTo, "400000017", ref, "Acme",
			"ethereum:0xdAC17F958D2ee523a2206206994597C13D831ec7@1/transfer?address=0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed&uint256=400000017"},
		{Polygon, USDC, evmTo, "400000017", ref, "Acme",
			"ethereum:0x3c499c542cEF5E3811e1192ce70d8cC03d5c3359@137/transfer?address=0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed&uint256=400000017"},
		{BSC, USDT, evmTo, "400000017000000000000", ref, "Acme",
			"ethereum:0x55d398326f99059fF775485246999027B3197955@56/transfer?address=0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed&uint256=400000017000000000000"},
		{Tron, USDT, tronTo, "400000017", ref, "Acme",
			"tron:TEkxiTehnzSmSe2XqrBj4w32RUN966rdz8?token=TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t&amount=400.000017"},
		{Tron, USDT, tronTo, "400000000", ref, "Acme",
			"tron:TEkxiTehnzSmSe2XqrBj4w32RUN966rdz8?token=TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t&amount=400"},
		{Solana, USDC, solTo, "400000017", ref, "Acme & Sons, Zürich",
			"solana:TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA?amount=400.000017&spl-token=EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v&label=Acme%20%26%20Sons%2C%20Z%C3%BCrich&message=RF18539007547034&memo=RF18539007547034"},
		{Solana, USDT, solTo, "500000", "", "",
			"solana:TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA?amount=0.5&spl-token=Es9vMFrAgEnvRpCV7ZJ2NiFBrYQMGvnnNJpvcJDBuaUt"},
	}
	for _, tt := range tests {
		got := PaymentURI(token(t, tt.network, tt.asset), tt.to, units(tt.units), tt.ref, tt.lbl)
		if got != tt.want {
			t.Errorf("%s %s:\n got %s\nwant %s", tt.network, tt.asset, got, tt.want)
		}
	}
}

func TestQRCodePNG(t *testing.T) {
	png, err := QRCodePNG("solana:TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA?amount=1", 256)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) {
		t.Errorf("got %q..., want a PNG", png[:8])
	}
}
