// Package database opens Tally's store: an SQLite file by default, or
// PostgreSQL when given a postgres:// URL. It migrates the schema on start-up
// and runs work in transactions.
package database

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	_ "github.com/lib/pq"  // PostgreSQL driver
	_ "modernc.org/sqlite" // pure-Go SQLite driver, no cgo needed

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/ent/migrate"
	_ "github.com/tally-invoicing/tally/ent/runtime" // registers schema hooks and interceptors
)

// DB is an open store.
type DB struct {
	Client *ent.Client
	// SQL is the underlying pool, for health checks and benchmarks.
	SQL *sql.DB
	// Dialect is dialect.SQLite or dialect.Postgres.
	Dialect string
}

// Options tune Open. The zero value is fine.
type Options struct {
	// Driver wraps the ent driver, e.g. to count queries in tests.
	Driver func(dialect.Driver) dialect.Driver
}

// Open connects to databaseURL, or to dataDir/tally.db when it is empty.
func Open(ctx context.Context, databaseURL, dataDir string, opts Options) (*DB, error) {
	driverName, dsn, dia, err := dataSource(databaseURL, dataDir)
	if err != nil {
		return nil, err
	}
	db, err := sql.Open(driverName, dsn)
	if err != nil {
		return nil, fmt.Errorf("database: %w", err)
	}
	if dia == dialect.SQLite {
		// One writer at a time is SQLite's model; a single connection keeps
		// transactions from waiting on each other's locks.
		db.SetMaxOpenConns(1)
	} else {
		db.SetMaxOpenConns(20)
		db.SetMaxIdleConns(20)
		db.SetConnMaxIdleTime(5 * time.Minute)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := db.PingContext(pingCtx); err != nil {
		db.Close()
		return nil, fmt.Errorf("database: cannot reach %s: %w", redact(databaseURL, dsn), err)
	}
	var drv dialect.Driver = entsql.OpenDB(dia, db)
	if opts.Driver != nil {
		drv = opts.Driver(drv)
	}
	return &DB{Client: ent.NewClient(ent.Driver(drv)), SQL: db, Dialect: dia}, nil
}

// Migrate brings the schema up to date. It only adds tables, columns and
// indexes; it never drops anything, so existing data survives upgrades.
func (d *DB) Migrate(ctx context.Context) error {
	if err := d.Client.Schema.Create(ctx, migrate.WithDropColumn(false), migrate.WithDropIndex(false)); err != nil {
		return fmt.Errorf("database: migrate: %w", err)
	}
	return nil
}

// Ping checks that the database answers.
func (d *DB) Ping(ctx context.Context) error { return d.SQL.PingContext(ctx) }

// Close closes the client and the pool.
func (d *DB) Close() error { return d.Client.Close() }

func dataSource(databaseURL, dataDir string) (driverName, dsn, dia string, err error) {
	switch {
	case databaseURL == "":
		if dataDir == "" {
			dataDir = "."
		}
		if err := os.MkdirAll(dataDir, 0o700); err != nil {
			return "", "", "", fmt.Errorf("database: data dir %q: %w", dataDir, err)
		}
		return "sqlite", sqliteDSN(filepath.Join(dataDir, "tally.db")), dialect.SQLite, nil
	case strings.HasPrefix(databaseURL, "postgres://"), strings.HasPrefix(databaseURL, "postgresql://"):
		if _, err := url.Parse(databaseURL); err != nil {
			return "", "", "", fmt.Errorf("DATABASE_URL is not a valid URL: %w", err)
		}
		return "postgres", databaseURL, dialect.Postgres, nil
	case strings.HasPrefix(databaseURL, "sqlite:"), strings.HasPrefix(databaseURL, "file:"):
		path := strings.TrimPrefix(strings.TrimPrefix(databaseURL, "sqlite:"), "file:")
		path = strings.TrimPrefix(path, "//")
		if path == "" {
			return "", "", "", errors.New("DATABASE_URL sqlite: needs a file path, e.g. sqlite:./data/tally.db")
		}
		return "sqlite", sqliteDSN(path), dialect.SQLite, nil
	default:
		return "", "", "", fmt.Errorf("DATABASE_URL %q: use postgres://user@host:5432/db, sqlite:path/to/file.db, or leave it empty for an SQLite file in the data dir", databaseURL)
	}
}

// SQLiteMemory returns a DATABASE_URL for a private in-memory SQLite
// database, for tests.
func SQLiteMemory(name string) string { return "sqlite:file:" + name + "?mode=memory" }

func sqliteDSN(path string) string {
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	// WAL lets readers run beside the writer; foreign keys are off by default
	// in SQLite; immediate transactions take the write lock up front so two
	// writers queue instead of failing with "database is locked" mid-way.
	return "file:" + strings.TrimPrefix(path, "file:") + sep +
		"_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate"
}

func redact(databaseURL, dsn string) string {
	if databaseURL == "" {
		return dsn
	}
	u, err := url.Parse(databaseURL)
	if err != nil {
		return "DATABASE_URL"
	}
	return u.Redacted()
}

// InTx runs fn in a transaction on client and commits if fn returns nil.
// If client is already a transaction's client, fn joins it. Functions
// registered with OnCommit run after the outermost commit.
func InTx(ctx context.Context, client *ent.Client, fn func(tx *ent.Client) error) error {
	if ent.TxFromContext(ctx) != nil || isTxClient(client) {
		return fn(client)
	}
	tx, err := client.Tx(ctx)
	if err != nil {
		if errors.Is(err, ent.ErrTxStarted) {
			return fn(client)
		}
		return fmt.Errorf("begin: %w", err)
	}
	txc := tx.Client()
	pending.Store(txc, &hooks{})
	defer pending.Delete(txc)
	if err := fn(txc); err != nil {
		if rerr := tx.Rollback(); rerr != nil {
			return fmt.Errorf("%w (rollback: %v)", err, rerr)
		}
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	if h, ok := pending.Load(txc); ok {
		for _, f := range h.(*hooks).list() {
			f()
		}
	}
	return nil
}

// pending holds the after-commit functions of each open transaction, keyed
// by the transaction's client (the value InTx hands to fn).
var pending sync.Map

type hooks struct {
	mu sync.Mutex
	fs []func()
}

func (h *hooks) add(f func()) {
	h.mu.Lock()
	h.fs = append(h.fs, f)
	h.mu.Unlock()
}

func (h *hooks) list() []func() {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.fs
}

func isTxClient(c *ent.Client) bool {
	_, ok := pending.Load(c)
	return ok
}

// OnCommit runs f once the transaction whose client is tx has committed, and
// never if it rolls back: the place to announce a change (a live status
// event, a worker wake-up) that must not be seen before it is durable. When
// tx is not a transaction opened by InTx, f runs at once.
func OnCommit(tx *ent.Client, f func()) {
	if h, ok := pending.Load(tx); ok {
		h.(*hooks).add(f)
		return
	}
	f()
}
