package invoice

import (
	"testing"
	"time"
)

func TestDueAfter(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, c := range []struct {
		issued string
		days   int
		want   string
	}{
		{"2026-03-10T09:30:00Z", 0, "2026-03-10T23:59:59Z"},      // due on receipt: the issue day
		{"2026-03-10T23:59:59Z", 30, "2026-04-09T23:59:59Z"},     // Net 30
		{"2026-01-31T12:00:00Z", 30, "2026-03-02T23:59:59Z"},     // across a short February
		{"2028-02-28T12:00:00Z", 1, "2028-02-29T23:59:59Z"},      // leap day
		{"2026-12-20T08:00:00Z", 14, "2027-01-03T23:59:59Z"},     // across the year
		{"2026-03-10T01:00:00+05:00", 7, "2026-03-16T23:59:59Z"}, // the issue day in UTC is 9 March
		{"2026-03-10T12:00:00Z", 365, "2027-03-10T23:59:59Z"},    // the longest terms
	} {
		if got := DueAfter(at(c.issued), c.days); !got.Equal(at(c.want)) || got.Location() != time.UTC {
			t.Errorf("DueAfter(%s, %d) = %v, want %s", c.issued, c.days, got, c.want)
		}
	}
}
