// Package i18n prints what a customer reads (the invoice document, its
// email and the payment page) in the customer's language: translated
// messages with CLDR plural rules (golang.org/x/text/message), money in the
// language's CLDR currency format (github.com/bojanz/currency, from exact
// decimal text, never float), long dates and percent signs from CLDR
// (github.com/go-playground/locales) and country names from CLDR
// (golang.org/x/text/language/display).
//
// The messages are in one file per language, lang_<tag>.go; lang_en.go is
// the reference every other file must match (i18n_test.go checks).
package i18n

import (
	"strings"
	"sync"
	"time"

	"github.com/bojanz/currency"
	"github.com/go-playground/locales"
	"github.com/go-playground/locales/de"
	"github.com/go-playground/locales/en"
	"github.com/go-playground/locales/es"
	"github.com/go-playground/locales/fr"
	"github.com/go-playground/locales/it"
	"github.com/go-playground/locales/ja"
	"github.com/go-playground/locales/nl"
	"github.com/go-playground/locales/pt"
	"github.com/go-playground/locales/zh_Hans"
	"github.com/go-playground/locales/zh_Hant"
	"golang.org/x/text/cases"
	"golang.org/x/text/language"
	"golang.org/x/text/language/display"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"

	"github.com/tally-invoicing/tally/internal/money"
)

// Default is the language printed when none is asked for or none matches.
const Default = "en"

// Language is one language a document can be printed in.
type Language struct {
	// Tag is the BCP 47 tag, e.g. "de", "zh-Hant".
	Tag string
	// Name is the language's name in itself, e.g. "Deutsch", "日本語".
	Name string
}

// supported is every language with a message table; English first, as it
// is what an unknown language falls back to.
var supported = []struct {
	tag      language.Tag
	messages table
	cldr     func() locales.Translator
}{
	{language.English, enMessages, en.New},
	{language.German, deMessages, de.New},
	{language.French, frMessages, fr.New},
	{language.Spanish, esMessages, es.New},
	{language.Portuguese, ptMessages, pt.New},
	{language.Italian, itMessages, it.New},
	{language.Dutch, nlMessages, nl.New},
	{language.Japanese, jaMessages, ja.New},
	{language.SimplifiedChinese, zhHansMessages, zh_Hans.New},
	{language.TraditionalChinese, zhHantMessages, zh_Hant.New},
}

var (
	matcher  language.Matcher
	printers = map[string]*Printer{}
	initOnce sync.Once
)

func setup() {
	tags := make([]language.Tag, len(supported))
	b := catalog.NewBuilder(catalog.Fallback(language.English))
	for i, s := range supported {
		tags[i] = s.tag
		for key, m := range s.messages {
			var err error
			switch m := m.(type) {
			case string:
				err = b.SetString(s.tag, key, m)
			case Plural:
				err = b.Set(s.tag, key, m.selectf())
			}
			if err != nil {
				panic("i18n: message " + key + " in " + s.tag.String() + ": " + err.Error())
			}
		}
	}
	matcher = language.NewMatcher(tags)
	for _, s := range supported {
		code := s.tag.String()
		cldr := s.cldr()
		printers[code] = &Printer{
			// CLDR writes self-names for running text ("français"); a list
			// of languages starts each with a capital, as CLDR's own
			// guidance for menus says.
			lang:    Language{Tag: code, Name: cases.Title(s.tag, cases.NoLower).String(display.Self.Name(s.tag))},
			tag:     s.tag,
			msg:     message.NewPrinter(s.tag, message.Catalog(b)),
			cldr:    cldr,
			money:   currency.NewLocale(code),
			regions: display.Regions(s.tag),
			percent: percentPattern(cldr),
		}
	}
}

// Languages lists the supported languages, English first.
func Languages() []Language {
	initOnce.Do(setup)
	out := make([]Language, len(supported))
	for i, s := range supported {
		out[i] = printers[s.tag.String()].lang
	}
	return out
}

// Match returns the supported language closest to tag, a BCP 47 tag such
// as "de-AT" (German) or "zh-TW" (Traditional Chinese); English for an
// empty, malformed or unsupported tag.
func Match(tag string) string {
	initOnce.Do(setup)
	t, err := language.Parse(strings.TrimSpace(tag))
	if err != nil {
		return Default
	}
	_, i, conf := matcher.Match(t)
	if conf == language.No {
		return Default
	}
	return supported[i].tag.String()
}

// For returns the printer of the supported language closest to tag (see
// Match). Printers are shared and safe for concurrent use.
func For(tag string) *Printer {
	code := Match(tag)
	return printers[code]
}

// Printer prints messages, amounts, numbers, dates and country names in one
// language.
type Printer struct {
	lang    Language
	tag     language.Tag
	msg     *message.Printer
	cldr    locales.Translator
	money   currency.Locale
	regions display.Namer
	percent [2]string // what goes before and after the digits of a percentage
}

// Lang is the printer's language as a BCP 47 tag, for <html lang>.
func (p *Printer) Lang() string { return p.lang.Tag }

// Language is the printer's language.
func (p *Printer) Language() Language { return p.lang }

// T translates the message key (see lang_en.go) with fmt-style args. A
// plural message picks its form by the CLDR rules for the first argument.
func (p *Printer) T(key string, args ...any) string { return p.msg.Sprintf(key, args...) }

// Money prints minor units of c in the language's currency format:
// "$1,234.50" in English, "1.234,50 $" in German, "￥1,235" in Japanese.
// The digits come from exact decimal text; nothing passes through a float.
func (p *Printer) Money(minor int64, c money.Currency) string {
	text := money.String(minor, c)
	f := currency.NewFormatter(p.money)
	f.MinDigits = uint8(max(c.Exponent, 0)) //nolint:gosec // G115: currency exponents are 0 to 6
	f.MaxDigits = f.MinDigits
	if amt, err := currency.NewAmount(text, c.Code); err == nil {
		return f.Format(amt)
	}
	// A currency CLDR does not know (the USDT and USDC stablecoins): the
	// number in the language's format, then the code.
	return p.decimal(text, f.MinDigits) + "\u00a0" + c.Code
}

// Number prints exact decimal text such as "1234.5" with the language's
// separators ("1.234,5" in German); text that is not a decimal is returned
// as it is.
func (p *Printer) Number(text string) string {
	digits := 0
	if i := strings.IndexByte(text, '.'); i >= 0 {
		digits = len(text) - i - 1
	}
	return p.decimal(text, uint8(min(digits, 12)))
}

func (p *Printer) decimal(text string, digits uint8) string {
	// Any ISO currency will do: its symbol is not shown, and the number of
	// digits is set, so only the language's separators are used.
	amt, err := currency.NewAmount(text, "USD")
	if err != nil {
		return text
	}
	f := currency.NewFormatter(p.money)
	f.CurrencyDisplay = currency.DisplayNone
	f.MinDigits, f.MaxDigits = digits, digits
	return f.Format(amt)
}

// Percent prints a percentage given as decimal text, "19" or "8.875", as
// the language writes it: "19%", "19 %", "8,875 %".
func (p *Printer) Percent(text string) string {
	return p.percent[0] + p.Number(text) + p.percent[1]
}

// percentPattern finds what a language writes around a percentage by
// printing zero with the CLDR data (a layout probe, not an amount).
func percentPattern(l locales.Translator) [2]string {
	s := l.FmtPercent(0, 0)
	i := strings.IndexByte(s, '0')
	if i < 0 {
		return [2]string{"", "%"}
	}
	return [2]string{s[:i], s[i+1:]}
}

// Date prints the day of t (in UTC) as a long date: "November 27, 2026",
// "27. November 2026", "2026年11月27日".
func (p *Printer) Date(t time.Time) string { return p.cldr.FmtDateLong(t.UTC()) }

// Country is the name of an ISO 3166-1 alpha-2 country code in the
// language: "DE" is "Germany", "Deutschland", "ドイツ". An unknown code is
// returned as it is.
func (p *Printer) Country(code string) string {
	c := strings.ToUpper(strings.TrimSpace(code))
	if len(c) != 2 || c == "ZZ" {
		return code
	}
	r, err := language.ParseRegion(c)
	if err != nil || r.String() != c {
		return code
	}
	if name := p.regions.Name(r); name != "" {
		return name
	}
	return code
}
