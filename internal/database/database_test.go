package database_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/internal/database"
	"github.com/tally-invoicing/tally/internal/database/dbtest"
)

// OnCommit functions run after the outermost commit, in the order they were
// added, and never after a rollback; outside a transaction they run at once.
func TestOnCommit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ctx := context.Background()
		db, err := database.Open(ctx, b.URL, "", database.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if err := db.Close(); err != nil {
				t.Error(err)
			}
		})
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}

		var ran []string
		add := func(ctx context.Context, name string) {
			if err := database.OnCommit(ctx, func() { ran = append(ran, name) }); err != nil {
				t.Errorf("OnCommit(%s): %v", name, err)
			}
		}

		if err := database.OnCommit(ctx, func() { ran = append(ran, "outside") }); !errors.Is(err, database.ErrNoTx) || len(ran) != 0 {
			t.Fatalf("outside a transaction: OnCommit = %v and ran %v, want ErrNoTx and nothing run", err, ran)
		}

		err = database.InTx(ctx, db.Client, func(ctx context.Context, tx *ent.Client) error {
			add(ctx, "first")
			err := database.InTx(ctx, db.Client, func(ctx context.Context, inner *ent.Client) error {
				if inner != tx {
					t.Errorf("nested InTx got another client: it must join the transaction")
				}
				add(ctx, "nested")
				return nil
			})
			if len(ran) != 0 {
				t.Errorf("ran %v before the outermost commit", ran)
			}
			add(ctx, "last")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{"first", "nested", "last"}; !slices.Equal(ran, want) {
			t.Fatalf("after commit: ran %v, want %v", ran, want)
		}

		ran = nil
		boom := errors.New("boom")
		err = database.InTx(ctx, db.Client, func(ctx context.Context, _ *ent.Client) error {
			add(ctx, "rolled back")
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("InTx = %v, want %v", err, boom)
		}
		if len(ran) != 0 {
			t.Fatalf("after rollback: ran %v, want nothing", ran)
		}
	})
}
