package match

import (
	"time"
)

// Invoice is an invoice as the matcher sees it.
type Invoice struct {
	ID, CustomerID string
	Number         string // "INV-000123", unique per merchant
	Reference      string // ISO 11649, "RF18539007547034"; globally unique
	Currency       string
	Due            int64 // amount still owed, in minor units; > 0 while open
	IssuedAt       time.Time
}

// Customer lets the matcher recognise a payer by name.
type Customer struct{ ID, Name string }

// Collection is money received, before it is allocated.
type Collection struct {
	Amount   int64 // minor units, > 0
	Currency string
	// Text is whatever came with the money: memo, remittance information,
	// on-chain reference. Free text of any length.
	Text string
	// CustomerID is set when the caller knows the payer: a checkout
	// session, a customer the caller named, a bank account Tally learned
	// (see Index.Payer). It takes precedence over PayerName, and a payer
	// known this way is surer than one recognised by name.
	CustomerID string
	// PayerName identifies the customer when it equals exactly one
	// customer's name, ignoring case and white space.
	PayerName string
	// PayerAccount is carried for the caller; the matcher does not read it:
	// mapping accounts to customers is the caller's, through CustomerID.
	PayerAccount string
	// ReceivedAt is when the money was booked; zero when unknown. An
	// invoice issued on a later day (UTC) is never paid by the amount
	// rules: money cannot be meant for an invoice that did not exist yet.
	// A reference still matches it (the payer had the invoice's number).
	ReceivedAt time.Time
}

// Rule says how an allocation was decided.
type Rule string

// The rules an allocation can come from.
const (
	RuleReference   Rule = "REFERENCE"
	RuleCheckout    Rule = "CHECKOUT" // applied by the caller, which knows checkout sessions
	RuleAmount      Rule = "AMOUNT"
	RuleCombination Rule = "COMBINATION"
	RuleManual      Rule = "MANUAL" // allocated by a person
)

// Allocation is part of a collection applied to one invoice.
// It is stored as JSON when it waits as a proposal (a match below the
// merchant's auto-match confidence), hence the tags.
type Allocation struct {
	InvoiceID  string `json:"invoiceID"`
	Amount     int64  `json:"amount"` // minor units, never more than the invoice's due
	Rule       Rule   `json:"rule"`
	Confidence int    `json:"confidence"` // percent, 0-100
}

// FlagKind names what a person should look at.
type FlagKind string

const (
	// FlagReferenceMistyped means an RF reference shaped like this merchant's
	// fails its check digits. It was not used; Candidates are the invoices
	// whose reference is one typo away.
	FlagReferenceMistyped FlagKind = "REFERENCE_MISTYPED"
	// FlagReferenceUnknown means a valid reference, or a number with the
	// merchant's invoice prefix, that no invoice in the index carries: paid
	// already, cancelled, or another merchant's.
	FlagReferenceUnknown FlagKind = "REFERENCE_UNKNOWN"
	// FlagNothingDue means the text names an invoice with nothing left to pay,
	// often a payment made twice.
	FlagNothingDue FlagKind = "NOTHING_DUE"
	// FlagCurrencyMismatch means the text names an open invoice in another
	// currency. Nothing is allocated, by that or any later rule.
	FlagCurrencyMismatch FlagKind = "CURRENCY_MISMATCH"
	// FlagAmbiguous means one token or payer name fits several invoices or
	// customers, and the matcher will not pick one.
	FlagAmbiguous FlagKind = "AMBIGUOUS"
	// FlagSearchIncomplete means the search for a combination ran out of time.
	FlagSearchIncomplete FlagKind = "SEARCH_INCOMPLETE"
)

// Flag is something the matcher saw but could not decide.
type Flag struct {
	Kind       FlagKind
	Text       string   // the token as it appears in the collection's text, if any
	Candidates []string // invoice IDs, closest first
	Reason     string   // a sentence for a person
}

// Result is the matcher's decision about one collection. The sum of the
// allocations plus Unallocated is always the collection's amount.
type Result struct {
	Allocations []Allocation
	// Unallocated is what no invoice took: an overpayment the caller keeps
	// as customer credit, or the whole amount when nothing matched.
	Unallocated int64
	Flags       []Flag
	// Suggestions are up to five invoice IDs worth a look, set only when
	// nothing was allocated.
	Suggestions []string
	Reason      string // why, in a sentence; always set
}

// Options tune an Index. Zero fields take their defaults.
type Options struct {
	// CombinationTimeout bounds the COMBINATION search of one Match call.
	CombinationTimeout time.Duration
	// MaxCombination is the most invoices one COMBINATION may pay, up to
	// 8; 1 turns the rule off (a single invoice is AMOUNT's).
	MaxCombination int
}

// DefaultOptions are the options NewIndex uses.
func DefaultOptions() Options {
	return Options{CombinationTimeout: 20 * time.Millisecond, MaxCombination: 5}
}

func (o Options) withDefaults() Options {
	d := DefaultOptions()
	if o.CombinationTimeout <= 0 {
		o.CombinationTimeout = d.CombinationTimeout
	}
	if o.MaxCombination <= 0 {
		o.MaxCombination = d.MaxCombination
	}
	o.MaxCombination = min(o.MaxCombination, maxCombination)
	return o
}

// Confidence of each way of matching, in percent. A merchant's
// auto-match confidence (90 by default) decides which apply by themselves;
// the rest wait as proposals. At the default:
//
//	rule         evidence                                           conf  applies at 90
//	REFERENCE    a valid RF reference                               100   yes
//	CHECKOUT     the checkout session (the caller's)                100   yes
//	REFERENCE    an invoice number as printed                        95   yes
//	REFERENCE    a number without its padding, or after "invoice"    90   yes
//	AMOUNT       a known payer, one invoice for exactly the amount    90   yes
//	AMOUNT       ... and a mistyped reference one typo from it        95   yes
//	AMOUNT       a known payer, the oldest of several for the amount  80   no
//	AMOUNT       ... but a mistyped reference points elsewhere        50   no
//	COMBINATION  two invoices; 5 less for each further one            65   no
//	AMOUNT/COMB. the payer recognised by name only                   -10   (80 at most: no)
//
// A payer is known when the caller names the customer (a partner's
// recordCollection with customerID, a checkout) or when Tally learned the
// payer's bank account from an earlier allocation: both say who paid, so
// the amount of exactly one open invoice is enough. A name is weaker (two
// customers may share it, a bank may shorten it).
const (
	confReference       = 100
	confNumber          = 95
	confNumberLoose     = 90
	confAmountAgreed    = 95 // AMOUNT, and a mistyped reference points at the same invoice
	confAmount          = 90
	confAmountOldest    = 80
	confCombination     = 65 // two invoices; confCombinationStep less for each further one
	confCombinationStep = 5
	confAmountDisputed  = 50 // AMOUNT, but a mistyped reference points at other invoices
	byNamePenalty       = 10
)

const (
	maxSuggestions = 5
	maxCombination = 8 // beyond, no set is a credible reading of one payment
)

// Match decides what c pays. It is safe to call from many goroutines.
// The rules are tried in order; the first that allocates anything wins:
//
//  1. REFERENCE: every ISO 11649 reference ("RF18 5390 0754 7034": any
//     case, groups split by spaces, dashes, dots or a line break) and
//     invoice number ("INV-000123", "inv 000123", "INV000123", "INV-123",
//     "invoice no. 123") in the text, each invoice paid up to its due in
//     order of appearance. A token never ends inside a run of digits
//     ("INV-0001234" is not INV-000123, "RF...70341" is not "RF...7034"),
//     and a bare number without the invoice prefix is never trusted. After
//     the word "invoice", one or two digits are a count ("invoice 2 of
//     3"), not a number. A reference that fails its check digits is never
//     used: it is flagged with the invoices one typo away (swapped
//     neighbours, one character wrong, missing or extra). A named invoice
//     in another currency is flagged and stops the amount rules.
//  2. CHECKOUT is the caller's, which knows the checkout sessions.
//  3. AMOUNT: the customer (Collection.CustomerID, or the one customer
//     named PayerName) has an open invoice whose due is exactly the amount:
//     the oldest such, unless a mistyped reference in the text is one typo
//     away from a younger one. Invoices issued after the day the money was
//     booked (Collection.ReceivedAt) are left out, here and in COMBINATION.
//  4. COMBINATION: the fewest of the customer's open invoices, two to
//     Options.MaxCombination, whose dues add up to exactly the amount;
//     among sets of that size, the one with the oldest invoices. The
//     search gives up after Options.CombinationTimeout, with a flag.
//  5. Otherwise nothing is allocated; Suggestions lists the invoices the
//     flags point at, the customer's open invoices closest in amount, then
//     any open invoice for exactly the amount.
//
// Confidence: see the table above the constants (confReference, ...).
// Match allocates whatever it finds, however sure; the caller applies
// what reaches the merchant's threshold and proposes the rest.
func (ix *Index) Match(c Collection) Result {
	if c.Amount <= 0 {
		return Result{Unallocated: c.Amount, Reason: "Nothing to allocate: the amount is not positive."}
	}
	// The matcher lives on the stack: a reference line costs one allocation
	// for the allocations and none for the bookkeeping.
	m := matcher{ix: ix, c: c, cur: ix.currency(c.Currency), remaining: c.Amount, day: noDay}
	if !c.ReceivedAt.IsZero() {
		m.day = dayOf(c.ReceivedAt)
	}
	m.scan(c.Text)
	if m.hits.len() > 0 {
		m.allocateReferences()
	}
	if len(m.r.Allocations) == 0 && !m.blocked {
		m.byCustomer()
	}
	if len(m.r.Allocations) == 0 {
		m.suggest()
	}
	m.r.Unallocated = m.remaining
	return m.r
}

// matcher is the state of one Match call.
type matcher struct {
	ix        *Index
	c         Collection
	cur       uint16 // the collection's currency, as the index numbers them
	r         Result
	remaining int64
	hits      list[hit]   // invoices the text names, in order of appearance
	idx       list[int32] // the invoice of each allocation
	near      list[int32] // invoices one typo away from a mistyped reference
	mistyped  bool
	// blocked stops the amount rules: the text names an open invoice this
	// money cannot pay, so another one with the same due is not a guess to make.
	blocked bool

	// what byCustomer learnt, for the reason when nothing matched
	customer      string
	customerKnown bool
	timedOut      bool
	// tooEarly is 1 + the position of an invoice for exactly the amount
	// that was left out because it was issued after the money was booked.
	tooEarly int32
	// day is the day the money was booked (see dayOf); noDay when unknown.
	day int32
}

// hit is an invoice named in the text.
type hit struct {
	entry
	conf int
	text string
}

// list keeps its first items inline, so that the few invoices a payment
// names cost no allocation; a remittance naming dozens spills to the heap.
type list[T any] struct {
	inline [2]T
	n      int
	spill  []T
}

func (l *list[T]) add(v T) {
	switch {
	case l.spill != nil:
		l.spill = append(l.spill, v)
	case l.n < len(l.inline):
		l.inline[l.n] = v
		l.n++
	default:
		l.spill = make([]T, l.n, 4*len(l.inline))
		copy(l.spill, l.inline[:])
		l.spill = append(l.spill, v)
	}
}

func (l *list[T]) items() []T {
	if l.spill != nil {
		return l.spill
	}
	return l.inline[:l.n]
}

func (l *list[T]) len() int { return max(l.n, len(l.spill)) }

func (m *matcher) flag(kind FlagKind, text string, candidates []string, reason string) {
	m.r.Flags = append(m.r.Flags, Flag{Kind: kind, Text: text, Candidates: candidates, Reason: reason})
}

func (m *matcher) allocate(e entry, amount int64, rule Rule, conf int) {
	if m.r.Allocations == nil {
		if n := m.hits.len(); n > 1 {
			m.r.Allocations = make([]Allocation, 0, n)
		} else {
			m.r.Allocations = make([]Allocation, 0, 1) // a constant size allocates faster
		}
	}
	m.r.Allocations = append(m.r.Allocations, Allocation{
		InvoiceID: e.id, Amount: amount, Rule: rule, Confidence: min(max(conf, 0), 100),
	})
	m.idx.add(e.inv)
	m.remaining -= amount
}

// allocateReferences pays the invoices the text names, in order of
// appearance, each up to its due.
func (m *matcher) allocateReferences() {
	ix, c := m.ix, &m.c
	var short int64    // what the paid invoices still owe after this payment
	var ranOut []int32 // named open invoices that got nothing: the money ran out
	hits := m.hits.items()
	for k, h := range hits {
		if seen(hits[:k], h.inv) {
			for a, i := range m.idx.items() {
				if i == h.inv && h.conf > m.r.Allocations[a].Confidence {
					m.r.Allocations[a].Confidence = h.conf
				}
			}
			continue
		}
		inv, due := &ix.invoices[h.inv], h.due
		switch {
		case h.cur != m.cur:
			m.blocked = true
			m.flag(FlagCurrencyMismatch, h.text, []string{inv.ID},
				label(inv)+" is invoiced in "+inv.Currency+" and this payment is in "+c.Currency+
					"; convert and allocate it by hand, or refund it.")
		case due <= 0:
			m.flag(FlagNothingDue, h.text, []string{inv.ID},
				label(inv)+" has nothing left to pay; this may be a second payment of it.")
		case m.remaining == 0:
			ranOut = append(ranOut, h.inv)
		default:
			a := min(m.remaining, due)
			short += due - a
			m.allocate(h.entry, a, RuleReference, h.conf)
		}
	}
	if m.idx.len() > 0 {
		m.r.Reason = m.referenceReason(short, ranOut)
	}
}

func seen(hits []hit, inv int32) bool {
	for _, h := range hits {
		if h.inv == inv {
			return true
		}
	}
	return false
}

func (m *matcher) referenceReason(short int64, ranOut []int32) string {
	paid := m.idx.items()
	if len(paid) == 1 && m.remaining == 0 && short == 0 && ranOut == nil {
		return "The text names the invoice, and the amount is exactly what it owes."
	}
	names, pronoun, owes := m.labels(paid), "they", "owe"
	if len(paid) == 1 {
		pronoun, owes = "it", "owes"
	}
	s := "The text names " + names
	switch {
	case m.remaining > 0:
		s += "; " + m.money(m.remaining) + " more than " + pronoun + " " + owes + " is left unallocated"
	case short > 0:
		s += "; the payment is " + m.money(short) + " short of what " + pronoun + " " + owes
	}
	switch {
	case len(ranOut) == 1:
		s += ", and " + m.labels(ranOut) + ", also named, gets nothing"
	case len(ranOut) > 1:
		s += ", and " + m.labels(ranOut) + ", also named, get nothing"
	}
	return s + "."
}
