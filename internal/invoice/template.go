package invoice

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/tally-invoicing/tally/ent"
	entinvoice "github.com/tally-invoicing/tally/ent/invoice"
	"github.com/tally-invoicing/tally/ent/invoiceevent"
	"github.com/tally-invoicing/tally/internal/database"
	"github.com/tally-invoicing/tally/internal/fault"
	"github.com/tally-invoicing/tally/internal/invoice/lineitem"
	"github.com/tally-invoicing/tally/internal/money"
	"github.com/tally-invoicing/tally/internal/tenant"
)

// Template is what a new invoice copies from another: "Duplicate" copies an
// invoice's, and a recurring schedule keeps one to copy every period. The
// lines keep the tax copies they were priced with, so a tax rate edited
// since changes nothing.
type Template struct {
	MerchantID     string
	CustomerID     string
	Currency       string
	Items          []lineitem.Item
	Discount       *lineitem.Discount
	Description    *string
	PaymentMethods []string
	// PaymentTermsDays sets the due date on issue; nil for no due date.
	PaymentTermsDays *int
}

// ErrPeriodMade is a recurring period whose invoice already exists: another
// process (or an earlier pass) made it.
var ErrPeriodMade = errors.New("invoice: this recurring period's invoice has already been made")

// TemplateOf is what an invoice made from inv copies. Payment terms are
// inv's; an invoice issued with a fixed due date keeps the days between
// its issue and due dates as terms; otherwise the merchant's default
// terms apply, as for a new draft. tx is the caller's transaction: on
// SQLite a read outside it would wait for it.
func (s *Service) TemplateOf(ctx context.Context, tx *ent.Client, inv *ent.Invoice) (Template, error) {
	t := Template{
		MerchantID:     inv.MerchantID,
		CustomerID:     inv.CustomerID,
		Currency:       inv.Currency,
		Items:          inv.Items,
		Discount:       inv.Discount,
		Description:    inv.Description,
		PaymentMethods: inv.PaymentMethods,
	}
	switch {
	case inv.PaymentTermsDays != nil:
		t.PaymentTermsDays = inv.PaymentTermsDays
	case inv.DueDate != nil && inv.IssuedAt != nil:
		days := daysBetween(*inv.IssuedAt, *inv.DueDate)
		t.PaymentTermsDays = &days
	default:
		m, err := tx.Merchant.Get(tenant.System(ctx), inv.MerchantID)
		if err != nil {
			return Template{}, fmt.Errorf("template of invoice %s: merchant: %w", inv.ID, err)
		}
		t.PaymentTermsDays = m.PaymentTermsDays
	}
	return t, nil
}

// daysBetween is how many calendar days (UTC) due falls after issued,
// within the payment terms' bounds.
func daysBetween(issued, due time.Time) int {
	day := func(t time.Time) time.Time {
		y, m, d := t.UTC().Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	days := int(day(due).Sub(day(issued)).Hours() / 24)
	return max(0, min(days, maxTermsDays))
}

// Total is what an invoice made from t totals, in minor units of its
// currency.
func (t Template) Total() (int64, error) {
	p, err := t.price()
	if err != nil {
		return 0, err
	}
	return p.result.Total, nil
}

// price re-prices t's lines in its currency with the taxes they carry.
func (t Template) price() (priced, error) {
	c, ok := money.Lookup(t.Currency)
	if !ok {
		return priced{}, fmt.Errorf("template in unknown currency %q", t.Currency)
	}
	items, taxes, discount := inputsOf(t.Items, t.Discount, c)
	return priceItems(items, taxes, discount, c)
}

// inputsOf turns stored lines and discount, priced in currency c, back
// into what priceItems takes, with each line's tax copies.
func inputsOf(lines []lineitem.Item, d *lineitem.Discount, c money.Currency) ([]ItemInput, [][]lineitem.Tax, *DiscountInput) {
	items := make([]ItemInput, len(lines))
	taxes := make([][]lineitem.Tax, len(lines))
	for i, it := range lines {
		q, _ := decimal.NewFromString(it.Quantity)
		items[i] = ItemInput{Name: it.Name, Quantity: q, UnitPrice: money.FromMinor(it.UnitPrice, c)}
		if it.DiscountPercent != "" {
			p, _ := decimal.NewFromString(it.DiscountPercent)
			items[i].DiscountPercent = &p
		}
		taxes[i] = it.Taxes
	}
	if d == nil {
		return items, taxes, nil
	}
	discount := &DiscountInput{Reason: &d.Reason}
	if d.Percent != "" {
		p, _ := decimal.NewFromString(d.Percent)
		discount.Percent = &p
	} else {
		a := money.FromMinor(d.Amount, c)
		discount.Amount = &a
	}
	return items, taxes, discount
}

// origin says where an invoice made from a template comes from.
type origin struct {
	duplicateOf *ent.Invoice
	scheduleID  string
	period      int
}

func (o origin) note() string {
	if o.duplicateOf != nil {
		if o.duplicateOf.Number != nil {
			return "duplicated from " + *o.duplicateOf.Number
		}
		return "duplicated from draft " + o.duplicateOf.ID
	}
	return fmt.Sprintf("made by recurring schedule %s, period %d", o.scheduleID, o.period)
}

// Duplicate copies invoice id (issued or not) into a new draft for the same
// customer: its items with their taxes, discount, description, payment
// methods and terms, not its number, reference, payments or dates. The
// draft resumes at the confirm step, or at the first step it still lacks.
func (s *Service) Duplicate(ctx context.Context, id string) (*ent.Invoice, error) {
	if tenant.FromContext(ctx) == nil {
		return nil, tenant.ErrNoViewer
	}
	var out *ent.Invoice
	err := database.InTx(ctx, s.client, func(ctx context.Context, tx *ent.Client) error {
		src, err := tx.Invoice.Get(ctx, id)
		if ent.IsNotFound(err) {
			return &fault.Error{Code: fault.CodeNotFound, Field: "id", Message: "no invoice with this id"}
		}
		if err != nil {
			return err
		}
		tpl, err := s.TemplateOf(ctx, tx, src)
		if err != nil {
			return err
		}
		out, err = s.fromTemplate(ctx, tx, tpl, origin{duplicateOf: src})
		return err
	})
	return detach(out, err)
}

// MakeRecurring makes the invoice of period (1 for the first) of recurring
// schedule scheduleID from tpl, in the transaction ctx carries or a new
// one. With send it is issued and its email queued in the same
// transaction ("Create and send"); without, it stays a draft at the confirm
// step for the merchant to check. When the merchant's settings no longer
// allow it to be sent (a payment method was turned off, the customer has
// no email address) it also stays a draft, with the reason on its
// timeline, rather than stopping the schedule. It returns ErrPeriodMade
// when the period's invoice exists already; on PostgreSQL the
// transaction is then aborted and must be rolled back.
func (s *Service) MakeRecurring(ctx context.Context, tpl Template, scheduleID string, period int, send bool) (*ent.Invoice, error) {
	var draft, issued *ent.Invoice
	err := database.InTx(ctx, s.client, func(ctx context.Context, tx *ent.Client) error {
		inv, err := s.fromTemplate(ctx, tx, tpl, origin{scheduleID: scheduleID, period: period})
		if err != nil {
			return err
		}
		draft = inv
		if !send {
			return nil
		}
		if why, err := s.unsendable(ctx, tx, inv); err != nil || why != "" {
			if err != nil {
				return err
			}
			return s.record(ctx, tx, inv, string(invoiceevent.TypeUPDATED), nil, nil, "not issued automatically: "+why+"; check the draft and issue it by hand")
		}
		// Issue joins this transaction and returns its invoice detached
		// already.
		if issued, err = s.Issue(ctx, inv.ID, true, ""); err != nil {
			return err
		}
		// Issue's own wake-up ran inside this transaction; this one runs
		// once the email is committed.
		return database.OnCommit(ctx, s.mailer.Wake)
	})
	if err != nil {
		return nil, err
	}
	if issued != nil {
		return issued, nil
	}
	return detach(draft, nil)
}

// unsendable says why a draft made by a schedule cannot be issued and
// emailed now, or "" when it can. Only what the merchant can fix is
// reported this way; anything else is an error.
func (s *Service) unsendable(ctx context.Context, tx *ent.Client, inv *ent.Invoice) (string, error) {
	if err := s.checkMethods(ctx, tx, inv, inv.PaymentMethods); err != nil {
		if f, ok := fault.As(err); ok {
			return f.Message, nil
		}
		return "", err
	}
	cust, err := tx.Customer.Get(ctx, inv.CustomerID)
	if err != nil {
		return "", err
	}
	if !strings.Contains(cust.Email, "@") {
		return "the customer has no valid email address", nil
	}
	return "", nil
}

// fromTemplate makes a draft from tpl in tx and writes its CREATED event.
func (s *Service) fromTemplate(ctx context.Context, tx *ent.Client, tpl Template, o origin) (*ent.Invoice, error) {
	cust, err := tx.Customer.Get(ctx, tpl.CustomerID)
	if ent.IsNotFound(err) || (err == nil && cust.MerchantID != tpl.MerchantID) {
		return nil, &fault.Error{Code: fault.CodeNotFound, Field: "customerID", Message: "the customer to bill no longer exists"}
	}
	if err != nil {
		return nil, err
	}
	c, ok := money.Lookup(tpl.Currency)
	if !ok {
		return nil, fmt.Errorf("template in unknown currency %q", tpl.Currency)
	}
	create := tx.Invoice.Create().
		// Set, not taken from the viewer: background work has none.
		SetMerchantID(tpl.MerchantID).
		SetCustomerID(cust.ID).
		SetCurrency(c.Code).
		SetNillableDescription(tpl.Description).
		SetPaymentMethods(append([]string{}, tpl.PaymentMethods...)).
		SetNillablePaymentTermsDays(tpl.PaymentTermsDays).
		SetItems([]lineitem.Item{})
	step := entinvoice.DraftStepCONFIRM
	switch {
	case len(tpl.Items) == 0:
		step = entinvoice.DraftStepITEMS
	case len(tpl.PaymentMethods) == 0:
		step = entinvoice.DraftStepPAYMENT_METHODS
	}
	if len(tpl.Items) > 0 {
		p, err := tpl.price()
		if err != nil {
			return nil, fmt.Errorf("re-price copied lines: %w", err)
		}
		create.SetItems(p.lines).SetTaxBreakdown(p.breakdown).
			SetSubtotalMinor(p.result.Subtotal).SetDiscountMinor(p.result.DiscountAmount).
			SetTaxMinor(p.result.TotalTax).SetTotalMinor(p.result.Total)
		if p.discount != nil {
			create.SetDiscount(p.discount)
		}
	}
	create.SetDraftStep(step)
	if o.duplicateOf != nil {
		create.SetDuplicatedFromID(o.duplicateOf.ID)
	}
	if o.scheduleID != "" {
		create.SetRecurringScheduleID(o.scheduleID).SetRecurringPeriod(o.period)
	}
	inv, err := create.Save(ctx)
	if ent.IsConstraintError(err) && o.scheduleID != "" {
		return nil, fmt.Errorf("schedule %s period %d: %w", o.scheduleID, o.period, ErrPeriodMade)
	}
	if err != nil {
		return nil, err
	}
	return inv, s.record(ctx, tx, inv, string(invoiceevent.TypeCREATED), nil, nil, o.note())
}
