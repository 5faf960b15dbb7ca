// Package validate checks user-supplied contact details the same way
// everywhere they are entered.
package validate

import (
	"net/mail"
	"strings"

	"github.com/tally-invoicing/tally/internal/fault"
)

// Email returns the address lower-cased and trimmed, or a VALIDATION error
// that says what is wrong. It wants a bare address ("ana@example.com"), with
// a domain that has a dot, as mail providers will deliver to.
func Email(s string) (string, error) {
	e := strings.ToLower(strings.TrimSpace(s))
	if e == "" {
		return "", fault.Invalid("email", "enter an email address")
	}
	if len(e) > 254 {
		return "", fault.Invalid("email", "email address must be at most 254 characters")
	}
	a, err := mail.ParseAddress(e)
	if err != nil || a.Address != e || a.Name != "" {
		return "", fault.Invalidf("email", "%q is not a valid email address, e.g. ana@example.com", s)
	}
	at := strings.LastIndexByte(e, '@')
	domain := e[at+1:]
	if !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") {
		return "", fault.Invalidf("email", "%q is missing a domain like example.com after the @", s)
	}
	return e, nil
}
