package collect

import (
	"errors"
	"time"

	"github.com/tally-invoicing/tally/internal/fault"
	"github.com/tally-invoicing/tally/internal/ratelimit"
)

// DefaultMaxImports is how many statement imports a process runs at once.
// Each holds a batch of lines, its transaction and the merchant's open
// invoices in memory, and keeps a core busy.
const DefaultMaxImports = 2

// importRetryAfter is the hint given when the process is full: about what
// a large statement takes to import.
const importRetryAfter = 15 * time.Second

// ErrImportRunning refuses a second import for a merchant while the first
// is still running: the two would read the same lines and wait on the same
// invoices, and the second's answer would depend on which commits first.
var ErrImportRunning = fault.New(fault.CodeConflict, "a statement import is already running for this merchant; wait for it to finish")

// ImportGate admits statement imports: one at a time per merchant, and at
// most max at once in the process, both refused at once (see
// ratelimit.InFlight). Behind a load balancer each tally process admits
// its own.
type ImportGate struct {
	inFlight *ratelimit.InFlight
}

// NewImportGate returns a gate that admits at most limit imports at once.
func NewImportGate(limit int) *ImportGate {
	return &ImportGate{inFlight: ratelimit.NewInFlight(limit)}
}

// Enter admits an import for merchantID, or refuses it with
// ErrImportRunning (CONFLICT) or a *ratelimit.Error (RATE_LIMITED, with a
// retry hint). leave must be called when the import ends.
func (g *ImportGate) Enter(merchantID string) (leave func(), err error) {
	leave, err = g.inFlight.Enter(merchantID)
	switch {
	case errors.Is(err, ratelimit.ErrKeyBusy):
		return nil, ErrImportRunning
	case errors.Is(err, ratelimit.ErrFull):
		return nil, ratelimit.NewError("statement imports per server",
			"the server is busy importing other statements", importRetryAfter)
	}
	return leave, err
}
