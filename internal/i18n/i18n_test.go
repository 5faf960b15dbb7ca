package i18n

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tally-invoicing/tally/internal/money"
)

// verbs lists a message's fmt verbs by kind, ignoring explicit argument
// indexes ("%[2]s" is an s): a translation may reorder its arguments but
// must use each of them as English does.
var verbRE = regexp.MustCompile(`%(?:\[\d+\])?[-+# 0]*\d*(?:\.\d+)?([a-zA-Z%])`)

func verbs(s string) []string {
	var out []string
	for _, m := range verbRE.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	slices.Sort(out)
	return out
}

func TestEveryMessageExistsInEveryLanguage(t *testing.T) {
	for _, s := range supported {
		lang := s.tag.String()
		for key, want := range enMessages {
			got, ok := s.messages[key]
			if !ok {
				t.Errorf("%s: message %q is missing", lang, key)
				continue
			}
			switch want := want.(type) {
			case string:
				g, ok := got.(string)
				if !ok {
					t.Errorf("%s: %q must be a plain string like English", lang, key)
					continue
				}
				if strings.TrimSpace(g) == "" {
					t.Errorf("%s: %q is empty", lang, key)
				}
				if !slices.Equal(verbs(g), verbs(want)) {
					t.Errorf("%s: %q uses %v, English %v: %q", lang, key, verbs(g), verbs(want), g)
				}
			case Plural:
				g, ok := got.(Plural)
				if !ok {
					t.Errorf("%s: %q must be a Plural like English", lang, key)
					continue
				}
				if _, ok := g["other"]; !ok {
					t.Errorf("%s: plural %q has no \"other\" form", lang, key)
				}
				for form, text := range g {
					if !slices.Contains(categories, form) {
						t.Errorf("%s: plural %q has form %q, not a CLDR category", lang, key, form)
					}
					if !slices.Equal(verbs(text), verbs(want["other"])) {
						t.Errorf("%s: plural %q form %q uses %v, English %v", lang, key, form, verbs(text), verbs(want["other"]))
					}
				}
			}
		}
		for key := range s.messages {
			if _, ok := enMessages[key]; !ok {
				t.Errorf("%s: message %q is not in English (lang_en.go): a typo or a leftover", lang, key)
			}
		}
	}
}

// Printing every message with arguments of the right kind gives no fmt
// error marks and does not fall back to the key.
func TestEveryMessagePrints(t *testing.T) {
	for _, l := range Languages() {
		p := For(l.Tag)
		for key, m := range enMessages {
			var args []any
			text := ""
			switch m := m.(type) {
			case string:
				text = m
			case Plural:
				text = m["other"]
			}
			for _, v := range verbs(text) {
				if v == "d" {
					args = append(args, 3)
				} else {
					args = append(args, "ARG")
				}
			}
			got := p.T(key, args...)
			if strings.Contains(got, "%!") || got == key {
				t.Errorf("%s %s: %q", l.Tag, key, got)
			}
		}
	}
}

func TestMatch(t *testing.T) {
	for in, want := range map[string]string{
		"": "en", "en": "en", "en-GB": "en", "de": "de", "de-AT": "de", "de-CH": "de",
		"fr-CA": "fr", "es-MX": "es", "pt-BR": "pt", "pt-PT": "pt", "it": "it", "nl-BE": "nl",
		"ja-JP": "ja", "zh": "zh-Hans", "zh-CN": "zh-Hans", "zh-Hans": "zh-Hans",
		"zh-TW": "zh-Hant", "zh-HK": "zh-Hant", "zh-Hant": "zh-Hant",
		"xx": "en", "nb-NO": "en", "not a tag!": "en", " DE ": "de",
	} {
		if got := Match(in); got != want {
			t.Errorf("Match(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLanguagesNameThemselves(t *testing.T) {
	got := map[string]string{}
	for _, l := range Languages() {
		got[l.Tag] = l.Name
	}
	want := map[string]string{
		"en": "English", "de": "Deutsch", "fr": "Français", "es": "Español", "pt": "Português",
		"it": "Italiano", "nl": "Nederlands", "ja": "日本語", "zh-Hans": "简体中文", "zh-Hant": "繁體中文",
	}
	if len(got) != len(want) {
		t.Fatalf("languages: %v", got)
	}
	for tag, name := range want {
		if got[tag] != name {
			t.Errorf("%s is called %q, want %q", tag, got[tag], name)
		}
	}
	if Languages()[0].Tag != "en" {
		t.Error("English, the fallback, must come first")
	}
}

func TestMoneyIsExactAndLocal(t *testing.T) {
	cur := func(code string) money.Currency { c, _ := money.Lookup(code); return c }
	const nbsp, nnbsp = "\u00a0", "\u202f"
	for _, tc := range []struct {
		lang, code string
		minor      int64
		want       string
	}{
		{"en", "USD", 123450, "$1,234.50"},
		{"en", "EUR", -500, "-€5.00"},
		{"de", "EUR", 123450, "1.234,50" + nbsp + "€"},
		{"de", "USD", 5, "0,05" + nbsp + "$"},
		{"fr", "EUR", 123450, "1" + nnbsp + "234,50" + nbsp + "€"},
		{"es", "EUR", 123450, "1234,50" + nbsp + "€"}, // CLDR: Spanish groups from 5 digits
		{"es", "EUR", 1234550, "12.345,50" + nbsp + "€"},
		{"pt", "BRL", 123450, "R$" + nbsp + "1.234,50"},
		{"nl", "EUR", 123450, "€" + nbsp + "1.234,50"},
		{"ja", "JPY", 1235, "￥1,235"},
		{"zh-Hans", "CNY", 123450, "¥1,234.50"},
		{"en", "KWD", 1234500, "KWD" + nbsp + "1,234.500"},
		// Past float64's 53 bits: a float would print ...408.00 or ...410.00.
		{"en", "USD", 9007199254740993, "$90,071,992,547,409.93"},
		{"de", "USDT", 1500000, "1,500000" + nbsp + "USDT"},
	} {
		if got := For(tc.lang).Money(tc.minor, cur(tc.code)); got != tc.want {
			t.Errorf("%s %d %s = %q, want %q", tc.lang, tc.minor, tc.code, got, tc.want)
		}
	}
}

func TestNumbersAndPercentages(t *testing.T) {
	for _, tc := range []struct{ lang, fn, in, want string }{
		{"en", "n", "3.5", "3.5"},
		{"de", "n", "3.5", "3,5"},
		{"de", "n", "12000", "12.000"},
		{"en", "n", "0.125", "0.125"},
		{"en", "n", "bad", "bad"},
		{"en", "%", "19", "19%"},
		{"en", "%", "8.875", "8.875%"},
		{"de", "%", "19", "19\u00a0%"},
		{"fr", "%", "5.5", "5,5\u00a0%"},
		{"ja", "%", "10", "10%"},
	} {
		p := For(tc.lang)
		got := p.Number(tc.in)
		if tc.fn == "%" {
			got = p.Percent(tc.in)
		}
		if got != tc.want {
			t.Errorf("%s %s(%q) = %q, want %q", tc.lang, tc.fn, tc.in, got, tc.want)
		}
	}
}

func TestDatesAndCountries(t *testing.T) {
	d := time.Date(2026, 11, 27, 23, 30, 0, 0, time.UTC)
	for lang, want := range map[string][2]string{
		"en":      {"November 27, 2026", "Germany"},
		"de":      {"27. November 2026", "Deutschland"},
		"fr":      {"27 novembre 2026", "Allemagne"},
		"ja":      {"2026年11月27日", "ドイツ"},
		"zh-Hant": {"2026年11月27日", "德國"},
	} {
		p := For(lang)
		if got := p.Date(d); got != want[0] {
			t.Errorf("%s date = %q, want %q", lang, got, want[0])
		}
		if got := p.Country("DE"); got != want[1] {
			t.Errorf("%s country DE = %q, want %q", lang, got, want[1])
		}
	}
	// The day is the UTC day, wherever the server runs.
	tokyo := time.FixedZone("JST", 9*3600)
	if got := For("en").Date(d.In(tokyo)); got != "November 27, 2026" {
		t.Errorf("date in another zone = %q", got)
	}
	if got := For("en").Country("ZZZ"); got != "ZZZ" {
		t.Errorf("unknown country = %q", got)
	}
}

func TestPluralsFollowCLDR(t *testing.T) {
	for _, tc := range []struct {
		lang string
		n    int
		want string
	}{
		{"en", 1, "Payment due within 1 day"},
		{"en", 0, "Payment due within 0 days"},
		{"en", 30, "Payment due within 30 days"},
		{"de", 1, "Zahlbar innerhalb von 1 Tag"},
		{"de", 14, "Zahlbar innerhalb von 14 Tagen"},
		{"fr", 0, "Paiement à 0 jour"}, // French: 0 is singular
		{"fr", 1, "Paiement à 1 jour"},
		{"fr", 2, "Paiement à 2 jours"},
		{"pt", 1, "Pagamento em 1 dia"},
		{"pt", 7, "Pagamento em 7 dias"},
		{"ja", 1, "請求日から1日以内にお支払いください"},
		{"zh-Hans", 30, "请于 30 天内付款"},
	} {
		if got := For(tc.lang).T("doc.terms_days", tc.n); got != tc.want {
			t.Errorf("%s %d days = %q, want %q", tc.lang, tc.n, got, tc.want)
		}
	}
}

func TestArgumentsCanBeReordered(t *testing.T) {
	if got := For("ja").T("mail.subject", "INV-000001", "Acme"); got != "Acme より請求書 INV-000001" {
		t.Errorf("Japanese subject = %q", got)
	}
	if got := For("de").T("mail.subject", "INV-000001", "Acme GmbH"); got != "Rechnung INV-000001 von Acme GmbH" {
		t.Errorf("German subject = %q", got)
	}
}
