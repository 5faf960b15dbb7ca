// Package party is who bills whom: the postal addresses and bank accounts
// printed on an invoice, in the shape EN 16931 gives them (BG-5/BG-8
// addresses, BG-17 credit transfer). It depends only on golang.org/x/text,
// so the ent schema can store its types as JSON and the document can print
// them.
package party

import (
	"fmt"

	"golang.org/x/text/language"
)

// Address is a structured postal address (EN 16931 BG-5 for the seller,
// BG-8 for the buyer). Every field is optional except Country once any
// other field is set.
type Address struct {
	// Lines are the street lines, at most 3 (BT-35, BT-36, BT-162).
	Lines []string `json:"lines,omitempty"`
	// City is BT-37.
	City string `json:"city,omitempty"`
	// PostalCode is BT-38.
	PostalCode string `json:"postal_code,omitempty"`
	// Region is the state, province or county (BT-39).
	Region string `json:"region,omitempty"`
	// Country is the ISO 3166-1 alpha-2 code, upper case, e.g. "DE" (BT-40).
	Country string `json:"country,omitempty"`
}

// IsZero reports whether no part of the address is set.
func (a Address) IsZero() bool {
	return len(a.Lines) == 0 && a.City == "" && a.PostalCode == "" && a.Region == "" && a.Country == ""
}

// BankAccount is where a customer can send a transfer (EN 16931 BG-17).
// Either IBAN (with an optional BIC) or AccountNumber (with a routing
// number or sort code) is set.
type BankAccount struct {
	// AccountName is the account holder as the bank knows it (BT-85).
	AccountName string `json:"account_name,omitempty"`
	// BankName is printed for the payer's convenience.
	BankName string `json:"bank_name,omitempty"`
	// IBAN is compact and upper case, e.g. "DE89370400440532013000" (BT-84).
	IBAN string `json:"iban,omitempty"`
	// BIC is the 8 or 11 character SWIFT code (BT-86).
	BIC string `json:"bic,omitempty"`
	// AccountNumber is a domestic account number where IBAN is not used (BT-84).
	AccountNumber string `json:"account_number,omitempty"`
	// RoutingNumber is the US ABA routing number, the UK sort code or another
	// domestic bank code that goes with AccountNumber.
	RoutingNumber string `json:"routing_number,omitempty"`
}

// IsZero reports whether no account is set.
func (b BankAccount) IsZero() bool { return b.IBAN == "" && b.AccountNumber == "" }

// CountryCode checks an upper-case ISO 3166-1 alpha-2 country code, the
// one check every country field (addresses, IBANs, tax rates) goes
// through. A deprecated or non-canonical code ("UK") is refused with the
// code to use instead ("GB").
func CountryCode(s string) (string, error) {
	if len(s) != 2 || s[0] < 'A' || s[0] > 'Z' || s[1] < 'A' || s[1] > 'Z' {
		return "", fmt.Errorf("%q is not a country code; give the two-letter ISO 3166-1 code, e.g. DE or US", s)
	}
	r, err := language.ParseRegion(s)
	if err != nil || !r.IsCountry() {
		return "", fmt.Errorf("%q is not an ISO 3166-1 country code; e.g. DE, FR or US", s)
	}
	if c := r.Canonicalize().String(); c != s {
		return "", fmt.Errorf("%q is not the ISO 3166-1 code; use %s", s, c)
	}
	return s, nil
}
