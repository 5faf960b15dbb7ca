package merchant

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/tally-invoicing/tally/internal/fault"
	"github.com/tally-invoicing/tally/internal/i18n"
	"github.com/tally-invoicing/tally/internal/party"
	"github.com/tally-invoicing/tally/internal/validate"
)

// Limits of the identity printed on invoices.
const (
	maxLegalName    = 200
	maxAddressLines = 3
	maxAddressPart  = 100
	maxTaxID        = 40
)

// CleanLegalName trims a registered legal name; "" means none.
func CleanLegalName(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	if err := validate.SingleLine(s); err != nil {
		return "", fault.Invalid(field, err.Error())
	}
	if utf8.RuneCountInString(s) > maxLegalName {
		return "", fault.Invalidf(field, "the legal name must be at most %d characters", maxLegalName)
	}
	return s, nil
}

// CleanTaxID checks a VAT, GST or other tax number and returns it compact
// and upper case, the way e-invoices carry it: "de 123.456-789" is
// "DE123456789". "" means none. As typed it may hold letters, digits,
// spaces, dots and dashes; compact it is 2 to 40 characters.
func CleanTaxID(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9', r >= 'A' && r <= 'Z':
			b.WriteRune(r)
		case r >= 'a' && r <= 'z':
			b.WriteRune(r - 'a' + 'A')
		case r == ' ', r == '.', r == '-':
		default:
			return "", fault.Invalidf(field, "a tax number has only letters, digits, spaces, dots and dashes; remove %q", r)
		}
	}
	id := b.String()
	if n := len(id); n < 2 || n > maxTaxID {
		return "", fault.Invalidf(field, "a tax number is 2 to %d letters and digits, e.g. DE123456789", maxTaxID)
	}
	return id, nil
}

// CleanAddress checks a postal address and returns it trimmed, with blank
// street lines dropped and the country code upper case. field is the
// input's path ("postalAddress"); errors name its parts, e.g.
// "postalAddress.country". An address with nothing in it is the zero
// Address: the caller removes the address.
func CleanAddress(field string, a party.Address) (party.Address, error) {
	var out party.Address
	for _, l := range a.Lines {
		if l = strings.TrimSpace(l); l != "" {
			out.Lines = append(out.Lines, l)
		}
	}
	if len(out.Lines) > maxAddressLines {
		return party.Address{}, fault.Invalidf(field+".lines", "an address has at most %d street lines; put the rest in city, postalCode or region", maxAddressLines)
	}
	for i, l := range out.Lines {
		if err := addressPart(fmt.Sprintf("%s.lines[%d]", field, i), "a street line", l); err != nil {
			return party.Address{}, err
		}
	}
	out.City = strings.TrimSpace(a.City)
	out.PostalCode = strings.TrimSpace(a.PostalCode)
	out.Region = strings.TrimSpace(a.Region)
	for _, p := range []struct{ path, what, v string }{
		{".city", "the city", out.City},
		{".postalCode", "the postal code", out.PostalCode},
		{".region", "the region", out.Region},
	} {
		if err := addressPart(field+p.path, p.what, p.v); err != nil {
			return party.Address{}, err
		}
	}
	country := strings.ToUpper(strings.TrimSpace(a.Country))
	if country == "" {
		if out.IsZero() {
			return party.Address{}, nil
		}
		return party.Address{}, fault.Invalid(field+".country", "give the country as its ISO 3166-1 alpha-2 code, e.g. DE or US")
	}
	code, err := party.CountryCode(country)
	if err != nil {
		return party.Address{}, fault.Invalid(field+".country", err.Error())
	}
	out.Country = code
	return out, nil
}

func addressPart(field, what, s string) error {
	if err := validate.SingleLine(s); err != nil {
		return fault.Invalid(field, err.Error())
	}
	if utf8.RuneCountInString(s) > maxAddressPart {
		return fault.Invalidf(field, "%s must be at most %d characters", what, maxAddressPart)
	}
	return nil
}

// cityFirst are countries whose addresses put the city, then the region and
// the postal code on one line ("Springfield, IL 62704"); elsewhere the
// postal code comes first ("10115 Berlin") and the region has its own line.
var cityFirst = map[string]bool{
	"US": true, "CA": true, "AU": true, "GB": true, "IE": true, "NZ": true,
	"IN": true, "SG": true, "HK": true, "KR": true, "JP": true, "CN": true, "TW": true,
	"BR": true, "MX": true,
}

// FormatAddress writes a as text, one line per line, for the old
// free-text address column and anything that prints an address without
// knowing its structure: street lines, then the city line in the order
// usual for the country, then the country's English name. It is a
// fallback; the document lays the parts out itself.
func FormatAddress(a party.Address) string {
	lines := append([]string{}, a.Lines...)
	join := func(parts ...string) string {
		var kept []string
		for _, p := range parts {
			if p != "" {
				kept = append(kept, p)
			}
		}
		return strings.Join(kept, " ")
	}
	if cityFirst[a.Country] {
		city := a.City
		if a.Region != "" && city != "" {
			city += ","
		}
		lines = append(lines, join(city, a.Region, a.PostalCode))
	} else {
		lines = append(lines, join(a.PostalCode, a.City), a.Region)
	}
	if a.Country != "" {
		lines = append(lines, i18n.For("en").Country(a.Country))
	}
	var out []string
	for _, l := range lines {
		if l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
