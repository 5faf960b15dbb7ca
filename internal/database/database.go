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
		_ = db.Close() // the unreachable database is the error to report
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
// fn gets ctx carrying the transaction (ent.TxFromContext): an InTx under
// that ctx joins the same transaction instead of opening another, and
// functions registered with OnCommit under it run after the outermost
// commit.
func InTx(ctx context.Context, client *ent.Client, fn func(ctx context.Context, tx *ent.Client) error) error {
	if tx := ent.TxFromContext(ctx); tx != nil {
		return fn(ctx, tx.Client())
	}
	tx, err := client.Tx(ctx)
	if errors.Is(err, ent.ErrTxStarted) {
		// A transaction's client without its context: OnCommit could not
		// find the transaction and would announce before the commit.
		return errors.New("database: InTx was given a transaction's client; pass the ctx InTx gave with it instead")
	}
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	after := &afterCommit{}
	tx.OnCommit(after.hook)
	ctx = context.WithValue(ent.NewTxContext(ctx, tx), afterCommitKey{}, after)
	if err := fn(ctx, tx.Client()); err != nil {
		if rerr := tx.Rollback(); rerr != nil {
			return fmt.Errorf("%w (rollback: %w)", err, rerr)
		}
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// ErrNoTx is returned by OnCommit for a ctx that carries no transaction:
// most likely a closure used the ctx from outside InTx instead of the one
// InTx gave it, and f would have run before the commit.
var ErrNoTx = errors.New("database: OnCommit needs the ctx InTx hands to its fn")

// OnCommit runs f once the transaction carried by ctx (the ctx InTx hands
// to its fn, or one derived from it) has committed, and never if it rolls
// back: the place to announce a change (a live status event, a worker
// wake-up) that must not be seen before it is durable.
func OnCommit(ctx context.Context, f func()) error {
	if after, ok := ctx.Value(afterCommitKey{}).(*afterCommit); ok {
		after.add(f)
		return nil
	}
	if tx := ent.TxFromContext(ctx); tx != nil {
		// A transaction opened outside InTx: ent's own hook, one per f.
		tx.OnCommit(func(next ent.Committer) ent.Committer {
			return ent.CommitFunc(func(ctx context.Context, tx *ent.Tx) error {
				if err := next.Commit(ctx, tx); err != nil {
					return err
				}
				f()
				return nil
			})
		})
		return nil
	}
	return ErrNoTx
}

type afterCommitKey struct{}

// afterCommit is the list of an InTx transaction's OnCommit functions, run
// in the order they were added by the one commit hook InTx registers (ent
// runs several hooks' after-commit code in reverse order).
type afterCommit struct {
	mu sync.Mutex
	fs []func()
}

func (a *afterCommit) add(f func()) {
	a.mu.Lock()
	a.fs = append(a.fs, f)
	a.mu.Unlock()
}

func (a *afterCommit) hook(next ent.Committer) ent.Committer {
	return ent.CommitFunc(func(ctx context.Context, tx *ent.Tx) error {
		if err := next.Commit(ctx, tx); err != nil {
			return err
		}
		a.mu.Lock()
		fs := a.fs
		a.mu.Unlock()
		for _, f := range fs {
			f()
		}
		return nil
	})
}
