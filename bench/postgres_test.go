package bench

import (
	"testing"

	"github.com/tally-invoicing/tally/internal/database/dbtest"
)

// freshSchema returns a database URL for an empty PostgreSQL schema of this
// run, dropped when t ends. Unlike dbtest.Postgres it never skips: someone
// who asked for a benchmark must not get a silent skip, so an unreachable
// server fails the run.
func freshSchema(t *testing.T) string {
	t.Helper()
	return dbtest.Schema(t, "bench_")
}
