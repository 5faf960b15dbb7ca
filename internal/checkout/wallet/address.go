package wallet

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/sha3"
)

// ErrInvalidAddress means a receiving address is malformed, fails its
// checksum, or can never be a merchant's wallet (the zero address, a token
// contract). The message says what to do.
var ErrInvalidAddress = errors.New("wallet: invalid address")

// ValidateAddress checks that addr can receive payments on n and returns its
// canonical form: EIP-55 checksum case on EVM networks, as given elsewhere.
// Surrounding spaces are ignored.
func ValidateAddress(n Network, addr string) (string, error) {
	addr = strings.TrimSpace(addr)
	if addr == "" {
		return "", invalid(ErrInvalidAddress, "enter the %s address of your wallet", n)
	}
	var (
		canonical string
		err       error
	)
	switch {
	case isEVM(n):
		canonical, err = evmAddress(n, addr)
	case n == Tron:
		canonical, err = tronAddress(addr)
	case n == Solana:
		canonical, err = solanaAddress(addr)
	default:
		_, err = Lookup(n, USDT)
	}
	if err != nil {
		return "", err
	}
	for _, t := range tokens {
		if t.Network == n && t.Contract == canonical {
			return "", invalid(ErrInvalidAddress, "this is the %s token contract on %s, not a wallet; tokens sent there are lost. Copy the receiving address from your wallet", t.Asset, n)
		}
	}
	return canonical, nil
}

func evmAddress(n Network, addr string) (string, error) {
	if looksTron(addr) {
		return "", invalid(ErrInvalidAddress, "this looks like a TRON address; a %s address starts with 0x", n)
	}
	if !strings.HasPrefix(addr, "0x") {
		return "", invalid(ErrInvalidAddress, "a %s address starts with 0x followed by 40 hexadecimal characters", n)
	}
	digits := addr[2:]
	for i, r := range digits {
		if !isHex(r) {
			return "", invalid(ErrInvalidAddress, "character %q (position %d) is not hexadecimal (0-9, a-f)", r, i+3)
		}
	}
	if len(digits) != 40 {
		return "", invalid(ErrInvalidAddress, "a %s address has 40 hexadecimal characters after 0x; this one has %d", n, len(digits))
	}
	lower := strings.ToLower(digits)
	if strings.Trim(lower, "0") == "" {
		return "", invalid(ErrInvalidAddress, "this is the zero address; tokens sent there are burned")
	}
	sum := eip55(lower)
	// All one case carries no checksum; mixed case is a checksum and must match.
	if digits != lower && digits != strings.ToUpper(digits) && addr != sum {
		return "", invalid(ErrInvalidAddress, "address checksum does not match (EIP-55); copy the address again from your wallet")
	}
	return sum, nil
}

// eip55 returns the checksummed form of a 40-character lowercase hex address:
// a letter is upper case where the matching nibble of its Keccak-256 hash is 8 or more.
func eip55(lower string) string {
	h := sha3.NewLegacyKeccak256()
	h.Write([]byte(lower))
	hash := h.Sum(nil)
	out := []byte(lower)
	for i, c := range out {
		nibble := hash[i/2] >> 4
		if i%2 == 1 {
			nibble = hash[i/2] & 0x0f
		}
		if c >= 'a' && nibble >= 8 {
			out[i] = c - 'a' + 'A'
		}
	}
	return "0x" + string(out)
}

func isHex(r rune) bool {
	return '0' <= r && r <= '9' || 'a' <= r && r <= 'f' || 'A' <= r && r <= 'F'
}

func looksTron(addr string) bool { return len(addr) == 34 && addr[0] == 'T' }

// tronAddress checks a base58check TRON address: 25 bytes, 0x41 then the
// 20-byte account, then the first 4 bytes of the double SHA-256 of those 21.
func tronAddress(addr string) (string, error) {
	if strings.HasPrefix(addr, "0x") {
		return "", invalid(ErrInvalidAddress, "this looks like an Ethereum-style address; a TRON address starts with T")
	}
	if n := utf8.RuneCountInString(addr); n != 34 {
		return "", invalid(ErrInvalidAddress, "a TRON address is 34 characters long; this one has %d", n)
	}
	if addr[0] != 'T' {
		return "", invalid(ErrInvalidAddress, "a TRON address starts with T")
	}
	b, err := decodeBase58(addr)
	if err != nil {
		return "", invalid(ErrInvalidAddress, "%v", err)
	}
	if len(b) != 25 || b[0] != 0x41 {
		return "", invalid(ErrInvalidAddress, "this is not a TRON mainnet address")
	}
	first := sha256.Sum256(b[:21])
	second := sha256.Sum256(first[:])
	if !bytes.Equal(second[:4], b[21:]) {
		return "", invalid(ErrInvalidAddress, "address checksum does not match; a character is wrong, copy the address again from your wallet")
	}
	if allZero(b[1:21]) {
		return "", invalid(ErrInvalidAddress, "this is the TRON zero address; tokens sent there are burned")
	}
	return addr, nil
}

// solanaAddress checks a base58 Solana public key. Base58 has no checksum,
// so a typo is caught only if it changes the length.
func solanaAddress(addr string) (string, error) {
	if strings.HasPrefix(addr, "0x") {
		return "", invalid(ErrInvalidAddress, "this looks like an Ethereum-style address; a Solana address is 32 to 44 base58 characters")
	}
	if n := utf8.RuneCountInString(addr); n < 32 || n > 44 {
		return "", invalid(ErrInvalidAddress, "a Solana address is 32 to 44 characters long; this one has %d", n)
	}
	b, err := decodeBase58(addr)
	if err != nil {
		return "", invalid(ErrInvalidAddress, "%v", err)
	}
	if len(b) != 32 {
		return "", invalid(ErrInvalidAddress, "this is not a Solana address: it holds %d bytes, not 32; copy the address again from your wallet", len(b))
	}
	if allZero(b) {
		return "", invalid(ErrInvalidAddress, "this is the Solana system program, not a wallet")
	}
	return addr, nil
}

func allZero(b []byte) bool { return len(bytes.Trim(b, "\x00")) == 0 }

// OwnerKey names a receiving address on a network regardless of how it is
// written: EVM addresses are hexadecimal and case-insensitive (the case is
// only a checksum), base58 addresses are case-sensitive. An address belongs
// to one merchant per network; this is the key that says so.
func OwnerKey(n Network, addr string) string {
	if isEVM(n) {
		addr = strings.ToLower(addr)
	}
	return string(n) + ":" + addr
}
