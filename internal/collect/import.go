package collect

import (
	"context"
	"fmt"
	"io"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/ent/collection"
	"github.com/tally-invoicing/tally/internal/collect/statement"
	"github.com/tally-invoicing/tally/internal/database"
	"github.com/tally-invoicing/tally/internal/fault"
	"github.com/tally-invoicing/tally/internal/tenant"
)

// Format is a statement file format.
type Format string

const (
	CSV     Format = "CSV"
	CAMT053 Format = "CAMT053"
)

// ImportResult counts what an import did.
type ImportResult struct {
	Lines, Created, AlreadyImported, Matched, Partial, Unmatched int
}

// Import reads a bank statement and records every incoming payment on it
// as a collection, matched like any other. A malformed file is refused as a
// whole before anything is stored; payments imported before (same external
// id) are skipped, so importing a statement twice creates nothing new. The
// CSV mapping is saved for the merchant's next import.
func (s *Service) Import(ctx context.Context, name string, format Format, r io.Reader, m *statement.Mapping) (*ImportResult, error) {
	if err := merchantOnly(ctx); err != nil {
		return nil, err
	}
	v := tenant.FromContext(ctx)
	var lines []statement.Line
	var err error
	switch format {
	case CSV:
		if m == nil {
			return nil, fault.Invalid("mapping", "a CSV statement needs its column mapping; previewStatement suggests one")
		}
		lines, err = statement.ParseCSV(r, *m)
	case CAMT053:
		lines, err = statement.ParseCAMT053(r)
	default:
		return nil, fault.Invalidf("format", "%q is not a statement format; use CSV or CAMT053", format)
	}
	if err != nil {
		return nil, asFault(err)
	}
	res := &ImportResult{Lines: len(lines)}
	seen, err := s.imported(ctx, lines)
	if err != nil {
		return nil, err
	}
	err = database.InTx(ctx, s.client, func(tx *ent.Client) error {
		ix, err := s.index(ctx, tx, true)
		if err != nil {
			return err
		}
		for _, l := range lines {
			if seen[l.ExternalID] {
				res.AlreadyImported++
				continue
			}
			in := Input{Amount: l.Amount, Currency: l.Currency, Channel: collection.ChannelBANK_TRANSFER, Text: l.Text,
				ExternalID: l.ExternalID, PayerName: l.PayerName, PayerAccount: l.PayerAccount, Statement: name}
			at := l.BookedAt
			in.ReceivedAt = &at
			amount, c, err := s.check(&in)
			if err != nil {
				return fmt.Errorf("line %d: %w", l.No, err)
			}
			out, err := s.record(ctx, tx, ix, in, amount, c)
			if err != nil {
				return fmt.Errorf("line %d: %w", l.No, err)
			}
			res.Created++
			switch out.Collection.Status {
			case collection.StatusMATCHED:
				res.Matched++
			case collection.StatusPARTIAL:
				res.Partial++
			default:
				res.Unmatched++
			}
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

// imported returns which of the lines' external ids were recorded before.
func (s *Service) imported(ctx context.Context, lines []statement.Line) (map[string]bool, error) {
	seen := map[string]bool{}
	const batch = 1000
	for i := 0; i < len(lines); i += batch {
		ids := make([]string, 0, batch)
		for _, l := range lines[i:min(i+batch, len(lines))] {
			ids = append(ids, l.ExternalID)
		}
		found, err := s.client.Collection.Query().Where(collection.ExternalIDIn(ids...)).Select(collection.FieldExternalID).Strings(ctx)
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
