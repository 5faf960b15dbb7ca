package recurring

import (
	"time"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/ent/recurringschedule"
)

// Period is a schedule's rhythm: Count intervals from Start.
type Period struct {
	Interval recurringschedule.Interval
	Count    int
	Start    time.Time
}

// periodOf is rs's rhythm.
func periodOf(rs *ent.RecurringSchedule) Period {
	return Period{Interval: rs.Interval, Count: rs.IntervalCount, Start: rs.StartDate}
}

// At is when period k (1 for the first) runs: Start plus k-1 periods, in
// UTC. Every date is computed from Start, never from the previous one, so a
// monthly schedule started on the 31st runs on each month's last day
// (Feb 28 or 29, Apr 30) and back on the 31st when a month has one.
func (p Period) At(k int) time.Time {
	n := (k - 1) * p.Count
	s := p.Start.UTC()
	switch p.Interval {
	case recurringschedule.IntervalWEEK:
		return s.AddDate(0, 0, 7*n)
	case recurringschedule.IntervalMONTH:
		y, m, d := s.Date()
		first := time.Date(y, m+time.Month(n), 1, s.Hour(), s.Minute(), s.Second(), s.Nanosecond(), time.UTC)
		return first.AddDate(0, 0, min(d, daysIn(first))-1)
	default:
		return s.AddDate(0, 0, n)
	}
}

// daysIn is the number of days in t's month.
func daysIn(t time.Time) int {
	return time.Date(t.Year(), t.Month()+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// Next is the first period that runs at t or later.
func (p Period) Next(t time.Time) int {
	s := p.Start.UTC()
	if !t.After(s) {
		return 1
	}
	// Estimate from the distance, then step to the exact period: months
	// have uneven lengths, and the estimate may be off by one either way.
	var k int
	switch p.Interval {
	case recurringschedule.IntervalMONTH:
		months := (t.Year()-s.Year())*12 + int(t.Month()) - int(s.Month())
		k = months/p.Count + 1
	case recurringschedule.IntervalWEEK:
		k = int(t.Sub(s)/(7*24*time.Hour*time.Duration(p.Count))) + 1
	default:
		k = int(t.Sub(s)/(24*time.Hour*time.Duration(p.Count))) + 1
	}
	k = max(k, 1)
	for k > 1 && !p.At(k-1).Before(t) {
		k--
	}
	for p.At(k).Before(t) {
		k++
	}
	return k
}
