// Package status is the invoice state machine: the statuses an invoice can
// be in and the only transitions allowed between them. It has no
// dependencies so the ent schema, the domain and the API all share it.
package status

import (
	"fmt"
	"io"
	"slices"
	"strconv"
)

// Status is where an invoice is in its life.
type Status string

// The statuses, as stored and named in the API; transitions below says
// which may follow which.
const (
	Draft         Status = "DRAFT"
	Open          Status = "OPEN"
	PartiallyPaid Status = "PARTIALLY_PAID"
	Paid          Status = "PAID"
	Void          Status = "VOID"
	Uncollectible Status = "UNCOLLECTIBLE"
)

// All lists every status in lifecycle order.
var All = []Status{Draft, Open, PartiallyPaid, Paid, Void, Uncollectible}

// transitions is the whole state machine. It only moves forward: nothing
// returns to DRAFT, and PAID and VOID are final.
var transitions = map[Status][]Status{
	Draft:         {Open},
	Open:          {PartiallyPaid, Paid, Void, Uncollectible},
	PartiallyPaid: {PartiallyPaid, Paid, Void, Uncollectible},
	Uncollectible: {PartiallyPaid, Paid},
}

// undoes are the only backward moves: undoing a payment takes back what it
// did (the timeline keeps both events).
var undoes = map[Status][]Status{
	Paid:          {PartiallyPaid, Open},
	PartiallyPaid: {PartiallyPaid, Open},
}

// CanUndo reports whether undoing a payment may move an invoice from one
// status to another.
func CanUndo(from, to Status) bool { return slices.Contains(undoes[from], to) }

// CanTransition reports whether an invoice may move from one status to another.
func CanTransition(from, to Status) bool { return slices.Contains(transitions[from], to) }

// Collectible reports whether money can still be owed on an invoice in s,
// which is also when an invoice can be overdue.
func (s Status) Collectible() bool { return s == Open || s == PartiallyPaid }

// Values lets ent store Status as an enum.
func (Status) Values() []string {
	v := make([]string, len(All))
	for i, s := range All {
		v[i] = string(s)
	}
	return v
}

// IsValid reports whether s is a known status.
func (s Status) IsValid() bool {
	for _, k := range All {
		if k == s {
			return true
		}
	}
	return false
}

// MarshalGQL writes the status as a GraphQL enum value.
func (s Status) MarshalGQL(w io.Writer) { _, _ = io.WriteString(w, strconv.Quote(string(s))) }

// UnmarshalGQL reads a GraphQL enum value.
func (s *Status) UnmarshalGQL(v any) error {
	str, ok := v.(string)
	if !ok {
		return fmt.Errorf("invoice status must be a string")
	}
	*s = Status(str)
	if !s.IsValid() {
		return fmt.Errorf("%q is not an invoice status", str)
	}
	return nil
}
