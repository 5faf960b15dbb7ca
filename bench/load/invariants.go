package main

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/lib/pq"
)

// check is one invariant and what broke it.
type check struct {
	name       string
	violations int
	examples   []string
	skipped    string // why it could not be checked
	err        error
}

func (c *check) violate(format string, args ...any) {
	c.violations++
	if len(c.examples) < 5 {
		c.examples = append(c.examples, fmt.Sprintf(format, args...))
	}
}

// checker verifies the invariants directly in PostgreSQL. Amounts are
// integer minor units (ent/schema).
type checker struct {
	db      *sql.DB
	columns map[string]bool // "table.column"
	checks  []*check
	notes   []string
}

func checkInvariants(ctx context.Context, dbURL string, a *acks) ([]*check, error) {
	db, err := sql.Open("postgres", dbURL)
	if err != nil {
		return nil, err
	}
	defer func() { _ = db.Close() }() // read-only checks: nothing left to flush
	if err := db.PingContext(ctx); err != nil {
		return nil, err
	}
	k := &checker{db: db, columns: map[string]bool{}}
	rows, err := db.QueryContext(ctx, `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var t, c string
		if err := rows.Scan(&t, &c); err != nil {
			_ = rows.Close() // the Scan error is the one to report
			return nil, err
		}
		k.columns[t+"."+c] = true
	}
	if err := rows.Err(); err != nil {
		_ = rows.Close()
		return nil, err
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}

	k.paidInvoicesArePaid(ctx)
	k.amountPaidIsSum(ctx)
	k.emailsSentOnce(ctx)
	k.sameMerchant(ctx)
	k.gaplessNumbers(ctx)
	k.acknowledgedWritesExist(ctx, a)
	k.effectsOnce(ctx, a)
	k.emailNote(ctx)
	for _, n := range k.notes {
		k.checks = append(k.checks, &check{name: n, skipped: "note"})
	}
	return k.checks, nil
}

// emailNote is not an invariant: how far the outbox got, and how many
// sent emails took more than one attempt (after a crash the row's lease
// lapses and another worker sends it again: at-least-once delivery that
// one row cannot show).
func (k *checker) emailNote(ctx context.Context) {
	c := &check{name: "note"}
	byStatus := map[string]string{}
	var retried string
	k.each(ctx, c, `SELECT status, COUNT(*) FROM emails GROUP BY status`, nil, func(r []sql.NullString) { byStatus[r[0].String] = r[1].String })
	k.each(ctx, c, `SELECT COUNT(*) FROM emails WHERE sent_at IS NOT NULL AND attempts > 1`, nil, func(r []sql.NullString) { retried = r[0].String })
	if c.err != nil {
		return
	}
	var parts []string
	for _, st := range slices.Sorted(maps.Keys(byStatus)) {
		parts = append(parts, st+" "+byStatus[st])
	}
	k.notes = append(k.notes, fmt.Sprintf("emails: %s; sent after more than one attempt: %s", strings.Join(parts, ", "), retried))
}

func (k *checker) add(name string) *check {
	c := &check{name: name}
	k.checks = append(k.checks, c)
	return c
}

func (k *checker) has(cols ...string) bool {
	for _, c := range cols {
		if !k.columns[c] {
			return false
		}
	}
	return true
}

// each runs q and calls f with each row's columns as strings.
func (k *checker) each(ctx context.Context, c *check, q string, args []any, f func(cols []sql.NullString)) {
	if c.err != nil {
		return
	}
	rows, err := k.db.QueryContext(ctx, q, args...)
	if err != nil {
		c.err = fmt.Errorf("%w in %s", err, truncate(q, 200))
		return
	}
	defer func() { _ = rows.Close() }() // rows.Err below reports a failed read
	names, _ := rows.Columns()
	for rows.Next() {
		cols := make([]sql.NullString, len(names))
		ptrs := make([]any, len(cols))
		for i := range cols {
			ptrs[i] = &cols[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			c.err = err
			return
		}
		f(cols)
	}
	if err := rows.Err(); err != nil {
		c.err = err
	}
}

const livePayments = `COALESCE(SUM(p.amount_minor) FILTER (WHERE p.undone_at IS NULL), 0)`

func (k *checker) paidInvoicesArePaid(ctx context.Context) {
	c := k.add("every PAID invoice has non-undone payments summing to at least its total")
	k.each(ctx, c, `SELECT i.id, i.total_minor, `+livePayments+`
		FROM invoices i LEFT JOIN payments p ON p.invoice_id = i.id
		WHERE i.status = 'PAID' GROUP BY i.id HAVING `+livePayments+` < i.total_minor`, nil,
		func(r []sql.NullString) {
			c.violate("%s is PAID with total %s but payments %s", r[0].String, r[1].String, r[2].String)
		})
}

func (k *checker) amountPaidIsSum(ctx context.Context) {
	c := k.add("every invoice's amount_paid equals the sum of its non-undone payments")
	k.each(ctx, c, `SELECT i.id, i.status, i.amount_paid_minor, `+livePayments+`
		FROM invoices i LEFT JOIN payments p ON p.invoice_id = i.id
		GROUP BY i.id HAVING `+livePayments+` <> i.amount_paid_minor`, nil,
		func(r []sql.NullString) {
			c.violate("%s (%s) has amount_paid %s but payments sum to %s", r[0].String, r[1].String, r[2].String, r[3].String)
		})
}

// emailsSentOnce: an email went out when the provider accepted it — the
// outbox then sets sent_at and status SENT, and webhooks move it on to
// DELIVERED, FAILED or BOUNCED with sent_at kept. QUEUED rows, and FAILED
// rows without sent_at, never left. The outbox sends each row once (a
// leased claim); this is about rows: no invoice may have two rows of the
// same kind that both went out. The load generator sends no reminders, so
// it holds for REMINDER too.
func (k *checker) emailsSentOnce(ctx context.Context) {
	c := k.add("every email was sent once: no two rows of the same invoice and kind both went out")
	k.each(ctx, c, `SELECT invoice_id, kind, COUNT(*), string_agg(id || ' ' || status, ', ')
		FROM emails WHERE sent_at IS NOT NULL OR status IN ('SENT', 'DELIVERED', 'BOUNCED')
		GROUP BY invoice_id, kind HAVING COUNT(*) > 1`, nil,
		func(r []sql.NullString) {
			c.violate("invoice %s: %s %s emails went out (%s)", r[0].String, r[2].String, r[1].String, r[3].String)
		})
}

// ref is a column that points at another table's row.
type ref struct{ table, column, parent string }

func (k *checker) sameMerchant(ctx context.Context) {
	c := k.add("no row references another merchant's row (or a row that does not exist)")
	refs := []ref{
		{"invoices", "customer_id", "customers"},
		{"invoice_events", "invoice_id", "invoices"},
		{"emails", "invoice_id", "invoices"},
		{"payments", "invoice_id", "invoices"},
		{"payments", "collection_id", "collections"},
		{"payments", "checkout_session_id", "checkout_sessions"},
		{"checkout_sessions", "invoice_id", "invoices"},
		{"collections", "customer_id", "customers"},
		{"sessions", "user_id", "users"},
	}
	for _, r := range refs {
		if !k.has(r.table+"."+r.column, r.table+".merchant_id", r.parent+".merchant_id") {
			continue
		}
		q := fmt.Sprintf(`SELECT c.id, c.merchant_id, c.%[2]s, p.merchant_id FROM %[1]s c LEFT JOIN %[3]s p ON p.id = c.%[2]s
			WHERE c.%[2]s IS NOT NULL AND (p.id IS NULL OR p.merchant_id <> c.merchant_id)`, r.table, r.column, r.parent)
		k.each(ctx, c, q, nil, func(row []sql.NullString) {
			if !row[3].Valid {
				c.violate("%s %s.%s = %s does not exist", r.table, row[0].String, r.column, row[2].String)
				return
			}
			c.violate("%s %s (merchant %s) -> %s %s of merchant %s", r.table, row[0].String, row[1].String, r.parent, row[2].String, row[3].String)
		})
	}
	// Every owned row's merchant exists.
	for _, t := range []string{"users", "sessions", "api_keys", "customers", "invoices", "invoice_events", "emails", "payments",
		"checkout_sessions", "crypto_wallets", "collections", "idempotency_keys"} {
		if !k.has(t + ".merchant_id") {
			continue
		}
		k.each(ctx, c, fmt.Sprintf(`SELECT c.id, c.merchant_id FROM %s c LEFT JOIN merchants m ON m.id = c.merchant_id WHERE m.id IS NULL`, t), nil,
			func(row []sql.NullString) {
				c.violate("%s %s belongs to merchant %s, which does not exist", t, row[0].String, row[1].String)
			})
	}
	// A collection's suggestions are the same merchant's invoices.
	if k.has("collections.suggested_invoice_ids") {
		k.each(ctx, c, `SELECT c.id, s.id, i.merchant_id, c.merchant_id FROM collections c
			CROSS JOIN LATERAL jsonb_array_elements_text(CASE WHEN jsonb_typeof(c.suggested_invoice_ids::jsonb) = 'array' THEN c.suggested_invoice_ids::jsonb ELSE '[]'::jsonb END) AS s(id)
			JOIN invoices i ON i.id = s.id WHERE i.merchant_id <> c.merchant_id`, nil,
			func(row []sql.NullString) {
				c.violate("collection %s (merchant %s) suggests invoice %s of merchant %s", row[0].String, row[3].String, row[1].String, row[2].String)
			})
	}
}

// gaplessNumbers: each merchant's issued invoices are numbered INV-000001
// to INV-n, once each, and its counter says n.
func (k *checker) gaplessNumbers(ctx context.Context) {
	c := k.add("invoice numbers are gapless and unique per merchant")
	type seq struct {
		counter int
		numbers []int
	}
	bym := map[string]*seq{}
	k.each(ctx, c, `SELECT id, invoice_seq FROM merchants`, nil, func(r []sql.NullString) {
		n, _ := strconv.Atoi(r[1].String)
		bym[r[0].String] = &seq{counter: n}
	})
	k.each(ctx, c, `SELECT merchant_id, number FROM invoices WHERE number IS NOT NULL`, nil, func(r []sql.NullString) {
		s := bym[r[0].String]
		if s == nil {
			return // reported by sameMerchant
		}
		n, err := strconv.Atoi(strings.TrimPrefix(r[1].String, "INV-"))
		if err != nil {
			c.violate("merchant %s has invoice number %q", r[0].String, r[1].String)
			return
		}
		s.numbers = append(s.numbers, n)
	})
	for _, m := range slices.Sorted(maps.Keys(bym)) {
		s := bym[m]
		slices.Sort(s.numbers)
		for i, n := range s.numbers {
			if n != i+1 {
				c.violate("merchant %s: issued numbers %s, want 1..%d", m, summarize(s.numbers), len(s.numbers))
				break
			}
		}
		if len(s.numbers) != s.counter && c.violations < 1000 {
			c.violate("merchant %s: invoice_seq is %d but %d invoices are numbered", m, s.counter, len(s.numbers))
		}
	}
}

func summarize(ns []int) string {
	if len(ns) > 12 {
		return fmt.Sprint(ns[:6], "…", ns[len(ns)-6:])
	}
	return fmt.Sprint(ns)
}

// acknowledgedWritesExist: every id the load generator got back in a 200
// response is in the database, with the merchant (and number) it was
// acknowledged with.
func (k *checker) acknowledgedWritesExist(ctx context.Context, a *acks) {
	c := k.add("every acknowledged write exists (merchants, customers, invoices, issued numbers, payments, collections)")
	find := func(table, cols string, ids []string, f func(r []sql.NullString)) map[string]bool {
		seen := map[string]bool{}
		for chunk := range slices.Chunk(ids, 5000) {
			k.each(ctx, c, fmt.Sprintf(`SELECT id, %s FROM %s WHERE id = ANY($1)`, cols, table), []any{pq.Array(chunk)}, func(r []sql.NullString) {
				seen[r[0].String] = true
				f(r)
			})
		}
		for _, id := range ids {
			if !seen[id] && c.err == nil {
				c.violate("acknowledged %s %s is missing", strings.TrimSuffix(table, "s"), id)
			}
		}
		return seen
	}
	find("merchants", "name", slices.Collect(maps.Keys(a.merchants)), func([]sql.NullString) {})
	find("customers", "merchant_id", slices.Collect(maps.Keys(a.customers)), func(r []sql.NullString) {
		if want := a.customers[r[0].String]; r[1].String != want {
			c.violate("customer %s belongs to merchant %s, acknowledged for %s", r[0].String, r[1].String, want)
		}
	})
	find("invoices", "merchant_id, number, status", slices.Collect(maps.Keys(a.invoices)), func(r []sql.NullString) {
		inv := a.invoices[r[0].String]
		switch {
		case r[1].String != inv.merchant:
			c.violate("invoice %s belongs to merchant %s, acknowledged for %s", inv.id, r[1].String, inv.merchant)
		case inv.issued && inv.number != "" && r[2].String != inv.number:
			c.violate("invoice %s was acknowledged issued as %s but is numbered %q", inv.id, inv.number, r[2].String)
		case inv.issued && r[3].String == "DRAFT":
			c.violate("invoice %s was acknowledged issued but is a DRAFT", inv.id)
		case inv.paidAck && r[3].String != "PAID":
			c.violate("invoice %s was acknowledged PAID but is %s", inv.id, r[3].String)
		}
	})
	find("payments", "invoice_id, undone_at", slices.Collect(maps.Keys(a.payments)), func(r []sql.NullString) {
		if want := a.payments[r[0].String]; r[1].String != want {
			c.violate("payment %s is for invoice %s, acknowledged for %s", r[0].String, r[1].String, want)
		}
		if r[2].Valid {
			c.violate("acknowledged payment %s was undone at %s (the load generator undoes nothing)", r[0].String, r[2].String)
		}
	})
	find("collections", "merchant_id", slices.Collect(maps.Keys(a.collections)), func(r []sql.NullString) {
		if want := a.collections[r[0].String]; r[1].String != want {
			c.violate("collection %s belongs to merchant %s, acknowledged for %s", r[0].String, r[1].String, want)
		}
	})
}

// effectsOnce: what the load generator did once happened once, however
// often a request was retried. It pays each invoice at most once, in
// full, so no invoice has two live payments; an issued "Create and send"
// invoice has one INVOICE email, a "Create only" one has none.
func (k *checker) effectsOnce(ctx context.Context, a *acks) {
	c := k.add("retried writes took effect once (one payment per paid invoice, one email per sent invoice)")
	ids := slices.Collect(maps.Keys(a.invoices))
	for chunk := range slices.Chunk(ids, 5000) {
		k.each(ctx, c, `SELECT p.invoice_id, COUNT(*), string_agg(p.id || ' ' || p.channel || ' ' || p.provider || ' ' || p.amount_minor, ', ')
			FROM payments p WHERE p.undone_at IS NULL AND p.invoice_id = ANY($1) GROUP BY p.invoice_id HAVING COUNT(*) > 1`,
			[]any{pq.Array(chunk)}, func(r []sql.NullString) {
				c.violate("invoice %s paid once by the generator has %s payments: %s", r[0].String, r[1].String, r[2].String)
			})
		emails := map[string]int{}
		k.each(ctx, c, `SELECT invoice_id, COUNT(*) FROM emails WHERE kind = 'INVOICE' AND invoice_id = ANY($1) GROUP BY invoice_id`,
			[]any{pq.Array(chunk)}, func(r []sql.NullString) {
				emails[r[0].String], _ = strconv.Atoi(r[1].String)
			})
		for _, id := range chunk {
			inv := a.invoices[id]
			if !inv.issued || c.err != nil {
				continue
			}
			if want := map[bool]int{true: 1, false: 0}[inv.send]; emails[id] != want {
				c.violate("invoice %s issued with send=%v has %d INVOICE emails, want %d", id, inv.send, emails[id], want)
			}
		}
	}
}

// printChecks prints one line per invariant to stdout and returns the violations.
func printChecks(checks []*check) int {
	total := 0
	for _, c := range checks {
		switch {
		case c.skipped == "note":
			fmt.Printf("  note  %s\n", c.name)
		case c.err != nil:
			fmt.Printf("  ERROR %s: %v\n", c.name, c.err)
			total++
		case c.violations > 0:
			fmt.Printf("  FAIL  %s: %d violations\n", c.name, c.violations)
			for _, e := range c.examples {
				fmt.Printf("          %s\n", e)
			}
			total += c.violations
		default:
			fmt.Printf("  ok    %s\n", c.name)
		}
	}
	return total
}
