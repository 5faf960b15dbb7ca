package bench

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"testing"
	"time"

	_ "github.com/lib/pq"

	"github.com/tally-invoicing/tally/internal/database/dbtest"
)

// freshSchema creates an empty PostgreSQL schema for this run and returns a
// database URL whose search_path is that schema (lib/pq sends unknown URL
// parameters as startup parameters). The schema is dropped when t ends.
// Unlike dbtest.Postgres, an unreachable server fails the run: someone who
// asked for a benchmark must not get a silent skip.
func freshSchema(t *testing.T) string {
	t.Helper()
	base := dbtest.PostgresBaseURL()
	admin, err := sql.Open("postgres", base)
	if err != nil {
		t.Fatalf("TEST_DATABASE_URL: %v", err)
	}
	defer admin.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := admin.PingContext(ctx); err != nil {
		t.Fatalf("PostgreSQL unreachable at %s: %v (set TEST_DATABASE_URL)", redacted(base), err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := "bench_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("postgres", base)
		if err != nil {
			return
		}
		defer db.Close()
		if _, err := db.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			t.Logf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("TEST_DATABASE_URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func redacted(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "TEST_DATABASE_URL"
	}
	return u.Redacted()
}
