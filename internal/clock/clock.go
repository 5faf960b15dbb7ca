// Package clock is the one clock Tally's schedules read: reminders, the
// overdue pass, recurring invoices and webhook retries ask it what time it
// is for a merchant. In production that is real time. On a development
// server each merchant has a test clock that can only move forward
// (Advance), as Stripe's test clocks do, so time-based behaviour is tried
// and tested without sleeping.
//
// Offsets live in the merchant row (test_clock_offset, seconds) and are
// cached here; Load refreshes the cache, which the scheduler does on every
// pass, so several development processes agree within one pass.
package clock

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/ent/merchant"
	"github.com/tally-invoicing/tally/internal/fault"
	"github.com/tally-invoicing/tally/internal/tenant"
)

// MaxAdvance is the furthest one Advance moves a clock.
const MaxAdvance = 365 * 24 * time.Hour

// ErrProduction refuses test clocks on a production server.
var ErrProduction = fault.New(fault.CodeForbidden, "test clocks exist only on development servers; production runs on real time")

// Clock answers "what time is it" for a merchant.
type Clock struct {
	client     *ent.Client
	production bool
	real       func() time.Time

	mu      sync.RWMutex
	offsets map[string]time.Duration // merchants whose clock is ahead
}

// New returns the clock over client. In production every merchant is on
// real time and Advance is refused.
func New(client *ent.Client, production bool) *Clock {
	return &Clock{client: client, production: production, real: func() time.Time { return time.Now().UTC() }, offsets: map[string]time.Duration{}}
}

// Real is real time, in UTC.
func (c *Clock) Real() time.Time { return c.real() }

// SetReal replaces real time, for tests of the clock itself.
func (c *Clock) SetReal(now func() time.Time) { c.real = now }

// Production reports whether test clocks are refused.
func (c *Clock) Production() bool { return c.production }

// Now is the merchant's time: real time plus its test clock's offset.
func (c *Clock) Now(merchantID string) time.Time {
	return c.real().Add(c.Offset(merchantID))
}

// Offset is how far merchantID's clock is ahead of real time; 0 in
// production.
func (c *Clock) Offset(merchantID string) time.Duration {
	if c.production {
		return 0
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.offsets[merchantID]
}

// Ahead lists the merchants whose clock is ahead of real time, with their
// offsets; empty in production.
func (c *Clock) Ahead() map[string]time.Duration {
	out := map[string]time.Duration{}
	if c.production {
		return out
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	for id, d := range c.offsets {
		out[id] = d
	}
	return out
}

// Load reads every merchant's offset from the database.
func (c *Clock) Load(ctx context.Context) error {
	if c.production {
		return nil
	}
	ms, err := c.client.Merchant.Query().Where(merchant.TestClockOffsetGT(0)).
		Select(merchant.FieldID, merchant.FieldTestClockOffset).All(tenant.System(ctx))
	if err != nil {
		return fmt.Errorf("load test clocks: %w", err)
	}
	next := make(map[string]time.Duration, len(ms))
	for _, m := range ms {
		next[m.ID] = time.Duration(m.TestClockOffset) * time.Second
	}
	c.mu.Lock()
	c.offsets = next
	c.mu.Unlock()
	return nil
}

// Advance moves merchantID's clock forward by d (a whole number of
// seconds, at most MaxAdvance) and returns its new time. It does not run
// what became due: schedule.Scheduler.Advance does both.
func (c *Clock) Advance(ctx context.Context, merchantID string, d time.Duration) (time.Time, error) {
	if c.production {
		return time.Time{}, ErrProduction
	}
	if d <= 0 || d > MaxAdvance {
		return time.Time{}, fault.Invalidf("hours", "move the clock forward by 1 to %d hours", int(MaxAdvance/time.Hour))
	}
	m, err := c.client.Merchant.UpdateOneID(merchantID).AddTestClockOffset(int64(d / time.Second)).Save(tenant.System(ctx))
	if err != nil {
		return time.Time{}, fmt.Errorf("advance test clock: %w", err)
	}
	off := time.Duration(m.TestClockOffset) * time.Second
	c.mu.Lock()
	c.offsets[merchantID] = off
	c.mu.Unlock()
	return c.real().Add(off), nil
}
