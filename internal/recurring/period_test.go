package recurring

import (
	"testing"
	"time"

	"github.com/tally-invoicing/tally/ent/recurringschedule"
)

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04", s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestPeriodAt(t *testing.T) {
	tests := []struct {
		name string
		p    Period
		want []string
	}{
		{"monthly from Jan 31 across a leap February", Period{recurringschedule.IntervalMONTH, 1, day("2028-01-31 09:00")},
			[]string{"2028-01-31 09:00", "2028-02-29 09:00", "2028-03-31 09:00", "2028-04-30 09:00", "2028-05-31 09:00", "2028-06-30 09:00"}},
		{"monthly from Jan 31, common year", Period{recurringschedule.IntervalMONTH, 1, day("2027-01-31 00:00")},
			[]string{"2027-01-31 00:00", "2027-02-28 00:00", "2027-03-31 00:00", "2027-04-30 00:00"}},
		{"monthly from the 30th keeps the 30th after February", Period{recurringschedule.IntervalMONTH, 1, day("2027-01-30 00:00")},
			[]string{"2027-01-30 00:00", "2027-02-28 00:00", "2027-03-30 00:00"}},
		{"quarterly from Nov 30 crosses the year", Period{recurringschedule.IntervalMONTH, 3, day("2027-11-30 12:00")},
			[]string{"2027-11-30 12:00", "2028-02-29 12:00", "2028-05-30 12:00", "2028-08-30 12:00", "2028-11-30 12:00"}},
		{"every 2 weeks", Period{recurringschedule.IntervalWEEK, 2, day("2027-12-20 08:00")},
			[]string{"2027-12-20 08:00", "2028-01-03 08:00", "2028-01-17 08:00"}},
		{"every 10 days over Feb 29", Period{recurringschedule.IntervalDAY, 10, day("2028-02-20 00:00")},
			[]string{"2028-02-20 00:00", "2028-03-01 00:00", "2028-03-11 00:00"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for i, w := range tt.want {
				if got := tt.p.At(i + 1); !got.Equal(day(w)) {
					t.Errorf("period %d: got %s, want %s", i+1, got.Format("2006-01-02 15:04"), w)
				}
			}
		})
	}
}

func TestPeriodNext(t *testing.T) {
	for _, p := range []Period{
		{recurringschedule.IntervalMONTH, 1, day("2028-01-31 09:00")},
		{recurringschedule.IntervalMONTH, 5, day("2027-08-29 09:00")},
		{recurringschedule.IntervalWEEK, 3, day("2028-01-01 00:00")},
		{recurringschedule.IntervalDAY, 1, day("2028-01-01 00:00")},
		{recurringschedule.IntervalDAY, 365, day("2028-01-01 00:00")},
	} {
		if got := p.Next(p.Start.Add(-time.Hour)); got != 1 {
			t.Errorf("%v: before the start got period %d, want 1", p, got)
		}
		for k := 1; k <= 40; k++ {
			at := p.At(k)
			if got := p.Next(at); got != k {
				t.Errorf("%v: at period %d's time got %d, want %d", p, k, got, k)
			}
			if got := p.Next(at.Add(time.Second)); got != k+1 {
				t.Errorf("%v: just after period %d got %d, want %d", p, k, got, k+1)
			}
			if got := p.Next(at.Add(-time.Second)); k > 1 && got != k {
				t.Errorf("%v: just before period %d got %d, want %d", p, k, got, k)
			}
		}
	}
}
