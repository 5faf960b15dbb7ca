package bench

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"entgo.io/ent/dialect"
)

// stmtCounter counts the statements TestOutboxThroughput's outbox side
// sends, by phase (the context's phaseKey: "issue" or "deliver") and kind
// ("UPDATE emails", "BEGIN", ...), while on. It also counts claims that
// found the row already taken by the other worker.
type stmtCounter struct {
	on         atomic.Bool
	mu         sync.Mutex
	n          map[[2]string]int
	lostClaims int
}

type phaseKey struct{}

func withPhase(ctx context.Context, phase string) context.Context {
	return context.WithValue(ctx, phaseKey{}, phase)
}

func (c *stmtCounter) reset() {
	c.mu.Lock()
	c.n, c.lostClaims = map[[2]string]int{}, 0
	c.mu.Unlock()
}

func (c *stmtCounter) add(ctx context.Context, kind string) {
	if !c.on.Load() {
		return
	}
	phase, _ := ctx.Value(phaseKey{}).(string)
	if phase == "" {
		phase = "other"
	}
	c.mu.Lock()
	c.n[[2]string{phase, kind}]++
	c.mu.Unlock()
}

// claimed notes the result of the outbox's claim, the UPDATE of emails that
// adds to attempts: 0 rows means another worker had it.
func (c *stmtCounter) claimed(q string, v any) {
	if !c.on.Load() || !strings.Contains(q, "attempts") || !strings.HasPrefix(stmtKind(q), "UPDATE emails") {
		return
	}
	if r, ok := v.(*sql.Result); ok && *r != nil {
		if n, err := (*r).RowsAffected(); err == nil && n == 0 {
			c.mu.Lock()
			c.lostClaims++
			c.mu.Unlock()
		}
	}
}

// perEmail formats one phase's statements divided by emails, the most
// frequent kinds first.
func (c *stmtCounter) perEmail(phase string, emails int) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	type kv struct {
		k string
		n int
	}
	var kinds []kv
	total := 0
	for k, n := range c.n {
		if k[0] == phase {
			kinds = append(kinds, kv{k[1], n})
			total += n
		}
	}
	slices.SortFunc(kinds, func(a, b kv) int {
		if a.n != b.n {
			return b.n - a.n
		}
		return strings.Compare(a.k, b.k)
	})
	parts := make([]string, len(kinds))
	for i, x := range kinds {
		parts[i] = fmt.Sprintf("%s %.2f", x.k, float64(x.n)/float64(emails))
	}
	return fmt.Sprintf("%.2f: %s", float64(total)/float64(emails), strings.Join(parts, ", "))
}

var stmtTable = regexp.MustCompile("(?is)^\\s*(?:(UPDATE)\\s+|(SELECT|INSERT|DELETE)\\b.*?\\b(?:FROM|INTO)\\s+)[`\"]?(\\w+)")

// stmtKind is a statement's verb and first table, e.g. "SELECT invoices FOR UPDATE".
func stmtKind(q string) string {
	m := stmtTable.FindStringSubmatch(q)
	if m == nil {
		f := strings.Fields(q)
		if len(f) == 0 {
			return "?"
		}
		return strings.ToUpper(f[0])
	}
	verb := strings.ToUpper(m[1] + m[2])
	k := verb + " " + m[3]
	if verb == "SELECT" {
		if strings.Contains(strings.ToUpper(q), "FOR UPDATE") {
			k += " FOR UPDATE"
		}
	}
	return k
}

// countingDriver wraps ent's driver and counts into c.
type countingDriver struct {
	dialect.Driver
	c *stmtCounter
}

func (d *countingDriver) Query(ctx context.Context, q string, args, v any) error {
	d.c.add(ctx, stmtKind(q))
	return d.Driver.Query(ctx, q, args, v)
}

func (d *countingDriver) Exec(ctx context.Context, q string, args, v any) error {
	d.c.add(ctx, stmtKind(q))
	err := d.Driver.Exec(ctx, q, args, v)
	d.c.claimed(q, v)
	return err
}

func (d *countingDriver) Tx(ctx context.Context) (dialect.Tx, error) {
	tx, err := d.Driver.Tx(ctx)
	if err != nil {
		return nil, err
	}
	d.c.add(ctx, "BEGIN")
	return &countingTx{Tx: tx, c: d.c, ctx: ctx}, nil
}

type countingTx struct {
	dialect.Tx
	c   *stmtCounter
	ctx context.Context // the one it began with, for Commit's phase
}

func (t *countingTx) Query(ctx context.Context, q string, args, v any) error {
	t.c.add(ctx, stmtKind(q))
	return t.Tx.Query(ctx, q, args, v)
}

func (t *countingTx) Exec(ctx context.Context, q string, args, v any) error {
	t.c.add(ctx, stmtKind(q))
	err := t.Tx.Exec(ctx, q, args, v)
	t.c.claimed(q, v)
	return err
}

func (t *countingTx) Commit() error {
	t.c.add(t.ctx, "COMMIT")
	return t.Tx.Commit()
}

func (t *countingTx) Rollback() error {
	t.c.add(t.ctx, "ROLLBACK")
	return t.Tx.Rollback()
}
