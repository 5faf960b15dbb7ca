package invoice

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tally-invoicing/tally/internal/ptr"

	"entgo.io/ent/dialect"
	"github.com/shopspring/decimal"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/ent/email"
	entinvoice "github.com/tally-invoicing/tally/ent/invoice"
	"github.com/tally-invoicing/tally/ent/invoiceevent"
	"github.com/tally-invoicing/tally/internal/database"
	"github.com/tally-invoicing/tally/internal/event"
	"github.com/tally-invoicing/tally/internal/fault"
	"github.com/tally-invoicing/tally/internal/invoice/lineitem"
	"github.com/tally-invoicing/tally/internal/invoice/paymethod"
	"github.com/tally-invoicing/tally/internal/invoice/status"
	"github.com/tally-invoicing/tally/internal/money"
	"github.com/tally-invoicing/tally/internal/reference"
	"github.com/tally-invoicing/tally/internal/tax"
	"github.com/tally-invoicing/tally/internal/tax/rates"
	"github.com/tally-invoicing/tally/internal/tenant"
	"github.com/tally-invoicing/tally/internal/webhook"
)

// Errors a caller can act on.
var (
	ErrNotDraft = fault.New(fault.CodeConflict, "only a draft can be edited; this invoice has been issued")
	ErrNoItems  = fault.Invalid("items", "add at least one line item")
	ErrNoMethod = fault.Invalid("methods", "choose at least one payment method")
)

// Limits keep a document printable and a request bounded.
const (
	MaxItems          = 500
	maxItemName       = 300
	maxDescription    = 5000
	maxQuantityScale  = 6
	maxVoidReasonRune = 1000
)

// Service runs the invoice lifecycle.
type Service struct {
	client *ent.Client
	// mailer queues emails in the caller's transaction.
	mailer Mailer
	// methods checks that the merchant can take the payment methods chosen
	// for an invoice.
	methods MethodChecker
	// events announces committed status changes to live subscribers.
	events Publisher
	// rowLocks is true on PostgreSQL, where concurrent edits of one invoice
	// queue on a row lock; SQLite serialises writers with BEGIN IMMEDIATE.
	rowLocks bool
	// clock is each merchant's time (a development test clock may be
	// ahead); fixed, when set by SetClock, replaces it for every merchant.
	clock Clock
	fixed func() time.Time
}

// Clock is what the invoice lifecycle needs from internal/clock: the
// merchant's time, which a development test clock may have moved ahead.
type Clock interface {
	Now(merchantID string) time.Time
}

// Mailer is what the invoice lifecycle needs from internal/mail.
type Mailer interface {
	// Enqueue writes inv's email to the outbox inside tx. message is the
	// merchant's optional note to the customer, printed above the invoice;
	// "" for none.
	Enqueue(ctx context.Context, tx *ent.Client, inv *ent.Invoice, kind, message string) (*ent.Email, error)
	// Wake tells the delivery worker that new email is waiting.
	Wake()
	// PaymentEmails queues, inside tx, the customer's receipt and the
	// merchant's "you got paid" notice for each payment, as the merchant's
	// settings say, each at most once per payment.
	PaymentEmails(ctx context.Context, tx *ent.Client, pays []*ent.Payment) error
}

// MethodChecker is what the invoice lifecycle needs from the merchant's
// payment settings (internal/merchant).
type MethodChecker interface {
	CheckMethods(ctx context.Context, tx *ent.Client, merchantID, currency string, methods []paymethod.Method) error
}

// Publisher is what the invoice lifecycle needs from internal/event.
type Publisher interface {
	Publish(ctx context.Context, m event.Message) error
	PublishAll(ctx context.Context, ms []event.Message) error
}

// Deps are the services the invoice lifecycle calls. Every one is required:
// a tool that wants one off says so with NoMail, AnyMethod or NoEvents.
type Deps struct {
	Mailer  Mailer
	Methods MethodChecker
	Events  Publisher
	// Clock dates issues, due dates, timelines and overdue; RealTime for
	// tools without test clocks.
	Clock Clock
}

// NewService returns a Service over client; dia is the database dialect.
// It panics when a dependency is missing, so a wiring mistake stops the
// server at start-up instead of silently dropping email or announcements.
func NewService(client *ent.Client, dia string, d Deps) *Service {
	if d.Mailer == nil || d.Methods == nil || d.Events == nil || d.Clock == nil {
		panic("invoice.NewService: Deps.Mailer, Methods, Events and Clock are all required")
	}
	return &Service{client: client, mailer: d.Mailer, methods: d.Methods, events: d.Events,
		rowLocks: dia == dialect.Postgres, clock: d.Clock}
}

// SetClock replaces every merchant's time with now, for tests of due
// dates; nil goes back to the merchants' clocks.
func (s *Service) SetClock(now func() time.Time) { s.fixed = now }

// Now is merchantID's time: real time, or its test clock's on a
// development server.
func (s *Service) Now(merchantID string) time.Time {
	if s.fixed != nil {
		return s.fixed().UTC()
	}
	return s.clock.Now(merchantID).UTC()
}

// ItemInput is one line as entered.
type ItemInput struct {
	Name      string
	Quantity  decimal.Decimal
	UnitPrice decimal.Decimal
	// TaxRateIDs are the rates on the line: nil for the merchant's default
	// rate (if any), empty for none.
	TaxRateIDs []string
	// DiscountPercent is nil for no discount.
	DiscountPercent *decimal.Decimal
}

// DiscountInput is a discount on the whole document: Percent or Amount.
type DiscountInput struct {
	Percent *decimal.Decimal
	// Amount is in the invoice's currency, e.g. "10.50".
	Amount *decimal.Decimal
	Reason *string
}

// DraftInput starts a draft.
type DraftInput struct {
	CustomerID string
	Currency   string
	DueDate    *time.Time
	// PaymentTermsDays sets the due date on issue instead of DueDate (give
	// one of them). With neither, the merchant's default terms apply.
	PaymentTermsDays *int
}

// ErrDueDateAndTerms is a draft given both a due date and payment terms.
var ErrDueDateAndTerms = fault.Invalid("paymentTermsDays", "give dueDate or paymentTermsDays, not both")

// CreateDraft starts a draft for one of the merchant's customers (wizard step 1).
func (s *Service) CreateDraft(ctx context.Context, in DraftInput) (*ent.Invoice, error) {
	v := tenant.FromContext(ctx)
	if v == nil {
		return nil, tenant.ErrNoViewer
	}
	if in.DueDate != nil && in.PaymentTermsDays != nil {
		return nil, ErrDueDateAndTerms
	}
	if in.PaymentTermsDays != nil {
		if err := checkTerms(*in.PaymentTermsDays); err != nil {
			return nil, err
		}
	}
	var out *ent.Invoice
	err := database.InTx(ctx, s.client, func(ctx context.Context, tx *ent.Client) error {
		cust, err := tx.Customer.Get(ctx, in.CustomerID)
		if ent.IsNotFound(err) {
			return &fault.Error{Code: fault.CodeNotFound, Field: "customerID", Message: "no customer with this id"}
		}
		if err != nil {
			return err
		}
		cur, terms := in.Currency, in.PaymentTermsDays
		if cur == "" || (terms == nil && in.DueDate == nil) {
			m, err := tx.Merchant.Get(ctx, v.MerchantID)
			if err != nil {
				return err
			}
			if cur == "" {
				cur = m.DefaultCurrency
			}
			if terms == nil && in.DueDate == nil {
				terms = m.PaymentTermsDays
			}
		}
		c, ok := money.Lookup(cur)
		if !ok {
			return fault.Invalidf("currency", "%q is not a supported currency code", in.Currency)
		}
		inv, err := tx.Invoice.Create().
			SetCustomerID(cust.ID).
			SetCurrency(c.Code).
			SetNillableDueDate(in.DueDate).
			SetNillablePaymentTermsDays(terms).
			SetDraftStep(entinvoice.DraftStepITEMS).
			SetPaymentMethods([]string{}).
			SetItems([]lineitem.Item{}).
			Save(ctx)
		if err != nil {
			return err
		}
		out = inv
		return s.record(ctx, tx, inv, "CREATED", nil, nil, "")
	})
	return detach(out, err)
}

// DraftChanges are edits to a draft's first step; nil fields stay as they are.
type DraftChanges struct {
	CustomerID *string
	Currency   *string
	// DueDate is applied when SetDueDate is true; a nil DueDate removes it,
	// a date also removes the payment terms.
	SetDueDate bool
	DueDate    *time.Time
	// PaymentTermsDays is applied when SetPaymentTermsDays is true; nil
	// removes the terms, a number of days also removes the due date.
	SetPaymentTermsDays bool
	PaymentTermsDays    *int
}

// UpdateDraft changes a draft's customer, currency, due date or payment
// terms. Changing the currency re-checks the items against the new
// currency's minor unit.
func (s *Service) UpdateDraft(ctx context.Context, id string, ch DraftChanges) (*ent.Invoice, error) {
	return s.editDraft(ctx, id, func(ctx context.Context, tx *ent.Client, inv *ent.Invoice, upd *ent.InvoiceUpdateOne) error {
		if ch.CustomerID != nil {
			cust, err := tx.Customer.Get(ctx, *ch.CustomerID)
			if ent.IsNotFound(err) {
				return &fault.Error{Code: fault.CodeNotFound, Field: "customerID", Message: "no customer with this id"}
			}
			if err != nil {
				return err
			}
			upd.SetCustomerID(cust.ID)
		}
		if ch.Currency != nil {
			c, ok := money.Lookup(*ch.Currency)
			if !ok {
				return fault.Invalidf("currency", "%q is not a supported currency code", *ch.Currency)
			}
			if c.Code != inv.Currency && len(inv.Items) > 0 {
				// Re-price with the taxes the lines already carry: the
				// copies, not the rates as they are now.
				old, _ := money.Lookup(inv.Currency)
				items, taxes, discount := inputsOf(inv.Items, inv.Discount, old)
				priced, err := priceItems(items, taxes, discount, c)
				if err != nil {
					if f, ok := fault.As(err); ok {
						return fault.Invalidf("currency", "cannot switch to %s: %s (%s); change the items first", c.Code, f.Message, f.Field)
					}
					return err
				}
				priced.apply(upd)
			}
			upd.SetCurrency(c.Code)
		}
		if ch.SetDueDate && ch.DueDate != nil && ch.SetPaymentTermsDays && ch.PaymentTermsDays != nil {
			return ErrDueDateAndTerms
		}
		if ch.SetDueDate {
			if ch.DueDate == nil {
				upd.ClearDueDate()
			} else {
				upd.SetDueDate(ch.DueDate.UTC()).ClearPaymentTermsDays()
			}
		}
		if ch.SetPaymentTermsDays {
			if ch.PaymentTermsDays == nil {
				upd.ClearPaymentTermsDays()
			} else {
				if err := checkTerms(*ch.PaymentTermsDays); err != nil {
					return err
				}
				upd.SetPaymentTermsDays(*ch.PaymentTermsDays).ClearDueDate()
			}
		}
		return nil
	})
}

// SetItems replaces a draft's line items and its document discount (wizard
// step 2). Each line's tax rates are copied into it, so editing a rate later
// changes no invoice; a nil discount removes it.
func (s *Service) SetItems(ctx context.Context, id string, items []ItemInput, discount *DiscountInput) (*ent.Invoice, error) {
	return s.editDraft(ctx, id, func(ctx context.Context, tx *ent.Client, inv *ent.Invoice, upd *ent.InvoiceUpdateOne) error {
		c, ok := money.Lookup(inv.Currency)
		if !ok {
			return fmt.Errorf("invoice %s has unknown currency %q", inv.ID, inv.Currency)
		}
		if err := checkItemCount(items); err != nil {
			return err
		}
		ids := make([][]string, len(items))
		for i, it := range items {
			ids[i] = it.TaxRateIDs
		}
		taxes, err := rates.ForLines(ctx, tx, inv.MerchantID, ids)
		if err != nil {
			return err
		}
		priced, err := priceItems(items, taxes, discount, c)
		if err != nil {
			return err
		}
		priced.apply(upd)
		advance(inv, upd, entinvoice.DraftStepDESCRIPTION)
		return nil
	})
}

// priced is what priceItems computes, as the invoice stores it.
type priced struct {
	lines     []lineitem.Item
	discount  *lineitem.Discount
	breakdown []lineitem.TaxAmount
	result    tax.Result
}

func (p priced) apply(upd *ent.InvoiceUpdateOne) {
	upd.SetItems(p.lines).SetTaxBreakdown(p.breakdown).
		SetSubtotalMinor(p.result.Subtotal).SetDiscountMinor(p.result.DiscountAmount).
		SetTaxMinor(p.result.TotalTax).SetTotalMinor(p.result.Total)
	if p.discount == nil {
		upd.ClearDiscount()
	} else {
		upd.SetDiscount(p.discount)
	}
}

func checkItemCount(items []ItemInput) error {
	if len(items) == 0 {
		return ErrNoItems
	}
	if len(items) > MaxItems {
		return fault.Invalidf("items", "an invoice can have at most %d line items", MaxItems)
	}
	return nil
}

// priceItems validates items, whose taxes are already resolved into
// copies, and prices them with the document discount (internal/tax).
func priceItems(items []ItemInput, taxes [][]lineitem.Tax, discount *DiscountInput, c money.Currency) (priced, error) {
	if err := checkItemCount(items); err != nil {
		return priced{}, err
	}
	in := tax.Input{Exponent: c.Exponent, Lines: make([]tax.Line, len(items))}
	lines := make([]lineitem.Item, len(items))
	for i, it := range items {
		field := func(f string) string { return fmt.Sprintf("items[%d].%s", i, f) }
		name := strings.TrimSpace(it.Name)
		if name == "" {
			return priced{}, fault.Invalid(field("name"), "enter what this line is for")
		}
		if utf8.RuneCountInString(name) > maxItemName {
			return priced{}, fault.Invalidf(field("name"), "item name must be at most %d characters", maxItemName)
		}
		if !it.Quantity.IsPositive() {
			return priced{}, fault.Invalid(field("quantity"), "quantity must be greater than 0")
		}
		if money.Scale(it.Quantity) > maxQuantityScale {
			return priced{}, fault.Invalidf(field("quantity"), "quantity can have at most %d decimal places", maxQuantityScale)
		}
		if it.Quantity.GreaterThan(decimal.NewFromInt(1_000_000_000)) {
			return priced{}, fault.Invalid(field("quantity"), "quantity must be at most 1,000,000,000")
		}
		if it.UnitPrice.IsNegative() {
			return priced{}, fault.Invalid(field("unitPrice"), "unit price cannot be negative")
		}
		unit, err := money.ToMinor(it.UnitPrice, c)
		if err != nil {
			return priced{}, fault.WithField(err, field("unitPrice"))
		}
		ln := tax.Line{Quantity: it.Quantity, UnitPrice: unit, Taxes: taxes[i]}
		lines[i] = lineitem.Item{Name: name, Quantity: it.Quantity.String(), UnitPrice: unit, Taxes: taxes[i]}
		if it.DiscountPercent != nil && !it.DiscountPercent.IsZero() {
			ln.DiscountPercent = *it.DiscountPercent
			lines[i].DiscountPercent = it.DiscountPercent.String()
		}
		in.Lines[i] = ln
	}
	if discount != nil {
		in.Discount = &tax.Discount{Percent: discount.Percent, Amount: discount.Amount, Reason: ptr.Val(discount.Reason)}
	}
	r, err := tax.Compute(in)
	if err != nil {
		return priced{}, err
	}
	for i, lr := range r.Lines {
		lines[i].DiscountAmount = lr.Discount
		lines[i].Amount = lr.Amount
	}
	return priced{lines: lines, discount: r.Discount, breakdown: r.Breakdown, result: r}, nil
}

// SetDescription sets or clears the optional payment description (wizard step 3).
func (s *Service) SetDescription(ctx context.Context, id string, description *string) (*ent.Invoice, error) {
	return s.editDraft(ctx, id, func(_ context.Context, _ *ent.Client, inv *ent.Invoice, upd *ent.InvoiceUpdateOne) error {
		d := ""
		if description != nil {
			d = strings.TrimSpace(*description)
		}
		if utf8.RuneCountInString(d) > maxDescription {
			return fault.Invalidf("description", "description must be at most %d characters", maxDescription)
		}
		if d == "" {
			upd.ClearDescription()
		} else {
			upd.SetDescription(d)
		}
		advance(inv, upd, entinvoice.DraftStepPAYMENT_METHODS)
		return nil
	})
}

// SetPaymentMethods sets which methods the customer may pay with (wizard step 4).
func (s *Service) SetPaymentMethods(ctx context.Context, id string, methods []paymethod.Method) (*ent.Invoice, error) {
	return s.editDraft(ctx, id, func(ctx context.Context, tx *ent.Client, inv *ent.Invoice, upd *ent.InvoiceUpdateOne) error {
		if len(methods) == 0 {
			return ErrNoMethod
		}
		seen := map[paymethod.Method]bool{}
		var list []string
		for _, m := range methods {
			if m != paymethod.Crypto && m != paymethod.InfiniCard {
				return fault.Invalidf("methods", "%q is not a payment method", m)
			}
			if !seen[m] {
				seen[m] = true
				list = append(list, string(m))
			}
		}
		if err := s.checkMethods(ctx, tx, inv, list); err != nil {
			return err
		}
		upd.SetPaymentMethods(list)
		advance(inv, upd, entinvoice.DraftStepCONFIRM)
		return nil
	})
}

func (s *Service) checkMethods(ctx context.Context, tx *ent.Client, inv *ent.Invoice, methods []string) error {
	list := make([]paymethod.Method, len(methods))
	for i, m := range methods {
		list[i] = paymethod.Method(m)
	}
	return s.methods.CheckMethods(ctx, tx, inv.MerchantID, inv.Currency, list)
}

// DeleteDraft removes a draft and its timeline. Issued invoices are voided instead.
func (s *Service) DeleteDraft(ctx context.Context, id string) error {
	_, err := s.update(ctx, id, func(ctx context.Context, tx *ent.Client, inv *ent.Invoice) (*ent.Invoice, error) {
		if inv.Status != status.Draft {
			return nil, fault.New(fault.CodeConflict, "only a draft can be deleted; void an issued invoice instead")
		}
		if _, err := tx.InvoiceEvent.Delete().Where(invoiceEventOf(inv.ID)).Exec(ctx); err != nil {
			return nil, err
		}
		return nil, tx.Invoice.DeleteOne(inv).Exec(ctx)
	})
	return err
}

// Issue turns a complete draft into an OPEN invoice with its number and
// payment reference (wizard step 5). send records "Create and send";
// message is the merchant's optional note above the invoice in that email.
func (s *Service) Issue(ctx context.Context, id string, send bool, message string) (*ent.Invoice, error) {
	message, err := messageText(message)
	if err != nil {
		return nil, err
	}
	if message != "" && !send {
		return nil, fault.Invalid("message", "a message goes out with the email: issue with send: true, or leave the message out")
	}
	inv, err := s.update(ctx, id, func(ctx context.Context, tx *ent.Client, inv *ent.Invoice) (*ent.Invoice, error) {
		if inv.Status != status.Draft {
			return nil, fault.New(fault.CodeConflict, "this invoice has already been issued as "+ptr.Val(inv.Number))
		}
		if len(inv.Items) == 0 {
			return nil, ErrNoItems
		}
		if len(inv.PaymentMethods) == 0 {
			return nil, ErrNoMethod
		}
		// Settings or the currency may have changed since step 4.
		if err := s.checkMethods(ctx, tx, inv, inv.PaymentMethods); err != nil {
			return nil, err
		}
		if inv.DueDate != nil && inv.DueDate.Before(s.Now(inv.MerchantID).Truncate(24*time.Hour)) {
			return nil, fault.Invalid("dueDate", "the due date is in the past; choose today or later")
		}
		// Taking the next number inside this transaction locks the merchant
		// row until commit, so numbers are gapless and never shared, and a
		// rolled-back issue gives its number back.
		m, err := tx.Merchant.UpdateOneID(inv.MerchantID).AddInvoiceSeq(1).Save(ctx)
		if err != nil {
			return nil, fmt.Errorf("next invoice number: %w", err)
		}
		now := s.Now(inv.MerchantID)
		upd := tx.Invoice.UpdateOne(inv).
			SetNumber(fmt.Sprintf("INV-%06d", m.InvoiceSeq)).
			SetReference(reference.ForInvoice(m.ReferenceCode, m.InvoiceSeq)).
			SetIssuedAt(now).
			SetCheckoutToken(newCheckoutToken()).
			SetSendRequested(send)
		if inv.DueDate == nil && inv.PaymentTermsDays != nil {
			upd.SetDueDate(DueAfter(now, *inv.PaymentTermsDays))
		}
		issued, err := s.transition(ctx, tx, inv, upd, status.Open, invoiceevent.TypeISSUED, "")
		if err != nil || !send {
			return issued, err
		}
		// "Create and send": the email is queued in the same transaction, so
		// an issued invoice and its email exist together or not at all.
		if _, err := s.enqueue(ctx, tx, issued, "INVOICE", message); err != nil {
			return nil, err
		}
		return issued, nil
	})
	if !send {
		return inv, err
	}
	return s.wake(inv, err)
}

// maxTermsDays bounds payment terms: a year, as the schema and the
// merchant's default terms do.
const maxTermsDays = 365

func checkTerms(days int) error {
	if days < 0 || days > maxTermsDays {
		return fault.Invalidf("paymentTermsDays", "payment terms are 0 (due on receipt) to %d days, e.g. 30 for Net 30", maxTermsDays)
	}
	return nil
}

// DueAfter is the due date of payment terms of days from issued: the end
// (23:59:59 UTC) of the day that many days after the issue day, the way
// the dashboard stores a chosen date, so an invoice is not overdue on its
// last day. 0 days (due on receipt) is the end of the issue day.
func DueAfter(issued time.Time, days int) time.Time {
	y, m, d := issued.UTC().Date()
	return time.Date(y, m, d+days, 23, 59, 59, 0, time.UTC)
}

// Send queues the invoice's email again: "Send" for an invoice created
// without sending, "Send reminder" for one already sent. message is the
// merchant's optional note above the invoice.
func (s *Service) Send(ctx context.Context, id, message string) (*ent.Invoice, error) {
	message, err := messageText(message)
	if err != nil {
		return nil, err
	}
	return s.wake(s.update(ctx, id, func(ctx context.Context, tx *ent.Client, inv *ent.Invoice) (*ent.Invoice, error) {
		// A double click, or a client retrying, must not send twice. Only
		// the invoice's own emails count: a receipt or a credit note
		// waiting to leave is another document.
		waiting, err := tx.Email.Query().Where(email.InvoiceID(inv.ID), email.StatusEQ(email.StatusQUEUED),
			email.KindIn(email.KindINVOICE, email.KindREMINDER)).Exist(ctx)
		if err != nil {
			return nil, err
		}
		if waiting {
			return nil, fault.New(fault.CodeConflict, "an email for this invoice is already waiting to be sent")
		}
		kind := "INVOICE"
		if inv.SentAt != nil {
			kind = "REMINDER"
		}
		if _, err := s.enqueue(ctx, tx, inv, kind, message); err != nil {
			return nil, err
		}
		return tx.Invoice.UpdateOne(inv).AddVersion(1).Save(ctx)
	}))
}

// MaxMessage is the longest note to the customer an email may carry.
const MaxMessage = 2000

// messageText trims the merchant's note and checks its length.
func messageText(m string) (string, error) {
	m = strings.TrimSpace(m)
	if n := utf8.RuneCountInString(m); n > MaxMessage {
		return "", fault.Invalidf("message", "the message is %d characters long; keep it to %d", n, MaxMessage)
	}
	return m, nil
}

func (s *Service) enqueue(ctx context.Context, tx *ent.Client, inv *ent.Invoice, kind, message string) (*ent.Email, error) {
	return s.mailer.Enqueue(ctx, tx, inv, kind, message)
}

// wake nudges the mail worker once a transaction that queued email committed.
func (s *Service) wake(inv *ent.Invoice, err error) (*ent.Invoice, error) {
	if err == nil {
		s.mailer.Wake()
	}
	return inv, err
}

// Void cancels an invoice that is still owed.
func (s *Service) Void(ctx context.Context, id string, reason *string) (*ent.Invoice, error) {
	r, err := reasonText(reason)
	if err != nil {
		return nil, err
	}
	return s.update(ctx, id, func(ctx context.Context, tx *ent.Client, inv *ent.Invoice) (*ent.Invoice, error) {
		if inv.Status == status.Draft {
			return nil, fault.New(fault.CodeConflict, "a draft cannot be voided; delete it instead")
		}
		upd := tx.Invoice.UpdateOne(inv)
		if r != "" {
			upd.SetVoidReason(r)
		}
		return s.transition(ctx, tx, inv, upd, status.Void, invoiceevent.TypeVOIDED, r)
	})
}

// MarkUncollectible writes an invoice off as bad debt, as Stripe does: it
// stays on record, stops being overdue, and can still be paid.
func (s *Service) MarkUncollectible(ctx context.Context, id string, reason *string) (*ent.Invoice, error) {
	r, err := reasonText(reason)
	if err != nil {
		return nil, err
	}
	return s.update(ctx, id, func(ctx context.Context, tx *ent.Client, inv *ent.Invoice) (*ent.Invoice, error) {
		return s.transition(ctx, tx, inv, tx.Invoice.UpdateOne(inv), status.Uncollectible, invoiceevent.TypeMARKED_UNCOLLECTIBLE, r)
	})
}

// reasonText checks the optional reason given for voiding or writing off.
func reasonText(reason *string) (string, error) {
	if reason == nil {
		return "", nil
	}
	r := strings.TrimSpace(*reason)
	if utf8.RuneCountInString(r) > maxVoidReasonRune {
		return "", fault.Invalidf("reason", "reason must be at most %d characters", maxVoidReasonRune)
	}
	return r, nil
}

// transition is the one place an invoice's status changes. It refuses any
// move the state machine does not allow, bumps the version and appends the
// timeline event, all in the caller's transaction; once that commits, the
// change is announced to live subscribers.
func (s *Service) transition(ctx context.Context, tx *ent.Client, inv *ent.Invoice, upd *ent.InvoiceUpdateOne, to status.Status, typ invoiceevent.Type, note string) (*ent.Invoice, error) {
	from := inv.Status
	if !status.CanTransition(from, to) {
		return nil, fault.New(fault.CodeConflict, fmt.Sprintf("an invoice that is %s cannot become %s", human(from), human(to)))
	}
	return s.move(ctx, tx, inv, upd, to, typ, note)
}

// move changes the status once the caller checked the move is allowed:
// forward by transition, backward only by UndoPayment.
func (s *Service) move(ctx context.Context, tx *ent.Client, inv *ent.Invoice, upd *ent.InvoiceUpdateOne, to status.Status, typ invoiceevent.Type, note string) (*ent.Invoice, error) {
	from := inv.Status
	out, err := upd.SetStatus(to).AddVersion(1).Save(ctx)
	if err != nil {
		return nil, err
	}
	now := s.Now(out.MerchantID)
	ev, err := recordEvent(ctx, tx, out, typ, now, &from, &to, note)
	if err != nil {
		return nil, err
	}
	if typ := webhookType(typ, to); typ != "" {
		if err := webhook.Emit(ctx, tx, webhook.InvoiceEvent(typ, out, now)); err != nil {
			return nil, err
		}
	}
	msg := event.Message{MerchantID: out.MerchantID, InvoiceID: out.ID, EventID: ev.ID}
	err = database.OnCommit(ctx, func() {
		// The change is committed; a lost announcement only delays a
		// screen that refetches on reconnect, so it must not fail the call.
		pctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := s.events.Publish(pctx, msg); err != nil {
			slog.Warn("announcing invoice status change", "invoice", msg.InvoiceID, "err", err)
		}
	})
	if err != nil {
		return nil, fmt.Errorf("announce status change of invoice %s: %w", out.ID, err)
	}
	return out, nil
}

// webhookType is the event partner apps get for a status change, or ""
// for none (undoing a payment is not announced as a new state).
func webhookType(typ invoiceevent.Type, to status.Status) string {
	switch {
	case typ == invoiceevent.TypeISSUED:
		return webhook.InvoiceIssued
	case typ == invoiceevent.TypeVOIDED:
		return webhook.InvoiceVoided
	case typ == invoiceevent.TypeMARKED_UNCOLLECTIBLE:
		return webhook.InvoiceUncollectible
	case typ == invoiceevent.TypePAYMENT_RECEIVED && to == status.Paid,
		typ == invoiceevent.TypeCREDIT_NOTE_CREATED && to == status.Paid:
		return webhook.InvoicePaid
	case typ == invoiceevent.TypePAYMENT_RECEIVED && to == status.PartiallyPaid:
		return webhook.InvoicePartiallyPaid
	}
	return ""
}

// editDraft loads a draft under lock, lets change fill in the update, bumps
// the version and saves, all in one transaction.
func (s *Service) editDraft(ctx context.Context, id string, change func(context.Context, *ent.Client, *ent.Invoice, *ent.InvoiceUpdateOne) error) (*ent.Invoice, error) {
	return s.update(ctx, id, func(ctx context.Context, tx *ent.Client, inv *ent.Invoice) (*ent.Invoice, error) {
		if inv.Status != status.Draft {
			return nil, ErrNotDraft
		}
		upd := tx.Invoice.UpdateOne(inv).AddVersion(1)
		if err := change(ctx, tx, inv, upd); err != nil {
			return nil, err
		}
		return upd.Save(ctx)
	})
}

// update runs fn on invoice id, locked against concurrent changes, in one
// transaction, and returns the invoice fn returns.
func (s *Service) update(ctx context.Context, id string, fn func(ctx context.Context, tx *ent.Client, inv *ent.Invoice) (*ent.Invoice, error)) (*ent.Invoice, error) {
	var out *ent.Invoice
	err := database.InTx(ctx, s.client, func(ctx context.Context, tx *ent.Client) error {
		inv, err := s.lock(ctx, tx, id)
		if err != nil {
			return err
		}
		out, err = fn(ctx, tx, inv)
		return err
	})
	return detach(out, err)
}

// advance moves a draft's resume point forward, never back: a merchant who
// edits items after choosing methods still resumes at the confirm step.
func advance(inv *ent.Invoice, upd *ent.InvoiceUpdateOne, step entinvoice.DraftStep) {
	if stepIndex(step) > stepIndex(inv.DraftStep) {
		upd.SetDraftStep(step)
	}
}

// wizardSteps lists the wizard's steps in order.
var wizardSteps = []entinvoice.DraftStep{
	entinvoice.DraftStepCUSTOMER,
	entinvoice.DraftStepITEMS,
	entinvoice.DraftStepDESCRIPTION,
	entinvoice.DraftStepPAYMENT_METHODS,
	entinvoice.DraftStepCONFIRM,
}

func stepIndex(s entinvoice.DraftStep) int {
	for i, v := range wizardSteps {
		if v == s {
			return i
		}
	}
	return -1
}

func (s *Service) record(ctx context.Context, tx *ent.Client, inv *ent.Invoice, typ string, from, to *status.Status, note string) error {
	_, err := recordEvent(ctx, tx, inv, entEventType(typ), s.Now(inv.MerchantID), from, to, note)
	return err
}

// RecordEvent appends one line to inv's timeline through tx. The actor is
// the viewer in ctx, or "system" for background work (the mail worker,
// webhooks). Every package that changes an invoice writes its timeline here.
func RecordEvent(ctx context.Context, tx *ent.Client, inv *ent.Invoice, typ invoiceevent.Type, at time.Time, from, to *status.Status, note string) error {
	_, err := recordEvent(ctx, tx, inv, typ, at, from, to, note)
	return err
}

func recordEvent(ctx context.Context, tx *ent.Client, inv *ent.Invoice, typ invoiceevent.Type, at time.Time, from, to *status.Status, note string) (*ent.InvoiceEvent, error) {
	return tx.InvoiceEvent.Create().
		SetMerchantID(inv.MerchantID).
		SetInvoiceID(inv.ID).
		SetType(typ).
		SetAt(at).
		SetActor(Actor(ctx)).
		SetNillableFromStatus(from).
		SetNillableToStatus(to).
		SetNote(note).
		SetInvoiceVersion(inv.Version).
		Save(ctx)
}

// Actor names who is acting in ctx for audit trails: the viewer, or
// "system" for background work.
func Actor(ctx context.Context) string {
	if v := tenant.FromContext(ctx); v != nil && v.Actor != "" {
		return v.Actor
	}
	return "system"
}

func human(s status.Status) string {
	return strings.ToLower(strings.ReplaceAll(string(s), "_", " "))
}

// newCheckoutToken returns the secret of a customer's payment link: 260
// random bits (two rand.Text), unrelated to the invoice id, so links cannot
// be guessed.
func newCheckoutToken() string { return rand.Text() + rand.Text() }

// CheckoutURL is the customer's payment link for inv, or "" when it has none:
// a draft has no link yet, and a voided invoice's link is dead.
func CheckoutURL(baseURL string, inv *ent.Invoice) string {
	if inv.CheckoutToken == nil || inv.Status == status.Void {
		return ""
	}
	return baseURL + "/pay/" + *inv.CheckoutToken
}

// detach points an invoice returned from a committed transaction back at the
// main client, so that edges resolved later (customer, events) still load.
func detach(inv *ent.Invoice, err error) (*ent.Invoice, error) {
	if err != nil || inv == nil {
		return nil, err
	}
	return inv.Unwrap(), nil
}
