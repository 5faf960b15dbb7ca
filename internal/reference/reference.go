// Package reference makes and checks ISO 11649 structured creditor
// references ("RF18 5390 0754 7034"): the payment reference printed on every
// issued invoice, whose mod-97 check digits catch typos before matching.
package reference

import (
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"
	"strconv"
	"strings"
)

// MaxBody is the longest body ISO 11649 allows after "RF" and the check digits.
const MaxBody = 21

var (
	// ErrFormat means the text is not shaped like a creditor reference.
	ErrFormat = errors.New("reference: not of the form RFnn followed by 1 to 21 letters or digits")
	// ErrChecksum means the shape is right but the check digits do not match:
	// almost always a typo.
	ErrChecksum = errors.New("reference: check digits do not match")
)

// New returns the reference for body: "RF" + two check digits + body.
// body must be 1 to 21 characters of A-Z and 0-9.
func New(body string) (string, error) {
	body = strings.ToUpper(body)
	if len(body) == 0 || len(body) > MaxBody || !alnum(body) {
		return "", ErrFormat
	}
	check := 98 - mod97(body+"RF00")
	return "RF" + twoDigits(check) + body, nil
}

// Normalize strips spaces and dashes and upper-cases s, then checks it.
// It returns the compact form ("RF18539007547034").
func Normalize(s string) (string, error) {
	compact := strings.ToUpper(strings.NewReplacer(" ", "", "-", "", "\t", "").Replace(s))
	if len(compact) < 5 || len(compact) > 4+MaxBody || !strings.HasPrefix(compact, "RF") ||
		!digits(compact[2:4]) || !alnum(compact[4:]) {
		return "", ErrFormat
	}
	if mod97(compact[4:]+compact[:4]) != 1 {
		return "", ErrChecksum
	}
	return compact, nil
}

// Format groups a compact reference in blocks of four for printing:
// "RF18 5390 0754 7034".
func Format(compact string) string {
	var b strings.Builder
	for i, r := range compact {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// MerchantCodeDigits is the width of the merchant part of a reference.
const MerchantCodeDigits = 7

// ForInvoice builds an invoice's reference from its merchant's code (random,
// unique per merchant, fixed at sign-up) and the invoice's sequence number
// within that merchant. The pair is unique, so the reference is unique
// across Tally without a global counter. The body is digits only: people
// type it into bank memos, and MOD 97-10 detects every single-digit
// substitution and every swap of adjacent digits in a numeric body.
func ForInvoice(merchantCode, seq int) string {
	ref, err := New(fmt.Sprintf("%07d%07d", merchantCode, seq))
	if err != nil {
		panic(err) // 14 digits always fit
	}
	return ref
}

// NewMerchantCode returns a random merchant code for ForInvoice.
func NewMerchantCode() int {
	n, err := rand.Int(rand.Reader, big.NewInt(9_000_000))
	if err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return int(n.Int64()) + 1_000_000
}

// mod97 computes the ISO 7064 MOD 97-10 remainder of s with letters
// expanded to two digits (A=10 ... Z=35), digit by digit to avoid big ints.
func mod97(s string) int {
	r := 0
	for _, c := range s {
		switch {
		case c >= '0' && c <= '9':
			r = (r*10 + int(c-'0')) % 97
		case c >= 'A' && c <= 'Z':
			v := int(c-'A') + 10
			r = (r*100 + v) % 97
		}
	}
	return r
}

func twoDigits(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

func alnum(s string) bool {
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return s != ""
}

func digits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}
