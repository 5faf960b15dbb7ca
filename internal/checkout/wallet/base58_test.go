package wallet

import (
	"bytes"
	"encoding/hex"
	"strings"
	"testing"
)

// encodeBase58 is decodeBase58's inverse; only tests need to build addresses.
func encodeBase58(b []byte) string {
	var digits []byte // base 58, least significant first
	for _, c := range b {
		carry := uint(c)
		for i := range digits {
			carry += uint(digits[i]) << 8
			digits[i] = byte(carry % 58)
			carry /= 58
		}
		for ; carry > 0; carry /= 58 {
			digits = append(digits, byte(carry%58))
		}
	}
	var sb strings.Builder
	for _, c := range b {
		if c != 0 {
			break
		}
		sb.WriteByte('1')
	}
	for i := len(digits) - 1; i >= 0; i-- {
		sb.WriteByte(base58Alphabet[digits[i]])
	}
	return sb.String()
}

func TestBase58(t *testing.T) {
	// Vectors from Bitcoin Core's base58_encode_decode.json.
	tests := []struct{ hex, text string }{
		{"", ""},
		{"61", "2g"},
		{"626262", "a3gV"},
		{"636363", "aPEr"},
		{"73696d706c792061206c6f6e6720737472696e67", "2cFupjhnEsSn59qHXstmK2ffpLv2"},
		{"00eb15231dfceb60925886b67d065299925915aeb172c06647", "1NS17iag9jJgTHD1VXjvLCEnZuQ3rJDE9L"},
		{"516b6fcd0f", "ABnLTmg"},
		{"bf4f89001e670274dd", "3SEo3LWLoPntC"},
		{"572e4794", "3EFU7m"},
		{"ecac89cad93923c02321", "EJDM8drfXA6uyA"},
		{"10c8511e", "Rt5zm"},
		{"00000000000000000000", "1111111111"},
	}
	for _, tt := range tests {
		b, _ := hex.DecodeString(tt.hex)
		if got := encodeBase58(b); got != tt.text {
			t.Errorf("encode(%s): got %q, want %q", tt.hex, got, tt.text)
		}
		got, err := decodeBase58(tt.text)
		if err != nil || !bytes.Equal(got, b) {
			t.Errorf("decode(%q): got %x, %v, want %s", tt.text, got, err, tt.hex)
		}
	}
}

func TestBase58RejectsCharacters(t *testing.T) {
	for _, s := range []string{"0abc", "abcO", "Il", "ab c", "é"} {
		if _, err := decodeBase58(s); err == nil {
			t.Errorf("decode(%q): got no error, want one", s)
		}
	}
	_, err := decodeBase58("ab0")
	if want := `character '0' (position 3)`; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("got %v, want it to contain %s", err, want)
	}
}
