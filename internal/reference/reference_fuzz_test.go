package reference

import (
	"errors"
	"strings"
	"testing"
)

const refAlphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

// isCompact reports whether s is "RF", two digits and 1 to 21 of A-Z, 0-9.
func isCompact(s string) bool {
	if len(s) < 5 || len(s) > 4+MaxBody || s[:2] != "RF" || !digits(s[2:4]) {
		return false
	}
	for i := 4; i < len(s); i++ {
		if !strings.ContainsRune(refAlphabet, rune(s[i])) {
			return false
		}
	}
	return true
}

// FuzzNormalize reads arbitrary text as a reference: it never panics,
// refuses with one of the two errors, returns only compact references, and
// normalising is idempotent: what it returns, printed in groups, in lower
// case or with dashes, normalises to itself.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{
		"RF18 5390 0754 7034", "rf18-5390-0754-7034", "RF18539007547034", "RF18539007547035",
		"RF18", "RF00", "RF9912345", " RF18\t5390 0754 7034 ", "RF18 5390 0754 7034 0000 0000 0000 0",
		"RF71 ACME 2024 X", "XX18539007547034", "RF1A539007547034", "", "R", "RF\x00\x00\x00",
		"ＲＦ18 5390 0754 7034", "rf18-5390-0754-70ſ4", "RF18 5390 0754 7034\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := Normalize(s)
		if err != nil {
			if got != "" || !errors.Is(err, ErrFormat) && !errors.Is(err, ErrChecksum) {
				t.Fatalf("Normalize(%q) = %q, %v", s, got, err)
			}
			// Normalising the spacing and case first changes nothing.
			squashed := strings.ToUpper(strings.NewReplacer(" ", "", "-", "", "\t", "").Replace(s))
			if again, err2 := Normalize(squashed); again != "" || !errors.Is(err2, err) {
				t.Fatalf("Normalize(%q) = %v, but Normalize(%q) = %q, %v", s, err, squashed, again, err2)
			}
			return
		}
		if !isCompact(got) {
			t.Fatalf("Normalize(%q) = %q, not a compact reference", s, got)
		}
		if mod97(got[4:]+got[:4]) != 1 {
			t.Fatalf("Normalize(%q) = %q, which fails mod 97", s, got)
		}
		for _, form := range []string{
			got, Format(got), strings.ToLower(Format(got)), strings.ReplaceAll(Format(got), " ", "-"),
			" " + Format(got) + "\t", strings.ToLower(got),
		} {
			if again, err := Normalize(form); again != got || err != nil {
				t.Fatalf("Normalize(%q) = %q, but Normalize(%q) = %q, %v", s, got, form, again, err)
			}
		}
		// New gives the same body check digits equal to these modulo 97
		// (00, 01 and 99 are the same as 97, 98 and 02).
		want, err := New(got[4:])
		if err != nil {
			t.Fatalf("Normalize(%q) = %q, but New(%q): %v", s, got, got[4:], err)
		}
		if mod97(want[2:4]) != mod97(got[2:4]) {
			t.Fatalf("Normalize(%q) = %q, but New(%q) = %q", s, got, got[4:], want)
		}
	})
}

// FuzzNew makes references from arbitrary bodies. Every one it returns
// validates, and every single character changed to another of the same
// kind (digit for digit, letter for letter), and every swap of two
// different neighbouring digits or letters, is caught. A digit replaced by
// a letter is not always caught: letters count as two digits in mod 97,
// so "B1" and "1B" both read 111; ISO 7064 promises nothing there.
func FuzzNew(f *testing.F) {
	f.Add("539007547034", uint8(5), uint8(3))
	f.Add("12345670000123", uint8(17), uint8(9))
	f.Add("ACME2024X", uint8(7), uint8(30))
	f.Add("a", uint8(0), uint8(0))
	f.Add("ZZZZZZZZZZZZZZZZZZZZZ", uint8(20), uint8(35))
	f.Add("0000000000000000000000", uint8(1), uint8(1))
	f.Add("12 34", uint8(2), uint8(2))
	f.Add("", uint8(0), uint8(0))
	f.Fuzz(func(t *testing.T, body string, at, repl uint8) {
		ref, err := New(body)
		upper := strings.ToUpper(body)
		if err != nil {
			if !errors.Is(err, ErrFormat) || ref != "" {
				t.Fatalf("New(%q) = %q, %v", body, ref, err)
			}
			if len(upper) >= 1 && len(upper) <= MaxBody && alnum(upper) {
				t.Fatalf("New(%q) refused a valid body: %v", body, err)
			}
			return
		}
		if !isCompact(ref) || ref[4:] != upper {
			t.Fatalf("New(%q) = %q", body, ref)
		}
		if got, err := Normalize(Format(ref)); got != ref || err != nil {
			t.Fatalf("New(%q) = %q, but Normalize(%q) = %q, %v", body, ref, Format(ref), got, err)
		}
		if check := ref[2:4]; check < "02" || check > "98" {
			t.Fatalf("New(%q) = %q: check digits outside 02-98", body, ref)
		}

		// One character changed. Positions 0 and 1 ("RF") are format errors.
		pos := int(at) % len(ref)
		c := refAlphabet[int(repl)%len(refAlphabet)]
		if c != ref[pos] {
			typo := ref[:pos] + string(c) + ref[pos+1:]
			_, err := Normalize(typo)
			sameKind := isDigit(c) == isDigit(ref[pos])
			if err == nil && (sameKind || pos < 4) {
				t.Fatalf("New(%q) = %q: the typo %q (position %d) passes the check", body, ref, typo, pos)
			}
			if err != nil && !errors.Is(err, ErrFormat) && !errors.Is(err, ErrChecksum) {
				t.Fatalf("Normalize(%q): %v", typo, err)
			}
		}
		// Two neighbours of the same kind swapped.
		if p := 2 + int(at)%(len(ref)-2); p+1 < len(ref) {
			x, y := ref[p], ref[p+1]
			if x != y && isDigit(x) == isDigit(y) {
				swapped := ref[:p] + string(y) + string(x) + ref[p+2:]
				if _, err := Normalize(swapped); err == nil {
					t.Fatalf("New(%q) = %q: the swap %q passes the check", body, ref, swapped)
				}
			}
		}
	})
}

// FuzzForInvoice checks the references printed on invoices: valid, 18
// characters, digits only, and every single-digit typo caught.
func FuzzForInvoice(f *testing.F) {
	f.Add(1_000_000, 1, uint8(4), uint8(1))
	f.Add(9_999_999, 9_999_999, uint8(17), uint8(9))
	f.Add(5_390_075, 47034, uint8(2), uint8(0))
	f.Fuzz(func(t *testing.T, code, seq int, at, d uint8) {
		// The domain ForInvoice is called with: a merchant code from
		// NewMerchantCode and a positive sequence of at most 7 digits.
		code = 1_000_000 + abs(code)%9_000_000
		seq = 1 + abs(seq)%9_999_999
		ref := ForInvoice(code, seq)
		if len(ref) != 18 || !digits(ref[2:]) {
			t.Fatalf("ForInvoice(%d, %d) = %q", code, seq, ref)
		}
		if got, err := Normalize(ref); got != ref || err != nil {
			t.Fatalf("ForInvoice(%d, %d) = %q, but Normalize: %q, %v", code, seq, ref, got, err)
		}
		pos := 2 + int(at)%16
		c := '0' + d%10
		if c == ref[pos] {
			return
		}
		typo := ref[:pos] + string(c) + ref[pos+1:]
		if _, err := Normalize(typo); err == nil {
			t.Fatalf("ForInvoice(%d, %d) = %q: the typo %q passes the check", code, seq, ref, typo)
		}
	})
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func abs(n int) int {
	if n < 0 {
		if n == -n { // math.MinInt
			return 0
		}
		return -n
	}
	return n
}
