package collect

import (
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/tally-invoicing/tally/ent/collection"
	"github.com/tally-invoicing/tally/ent/predicate"
	"github.com/tally-invoicing/tally/internal/fault"
	"github.com/tally-invoicing/tally/internal/money"
)

// maxSearchWords bounds the words of a review-queue search: each is a few
// LIKE conditions.
const maxSearchWords = 8

// Search is the review queue's search: every word of q must be found, case
// ignored, in the payer's name or account, the text or the statement's file
// name, or be the amount ("250" and "250.00" find 250.00 USD). LIKE
// wildcards in q are taken literally. It works the same on SQLite and
// PostgreSQL (SQLite folds the case of ASCII letters only).
func Search(q string) (predicate.Collection, error) {
	words := strings.Fields(q)
	if len(words) == 0 {
		return nil, nil
	}
	if len(words) > maxSearchWords {
		return nil, fault.Invalidf("where.search", "search for at most %d words; %d were given", maxSearchWords, len(words))
	}
	all := make([]predicate.Collection, 0, len(words))
	for _, w := range words {
		if utf8.RuneCountInString(w) > 100 {
			return nil, fault.Invalid("where.search", "a search word is at most 100 characters")
		}
		anyOf := []predicate.Collection{
			collection.PayerNameContainsFold(w), collection.PayerAccountContainsFold(w),
			collection.TextContainsFold(w), collection.StatementContainsFold(w),
		}
		anyOf = append(anyOf, amountIs(w)...)
		all = append(all, collection.Or(anyOf...))
	}
	return collection.And(all...), nil
}

// amountIs matches collections of exactly the amount w, in every currency
// whose minor unit can express it.
func amountIs(w string) []predicate.Collection {
	d, err := money.ParseDecimal(strings.TrimPrefix(w, "+"))
	if err != nil || !d.IsPositive() {
		return nil
	}
	byExp := map[int32][]string{}
	for _, c := range money.All() {
		byExp[c.Exponent] = append(byExp[c.Exponent], c.Code)
	}
	exps := make([]int32, 0, len(byExp))
	for e := range byExp {
		exps = append(exps, e)
	}
	slices.Sort(exps)
	var out []predicate.Collection
	for _, e := range exps {
		c := money.Currency{Code: byExp[e][0], Exponent: e}
		minor, err := money.ToMinor(d, c)
		if err != nil {
			continue // more decimals than this currency has
		}
		out = append(out, collection.And(collection.AmountMinor(minor), collection.CurrencyIn(byExp[e]...)))
	}
	return out
}
