package wallet

import (
	"fmt"
	"strings"
)

// base58Alphabet is Bitcoin's, used by TRON and Solana alike.
const base58Alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

// decodeBase58 decodes s; the error names the first character outside the
// alphabet. Callers bound the length: the work grows with its square.
func decodeBase58(s string) ([]byte, error) {
	var num []byte // the value in base 256, least significant byte first
	pos := 0
	for _, r := range s {
		pos++
		d := strings.IndexRune(base58Alphabet, r)
		if d < 0 {
			return nil, fmt.Errorf("character %q (position %d) cannot appear in an address; base58 has no 0, O, I or l", r, pos)
		}
		carry := d
		for i := range num {
			carry += int(num[i]) * 58
			num[i] = byte(carry & 0xff)
			carry >>= 8
		}
		for ; carry > 0; carry >>= 8 {
			num = append(num, byte(carry&0xff))
		}
	}
	// Each leading '1' stands for a leading zero byte.
	out := make([]byte, len(s)-len(strings.TrimLeft(s, "1")), len(s))
	for i := len(num) - 1; i >= 0; i-- {
		out = append(out, num[i])
	}
	return out, nil
}
