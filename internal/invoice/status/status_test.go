package status

import "testing"

func TestStateMachineOnlyMovesForward(t *testing.T) {
	allowed := map[[2]Status]bool{
		{Draft, Open}:                  true,
		{Open, PartiallyPaid}:          true,
		{Open, Paid}:                   true,
		{Open, Void}:                   true,
		{Open, Uncollectible}:          true,
		{PartiallyPaid, PartiallyPaid}: true,
		{PartiallyPaid, Paid}:          true,
		{PartiallyPaid, Void}:          true,
		{PartiallyPaid, Uncollectible}: true,
		{Uncollectible, PartiallyPaid}: true,
		{Uncollectible, Paid}:          true,
	}
	for _, from := range All {
		for _, to := range All {
			if got := CanTransition(from, to); got != allowed[[2]Status{from, to}] {
				t.Errorf("CanTransition(%s, %s) = %v", from, to, got)
			}
		}
	}
	for _, s := range All {
		if CanTransition(s, Draft) {
			t.Errorf("%s -> DRAFT must never be allowed", s)
		}
	}
	for _, final := range []Status{Paid, Void} {
		for _, to := range All {
			if CanTransition(final, to) {
				t.Errorf("%s is final but may become %s", final, to)
			}
		}
	}
}
