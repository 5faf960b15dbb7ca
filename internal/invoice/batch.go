package invoice

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"entgo.io/ent/dialect/sql"

	"github.com/tally-invoicing/tally/ent"
	entinvoice "github.com/tally-invoicing/tally/ent/invoice"
	"github.com/tally-invoicing/tally/ent/invoiceevent"
	"github.com/tally-invoicing/tally/internal/database"
	"github.com/tally-invoicing/tally/internal/event"
	"github.com/tally-invoicing/tally/internal/invoice/status"
	"github.com/tally-invoicing/tally/internal/money"
	"github.com/tally-invoicing/tally/internal/webhook"
)

// batchSize keeps every statement of a batch well under PostgreSQL's 65,535
// parameters.
const batchSize = 500

// ApplyPayments is ApplyPayment for many receipts at once, in tx, with the
// same rules (planPayment, the timeline, announcements) but a few
// statements per batch of receipts instead of several per receipt, for bank
// statements of many lines. Every receipt must
// name its collection. It returns, per receipt, the payment it made, or nil
// where nothing was due.
func (s *Service) ApplyPayments(ctx context.Context, tx *ent.Client, rs []Received) ([]*ent.Payment, error) {
	invs, err := s.lockAll(ctx, tx, rs)
	if err != nil {
		return nil, fmt.Errorf("apply payments: lock invoices: %w", err)
	}
	invs0 := make(map[string]status.Status, len(invs)) // status before, to announce moves only
	for id, inv := range invs {
		invs0[id] = inv.Status
	}
	actor := Actor(ctx)
	changed := map[string]*ent.Invoice{} // final state of each touched invoice
	var order []string
	pays := make([]*ent.PaymentCreate, 0, len(rs))
	owner := make([]int, 0, len(rs)) // pays[i] belongs to rs[owner[i]]
	var events []*ent.InvoiceEventCreate
	var credits []*ent.CustomerCreditCreate // overpayments: the customer's credit
	var announce []event.Message
	for i, r := range rs {
		if r.CollectionID == "" {
			return nil, fmt.Errorf("apply payments: receipt %d names no collection", i)
		}
		inv, ok := invs[r.InvoiceID]
		if !ok {
			return nil, fmt.Errorf("apply payments: invoice %s not found", r.InvoiceID)
		}
		plan, err := planPayment(ledgerOf(inv), r.Amount, r.UpToDue)
		if err != nil {
			return nil, fmt.Errorf("apply payments: receipt %d for invoice %s: %w", i, inv.ID, err)
		}
		if plan.Amount == 0 {
			continue
		}
		r.Amount = plan.Amount
		r.defaults()
		c, _ := money.Lookup(inv.Currency)
		p := tx.Payment.Create().
			SetMerchantID(inv.MerchantID).SetInvoiceID(inv.ID).SetCollectionID(r.CollectionID).
			SetRule(r.Rule).SetConfidence(r.Confidence).SetAmountMinor(r.Amount).SetCurrency(inv.Currency).
			SetChannel(r.Channel).SetProvider(r.Provider).SetNote(r.Note).SetReceivedAt(r.ReceivedAt.UTC()).
			SetRecordedBy(actor).SetLate(r.Late)
		if r.ExternalID != "" {
			p.SetExternalID(r.ExternalID)
		}
		pays = append(pays, p)
		owner = append(owner, i)

		if _, ok := changed[inv.ID]; !ok {
			order = append(order, inv.ID)
		}
		next := *inv
		next.AmountPaidMinor = plan.Paid
		next.Status = plan.To
		next.Version++
		note := fmt.Sprintf("%s received (%s)", money.Format(r.Amount, c), r.Rule)
		if !plan.Moves {
			note += creditNote(inv.Status)
		}
		ev := tx.InvoiceEvent.Create().SetMerchantID(inv.MerchantID).SetInvoiceID(inv.ID).
			SetType(invoiceevent.TypePAYMENT_RECEIVED).SetAt(s.Now(inv.MerchantID)).SetActor(actor).SetNote(note)
		if plan.Moves {
			ev.SetFromStatus(plan.From).SetToStatus(plan.To)
		}
		ev.SetInvoiceVersion(next.Version)
		events = append(events, ev)
		credits = append(credits, creditLines(ctx, tx, inv, plan.Paid, nil, false, r.ReceivedAt.UTC())...)
		invs[inv.ID] = &next
		changed[inv.ID] = &next
	}

	out := make([]*ent.Payment, len(rs))
	for i := 0; i < len(pays); i += batchSize {
		saved, err := tx.Payment.CreateBulk(pays[i:min(i+batchSize, len(pays))]...).Save(ctx)
		if err != nil {
			return nil, fmt.Errorf("apply payments: record payments: %w", err)
		}
		for k, p := range saved {
			out[owner[i+k]] = p
		}
	}
	var paid []*ent.Payment
	for _, p := range out {
		if p != nil {
			paid = append(paid, p)
		}
	}
	if err := s.afterPayments(ctx, tx, paid); err != nil {
		return nil, fmt.Errorf("apply payments: %w", err)
	}
	for i := 0; i < len(events); i += batchSize {
		saved, err := tx.InvoiceEvent.CreateBulk(events[i:min(i+batchSize, len(events))]...).Save(ctx)
		if err != nil {
			return nil, fmt.Errorf("apply payments: record timeline events: %w", err)
		}
		for _, ev := range saved {
			if ev.ToStatus != nil {
				announce = append(announce, event.Message{MerchantID: ev.MerchantID, InvoiceID: ev.InvoiceID, EventID: ev.ID})
			}
		}
	}
	if err := saveCreditLines(ctx, tx, credits); err != nil {
		return nil, fmt.Errorf("apply payments: %w", err)
	}
	for i := 0; i < len(order); i += batchSize {
		batch := order[i:min(i+batchSize, len(order))]
		if err := s.updateAll(ctx, tx, batch, changed); err != nil {
			return nil, fmt.Errorf("apply payments: update invoices: %w", err)
		}
	}
	var moved []webhook.Event
	for _, id := range order {
		inv := changed[id]
		if t := webhookType(invoiceevent.TypePAYMENT_RECEIVED, inv.Status); t != "" && invs0[id] != status.Paid {
			moved = append(moved, webhook.InvoiceEvent(t, inv, s.Now(inv.MerchantID)))
		}
	}
	if err := webhook.Emit(ctx, tx, moved...); err != nil {
		return nil, fmt.Errorf("apply payments: %w", err)
	}
	if len(announce) > 0 {
		err := database.OnCommit(ctx, func() {
			pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
			defer cancel()
			if err := s.events.PublishAll(pctx, announce); err != nil {
				slog.Warn("announcing invoice status changes", "changes", len(announce), "err", err)
			}
		})
		if err != nil {
			return nil, fmt.Errorf("apply payments: announce status changes: %w", err)
		}
	}
	return out, nil
}

// lockAll locks every invoice the receipts name, a batch at a time.
func (s *Service) lockAll(ctx context.Context, tx *ent.Client, rs []Received) (map[string]*ent.Invoice, error) {
	seen := map[string]bool{}
	var ids []string
	for _, r := range rs {
		if !seen[r.InvoiceID] {
			seen[r.InvoiceID] = true
			ids = append(ids, r.InvoiceID)
		}
	}
	invs := make(map[string]*ent.Invoice, len(ids))
	for i := 0; i < len(ids); i += batchSize {
		q := tx.Invoice.Query().Where(entinvoice.IDIn(ids[i:min(i+batchSize, len(ids))]...))
		if s.rowLocks {
			q.ForUpdate()
		}
		got, err := q.All(ctx)
		if err != nil {
			return nil, err
		}
		for _, inv := range got {
			invs[inv.ID] = inv
		}
	}
	return invs, nil
}

// updateAll writes the new amount paid, status and version of a batch of
// invoices in one UPDATE ... SET col = CASE id WHEN ... END statement.
func (s *Service) updateAll(ctx context.Context, tx *ent.Client, ids []string, changed map[string]*ent.Invoice) error {
	// PostgreSQL types a CASE of parameters as text, so numbers are cast.
	caseOf := func(typ string, val func(*ent.Invoice) any) sql.Querier {
		return sql.ExprFunc(func(b *sql.Builder) {
			b.WriteString("CASE ").Ident(entinvoice.FieldID)
			for _, id := range ids {
				b.WriteString(" WHEN ").Arg(id).WriteString(" THEN CAST(").Arg(val(changed[id])).WriteString(" AS " + typ + ")")
			}
			b.WriteString(" END")
		})
	}
	return tx.Invoice.Update().Where(entinvoice.IDIn(ids...)).Modify(func(u *sql.UpdateBuilder) {
		u.Set(entinvoice.FieldAmountPaidMinor, caseOf("BIGINT", func(i *ent.Invoice) any { return i.AmountPaidMinor }))
		u.Set(entinvoice.FieldStatus, caseOf("VARCHAR(20)", func(i *ent.Invoice) any { return string(i.Status) }))
		u.Set(entinvoice.FieldVersion, caseOf("INTEGER", func(i *ent.Invoice) any { return i.Version }))
	}).Exec(ctx)
}
