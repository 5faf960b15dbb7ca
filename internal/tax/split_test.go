package tax

import (
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/tally-invoicing/tally/internal/invoice/lineitem"
)

func TestSpreadSumsToTotal(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2)) //nolint:gosec // G404: a fixed, replayable sequence
	for range 2000 {
		n := 1 + rng.IntN(6)
		ws := make([]*big.Int, n)
		for i := range ws {
			ws[i] = big.NewInt(rng.Int64N(1_000_000))
		}
		ws[0].Add(ws[0], big.NewInt(1))
		total := rng.Int64N(10_000_000)
		got := Spread(total, ws)
		var sum int64
		for _, s := range got {
			if s < 0 {
				t.Fatalf("Spread(%d, %v) = %v: a negative share", total, ws, got)
			}
			sum += s
		}
		if sum != total {
			t.Fatalf("Spread(%d, %v) = %v, sums to %d, want %d", total, ws, got, sum, total)
		}
	}
}

func TestSplitGross(t *testing.T) {
	tests := []struct {
		name    string
		gross   int64
		taxes   []lineitem.Tax
		net     int64
		amounts []int64
	}{
		{"untaxed", 5000, nil, 5000, []int64{}},
		{"VAT 19 %", 11900, []lineitem.Tax{vat19}, 10000, []int64{1900}},
		{"VAT 19 %, rounded", 5000, []lineitem.Tax{vat19}, 4202, []int64{798}}, // 5000 x 19 / 119 = 798.32
		{"VAT 7 %", 1070, []lineitem.Tax{vat7}, 1000, []int64{70}},
		{"same as an inclusive rate", 1100, []lineitem.Tax{jct10in}, 1000, []int64{100}},
		{"stacked", 10725, []lineitem.Tax{state, county}, 10000, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			net, amounts := SplitGross(tt.gross, tt.taxes)
			sum := net
			for _, a := range amounts {
				sum += a
			}
			if sum != tt.gross {
				t.Fatalf("SplitGross(%d) = %d + %v, sums to %d", tt.gross, net, amounts, sum)
			}
			if tt.amounts != nil && (net != tt.net || len(amounts) != len(tt.amounts)) {
				t.Fatalf("SplitGross(%d) = %d, %v; want %d, %v", tt.gross, net, amounts, tt.net, tt.amounts)
			}
			for i := range tt.amounts {
				if amounts[i] != tt.amounts[i] {
					t.Fatalf("SplitGross(%d) = %d, %v; want %d, %v", tt.gross, net, amounts, tt.net, tt.amounts)
				}
			}
		})
	}
}
