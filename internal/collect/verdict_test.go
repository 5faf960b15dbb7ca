package collect

import (
	"strings"
	"testing"

	"github.com/tally-invoicing/tally/ent/collection"
	"github.com/tally-invoicing/tally/internal/collect/match"
	"github.com/tally-invoicing/tally/internal/money"
)

var usd, _ = money.Lookup("USD")

func label(id string) string { return "INV-" + id }

// Status, flag and reason agree: a collection nothing was applied to never
// keeps the reason of a match that did not apply.
func TestVerdictTellsWhatHappened(t *testing.T) {
	amountMatch := match.Result{
		Allocations: []match.Allocation{{InvoiceID: "12", Amount: 25000, Rule: match.RuleAmount, Confidence: 80}},
		Reason:      "This is the only open invoice of the customer for exactly this amount.",
	}
	mistyped := match.Flag{Kind: match.FlagReferenceMistyped, Candidates: []string{"13"}, Reason: "The reference looks mistyped."}
	tests := []struct {
		name      string
		res       match.Result
		threshold int
		owes      int64
		status    collection.Status
		flag      string
		reason    string // a part of it
		notReason string
		proposals int
	}{
		{name: "applied", res: amountMatch, threshold: 50, owes: 25000,
			status: collection.StatusMATCHED, reason: "only open invoice"},
		{name: "waits below the threshold", res: amountMatch, threshold: 90, owes: 25000,
			status: collection.StatusUNMATCHED, proposals: 1, notReason: "only open invoice",
			reason: "INV-12 is due exactly $250.00, but nothing but the amount links this payment to it (confidence 80 %, your threshold is 90 %)."},
		{name: "paid by an earlier line", res: amountMatch, threshold: 50, owes: 0,
			status: collection.StatusUNMATCHED, notReason: "only open invoice", reason: "INV-12 had already been paid"},
		{name: "a proposal for an invoice paid meanwhile is not made", res: amountMatch, threshold: 90, owes: 100,
			status: collection.StatusUNMATCHED, notReason: "only open invoice", reason: "INV-12 had already been paid"},
		{name: "half paid by an earlier line", res: amountMatch, threshold: 50, owes: 5000,
			status: collection.StatusPARTIAL, notReason: "only open invoice", reason: "$200.00 is left to allocate"},
		{name: "mistyped reference flagged though the amount matched",
			res: match.Result{Allocations: amountMatch.Allocations, Reason: amountMatch.Reason,
				Flags: []match.Flag{{Kind: match.FlagNothingDue, Reason: "nothing due"}, mistyped}},
			threshold: 50, owes: 25000, status: collection.StatusMATCHED, flag: string(match.FlagReferenceMistyped), reason: "only open invoice"},
		{name: "nothing matched: the flag's reason",
			res:       match.Result{Flags: []match.Flag{mistyped}, Reason: "No reference in the text names an open invoice."},
			threshold: 90, status: collection.StatusUNMATCHED, flag: string(match.FlagReferenceMistyped), reason: "looks mistyped"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			choices := decide(tt.res, 25000, tt.threshold, func(match.Allocation) int64 { return tt.owes })
			v := verdictOf(tt.res, 25000, usd, choices, tt.threshold, label)
			if v.status != tt.status || v.flag != tt.flag || len(v.proposals) != tt.proposals {
				t.Errorf("status %s, flag %q, %d proposals; want %s, %q, %d", v.status, v.flag, len(v.proposals), tt.status, tt.flag, tt.proposals)
			}
			if !strings.Contains(v.reason, tt.reason) || tt.notReason != "" && strings.Contains(v.reason, tt.notReason) {
				t.Errorf("reason %q, want it to say %q and not %q", v.reason, tt.reason, tt.notReason)
			}
		})
	}
}

// Lines are decided in booking order, file order among equal times.
func TestDecideInBookingOrder(t *testing.T) {
	dues := dueBook{"a": {due: 1000, number: "INV-1"}}
	line := func(at int64, conf int) foundLine {
		return foundLine{at: at, amount: 1000, choices: []choice{{Allocation: match.Allocation{InvoiceID: "a", Amount: 1000, Rule: match.RuleReference, Confidence: conf}}}}
	}
	found := []foundLine{line(3, 100), line(1, 100), line(1, 100)}
	decideInOrder(found, dues, 90)
	if found[1].choices[0].kind != applied || found[0].choices[0].kind != dropped || found[2].choices[0].kind != dropped {
		t.Errorf("kinds %v %v %v; want the first line of the earliest day to pay", found[0].choices[0].kind, found[1].choices[0].kind, found[2].choices[0].kind)
	}
	// Two waiting lines never propose the same money.
	found = []foundLine{line(2, 80), line(1, 80)}
	decideInOrder(found, dues, 90)
	if found[1].choices[0].kind != proposed || found[0].choices[0].kind != dropped {
		t.Errorf("proposals: kinds %v %v; want the earlier line's proposal only", found[0].choices[0].kind, found[1].choices[0].kind)
	}
}

func TestAccountKey(t *testing.T) {
	for in, want := range map[string]string{
		"DE89 3704 0044 0532 0130 00": "DE89370400440532013000",
		"de89-3704.0044/0532013000":   "DE89370400440532013000",
		"  ":                          "",
		"12-34-56 87654321":           "123456" + "87654321",
	} {
		if got := accountKey(in); got != want {
			t.Errorf("accountKey(%q) = %q, want %q", in, got, want)
		}
	}
}
