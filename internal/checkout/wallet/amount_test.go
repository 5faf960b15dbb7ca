package wallet

import (
	"errors"
	"math/big"
	"testing"

	"github.com/shopspring/decimal"
)

func token(t *testing.T, n Network, a Asset) Token {
	t.Helper()
	tok, err := Lookup(n, a)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func units(s string) *big.Int {
	u, ok := new(big.Int).SetString(s, 10)
	if !ok {
		panic("bad units " + s)
	}
	return u
}

func TestToUnits(t *testing.T) {
	tests := []struct {
		network Network
		amount  string
		want    string // empty: ErrInvalidAmount
	}{
		{Tron, "400.000017", "400000017"},
		{Tron, "400", "400000000"},
		{Tron, "0.000001", "1"},
		{Tron, "1.0000000", "1000000"},
		{Tron, "0.0000001", ""},
		{Tron, "-1", ""},
		{BSC, "400.000017", "400000017000000000000"},
		{BSC, "0.000000000000000001", "1"},
		{BSC, "0.0000000000000000001", ""},
		{BSC, "92233720368.547758071", "92233720368547758071000000000"}, // past int64
		{Solana, "0", "0"},
	}
	for _, tt := range tests {
		tok := token(t, tt.network, USDT)
		got, err := ToUnits(tok, decimal.RequireFromString(tt.amount))
		if tt.want == "" {
			if !errors.Is(err, ErrInvalidAmount) {
				t.Errorf("%s %s: got %v, %v, want ErrInvalidAmount", tt.network, tt.amount, got, err)
			}
			continue
		}
		if err != nil || got.String() != tt.want {
			t.Errorf("%s %s: got %v, %v, want %s", tt.network, tt.amount, got, err, tt.want)
			continue
		}
		if back := FromUnits(tok, got); !back.Equal(decimal.RequireFromString(tt.amount)) {
			t.Errorf("%s FromUnits(%s): got %s, want %s", tt.network, got, back, tt.amount)
		}
	}
}

func TestUniqueAmount(t *testing.T) {
	tests := []struct {
		network Network
		due     string
		taken   []string
		want    string
	}{
		{Tron, "400.00", nil, "400000001"},
		{Tron, "400.00", []string{"400000001", "400000002", "400000004"}, "400000003"},
		{Tron, "400.00", []string{"400000000"}, "400000001"}, // the bare amount is never used
		{BSC, "400.00", nil, "400000001000000000000"},
		{BSC, "400.00", []string{"400000001000000000000", "400000002000000000000"}, "400000003000000000000"},
		{BSC, "0.01", []string{"10001000000000000"}, "10002000000000000"},
		{Ethereum, "12.345678", nil, "12345679"},
	}
	for _, tt := range tests {
		taken := map[string]bool{}
		for _, u := range tt.taken {
			taken[u] = true
		}
		tok := token(t, tt.network, USDT)
		got, err := UniqueAmount(tok, decimal.RequireFromString(tt.due), func(u *big.Int) bool { return taken[u.String()] })
		if err != nil || got.String() != tt.want {
			t.Errorf("%s %s taken %v: got %v, %v, want %s", tt.network, tt.due, tt.taken, got, err, tt.want)
		}
	}
}

func TestUniqueAmountBounds(t *testing.T) {
	tok := token(t, BSC, USDC)
	due := decimal.RequireFromString("400")
	var largest *big.Int
	_, err := UniqueAmount(tok, due, func(u *big.Int) bool { largest = u; return true })
	if !errors.Is(err, ErrNoFreeAmount) {
		t.Errorf("all taken: got %v, want ErrNoFreeAmount", err)
	}
	// Under one cent more than due, whatever the token's decimals.
	if got, want := FromUnits(tok, largest).String(), "400.009999"; got != want {
		t.Errorf("largest offered: got %s, want %s", got, want)
	}
	for _, due := range []string{"0", "-5", "1.0000001"} {
		_, err := UniqueAmount(token(t, Tron, USDT), decimal.RequireFromString(due), func(*big.Int) bool { return false })
		if !errors.Is(err, ErrInvalidAmount) {
			t.Errorf("due %s: got %v, want ErrInvalidAmount", due, err)
		}
	}
}

func TestUniqueAmountGivesTakenItsOwnValue(t *testing.T) {
	var seen []*big.Int
	got, err := UniqueAmount(token(t, Tron, USDT), decimal.NewFromInt(1), func(u *big.Int) bool {
		seen = append(seen, u)
		return len(seen) < 3
	})
	if err != nil {
		t.Fatal(err)
	}
	got.SetInt64(0)
	if seen[0].String() != "1000001" || seen[1].String() != "1000002" {
		t.Errorf("got %v, want each call to keep its own value", seen)
	}
}
