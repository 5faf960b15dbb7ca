package collect

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/ent/collection"
	"github.com/tally-invoicing/tally/ent/payment"
	"github.com/tally-invoicing/tally/ent/schema"
	"github.com/tally-invoicing/tally/internal/collect/match"
	"github.com/tally-invoicing/tally/internal/collect/statement"
	"github.com/tally-invoicing/tally/internal/database"
	"github.com/tally-invoicing/tally/internal/fault"
	"github.com/tally-invoicing/tally/internal/invoice"
	"github.com/tally-invoicing/tally/internal/money"
	"github.com/tally-invoicing/tally/internal/tenant"
)

// Format is a statement file format; Import and Preview tell it from the
// content when it is empty.
type Format = statement.Format

// The formats Import reads.
const (
	CSV     = statement.FormatCSV
	CAMT053 = statement.FormatCAMT053
	CAMT052 = statement.FormatCAMT052
	CAMT054 = statement.FormatCAMT054
	MT940   = statement.FormatMT940
)

// ImportResult counts what an import did.
type ImportResult struct {
	Lines, Created, AlreadyImported, Matched, Partial, Unmatched int
	// Proposed counts the unmatched collections that wait with a proposed
	// match for a person to accept. The matching sets it; until it
	// proposes, it stays 0.
	Proposed int
	// Outgoing counts the debits, reversals, pending and zero lines the
	// file lists and the import skips.
	Outgoing int
	// Notices are what the import assumed, each a sentence.
	Notices []string
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
// format is told from the content when empty; a file declared as one
// format that is another is refused rather than read wrong. A CSV mapping
// without a currency reads amounts in the merchant's default currency and
// says so in the notices; the saved mapping keeps no currency, so that a
// later change of the default applies.
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
	format, err := formatOf(src, format)
	if err != nil {
		return nil, err
	}
	var read *statement.Mapping
	var notices []string
	if format == CSV {
		if m == nil {
			return nil, fault.Invalid("mapping", "a CSV statement needs its column mapping; previewStatement suggests one")
		}
		mm, notice, err := s.withCurrency(ctx, *m)
		if err != nil {
			return nil, err
		}
		read, notices = &mm, notice
	}
	leave, err := s.Imports.Enter(v.MerchantID)
	if err != nil {
		return nil, err
	}
	defer leave()
	file, err := statement.Open(src, format, read)
	if err != nil {
		return nil, asFault(err)
	}
	res := &ImportResult{Lines: file.Lines(), Outgoing: file.Outgoing, Notices: append(notices, file.Notices...)}
	err = database.InTx(ctx, s.client, func(ctx context.Context, tx *ent.Client) error {
		if err := s.importLines(ctx, tx, file, name, res); err != nil {
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

// importLines matches every new line of file and stores it, in tx.
//
// Which of two payments pays an invoice must not depend on the order of
// the file's lines, so money is decided in booking order (file order among
// lines booked at the same time), while the file is read in its own order,
// a batch at a time:
//  1. read the file and match each new line, keeping only its booking
//     time, amount and what it would allocate: a few words a line, never
//     the line itself;
//  2. decide in booking order what each allocation gets of what its
//     invoice still owes, and which wait as proposals;
//  3. read the file again and store each line's collection and payments.
//
// Matching is deterministic, so step 3 matches each line again for its
// reason, flags and suggestions rather than keeping them from step 1. (A
// COMBINATION search that runs out of time may answer differently the
// second time; the money follows step 1, and the reason says nothing was
// allocated.)
func (s *Service) importLines(ctx context.Context, tx *ent.Client, file *statement.File, name string, res *ImportResult) error {
	threshold, err := s.threshold(ctx, tx)
	if err != nil {
		return err
	}
	ix, dues, err := s.index(ctx, tx, true)
	if err != nil {
		return err
	}
	payers, err := s.learnedPayers(ctx, tx)
	if err != nil {
		return err
	}
	found := make([]foundLine, 0, file.Lines())
	err = file.Each(importBatch, func(lines []statement.Line) error {
		seen, err := s.imported(ctx, tx, lines)
		if err != nil {
			return err
		}
		for _, l := range lines {
			f := foundLine{at: l.BookedAt.UnixNano(), skip: seen[l.ExternalID]}
			if !f.skip {
				seen[l.ExternalID] = true
				mc, err := s.lineCollection(l, payers)
				if err != nil {
					return err
				}
				f.amount = mc.Amount
				if r := ix.Match(mc); len(r.Allocations) > 0 {
					f.choices = make([]choice, len(r.Allocations))
					for k, a := range r.Allocations {
						f.choices[k] = choice{Allocation: a}
					}
				}
			}
			found = append(found, f)
		}
		return ctx.Err()
	})
	if err != nil {
		return err
	}
	decideInOrder(found, dues, threshold)

	k := 0
	learned := map[string]lesson{}
	var unmatched []string // collection.unmatched, sent in one Emit at the end
	err = file.Each(importBatch, func(lines []statement.Line) error {
		if k+len(lines) > len(found) {
			return errors.New("import: the statement gave more lines on a second reading")
		}
		plan, err := s.plan(tx, ix, dues, payers, lines, found[k:k+len(lines)], threshold, name, learned)
		if err != nil {
			return err
		}
		k += len(lines)
		res.AlreadyImported += len(lines) - len(plan.cols)
		if err := s.apply(ctx, tx, plan, dues); err != nil {
			return err
		}
		for _, c := range plan.cols {
			res.Created++
			switch c.status {
			case collection.StatusMATCHED:
				res.Matched++
			case collection.StatusPARTIAL:
				res.Partial++
				unmatched = append(unmatched, c.id)
			default:
				res.Unmatched++
				unmatched = append(unmatched, c.id)
			}
			if c.proposed {
				res.Proposed++
			}
		}
		return ctx.Err()
	})
	if err != nil {
		return err
	}
	if err := s.learn(ctx, tx, lessonsOf(learned), false); err != nil {
		return err
	}
	return s.emitImported(ctx, tx, unmatched)
}

// foundLine is what an import keeps of a statement line between matching
// it and storing it.
type foundLine struct {
	at      int64 // booking time, Unix nanoseconds
	amount  int64
	skip    bool     // imported before
	choices []choice // what the matcher found, then what was decided
}

// decideInOrder decides the choices of every line in booking order (file
// order among equal times): sure matches take what their invoice still
// owes after earlier lines; a proposal is kept only while its invoice owes
// its amount after earlier lines' payments and proposals, so two waiting
// lines never propose the same money.
func decideInOrder(found []foundLine, dues dueBook, threshold int) {
	order := make([]int32, 0, len(found))
	for i := range found {
		if len(found[i].choices) > 0 {
			order = append(order, int32(i))
		}
	}
	slices.SortStableFunc(order, func(a, b int32) int { return cmp.Compare(found[a].at, found[b].at) })
	paid := map[string]int64{}     // by earlier lines of this statement
	reserved := map[string]int64{} // proposed to earlier lines
	for _, i := range order {
		f := &found[i]
		res := match.Result{Allocations: make([]match.Allocation, len(f.choices))}
		for k, ch := range f.choices {
			res.Allocations[k] = ch.Allocation
		}
		f.choices = decide(res, f.amount, threshold, func(a match.Allocation) int64 {
			owes := dues[a.InvoiceID].due - paid[a.InvoiceID]
			if a.Confidence < threshold {
				owes -= reserved[a.InvoiceID]
			}
			return owes
		})
		for _, ch := range f.choices {
			switch ch.kind {
			case applied:
				paid[ch.InvoiceID] += ch.applied
			case proposed:
				reserved[ch.InvoiceID] += ch.Amount
			}
		}
	}
}

// lineCollection is a statement line as the matcher sees it, with the
// customer Tally learned pays from its account.
func (s *Service) lineCollection(l statement.Line, payers map[string]string) (match.Collection, error) {
	in := lineInput(l, "")
	amount, c, err := s.check(&in)
	if err != nil {
		return match.Collection{}, fmt.Errorf("line %d: %w", l.No, err)
	}
	return match.Collection{Amount: amount, Currency: c.Code, Text: in.Text, CustomerID: payers[accountKey(in.PayerAccount)],
		PayerName: in.PayerName, PayerAccount: in.PayerAccount, ReceivedAt: l.BookedAt}, nil
}

func lineInput(l statement.Line, name string) Input {
	at := l.BookedAt
	return Input{Amount: l.Amount, Currency: l.Currency, Channel: collection.ChannelBANK_TRANSFER, Text: l.Text,
		ExternalID: l.ExternalID, PayerName: l.PayerName, PayerAccount: l.PayerAccount, Statement: name, ReceivedAt: &at}
}

// planned is one statement line about to become a collection.
type planned struct {
	create   *ent.CollectionCreate
	id       string
	amount   int64
	left     int64
	status   collection.Status
	proposed bool
	cur      money.Currency
}

type importPlan struct {
	cols     []*planned
	receipts []invoice.Received
	owner    []int // receipts[i] belongs to cols[owner[i]]
}

// plan builds the collections and payments of a batch of lines whose
// choices were decided (found, one per line), so that a batch is applied
// in a few bulk statements rather than several per line. What each line
// teaches about its payer's account goes into learned.
func (s *Service) plan(tx *ent.Client, ix *match.Index, dues dueBook, payers map[string]string, lines []statement.Line, found []foundLine, threshold int, name string, learned map[string]lesson) (*importPlan, error) {
	p := &importPlan{}
	for i, l := range lines {
		f := &found[i]
		if f.skip {
			continue
		}
		in := lineInput(l, name)
		amount, c, err := s.check(&in)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", l.No, err)
		}
		at := l.BookedAt
		payer := payers[accountKey(in.PayerAccount)]
		res := ix.Match(match.Collection{Amount: amount, Currency: c.Code, Text: in.Text, CustomerID: payer,
			PayerName: in.PayerName, PayerAccount: in.PayerAccount, ReceivedAt: at})
		id := schema.NewID("col")
		rv := verdictOf(res, amount, c, f.choices, threshold, dues.label)
		col := &planned{id: id, amount: amount, left: rv.left, status: rv.status, proposed: len(rv.proposals) > 0, cur: c}
		for _, ch := range f.choices {
			if ch.kind != applied {
				continue
			}
			cust := dues[ch.InvoiceID].customer
			if payer == "" {
				payer = cust
			}
			note(learned, lesson{account: accountKey(in.PayerAccount), customer: cust, collection: id, at: at})
			p.receipts = append(p.receipts, invoice.Received{InvoiceID: ch.InvoiceID, Amount: ch.applied, Channel: payment.ChannelBANK_TRANSFER,
				Provider: "matched", ExternalID: l.ExternalID, ReceivedAt: at, CollectionID: id,
				Rule: payment.Rule(ch.Rule), Confidence: ch.Confidence, UpToDue: true})
			p.owner = append(p.owner, len(p.cols))
		}
		create := tx.Collection.Create().SetID(id).
			SetAmountMinor(amount).SetCurrency(c.Code).SetChannel(in.Channel).SetReceivedAt(at.UTC()).
			SetText(in.Text).SetPayerName(in.PayerName).SetPayerAccount(in.PayerAccount).SetExternalID(l.ExternalID).
			SetStatement(name).SetStatus(rv.status).SetUnallocatedMinor(rv.left).
			SetReviewReason(rv.reason).SetFlag(rv.flag).SetSuggestedInvoiceIds(rv.suggestions)
		if col.proposed {
			create.SetProposedAllocations(rv.proposals)
		}
		if payer != "" {
			create.SetCustomerID(payer)
		}
		col.create = create
		p.cols = append(p.cols, col)
	}
	return p, nil
}

// apply stores a plan: the collections, then their payments through
// invoice.ApplyPayments (which locks the invoices and applies the same
// rules as every other payment), then corrects any collection whose
// invoice changed meanwhile.
func (s *Service) apply(ctx context.Context, tx *ent.Client, p *importPlan, dues dueBook) error {
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
		// An invoice was paid meanwhile (the import reads the invoices
		// once): the reason must not claim what did not happen.
		c.left += planned[i] - applied[i]
		c.status = statusOf(c.amount, c.left)
		var names []string
		for k, r := range p.receipts {
			if p.owner[k] == i && (pays[k] == nil || pays[k].AmountMinor < r.Amount) {
				names = append(names, dues.label(r.InvoiceID))
			}
		}
		reason := list(names) + " had already been paid, in part or in full, when this payment was applied." + tail(leftReason(c.left, c.cur))
		if err := tx.Collection.UpdateOneID(c.id).SetUnallocatedMinor(c.left).SetStatus(c.status).SetReviewReason(reason).Exec(ctx); err != nil {
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

// StatementPreview is what a statement holds, read before importing it.
type StatementPreview struct {
	Format Format
	// Headers, Rows and HasHeader are the top of a CSV export (empty for
	// other formats), and Mapping the one the payments are read with.
	Headers   []string
	Rows      [][]string
	HasHeader bool
	Mapping   statement.Mapping
	Skipped   []statement.Skipped
	// Payments are the first previewPayments incoming payments; Incoming
	// and Outgoing count all of them.
	Payments           []statement.Line
	Incoming, Outgoing int
	Notices            []string
	// Problems are why the file cannot be imported as it is (with this
	// mapping), each naming the line or column: a statement's *Errors as
	// sentences rather than an error, so the mapping step can show them.
	Problems []string
}

// previewPayments is how many payments a preview lists.
const previewPayments = 20

// errEnough stops reading a statement once the preview has its payments.
var errEnough = errors.New("collect: preview has enough payments")

// Preview reads a statement as Import would, storing nothing: its format
// (told from the content when format is nil), for CSV the top rows and a
// mapping (m, else the merchant's saved one when the file has its columns,
// else a suggestion), and the payments the import would record. A file
// that is no statement at all (empty, binary) or of another format than
// declared is a VALIDATION error; one the mapping cannot read is not: its
// problems are listed.
func (s *Service) Preview(ctx context.Context, src io.ReadSeeker, format *Format, m *statement.Mapping) (*StatementPreview, error) {
	v := tenant.FromContext(ctx)
	if v == nil {
		return nil, tenant.ErrNoViewer
	}
	var declared Format
	if format != nil {
		declared = *format
	}
	f, err := formatOf(src, declared)
	if err != nil {
		return nil, err
	}
	p := &StatementPreview{Format: f, HasHeader: true}
	var read *statement.Mapping
	if f == CSV {
		cp, err := statement.PreviewCSV(src)
		if err != nil {
			return nil, asFault(err)
		}
		if _, err := src.Seek(0, io.SeekStart); err != nil {
			return nil, err
		}
		p.Headers, p.Rows, p.HasHeader, p.Skipped = cp.Headers, cp.Rows, cp.HasHeader, cp.Skipped
		switch {
		case m != nil:
			p.Mapping = *m
		default:
			merchant, err := s.client.Merchant.Get(ctx, v.MerchantID)
			if err != nil {
				return nil, err
			}
			if saved := merchant.StatementMapping; saved != nil && fits(*saved, cp.Headers) {
				p.Mapping = *saved
			} else {
				p.Mapping = statement.SuggestMappingFor(cp)
			}
		}
		mm, notice, err := s.withCurrency(ctx, p.Mapping)
		if err != nil {
			return nil, err
		}
		read, p.Notices = &mm, notice
		if p.Mapping.HasHeader == nil {
			has := cp.HasHeader
			p.Mapping.HasHeader = &has
		}
	}
	file, err := statement.Open(src, f, read)
	var errs *statement.Errors
	if errors.As(err, &errs) {
		for _, e := range *errs {
			p.Problems = append(p.Problems, e.Error())
		}
		return p, nil
	}
	if err != nil {
		return nil, err
	}
	p.Incoming, p.Outgoing = file.Lines(), file.Outgoing
	p.Notices = append(p.Notices, file.Notices...)
	if f != CSV || file.Skipped != nil {
		p.Skipped = file.Skipped
	}
	err = file.Each(previewPayments, func(lines []statement.Line) error {
		p.Payments = append(p.Payments, lines...)
		return errEnough
	})
	if err != nil && !errors.Is(err, errEnough) {
		return nil, err
	}
	return p, nil
}

// formatOf is the format of src: detected from its first kilobytes, and
// the declared one only when they agree. A file that is no statement in
// any format is refused on "file".
func formatOf(src io.ReadSeeker, declared Format) (Format, error) {
	switch declared {
	case "", CSV, CAMT053, CAMT052, CAMT054, MT940:
	default:
		return "", fault.Invalidf("format", "%q is not a statement format; use CSV, CAMT053, CAMT052, CAMT054 or MT940, or leave format out", declared)
	}
	head, err := statement.Head(src)
	if err != nil {
		return "", err
	}
	if err := statement.Unreadable(head); err != nil {
		return "", asFault(err)
	}
	detected := statement.Detect(head)
	if declared != "" && declared != detected {
		return "", fault.Invalidf("format", "this file is %s; import it as %s (or leave format out)", detected.Describe(), detected)
	}
	return detected, nil
}

// withCurrency gives a CSV mapping without a currency column or fixed
// currency the merchant's default currency, and the notice that says so.
func (s *Service) withCurrency(ctx context.Context, m statement.Mapping) (statement.Mapping, []string, error) {
	if m.Currency != "" || m.FixedCurrency != "" {
		return m, nil, nil
	}
	v := tenant.FromContext(ctx)
	merchant, err := s.client.Merchant.Get(ctx, v.MerchantID)
	if err != nil {
		return m, nil, err
	}
	m.FixedCurrency = merchant.DefaultCurrency
	return m, []string{fmt.Sprintf("The file has no currency column; amounts are read as %s, your default currency.", merchant.DefaultCurrency)}, nil
}

func fits(m statement.Mapping, headers []string) bool {
	have := map[string]bool{}
	for _, h := range headers {
		have[h] = true
	}
	for _, col := range append([]string{m.Date, m.Amount, m.Credit, m.Debit, m.Currency, m.PayerName, m.PayerAccount, m.ExternalID, m.Direction}, m.Text...) {
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
