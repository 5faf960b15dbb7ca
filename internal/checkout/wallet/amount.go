package wallet

import (
	"errors"
	"fmt"
	"math/big"

	"github.com/shopspring/decimal"
)

var (
	// ErrInvalidAmount means an amount is negative, or has more decimals
	// than the token can carry.
	ErrInvalidAmount = errors.New("wallet: invalid amount")
	// ErrNoFreeAmount means every unique amount for an amount due is held
	// by another open checkout on the same address and token.
	ErrNoFreeAmount = errors.New("wallet: every unique amount for this amount due is in use by another open checkout")
)

// MaxOffset is the most micro-dollars (10^-6) UniqueAmount adds to an amount
// due: the customer never pays a cent or more over the invoice.
const MaxOffset = 9999

// ToUnits converts a token amount to base units. It refuses, rather than
// rounds, an amount with more decimals than the token has.
func ToUnits(t Token, amount decimal.Decimal) (*big.Int, error) {
	if amount.IsNegative() {
		return nil, fmt.Errorf("%w: %s is negative", ErrInvalidAmount, amount)
	}
	units := amount.Shift(t.Decimals)
	if !units.IsInteger() {
		return nil, fmt.Errorf("%w: %s has more than the %d decimals %s on %s allows", ErrInvalidAmount, amount, t.Decimals, t.Asset, t.Network)
	}
	return units.BigInt(), nil
}

// FromUnits converts base units to a token amount.
func FromUnits(t Token, units *big.Int) decimal.Decimal {
	return decimal.NewFromBigInt(units, -t.Decimals)
}

// UniqueAmount returns, in base units, the amount a checkout asks for: the
// amount due plus k micro-dollars, with the smallest k in 1..MaxOffset whose
// total is not taken. taken reports whether another open checkout on the
// same address and token already expects that amount; the on-chain amount
// is then all that tells two payments apart.
func UniqueAmount(t Token, due decimal.Decimal, taken func(units *big.Int) bool) (*big.Int, error) {
	if !due.IsPositive() {
		return nil, fmt.Errorf("%w: amount due %s is not more than zero", ErrInvalidAmount, due)
	}
	if t.Decimals < 6 {
		return nil, fmt.Errorf("%w: %s on %s has %d decimals, too few for a micro-dollar offset", ErrInvalidAmount, t.Asset, t.Network, t.Decimals)
	}
	base, err := ToUnits(t, due)
	if err != nil {
		return nil, err
	}
	micro := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(t.Decimals-6)), nil)
	for k := int64(1); k <= MaxOffset; k++ {
		units := new(big.Int).Mul(micro, big.NewInt(k))
		units.Add(units, base)
		if !taken(units) {
			return units, nil
		}
	}
	return nil, ErrNoFreeAmount
}
