package i18n

import (
	"golang.org/x/text/feature/plural"
	"golang.org/x/text/message/catalog"
)

// table is one language's messages: key -> a string (fmt verbs as in
// English) or a Plural.
type table map[string]any

// Plural is a message whose wording depends on a count, its first
// argument: one text per CLDR plural category the language uses ("one",
// "other"; Japanese and Chinese only "other"). Which category a count falls
// in is CLDR's rule for the language, not ours.
type Plural map[string]string

// categories are CLDR's plural categories, in the order they are tried;
// "other" last, as it matches every count.
var categories = []string{"zero", "one", "two", "few", "many", "other"}

func (pl Plural) selectf() catalog.Message {
	var cases []any
	for _, c := range categories {
		if text, ok := pl[c]; ok {
			cases = append(cases, c, text)
		}
	}
	return plural.Selectf(1, "%d", cases...)
}
