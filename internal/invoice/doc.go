// Package invoice owns an invoice's life: the draft wizard's steps, totals,
// gapless numbering and payment references on issue, and every status change
// through one guarded function (transition) that writes the timeline.
// The allowed statuses and moves are in the status subpackage.
package invoice
