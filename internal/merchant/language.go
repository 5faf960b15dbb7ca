package merchant

import (
	"strings"

	"golang.org/x/text/language"

	"github.com/tally-invoicing/tally/internal/fault"
	"github.com/tally-invoicing/tally/internal/i18n"
)

// Language is one language invoices, emails and payment pages can be
// printed in.
type Language = i18n.Language

// DefaultLanguage is the language of a merchant that never chose one.
const DefaultLanguage = i18n.Default

// Languages are the supported languages, English first: exactly those the
// document's message catalog (internal/i18n) has a translation for, so a
// stored tag always prints in its own language.
var Languages = i18n.Languages()

var (
	languageTags    = supportedTags()
	languageMatcher = language.NewMatcher(languageTags)
)

func supportedTags() []language.Tag {
	tags := make([]language.Tag, len(Languages))
	for i, l := range Languages {
		tags[i] = language.MustParse(l.Tag)
	}
	return tags
}

// NormalizeLanguage returns the supported tag that s asks for, in its
// stored spelling: any case is accepted ("ZH-hant" is "zh-Hant"), and a
// regional variant maps to its language ("pt-BR" is "pt", "zh-TW" is
// "zh-Hant", "en-GB" is "en"). A language that is not supported is a
// validation error on field, even when CLDR calls another one close
// (Galician is not printed in Spanish without being asked).
func NormalizeLanguage(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	t, err := language.Parse(s)
	if s == "" || err != nil || t == language.Und {
		return "", fault.Invalidf(field, "%q is not a language tag; use one of %s", s, languageList())
	}
	_, i, conf := languageMatcher.Match(t)
	want, _ := t.Base()
	got, _ := languageTags[i].Base()
	if conf < language.High || want != got {
		return "", fault.Invalidf(field, "%q is not a supported language; use one of %s", s, languageList())
	}
	return Languages[i].Tag, nil
}

func languageList() string {
	tags := make([]string, len(Languages))
	for i, l := range Languages {
		tags[i] = l.Tag
	}
	return strings.Join(tags, ", ")
}
