package wallet

import (
	"errors"
	"slices"
	"strings"
)

// Network is a blockchain Tally takes payments on.
type Network string

// The supported networks.
const (
	Ethereum Network = "ETHEREUM"
	Tron     Network = "TRON"
	Polygon  Network = "POLYGON" // Polygon PoS
	BSC      Network = "BSC"     // BNB Smart Chain
	Solana   Network = "SOLANA"
)

// Asset is a stablecoin.
type Asset string

// The supported assets.
const (
	USDT Asset = "USDT"
	USDC Asset = "USDC"
)

// ErrUnsupported means a network or asset is not one Tally takes payments
// in, or the asset is not offered on that network.
var ErrUnsupported = errors.New("wallet: unsupported network or asset")

// Token is one asset on one network.
type Token struct {
	Network Network
	Asset   Asset
	// Decimals is the token's own precision. It differs between networks
	// (18 for the Binance-Peg tokens on BSC), so never assume it.
	Decimals int32
	// Contract is the ERC-20 or TRC-20 contract, or the SPL mint on Solana.
	Contract string
	// ChainID is the EIP-155 chain id on EVM networks, zero elsewhere.
	ChainID int64
	// Confirmations is how many blocks must include or follow a transfer
	// before it counts as paid.
	Confirmations int
}

var networks = []Network{Ethereum, Tron, Polygon, BSC, Solana}

var assets = []Asset{USDT, USDC}

// Confirmations, per network:
//   - ETHEREUM 12 (~2.5 min): no reorg this deep since the Merge; waiting
//     for full finality (two epochs, ~13 min) is too long at a checkout.
//   - TRON 19 (~1 min): a block is solidified once 19 of the 27 super
//     representatives have built on it.
//   - POLYGON 128 (~4.5 min): Polygon PoS has reorganised more than 100
//     blocks before milestone finality existed; stay clear of that.
//   - BSC 15 (~15 s or less): fast finality (BEP-126) finalises within a few
//     blocks; 15 leaves a margin.
//   - SOLANA 32 (~13 s): the "finalized" commitment, 31+ confirmed blocks on top.
//
// USDC on TRON is left out on purpose: Circle stopped issuing it in 2024 and
// ended support for it, so a merchant paid in it may be unable to redeem.
var tokens = []Token{
	// network, asset, decimals, contract or mint, chain id, confirmations
	{Ethereum, USDT, 6, "0xdAC17F958D2ee523a2206206994597C13D831ec7", 1, 12},
	{Ethereum, USDC, 6, "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48", 1, 12},
	{Tron, USDT, 6, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", 0, 19},
	{Polygon, USDT, 6, "0xc2132D05D31c914a87C6611C10748AEb04B58e8F", 137, 128},
	{Polygon, USDC, 6, "0x3c499c542cEF5E3811e1192ce70d8cC03d5c3359", 137, 128}, // native USDC, not bridged USDC.e
	{BSC, USDT, 18, "0x55d398326f99059fF775485246999027B3197955", 56, 15},
	{BSC, USDC, 18, "0x8AC76a51cc950d9822D68b83fE1Ad97B32Cd580d", 56, 15},
	{Solana, USDT, 6, "Es9vMFrAgEnvRpCV7ZJ2NiFBrYQMGvnnNJpvcJDBuaUt", 0, 32},
	{Solana, USDC, 6, "EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v", 0, 32},
}

// Lookup returns asset a on network n. The error (ErrUnsupported) says what
// to choose instead.
func Lookup(n Network, a Asset) (Token, error) {
	if !slices.Contains(networks, n) {
		names := make([]string, len(networks))
		for i, n := range networks {
			names[i] = string(n)
		}
		return Token{}, invalid(ErrUnsupported, "%q is not a supported network; choose one of %s", n, strings.Join(names, ", "))
	}
	if !slices.Contains(assets, a) {
		return Token{}, invalid(ErrUnsupported, "%q is not a supported asset; choose USDT or USDC", a)
	}
	var offered []string
	for _, t := range tokens {
		if t.Network == n {
			if t.Asset == a {
				return t, nil
			}
			offered = append(offered, string(t.Asset))
		}
	}
	return Token{}, invalid(ErrUnsupported, "%s is not supported on %s; choose %s", a, n, strings.Join(offered, " or "))
}

// Tokens returns every supported token, grouped by network.
func Tokens() []Token { return slices.Clone(tokens) }

// Networks returns the supported networks.
func Networks() []Network { return slices.Clone(networks) }

// NetworkName is how a network is written for people ("BNB Smart Chain");
// a name it does not know is returned as it is.
func NetworkName(n string) string {
	switch Network(n) {
	case Ethereum:
		return "Ethereum"
	case Tron:
		return "Tron"
	case Polygon:
		return "Polygon"
	case BSC:
		return "BNB Smart Chain"
	case Solana:
		return "Solana"
	}
	return n
}

func isEVM(n Network) bool { return n == Ethereum || n == Polygon || n == BSC }
