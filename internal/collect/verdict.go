package collect

import (
	"fmt"
	"slices"
	"strings"

	"github.com/tally-invoicing/tally/ent/collection"
	"github.com/tally-invoicing/tally/internal/collect/match"
	"github.com/tally-invoicing/tally/internal/money"
)

// choice is what became of one allocation the matcher found.
type choice struct {
	match.Allocation
	// kind says whether it was applied, proposed or dropped.
	kind choiceKind
	// applied is what the invoice took: a.Amount, or less when an earlier
	// payment had paid part of it (then kind is applied and short is true).
	applied int64
}

type choiceKind uint8

const (
	applied  choiceKind = iota + 1 // sure enough: paid
	proposed                       // below the merchant's threshold: waits for a person
	dropped                        // the invoice no longer owed it: an earlier payment paid it
)

// decide splits the matcher's allocations by the merchant's threshold, and
// takes what each invoice still owes into account: owes returns what an
// invoice owes now, after the payments decided before this one; it is
// called once per allocation, in order, and the caller updates its books
// from the returned choices.
func decide(res match.Result, amount int64, threshold int, owes func(match.Allocation) int64) []choice {
	if len(res.Allocations) == 0 {
		return nil
	}
	out := make([]choice, 0, len(res.Allocations))
	left := amount
	for _, a := range res.Allocations {
		c := choice{Allocation: a}
		due := owes(a)
		switch {
		case a.Confidence < threshold && due >= a.Amount:
			c.kind = proposed
		case a.Confidence < threshold:
			c.kind = dropped
		default:
			c.applied = min(a.Amount, due, left)
			c.kind = applied
			if c.applied <= 0 {
				c.kind, c.applied = dropped, 0
			}
			left -= c.applied
		}
		out = append(out, c)
	}
	return out
}

// verdict is a collection's state after its match was decided: status,
// flag and reason always say the same thing.
type verdict struct {
	left        int64
	status      collection.Status
	reason      string
	flag        string
	suggestions []string
	proposals   []match.Allocation
}

// verdictOf tells what a person reading the review queue is told about a
// collection of amount after choices. label names an invoice ("INV-000012").
func verdictOf(res match.Result, amount int64, c money.Currency, choices []choice, threshold int, label func(string) string) verdict {
	v := verdict{left: amount}
	var paid, props, gone []match.Allocation
	short := false
	for _, ch := range choices {
		switch ch.kind {
		case applied:
			v.left -= ch.applied
			a := ch.Allocation
			a.Amount = ch.applied
			paid = append(paid, a)
			short = short || ch.applied < ch.Amount
		case proposed:
			props = append(props, ch.Allocation)
		case dropped:
			gone = append(gone, ch.Allocation)
		}
	}
	v.status = statusOf(amount, v.left)
	v.proposals = props
	// A mistyped reference is flagged on every line that had one, whatever
	// else matched; otherwise the first thing the matcher saw.
	var flag *match.Flag
	for i := range res.Flags {
		f := &res.Flags[i]
		if flag == nil || f.Kind == match.FlagReferenceMistyped && flag.Kind != match.FlagReferenceMistyped {
			flag = f
		}
		v.suggestions = append(v.suggestions, f.Candidates...)
	}
	if flag != nil {
		v.flag = string(flag.Kind)
	}
	v.suggestions = firstDistinct(append(v.suggestions, res.Suggestions...), maxSuggestions)
	switch {
	case len(props) > 0:
		v.reason = proposalReason(props, paid, c, threshold, label)
	case len(gone) > 0 || short:
		var names []string
		for _, ch := range choices {
			if ch.kind == dropped || ch.kind == applied && ch.applied < ch.Amount {
				names = append(names, label(ch.InvoiceID))
			}
		}
		v.reason = list(names) + " had already been paid, in part or in full, by an earlier payment"
		if len(paid) == 0 {
			v.reason += ", so nothing was allocated"
		}
		v.reason += "." + tail(leftReason(v.left, c))
	case len(paid) > 0:
		v.reason = res.Reason
	case len(res.Allocations) > 0:
		// The import matched the line again and this time found what its
		// first look did not (a COMBINATION search that ran out of time).
		v.reason = "Nothing was allocated." + tail(leftReason(v.left, c))
	case flag != nil:
		v.reason = flag.Reason
	default:
		v.reason = res.Reason
	}
	return v
}

// proposalReason says what was found, and why it waits: "INV-000012 is due
// exactly 250.00 USD, but nothing but the amount links this payment to it
// (confidence 80 %, your threshold is 90 %)."
func proposalReason(props, paid []match.Allocation, c money.Currency, threshold int, label func(string) string) string {
	var b strings.Builder
	if len(paid) > 0 {
		names := make([]string, len(paid))
		var sum int64
		for i, a := range paid {
			names[i], sum = label(a.InvoiceID), sum+a.Amount
		}
		fmt.Fprintf(&b, "%s went to %s. ", money.Format(sum, c), list(names))
	}
	names := make([]string, len(props))
	var sum int64
	conf := 100
	for i, a := range props {
		names[i], sum, conf = label(a.InvoiceID), sum+a.Amount, min(conf, a.Confidence)
	}
	switch props[0].Rule {
	case match.RuleAmount:
		fmt.Fprintf(&b, "%s is due exactly %s, but nothing but the amount links this payment to it", names[0], money.Format(sum, c))
	case match.RuleCombination:
		fmt.Fprintf(&b, "%s add up to exactly %s, but nothing but the amount links this payment to them", list(names), money.Format(sum, c))
	default:
		fmt.Fprintf(&b, "The text names %s, but not by a payment reference Tally can check", list(names))
	}
	fmt.Fprintf(&b, " (confidence %d %%, your threshold is %d %%). Accept the proposal if it is right.", conf, threshold)
	return b.String()
}

// list joins names: "A", "A and B", "A, B and C".
func list(names []string) string {
	if len(names) <= 1 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
}

// tail is s after a space, or nothing.
func tail(s string) string {
	if s == "" {
		return ""
	}
	return " " + s
}

// maxSuggestions is how many invoices a waiting collection suggests at
// most (Collection.suggestions declares it with @listSize).
const maxSuggestions = 5

// firstDistinct is ids without repeats, cut to n, in order.
func firstDistinct(ids []string, n int) []string {
	out := make([]string, 0, min(len(ids), n))
	for _, id := range ids {
		if len(out) == n {
			break
		}
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}
