package merchant

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/tally-invoicing/tally/internal/fault"
	"github.com/tally-invoicing/tally/internal/party"
	"github.com/tally-invoicing/tally/internal/validate"
)

// ibanLength is the length of an IBAN per country, from the SWIFT IBAN
// registry. A country missing here is checked against the general bounds
// (15 to 34) and its check digits only.
var ibanLength = map[string]int{
	"AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29,
	"BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20, "EG": 29,
	"ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28,
	"HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20,
	"LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19,
	"MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29,
	"RO": 24, "RS": 22, "SA": 24, "SC": 31, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28,
	"TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}

const (
	minIBAN        = 15
	maxIBAN        = 34
	maxBankName    = 200
	maxBankAccount = 34
	maxRoutingCode = 20
)

// CleanBankAccount checks bank details and returns them normalised: the
// IBAN and BIC compact and upper case. field is the input's path
// ("bankAccount"); errors name its parts, e.g. "bankAccount.iban". Either
// IBAN or AccountNumber must be given, not both; details with nothing in
// them are the zero BankAccount: the caller removes them.
func CleanBankAccount(field string, b party.BankAccount) (party.BankAccount, error) {
	out := party.BankAccount{
		AccountName:   strings.TrimSpace(b.AccountName),
		BankName:      strings.TrimSpace(b.BankName),
		IBAN:          compactUpper(b.IBAN),
		BIC:           compactUpper(b.BIC),
		AccountNumber: strings.TrimSpace(b.AccountNumber),
		RoutingNumber: strings.TrimSpace(b.RoutingNumber),
	}
	for _, p := range []struct{ path, what, v string }{
		{".accountName", "the account holder", out.AccountName},
		{".bankName", "the bank's name", out.BankName},
	} {
		if err := validate.SingleLine(p.v); err != nil {
			return party.BankAccount{}, fault.Invalid(field+p.path, err.Error())
		}
		if utf8.RuneCountInString(p.v) > maxBankName {
			return party.BankAccount{}, fault.Invalidf(field+p.path, "%s must be at most %d characters", p.what, maxBankName)
		}
	}
	if out == (party.BankAccount{}) {
		return out, nil
	}
	switch {
	case out.IBAN != "" && out.AccountNumber != "":
		return party.BankAccount{}, fault.Invalid(field+".accountNumber", "give an iban or an accountNumber, not both")
	case out.IBAN == "" && out.AccountNumber == "":
		return party.BankAccount{}, fault.Invalid(field+".iban", "give an iban, or an accountNumber with its routingNumber, so customers know where to pay")
	case out.IBAN != "":
		if out.RoutingNumber != "" {
			return party.BankAccount{}, fault.Invalid(field+".routingNumber", "a routing number goes with an accountNumber; an IBAN already names the bank")
		}
		if err := checkIBAN(out.IBAN); err != nil {
			return party.BankAccount{}, fault.Invalid(field+".iban", err.Error())
		}
	default:
		if err := domesticCode(out.AccountNumber, maxBankAccount); err != nil {
			return party.BankAccount{}, fault.Invalid(field+".accountNumber", "the account number "+err.Error())
		}
		if err := domesticCode(out.RoutingNumber, maxRoutingCode); out.RoutingNumber != "" && err != nil {
			return party.BankAccount{}, fault.Invalid(field+".routingNumber", "the routing number "+err.Error())
		}
	}
	if out.BIC != "" && !validBIC(out.BIC) {
		return party.BankAccount{}, fault.Invalid(field+".bic", "a BIC is 8 or 11 characters: 4 letters for the bank, 2 for the country, 2 letters or digits for the place, and an optional 3 for the branch, e.g. DEUTDEFF or DEUTDEFF500")
	}
	return out, nil
}

// checkIBAN checks a compact upper-case IBAN (ISO 13616): its country,
// its length and its ISO 7064 MOD 97-10 check digits.
func checkIBAN(s string) error {
	if len(s) < 4 || !isUpper(s[0]) || !isUpper(s[1]) || !isDigit(s[2]) || !isDigit(s[3]) {
		return errors.New("an IBAN starts with the country code and two check digits, e.g. DE89 3704 0044 0532 0130 00")
	}
	for i := 4; i < len(s); i++ {
		if !isUpper(s[i]) && !isDigit(s[i]) {
			return errors.New("an IBAN has only letters and digits (spaces are ignored)")
		}
	}
	if _, err := party.CountryCode(s[:2]); err != nil {
		return fmt.Errorf("an IBAN starts with its country code; %s is not one", s[:2])
	}
	if n, ok := ibanLength[s[:2]]; ok && len(s) != n {
		return fmt.Errorf("an IBAN from %s has %d characters; this one has %d", s[:2], n, len(s))
	}
	if len(s) < minIBAN || len(s) > maxIBAN {
		return fmt.Errorf("an IBAN has %d to %d characters; this one has %d", minIBAN, maxIBAN, len(s))
	}
	if mod97(s[4:]+s[:4]) != 1 {
		return errors.New("the check digits do not match: check for a typo")
	}
	return nil
}

// mod97 is the ISO 7064 MOD 97-10 remainder of s, with each letter read as
// two digits (A=10 ... Z=35).
func mod97(s string) int {
	r := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isDigit(c) {
			r = (r*10 + int(c-'0')) % 97
		} else {
			r = (r*100 + int(c-'A') + 10) % 97
		}
	}
	return r
}

// validBIC reports whether s is shaped like a BIC (ISO 9362).
func validBIC(s string) bool {
	if len(s) != 8 && len(s) != 11 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if i < 6 && !isUpper(c) || i >= 6 && !isUpper(c) && !isDigit(c) {
			return false
		}
	}
	_, err := party.CountryCode(s[4:6])
	return err == nil
}

// domesticCode checks an account number or a bank code: letters, digits,
// spaces and dashes, at least one digit.
func domesticCode(s string, maxLen int) error {
	if len(s) > maxLen {
		return fmt.Errorf("must be at most %d characters", maxLen)
	}
	digits := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r >= 'A' && r <= 'Z', r >= 'a' && r <= 'z', r == ' ', r == '-':
		default:
			return errors.New("has only letters, digits, spaces and dashes")
		}
	}
	if digits == 0 {
		return errors.New("must have digits")
	}
	return nil
}

func compactUpper(s string) string {
	return strings.ToUpper(strings.Join(strings.Fields(s), ""))
}

func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }
