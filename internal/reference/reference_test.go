package reference

import (
	"errors"
	"testing"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		in   string
		want string
		err  error
	}{
		// The example from ISO 11649 itself.
		{"RF18 5390 0754 7034", "RF18539007547034", nil},
		{"rf18-5390-0754-7034", "RF18539007547034", nil},
		{"RF18539007547035", "", ErrChecksum},
		{"RF19539007547034", "", ErrChecksum},
		{"RF18", "", ErrFormat},
		{"XX18539007547034", "", ErrFormat},
		{"RF1A539007547034", "", ErrFormat},
		{"RF18 5390 0754 7034 0000 0000 0000 0", "", ErrFormat},
	}
	for _, tt := range tests {
		got, err := Normalize(tt.in)
		if !errors.Is(err, tt.err) || got != tt.want {
			t.Errorf("Normalize(%q) = %q, %v; want %q, %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestNewMatchesStandardExample(t *testing.T) {
	got, err := New("539007547034")
	if err != nil || got != "RF18539007547034" {
		t.Fatalf("New = %q, %v; want RF18539007547034", got, err)
	}
	if got := Format(got); got != "RF18 5390 0754 7034" {
		t.Errorf("Format = %q", got)
	}
}

func TestForInvoiceIsValidAndDistinct(t *testing.T) {
	seen := map[string]bool{}
	for _, code := range []int{1_000_000, 1_000_001, 9_999_999} {
		for seq := 1; seq <= 1000; seq++ {
			ref := ForInvoice(code, seq)
			if _, err := Normalize(ref); err != nil {
				t.Fatalf("ForInvoice(%d, %d) = %q is not valid: %v", code, seq, ref, err)
			}
			if seen[ref] {
				t.Fatalf("ForInvoice(%d, %d) repeated %q", code, seq, ref)
			}
			seen[ref] = true
		}
	}
}

func TestEveryOneCharacterTypoIsCaught(t *testing.T) {
	ref := ForInvoice(NewMerchantCode(), 123456)
	for i := 4; i < len(ref); i++ {
		for _, c := range "0123456789" {
			if byte(c) == ref[i] { //nolint:gosec // G115: c is a digit
				continue
			}
			typo := ref[:i] + string(c) + ref[i+1:]
			if _, err := Normalize(typo); !errors.Is(err, ErrChecksum) {
				t.Fatalf("typo %q of %q: err = %v, want ErrChecksum", typo, ref, err)
			}
		}
	}
}

func TestAdjacentSwapsAreCaught(t *testing.T) {
	ref := ForInvoice(NewMerchantCode(), 7654321)
	for i := 4; i+1 < len(ref); i++ {
		if ref[i] == ref[i+1] {
			continue
		}
		swapped := ref[:i] + string(ref[i+1]) + string(ref[i]) + ref[i+2:]
		if _, err := Normalize(swapped); !errors.Is(err, ErrChecksum) {
			t.Fatalf("swap %q of %q: err = %v, want ErrChecksum", swapped, ref, err)
		}
	}
}
