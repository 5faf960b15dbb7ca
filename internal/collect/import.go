package collect

import (
	"context"
	"fmt"
	"io"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/ent/collection"
	"github.com/tally-invoicing/tally/ent/payment"
	"github.com/tally-invoicing/tally/ent/schema"
	"github.com/tally-invoicing/tally/internal/collect/match"
	"github.com/tally-invoicing/tally/internal/collect/statement"
	"github.com/tally-invoicing/tally/internal/database"
	"github.com/tally-invoicing/tally/internal/fault"
	"github.com/tally-invoicing/tally/internal/invoice"
	"github.com/tally-invoicing/tally/internal/tenant"
)

// Format is a statement file format.
type Format string

// The formats Import reads.
const (
	CSV     Format = "CSV"
	CAMT053 Format = "CAMT053"
)

// ImportResult counts what an import did.
type ImportResult struct {
	Lines, Created, AlreadyImported, Matched, Partial, Unmatched int
}

// importBatch is how many statement lines are matched and stored at a
// time: one batch is all of a statement an import holds in memory.
const importBatch = 1000

// Import reads a bank statement and records every incoming payment on it
// as a collection, matched like any other. A malformed file is refused as a
// whole before anything is stored; payments imported before (same external
// id) are skipped, so importing a statement twice creates nothing new. The
// CSV mapping is saved for the merchant's next import.
//
// The file is read a few times over, one batch of lines at a time (see
// statement.OpenCSV), so src should be a temporary file for a large upload.
// A merchant runs one import at a time, and the process a few (see
// ImportGate).
func (s *Service) Import(ctx context.Context, name string, format Format, src io.ReadSeeker, m *statement.Mapping) (*ImportResult, error) {
	if err := merchantOnly(ctx); err != nil {
		return nil, err
	}
	v := tenant.FromContext(ctx)
	var open func() (*statement.File, error)
	switch format {
	case CSV:
		if m == nil {
			return nil, fault.Invalid("mapping", "a CSV statement needs its column mapping; previewStatement suggests one")
		}
		open = func() (*statement.File, error) { return statement.OpenCSV(src, *m) }
	case CAMT053:
		open = func() (*statement.File, error) { return statement.OpenCAMT053(src) }
	default:
		return nil, fault.Invalidf("format", "%q is not a statement format; use CSV or CAMT053", format)
	}
	leave, err := s.Imports.Enter(v.MerchantID)
	if err != nil {
		return nil, err
	}
	defer leave()
	file, err := open()
	if err != nil {
		return nil, asFault(err)
	}
	res := &ImportResult{Lines: file.Lines()}
	err = database.InTx(ctx, s.client, func(ctx context.Context, tx *ent.Client) error {
		ix, dues, err := s.index(ctx, tx, true)
		if err != nil {
			return err
		}
		paid := map[string]int64{} // by this statement so far
		err = file.Each(importBatch, func(lines []statement.Line) error {
			// Earlier batches are in tx, so a line repeating one of them
			// counts as imported too.
			seen, err := s.imported(ctx, tx, lines)
			if err != nil {
				return err
			}
			plan, err := s.plan(ctx, tx, ix, dues, paid, lines, seen, name)
			if err != nil {
				return err
			}
			res.AlreadyImported += len(lines) - len(plan.cols)
			if err := s.apply(ctx, tx, plan); err != nil {
				return err
			}
			for _, c := range plan.cols {
				res.Created++
				switch c.status {
				case collection.StatusMATCHED:
					res.Matched++
				case collection.StatusPARTIAL:
					res.Partial++
				default:
					res.Unmatched++
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		if format == CSV {
			return tx.Merchant.UpdateOneID(v.MerchantID).SetStatementMapping(m).Exec(ctx)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// planned is one statement line about to become a collection.
type planned struct {
	create *ent.CollectionCreate
	id     string
	amount int64
	left   int64
	status collection.Status
}

type importPlan struct {
	cols     []*planned
	receipts []invoice.Received
	owner    []int // receipts[i] belongs to cols[owner[i]]
}

// plan matches a batch of new lines in memory, tracking in paid what each
// invoice still owes as earlier lines pay it, so a batch is applied in a
// few bulk statements rather than several per line.
func (s *Service) plan(ctx context.Context, tx *ent.Client, ix *match.Index, dues map[string]openInvoice, paid map[string]int64, lines []statement.Line, seen map[string]bool, name string) (*importPlan, error) {
	p := &importPlan{}
	for _, l := range lines {
		if seen[l.ExternalID] {
			continue
		}
		seen[l.ExternalID] = true
		at := l.BookedAt
		in := Input{Amount: l.Amount, Currency: l.Currency, Channel: collection.ChannelBANK_TRANSFER, Text: l.Text,
			ExternalID: l.ExternalID, PayerName: l.PayerName, PayerAccount: l.PayerAccount, Statement: name, ReceivedAt: &at}
		amount, c, err := s.check(&in)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", l.No, err)
		}
		res := ix.Match(match.Collection{Amount: amount, Currency: c.Code, Text: in.Text, PayerName: in.PayerName, PayerAccount: in.PayerAccount})
		id := schema.NewID("col")
		col := &planned{id: id, amount: amount, left: amount}
		payer := ""
		for _, a := range res.Allocations {
			due := dues[a.InvoiceID].due - paid[a.InvoiceID]
			take := min(a.Amount, due, col.left)
			if take <= 0 {
				continue
			}
			paid[a.InvoiceID] += take
			col.left -= take
			if payer == "" {
				payer = dues[a.InvoiceID].customer
			}
			p.receipts = append(p.receipts, invoice.Received{InvoiceID: a.InvoiceID, Amount: take, Channel: payment.ChannelBANK_TRANSFER,
				Provider: "matched", ExternalID: l.ExternalID, ReceivedAt: at, CollectionID: id,
				Rule: payment.Rule(a.Rule), Confidence: a.Confidence, UpToDue: true})
			p.owner = append(p.owner, len(p.cols))
		}
		col.status = statusOf(amount, col.left)
		create := tx.Collection.Create().SetID(id).
			SetAmountMinor(amount).SetCurrency(c.Code).SetChannel(in.Channel).SetReceivedAt(at.UTC()).
			SetText(in.Text).SetPayerName(in.PayerName).SetPayerAccount(in.PayerAccount).SetExternalID(l.ExternalID).
			SetStatement(name).SetStatus(col.status).SetUnallocatedMinor(col.left)
		rv := reviewOf(res, col.left < amount)
		create.SetReviewReason(rv.reason).SetFlag(rv.flag).SetSuggestedInvoiceIds(rv.suggestions)
		if payer != "" {
			create.SetCustomerID(payer)
		}
		col.create = create
		p.cols = append(p.cols, col)
	}
	return p, ctx.Err()
}

// apply stores a plan: the collections, then their payments through
// invoice.ApplyPayments (which locks the invoices and applies the same
// rules as every other payment), then corrects any collection whose
// invoice changed meanwhile.
func (s *Service) apply(ctx context.Context, tx *ent.Client, p *importPlan) error {
	const batch = 500
	for i := 0; i < len(p.cols); i += batch {
		creates := make([]*ent.CollectionCreate, 0, batch)
		for _, c := range p.cols[i:min(i+batch, len(p.cols))] {
			creates = append(creates, c.create)
		}
		if err := tx.Collection.CreateBulk(creates...).Exec(ctx); err != nil {
			return err
		}
	}
	pays, err := s.invoices.ApplyPayments(ctx, tx, p.receipts)
	if err != nil {
		return err
	}
	applied := make([]int64, len(p.cols))
	planned := make([]int64, len(p.cols))
	for i, r := range p.receipts {
		planned[p.owner[i]] += r.Amount
		if pays[i] != nil {
			applied[p.owner[i]] += pays[i].AmountMinor
		}
	}
	for i, c := range p.cols {
		if applied[i] == planned[i] {
			continue
		}
		c.left += planned[i] - applied[i]
		c.status = statusOf(c.amount, c.left)
		if err := tx.Collection.UpdateOneID(c.id).SetUnallocatedMinor(c.left).SetStatus(c.status).Exec(ctx); err != nil {
			return err
		}
	}
	return nil
}

// imported returns which of the lines' external ids were recorded before.
func (s *Service) imported(ctx context.Context, tx *ent.Client, lines []statement.Line) (map[string]bool, error) {
	seen := map[string]bool{}
	const batch = 1000
	for i := 0; i < len(lines); i += batch {
		ids := make([]string, 0, batch)
		for _, l := range lines[i:min(i+batch, len(lines))] {
			ids = append(ids, l.ExternalID)
		}
		found, err := tx.Collection.Query().Where(collection.ExternalIDIn(ids...)).Select(collection.FieldExternalID).Strings(ctx)
		if err != nil {
			return nil, err
		}
		for _, id := range found {
			seen[id] = true
		}
	}
	return seen, nil
}

// Preview reads the first rows of a CSV statement and proposes a mapping:
// the merchant's saved one when the file has its columns, else a guess.
func (s *Service) Preview(ctx context.Context, r io.Reader) ([]string, [][]string, statement.Mapping, error) {
	v := tenant.FromContext(ctx)
	if v == nil {
		return nil, nil, statement.Mapping{}, tenant.ErrNoViewer
	}
	headers, rows, err := statement.Preview(r)
	if err != nil {
		return nil, nil, statement.Mapping{}, asFault(err)
	}
	m, err := s.client.Merchant.Get(ctx, v.MerchantID)
	if err != nil {
		return nil, nil, statement.Mapping{}, err
	}
	if saved := m.StatementMapping; saved != nil && fits(*saved, headers) {
		return headers, rows, *saved, nil
	}
	return headers, rows, statement.SuggestMapping(headers), nil
}

func fits(m statement.Mapping, headers []string) bool {
	have := map[string]bool{}
	for _, h := range headers {
		have[h] = true
	}
	for _, col := range append([]string{m.Date, m.Amount, m.Credit, m.Debit, m.Currency, m.PayerName, m.PayerAccount, m.ExternalID}, m.Text...) {
		if col != "" && !have[col] {
			return false
		}
	}
	return true
}

// asFault makes a parse error a VALIDATION fault on the file (a statement's
// *Errors already reads as one, listing every line to fix).
func asFault(err error) error {
	if f, ok := fault.As(err); ok {
		return f
	}
	return fault.Invalid("file", err.Error())
}
