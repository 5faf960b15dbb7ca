// Package dbtest runs a test against every database Tally supports: a fresh
// in-memory SQLite and, when one answers, a fresh PostgreSQL schema.
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	_ "github.com/lib/pq" // the postgres driver for database/sql, for the admin connection that makes each test's schema
)

// DefaultPostgresURL is the local server the machines of this project run.
const DefaultPostgresURL = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// Backend is one database a test runs on.
type Backend struct {
	// Name is "sqlite" or "postgres"; it is the subtest's name.
	Name string
	// URL is a DATABASE_URL for a database no other test uses.
	URL string
}

// Each runs fn as a subtest on SQLite and on PostgreSQL. PostgreSQL is
// skipped when unreachable, unless TALLY_REQUIRE_POSTGRES=1 (CI), where it
// fails instead: a green run must never silently mean "SQLite only".
func Each(t *testing.T, fn func(t *testing.T, b Backend)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		fn(t, Backend{Name: "sqlite", URL: SQLite(t)})
	})
	t.Run("postgres", func(t *testing.T) {
		fn(t, Backend{Name: "postgres", URL: Postgres(t)})
	})
}

// SQLite returns a DATABASE_URL for a fresh SQLite file in t's temp dir.
func SQLite(t testing.TB) string {
	return "sqlite:" + t.TempDir() + "/tally.db"
}

var (
	pgOnce sync.Once
	pgErr  error
)

// PostgresBaseURL is TEST_DATABASE_URL or the local default.
func PostgresBaseURL() string {
	if u := os.Getenv("TEST_DATABASE_URL"); u != "" {
		return u
	}
	return DefaultPostgresURL
}

// Postgres returns a DATABASE_URL whose search_path is a fresh schema, dropped
// when t ends.
func Postgres(t testing.TB) string {
	t.Helper()
	base := PostgresBaseURL()
	pgOnce.Do(func() {
		db, err := sql.Open("postgres", base)
		if err == nil {
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
			err = db.PingContext(ctx)
			cancel()
			_ = db.Close() // only the ping's answer matters

		}
		pgErr = err
	})
	if pgErr != nil {
		if os.Getenv("TALLY_REQUIRE_POSTGRES") == "1" {
			t.Fatalf("PostgreSQL is required (TALLY_REQUIRE_POSTGRES=1) but %s is unreachable: %v", redacted(base), pgErr)
		}
		t.Skipf("PostgreSQL unreachable at %s (%v); set TEST_DATABASE_URL to run these tests on it", redacted(base), pgErr)
	}
	return Schema(t, "t_")
}

// Schema creates an empty schema named prefix + random on the PostgreSQL of
// PostgresBaseURL and returns a DATABASE_URL whose search_path is it (lib/pq
// sends unknown URL parameters as startup parameters). It is dropped when t
// ends. An unreachable server fails t: callers that may skip check first.
func Schema(t testing.TB, prefix string) string {
	t.Helper()
	base := PostgresBaseURL()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	schema := prefix + hex.EncodeToString(b)
	admin, err := sql.Open("postgres", base)
	if err != nil {
		t.Fatalf("TEST_DATABASE_URL: %v", err)
	}
	defer func() { _ = admin.Close() }()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema on %s: %v", redacted(base), err)
	}
	t.Cleanup(func() {
		db, err := sql.Open("postgres", base)
		if err != nil {
			return
		}
		defer func() { _ = db.Close() }()
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
