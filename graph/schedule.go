package graph

import (
	"time"

	"github.com/tally-invoicing/tally/graph/model"
	"github.com/tally-invoicing/tally/internal/clock"
	"github.com/tally-invoicing/tally/internal/schedule"
)

// testClock is merchantID's clock as the API shows it, with what a pass
// did (nil for none).
func testClock(c *clock.Clock, merchantID string, now time.Time, work []schedule.Work) *model.TestClock {
	ran := make([]*model.ScheduledWork, 0, len(work))
	for _, w := range work {
		ran = append(ran, &model.ScheduledWork{Job: w.Job, Count: w.Count})
	}
	return &model.TestClock{Now: now, OffsetHours: int(c.Offset(merchantID) / time.Hour), Ran: ran}
}
