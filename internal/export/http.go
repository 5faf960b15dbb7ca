package export

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/ent/collection"
	"github.com/tally-invoicing/tally/internal/auth"
	"github.com/tally-invoicing/tally/internal/collect"
	"github.com/tally-invoicing/tally/internal/invoice"
	"github.com/tally-invoicing/tally/internal/invoice/status"
	"github.com/tally-invoicing/tally/internal/tenant"
)

// Handler serves GET /export/invoices.csv, /export/payments.csv and
// /export/collections.csv to the merchant (session or API key; auth's
// Middleware goes in front). Query parameters are the list's filters;
// a bad one is 400 with a sentence naming it.
type Handler struct {
	Client   *ent.Client
	Invoices *invoice.Service
}

// badParam is a filter the client must fix.
type badParam struct{ name, msg string }

func (e badParam) Error() string { return fmt.Sprintf("%s: %s", e.name, e.msg) }

func (h Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if tenant.FromContext(ctx) == nil {
		http.Error(w, auth.SignInRequiredSentence(), http.StatusUnauthorized)
		return
	}
	q := r.URL.Query()
	var run func(context.Context, io.Writer) error
	var name string
	var err error
	switch r.PathValue("list") {
	case "invoices.csv":
		name = "invoices"
		var f invoice.Filter
		if f, err = invoiceFilter(q); err == nil {
			run = func(ctx context.Context, out io.Writer) error { return Invoices(ctx, out, h.Invoices, f) }
		}
	case "payments.csv":
		name = "payments"
		var f PaymentFilter
		if f, err = paymentFilter(q); err == nil {
			run = func(ctx context.Context, out io.Writer) error { return Payments(ctx, out, h.Client, f) }
		}
	case "collections.csv":
		name = "collections"
		var f CollectionFilter
		if f, err = collectionFilter(q); err == nil {
			run = func(ctx context.Context, out io.Writer) error { return Collections(ctx, out, h.Client, f) }
		}
	default:
		http.Error(w, "Nothing to export here: use /export/invoices.csv, /export/payments.csv or /export/collections.csv.", http.StatusNotFound)
		return
	}
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s-%s.csv"`, name, time.Now().UTC().Format("2006-01-02")))
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	fw := flushWriter{w: w, rc: http.NewResponseController(w)}
	if err := run(ctx, fw); err != nil {
		if ctx.Err() == nil {
			slog.ErrorContext(ctx, "CSV export cut short", "path", r.URL.Path, "err", err)
		}
		// The header row is out: the only honest signal left is to
		// break the download rather than end it as if complete.
		panic(http.ErrAbortHandler)
	}
}

type flushWriter struct {
	w  io.Writer
	rc *http.ResponseController
}

func (f flushWriter) Write(p []byte) (int, error) { return f.w.Write(p) }

func (f flushWriter) Flush() {
	_ = f.rc.Flush() // a writer that cannot flush sends it all at the end
}

func ids(v string) []string {
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func boolParam(q map[string][]string, name string) (*bool, error) {
	v := strings.TrimSpace(first(q, name))
	if v == "" {
		return nil, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return nil, badParam{name, "give true or false"}
	}
	return &b, nil
}

func first(q map[string][]string, name string) string {
	if v := q[name]; len(v) > 0 {
		return v[0]
	}
	return ""
}

func strp(q map[string][]string, name string) *string {
	if v := strings.TrimSpace(first(q, name)); v != "" {
		return &v
	}
	return nil
}

func invoiceStatuses(name, v string) ([]status.Status, error) {
	var out []status.Status
	for _, s := range ids(v) {
		st := status.Status(strings.ToUpper(s))
		if !slices.Contains(status.All, st) {
			return nil, badParam{name, fmt.Sprintf("%q is not a status; give DRAFT, OPEN, PARTIALLY_PAID, PAID, VOID or UNCOLLECTIBLE", s)}
		}
		out = append(out, st)
	}
	return out, nil
}

// invoiceFilter reads Query.invoices' where as parameters: status,
// statusIn (comma-separated), customerID, overdue, aging, search.
func invoiceFilter(q map[string][]string) (invoice.Filter, error) {
	var f invoice.Filter
	var err error
	if v := first(q, "status"); v != "" {
		st, err := invoiceStatuses("status", v)
		if err != nil {
			return f, err
		}
		if len(st) != 1 {
			return f, badParam{"status", "give one status, or several with statusIn"}
		}
		f.Status = &st[0]
	}
	if f.StatusIn, err = invoiceStatuses("statusIn", first(q, "statusIn")); err != nil {
		return f, err
	}
	f.CustomerID = strp(q, "customerID")
	if f.Overdue, err = boolParam(q, "overdue"); err != nil {
		return f, err
	}
	if v := strings.ToUpper(strings.TrimSpace(first(q, "aging"))); v != "" {
		if !slices.Contains(invoice.AgingBuckets, v) {
			return f, badParam{"aging", "give CURRENT, DAYS_1_30, DAYS_31_60, DAYS_61_90 or OVER_90"}
		}
		f.Aging = v
	}
	f.Search = first(q, "search")
	return f, nil
}

func timeParam(q map[string][]string, name string) (*time.Time, error) {
	v := strings.TrimSpace(first(q, name))
	if v == "" {
		return nil, nil
	}
	for _, layout := range []string{time.RFC3339, time.DateOnly} {
		if t, err := time.Parse(layout, v); err == nil {
			return &t, nil
		}
	}
	return nil, badParam{name, "give a date (2026-01-31) or an RFC 3339 time"}
}

// paymentFilter reads customerID, invoiceID, from, to and undone.
func paymentFilter(q map[string][]string) (PaymentFilter, error) {
	f := PaymentFilter{CustomerID: strp(q, "customerID"), InvoiceID: strp(q, "invoiceID")}
	var err error
	if f.From, err = timeParam(q, "from"); err != nil {
		return f, err
	}
	if f.To, err = timeParam(q, "to"); err != nil {
		return f, err
	}
	if f.Undone, err = boolParam(q, "undone"); err != nil {
		return f, err
	}
	return f, nil
}

// collectionFilter reads Query.collections' where as parameters: status,
// statusIn, customerID, search, flagged.
func collectionFilter(q map[string][]string) (CollectionFilter, error) {
	var f CollectionFilter
	parse := func(name, v string) ([]collection.Status, error) {
		var out []collection.Status
		for _, s := range ids(v) {
			st := collection.Status(strings.ToUpper(s))
			if collection.StatusValidator(st) != nil {
				return nil, badParam{name, fmt.Sprintf("%q is not a collection status", s)}
			}
			out = append(out, st)
		}
		return out, nil
	}
	if v := first(q, "status"); v != "" {
		st, err := parse("status", v)
		if err != nil {
			return nil, err
		}
		f = append(f, func(q *ent.CollectionQuery) { q.Where(collection.StatusIn(st...)) })
	}
	if v := first(q, "statusIn"); v != "" {
		st, err := parse("statusIn", v)
		if err != nil {
			return nil, err
		}
		f = append(f, func(q *ent.CollectionQuery) { q.Where(collection.StatusIn(st...)) })
	}
	if c := strp(q, "customerID"); c != nil {
		f = append(f, func(q *ent.CollectionQuery) { q.Where(collection.CustomerID(*c)) })
	}
	if v := first(q, "search"); v != "" {
		p, err := collect.Search(v)
		if err != nil {
			return nil, badParam{"search", err.Error()}
		}
		if p != nil {
			f = append(f, func(q *ent.CollectionQuery) { q.Where(p) })
		}
	}
	flagged, err := boolParam(q, "flagged")
	if err != nil {
		return nil, err
	}
	if flagged != nil {
		if *flagged {
			f = append(f, func(q *ent.CollectionQuery) { q.Where(collection.FlagNEQ("")) })
		} else {
			f = append(f, func(q *ent.CollectionQuery) { q.Where(collection.Or(collection.FlagIsNil(), collection.FlagEQ(""))) })
		}
	}
	return f, nil
}
