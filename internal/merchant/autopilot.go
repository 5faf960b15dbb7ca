package merchant

import (
	"slices"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/internal/fault"
)

// Autopilot is what Tally sends by itself; nil fields stay as they are.
type Autopilot struct {
	RemindersEnabled *bool
	// ReminderSchedule replaces the steps when non-nil; empty sends none.
	ReminderSchedule []int
	SendReceipts     *bool
	NotifyPayments   *bool
}

// Bounds of a reminder schedule.
const (
	MinReminderStep  = -30
	MaxReminderStep  = 90
	MaxReminderSteps = 6
)

// ReminderSchedule checks steps (days relative to the due date) and
// returns them sorted, as they are stored.
func ReminderSchedule(steps []int) ([]int, error) {
	if len(steps) > MaxReminderSteps {
		return nil, fault.Invalidf("reminderSchedule", "a schedule has at most %d steps; you gave %d", MaxReminderSteps, len(steps))
	}
	out := slices.Clone(steps)
	slices.Sort(out)
	for i, s := range out {
		if s < MinReminderStep || s > MaxReminderStep {
			return nil, fault.Invalidf("reminderSchedule", "%d is out of range; each step is %d (days before the due date) to %d (days after)", s, MinReminderStep, MaxReminderStep)
		}
		if i > 0 && out[i-1] == s {
			return nil, fault.Invalidf("reminderSchedule", "%d is listed twice; give each step once", s)
		}
	}
	if out == nil {
		out = []int{}
	}
	return out, nil
}

func setAutopilot(upd *ent.MerchantUpdateOne, a Autopilot) error {
	if a.ReminderSchedule != nil {
		steps, err := ReminderSchedule(a.ReminderSchedule)
		if err != nil {
			return err
		}
		upd.SetReminderSchedule(steps)
	}
	if a.RemindersEnabled != nil {
		upd.SetRemindersEnabled(*a.RemindersEnabled)
	}
	if a.SendReceipts != nil {
		upd.SetSendReceipts(*a.SendReceipts)
	}
	if a.NotifyPayments != nil {
		upd.SetNotifyPayments(*a.NotifyPayments)
	}
	return nil
}
