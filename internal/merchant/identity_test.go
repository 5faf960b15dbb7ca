package merchant

import (
	"strings"
	"testing"

	"github.com/tally-invoicing/tally/internal/fault"
	"github.com/tally-invoicing/tally/internal/party"
)

// wantInvalid fails unless err is a validation error on field.
func wantInvalid(t *testing.T, err error, field string) {
	t.Helper()
	f, ok := fault.As(err)
	if !ok || f.Code != fault.CodeValidation || f.Field != field {
		t.Fatalf("got error %v, want VALIDATION on %s", err, field)
	}
}

func TestNormalizeLanguage(t *testing.T) {
	for in, want := range map[string]string{
		"en": "en", "EN": "en", "en-GB": "en", "de-CH": "de", "pt-BR": "pt", "pt-PT": "pt",
		"ZH-hant": "zh-Hant", "zh-TW": "zh-Hant", "zh-HK": "zh-Hant", "zh": "zh-Hans", "zh-CN": "zh-Hans",
		"ja-JP": "ja", " fr ": "fr", "es-419": "es", "nl-BE": "nl", "it": "it",
	} {
		got, err := NormalizeLanguage("language", in)
		if err != nil || got != want {
			t.Errorf("NormalizeLanguage(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "sv", "gl", "af", "gsw", "xx", "not a tag", "und"} {
		_, err := NormalizeLanguage("language", in)
		wantInvalid(t, err, "language")
	}
	// Every listed tag is its own normal form.
	for _, l := range Languages {
		if got, err := NormalizeLanguage("language", l.Tag); err != nil || got != l.Tag {
			t.Errorf("NormalizeLanguage(%q) = %q, %v", l.Tag, got, err)
		}
	}
}

func TestCleanTaxID(t *testing.T) {
	for in, want := range map[string]string{
		"DE123456789":          "DE123456789",
		" de 123 456 789 ":     "DE123456789",
		"CHE-123.456.789 MWST": "CHE123456789MWST",
		"":                     "",
		"   ":                  "",
	} {
		got, err := CleanTaxID("taxID", in)
		if err != nil || got != want {
			t.Errorf("CleanTaxID(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"1", "DE/123", "DE_1234", strings.Repeat("9", 41), "DÉ123456", "DE\n123"} {
		_, err := CleanTaxID("taxID", in)
		wantInvalid(t, err, "taxID")
	}
}

func TestCleanAddress(t *testing.T) {
	got, err := CleanAddress("postalAddress", party.Address{
		Lines: []string{" Unter den Linden 1 ", "", "Hinterhaus"}, City: " Berlin", PostalCode: "10117 ", Country: "de",
	})
	if err != nil {
		t.Fatal(err)
	}
	want := party.Address{Lines: []string{"Unter den Linden 1", "Hinterhaus"}, City: "Berlin", PostalCode: "10117", Country: "DE"}
	if got.City != want.City || got.PostalCode != want.PostalCode || got.Country != want.Country || strings.Join(got.Lines, "|") != strings.Join(want.Lines, "|") {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	if a, err := CleanAddress("postalAddress", party.Address{Lines: []string{" ", ""}, City: " "}); err != nil || !a.IsZero() {
		t.Fatalf("a blank address: got %+v, %v; want the zero address (removal)", a, err)
	}
	long := strings.Repeat("x", 101)
	for _, c := range []struct {
		name, field string
		in          party.Address
	}{
		{"no country", "postalAddress.country", party.Address{City: "Berlin"}},
		{"three letters", "postalAddress.country", party.Address{City: "Berlin", Country: "DEU"}},
		{"not a country", "postalAddress.country", party.Address{City: "Brussels", Country: "EU"}},
		{"unknown", "postalAddress.country", party.Address{City: "Nowhere", Country: "ZZ"}},
		{"UK is GB", "postalAddress.country", party.Address{City: "London", Country: "UK"}},
		{"four lines", "postalAddress.lines", party.Address{Lines: []string{"a", "b", "c", "d"}, Country: "DE"}},
		{"long line", "postalAddress.lines[1]", party.Address{Lines: []string{"a", long}, Country: "DE"}},
		{"long city", "postalAddress.city", party.Address{City: long, Country: "DE"}},
		{"long postal code", "postalAddress.postalCode", party.Address{PostalCode: long, Country: "DE"}},
		{"long region", "postalAddress.region", party.Address{Region: long, Country: "DE"}},
		{"line break in city", "postalAddress.city", party.Address{City: "Ber\nlin", Country: "DE"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := CleanAddress("postalAddress", c.in)
			wantInvalid(t, err, c.field)
		})
	}
	_, err = CleanAddress("postalAddress", party.Address{City: "London", Country: "UK"})
	if !strings.Contains(err.Error(), "GB") {
		t.Errorf("UK: %v; want the message to suggest GB", err)
	}
}

func TestFormatAddress(t *testing.T) {
	for _, c := range []struct {
		in   party.Address
		want string
	}{
		{party.Address{Lines: []string{"Unter den Linden 1"}, City: "Berlin", PostalCode: "10117", Country: "DE"},
			"Unter den Linden 1\n10117 Berlin\nGermany"},
		{party.Address{Lines: []string{"1 Main St", "Suite 5"}, City: "Springfield", Region: "IL", PostalCode: "62704", Country: "US"},
			"1 Main St\nSuite 5\nSpringfield, IL 62704\nUnited States"},
		{party.Address{City: "Lyon", Region: "Auvergne-Rhône-Alpes", Country: "FR"}, "Lyon\nAuvergne-Rhône-Alpes\nFrance"},
		{party.Address{Country: "JP"}, "Japan"},
	} {
		if got := FormatAddress(c.in); got != c.want {
			t.Errorf("FormatAddress(%+v) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestCleanBankAccount(t *testing.T) {
	got, err := CleanBankAccount("bankAccount", party.BankAccount{AccountName: " Acme GmbH ", IBAN: "de89 3704 0044 0532 0130 00", BIC: "cobadeffxxx"})
	if err != nil {
		t.Fatal(err)
	}
	if got.IBAN != "DE89370400440532013000" || got.BIC != "COBADEFFXXX" || got.AccountName != "Acme GmbH" {
		t.Fatalf("got %+v", got)
	}
	for _, iban := range []string{"GB82 WEST 1234 5698 7654 32", "FR14 2004 1010 0505 0001 3M02 606", "NL91ABNA0417164300", "NO9386011117947", "CH9300762011623852957", "BE68539007547034"} {
		if _, err := CleanBankAccount("bankAccount", party.BankAccount{IBAN: iban}); err != nil {
			t.Errorf("%s: %v", iban, err)
		}
	}
	if got, err := CleanBankAccount("bankAccount", party.BankAccount{AccountNumber: "000123456789", RoutingNumber: "026009593", BankName: "Bank of America"}); err != nil || got.AccountNumber != "000123456789" {
		t.Fatalf("US account: %+v, %v", got, err)
	}
	if got, err := CleanBankAccount("bankAccount", party.BankAccount{AccountName: " "}); err != nil || got != (party.BankAccount{}) {
		t.Fatalf("blank details: %+v, %v; want the zero account (removal)", got, err)
	}

	typo, err := CleanBankAccount("bankAccount", party.BankAccount{IBAN: "DE89370400440532013001"})
	wantInvalid(t, err, "bankAccount.iban")
	if !strings.Contains(err.Error(), "the check digits do not match: check for a typo") {
		t.Errorf("a typo in the IBAN: %v (%+v)", err, typo)
	}
	for _, c := range []struct {
		name, field string
		in          party.BankAccount
	}{
		{"swapped digits", "bankAccount.iban", party.BankAccount{IBAN: "DE89370400440532010300"}},
		{"short for DE", "bankAccount.iban", party.BankAccount{IBAN: "DE8937040044053201300"}},
		{"no country", "bankAccount.iban", party.BankAccount{IBAN: "1289370400440532013000"}},
		{"unknown country", "bankAccount.iban", party.BankAccount{IBAN: "ZZ89370400440532013000"}},
		{"punctuation", "bankAccount.iban", party.BankAccount{IBAN: "DE89-3704-0044-0532-0130-00"}},
		{"too long", "bankAccount.iban", party.BankAccount{IBAN: "QA" + strings.Repeat("1", 40)}},
		{"both", "bankAccount.accountNumber", party.BankAccount{IBAN: "DE89370400440532013000", AccountNumber: "123"}},
		{"neither", "bankAccount.iban", party.BankAccount{AccountName: "Acme", BIC: "COBADEFF"}},
		{"routing with IBAN", "bankAccount.routingNumber", party.BankAccount{IBAN: "DE89370400440532013000", RoutingNumber: "026009593"}},
		{"BIC of 9", "bankAccount.bic", party.BankAccount{IBAN: "DE89370400440532013000", BIC: "COBADEFF1"}},
		{"BIC with digits for bank", "bankAccount.bic", party.BankAccount{IBAN: "DE89370400440532013000", BIC: "C0BADEFF"}},
		{"BIC of no country", "bankAccount.bic", party.BankAccount{IBAN: "DE89370400440532013000", BIC: "COBAZZFF"}},
		{"account of letters", "bankAccount.accountNumber", party.BankAccount{AccountNumber: "abc"}},
		{"account with slash", "bankAccount.accountNumber", party.BankAccount{AccountNumber: "12/34"}},
		{"routing of symbols", "bankAccount.routingNumber", party.BankAccount{AccountNumber: "1234", RoutingNumber: "#$%"}},
		{"long holder", "bankAccount.accountName", party.BankAccount{AccountName: strings.Repeat("a", 201), IBAN: "DE89370400440532013000"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := CleanBankAccount("bankAccount", c.in)
			wantInvalid(t, err, c.field)
		})
	}
}

func TestCheckPaymentTerms(t *testing.T) {
	for _, d := range []int{0, 7, 30, 365} {
		if err := CheckPaymentTerms("paymentTermsDays", d); err != nil {
			t.Errorf("%d days: %v", d, err)
		}
	}
	for _, d := range []int{-1, 366} {
		wantInvalid(t, CheckPaymentTerms("paymentTermsDays", d), "paymentTermsDays")
	}
}
