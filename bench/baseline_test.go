package bench

import (
	"database/sql"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"time"

	"github.com/tally-invoicing/tally/internal/invoice/lineitem"
	"github.com/tally-invoicing/tally/internal/money"
)

// baseline serves the same page of invoices as Tally's
// `invoices(first: 50)` query, written the plain way: database/sql and
// lib/pq, two statements, encoding/json, and the same response shape. It
// skips what the comparison is about: authentication, GraphQL parsing,
// validation and execution, and ent.
type baseline struct {
	db         *sql.DB
	merchantID string
}

// newBaseline opens its own pool on the same schema, sized like Tally's
// (internal/database), so both sides may hold as many connections.
func newBaseline(databaseURL, merchantID string) (*baseline, error) {
	db, err := sql.Open("postgres", databaseURL)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(20)
	db.SetConnMaxIdleTime(5 * time.Minute)
	return &baseline{db: db, merchantID: merchantID}, nil
}

// Newest first, with the id as tie-breaker, like ent's pagination ordered by
// CREATED_AT DESC. The customer is joined (and, like ent's tenant filter on
// the customer load, restricted to the same merchant) instead of loaded in a
// second query.
const (
	baselineListSQL = `SELECT i.id, i.number, i.reference, i.status, i.currency, i.total_minor,
	i.amount_paid_minor, i.due_date, i.issued_at, i.items, c.id, c.name, c.email
FROM invoices i
JOIN customers c ON c.id = i.customer_id AND c.merchant_id = i.merchant_id
WHERE i.merchant_id = $1
ORDER BY i.created_at DESC, i.id DESC
LIMIT 50`
	baselineCountSQL = `SELECT count(*) FROM invoices WHERE merchant_id = $1`
)

// The response mirrors the GraphQL one field for field, so the client does
// the same work for both and their bodies can be compared.
type (
	baselineResponse struct {
		Data struct {
			Invoices baselineConnection `json:"invoices"`
		} `json:"data"`
	}
	baselineConnection struct {
		TotalCount int            `json:"totalCount"`
		Edges      []baselineEdge `json:"edges"`
	}
	baselineEdge struct {
		Node baselineInvoice `json:"node"`
	}
	baselineInvoice struct {
		ID        string           `json:"id"`
		Number    *string          `json:"number"`
		Reference *string          `json:"reference"`
		Status    string           `json:"status"`
		Total     string           `json:"total"`
		AmountDue string           `json:"amountDue"`
		DueDate   *time.Time       `json:"dueDate"`
		IssuedAt  *time.Time       `json:"issuedAt"`
		Customer  baselineCustomer `json:"customer"`
		Items     []baselineItem   `json:"items"`
	}
	baselineCustomer struct {
		ID    string `json:"id"`
		Name  string `json:"name"`
		Email string `json:"email"`
	}
	baselineItem struct {
		Name      string `json:"name"`
		Quantity  string `json:"quantity"`
		UnitPrice string `json:"unitPrice"`
		Amount    string `json:"amount"`
	}
)

func (b *baseline) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	page, err := b.page(r)
	if err != nil {
		log.Printf("baseline: %v", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	var resp baselineResponse
	resp.Data.Invoices = page
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(&resp)
}

func (b *baseline) page(r *http.Request) (baselineConnection, error) {
	ctx := r.Context()
	var out baselineConnection
	if err := b.db.QueryRowContext(ctx, baselineCountSQL, b.merchantID).Scan(&out.TotalCount); err != nil {
		return out, fmt.Errorf("count: %w", err)
	}
	rows, err := b.db.QueryContext(ctx, baselineListSQL, b.merchantID)
	if err != nil {
		return out, fmt.Errorf("list: %w", err)
	}
	defer func() { _ = rows.Close() }()
	out.Edges = make([]baselineEdge, 0, 50)
	for rows.Next() {
		var (
			inv               baselineInvoice
			currency          string
			totalMinor, paid  int64
			dueDate, issuedAt sql.NullTime
			itemsJSON         []byte
		)
		if err := rows.Scan(&inv.ID, &inv.Number, &inv.Reference, &inv.Status, &currency, &totalMinor,
			&paid, &dueDate, &issuedAt, &itemsJSON, &inv.Customer.ID, &inv.Customer.Name, &inv.Customer.Email); err != nil {
			return out, fmt.Errorf("scan: %w", err)
		}
		c, ok := money.Lookup(currency)
		if !ok {
			return out, fmt.Errorf("invoice %s: unknown currency %q", inv.ID, currency)
		}
		inv.Total = money.String(totalMinor, c)
		inv.AmountDue = money.String(amountDue(inv.Status, totalMinor, paid), c)
		if dueDate.Valid {
			inv.DueDate = &dueDate.Time
		}
		if issuedAt.Valid {
			inv.IssuedAt = &issuedAt.Time
		}
		var items []lineitem.Item
		if len(itemsJSON) > 0 {
			if err := json.Unmarshal(itemsJSON, &items); err != nil {
				return out, fmt.Errorf("invoice %s items: %w", inv.ID, err)
			}
		}
		inv.Items = make([]baselineItem, len(items))
		for i, it := range items {
			inv.Items[i] = baselineItem{
				Name:      it.Name,
				Quantity:  it.Quantity, // stored in canonical decimal text
				UnitPrice: money.String(it.UnitPrice, c),
				Amount:    money.String(it.Amount, c),
			}
		}
		out.Edges = append(out.Edges, baselineEdge{Node: inv})
	}
	return out, rows.Err()
}

// amountDue is invoice.AmountDue on bare columns.
func amountDue(status string, total, paid int64) int64 {
	switch status {
	case "DRAFT", "OPEN", "PARTIALLY_PAID", "UNCOLLECTIBLE":
		if d := total - paid; d > 0 {
			return d
		}
	}
	return 0
}
