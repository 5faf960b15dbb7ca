package match

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tally-invoicing/tally/internal/money"
)

// byCustomer applies AMOUNT, then COMBINATION, to the open invoices of the
// payer, when the payer is known.
func (m *matcher) byCustomer() {
	id, byName, ok := m.identify()
	if !ok {
		return
	}
	m.customer, m.customerKnown = id, true
	penalty := 0
	if byName {
		penalty = byNamePenalty
	}
	if !m.byAmount(id, penalty) {
		m.byCombination(id, penalty)
	}
}

// identify returns the payer: the collection's customer, or the one
// customer whose name is the payer name.
func (m *matcher) identify() (id string, byName, ok bool) {
	c := &m.c
	if c.CustomerID != "" {
		return c.CustomerID, false, true
	}
	if c.PayerName == "" {
		return "", false, false
	}
	ids := m.ix.byName[foldName(c.PayerName)]
	switch len(ids) {
	case 0:
		return "", false, false
	case 1:
		return ids[0], true, true
	}
	var cands []string
	for _, i := range m.ix.byDue[dueKey{m.cur, c.Amount}] {
		if inv := &m.ix.invoices[i]; slices.Contains(ids, inv.CustomerID) && len(cands) < maxSuggestions {
			cands = append(cands, inv.ID)
		}
	}
	m.flag(FlagAmbiguous, c.PayerName, cands,
		"The payer name "+strconv.Quote(c.PayerName)+" fits "+itoa(len(ids))+" customers; choose one by hand.")
	return "", false, false
}

// byAmount is the AMOUNT rule: the oldest open invoice of the customer
// whose due is exactly the amount. When the text has a mistyped reference,
// an invoice it is one typo away from wins over an older one.
func (m *matcher) byAmount(cust string, penalty int) bool {
	first, agreed := entry{inv: -1}, entry{inv: -1}
	n := 0
	for _, o := range m.ix.openOf(cust) {
		if o.due != m.c.Amount || o.cur != m.cur {
			continue
		}
		if !m.ix.issuedBy(o.inv, m.day) {
			if m.tooEarly == 0 {
				m.tooEarly = o.inv + 1
			}
			continue
		}
		n++
		if first.inv < 0 {
			first = o
		}
		if agreed.inv < 0 && slices.Contains(m.near.items(), o.inv) {
			agreed = o
		}
	}
	if n == 0 {
		return false
	}
	// Constant reasons: the allocation names the invoice, and this path
	// runs for every statement line that carries no reference.
	pick, conf := first, confAmount
	reason := "This is the only open invoice of the customer for exactly this amount."
	if n > 1 {
		conf = confAmountOldest
		reason = "This is the oldest of the customer's open invoices for exactly this amount; the others stay open."
	}
	switch {
	case agreed.inv >= 0:
		pick, conf = agreed, confAmountAgreed
		reason = "This open invoice of the customer is for exactly this amount, " +
			"and the mistyped reference in the text is one typo away from its own."
	case m.near.len() > 0:
		conf = confAmountDisputed
		reason = "This open invoice of the customer is for exactly this amount, " +
			"but the mistyped reference in the text points at other invoices."
	}
	m.allocate(pick, m.c.Amount, RuleAmount, conf-penalty)
	m.r.Reason = reason
	return true
}

// byCombination is the COMBINATION rule.
func (m *matcher) byCombination(cust string, penalty int) {
	c, k := &m.c, m.ix.opts.MaxCombination
	if k < 2 {
		return
	}
	s := searchers.Get().(*searcher)
	defer searchers.Put(s)
	s.reset()
	for _, o := range m.ix.openOf(cust) {
		if o.due <= c.Amount && o.cur == m.cur && m.ix.issuedBy(o.inv, m.day) {
			s.add(o.inv, o.due)
		}
	}
	set, timedOut := s.search(c.Amount, k, m.ix.opts.CombinationTimeout)
	if timedOut {
		m.timedOut = true
		m.flag(FlagSearchIncomplete, "", nil, "The search for open invoices of this customer adding up to "+
			m.money(c.Amount)+" stopped after "+m.ix.opts.CombinationTimeout.String()+
			" among "+itoa(len(s.ids))+" candidates; look by hand.")
		return
	}
	if set == nil {
		return
	}
	conf := confCombination - confCombinationStep*(len(set)-2) - penalty
	for _, i := range set {
		m.allocate(m.ix.hot[i], m.ix.hot[i].due, RuleCombination, conf)
	}
	m.r.Reason = m.labels(m.idx.items()) + " of this customer add up to exactly " + m.money(c.Amount) + "."
}

// suggest fills the suggestions and the reason when nothing was allocated:
// the invoices the flags point at, then the customer's open invoices
// closest in amount, then any open invoice for exactly the amount.
func (m *matcher) suggest() {
	ix, c, r := m.ix, &m.c, &m.r
	add := func(id string) {
		if r.Suggestions == nil {
			r.Suggestions = make([]string, 0, maxSuggestions)
		}
		if len(r.Suggestions) < maxSuggestions && !slices.Contains(r.Suggestions, id) {
			r.Suggestions = append(r.Suggestions, id)
		}
	}
	for _, f := range r.Flags {
		for _, id := range f.Candidates {
			add(id)
		}
	}
	if m.customerKnown {
		// The closest dues, older first among equals, kept in a short sorted list.
		type near struct {
			dist int64
			inv  int32
		}
		var best [maxSuggestions]near
		n := 0
		for _, o := range ix.openOf(m.customer) {
			if o.cur != m.cur {
				continue
			}
			d := o.due - c.Amount
			if d < 0 {
				d = -d
			}
			if n == len(best) && d >= best[len(best)-1].dist {
				continue
			}
			k := min(n, len(best)-1)
			for k > 0 && best[k-1].dist > d {
				best[k] = best[k-1]
				k--
			}
			best[k] = near{d, o.inv}
			n = min(n+1, len(best))
		}
		for _, b := range best[:n] {
			add(ix.invoices[b.inv].ID)
		}
	}
	for _, i := range ix.byDue[dueKey{m.cur, c.Amount}] {
		add(ix.invoices[i].ID)
	}
	r.Reason = m.unmatchedReason()
}

func (m *matcher) unmatchedReason() string {
	if m.blocked {
		return "The text names an open invoice in another currency, so nothing was allocated."
	}
	lead := 0 // no reference
	switch {
	case m.mistyped:
		lead = 1
	case m.hits.len() > 0:
		lead = 2 // names only invoices with nothing due
	}
	switch {
	case m.c.CustomerID == "" && m.c.PayerName == "":
		return m.ix.reasons.payerUnknown[lead]
	case !m.customerKnown:
		return m.ix.reasons.payerUnclear[lead]
	case m.timedOut:
		return m.ix.reasons.searchTimedOut[lead]
	case m.tooEarly > 0:
		inv := &m.ix.invoices[m.tooEarly-1]
		return m.ix.reasons.tooEarly[lead] + label(inv) + " is for exactly the amount, but it was issued on " +
			inv.IssuedAt.UTC().Format(time.DateOnly) + ", after this payment was booked on " +
			m.c.ReceivedAt.UTC().Format(time.DateOnly) + "; the amount alone does not link them."
	}
	return m.ix.reasons.noFit[lead]
}

// unmatched holds the reasons given when nothing matched, written once
// per index: they are given for every line in the review queue.
type unmatched struct {
	payerUnknown, payerUnclear, searchTimedOut, noFit, tooEarly [3]string
}

func newUnmatched(maxCombination int) unmatched {
	var u unmatched
	noFit := ", and no open invoice of this customer is for exactly the amount."
	if maxCombination > 1 {
		noFit = ", and no open invoice of this customer, alone or up to " + itoa(maxCombination) +
			" together, comes to exactly the amount."
	}
	for k, lead := range [3]string{
		"No reference in the text names an open invoice",
		"The reference in the text looks mistyped and was not used",
		"The invoices the text names have nothing left to pay",
	} {
		u.payerUnknown[k] = lead + ", and the payer is not known."
		u.payerUnclear[k] = lead + ", and the payer name fits no single customer."
		u.searchTimedOut[k] = lead + "; no open invoice of this customer is for exactly the amount," +
			" and the search for a combination ran out of time."
		u.noFit[k] = lead + noFit
		u.tooEarly[k] = lead + "; "
	}
	return u
}

// money renders an amount of the collection's currency for a reason:
// "1234.50 EUR". Plain integer arithmetic: money.Format goes through a
// decimal, which would be most of the cost of a line paid a little over or
// under.
func (m *matcher) money(minor int64) string {
	cur, ok := money.Lookup(m.c.Currency)
	if !ok {
		return itoa64(minor) + " minor units of " + m.c.Currency
	}
	var buf [32]byte
	b := buf[:0]
	if minor < 0 {
		b, minor = append(b, '-'), -minor
	}
	unit := int64(1)
	for range cur.Exponent {
		unit *= 10
	}
	b = strconv.AppendInt(b, minor/unit, 10)
	if cur.Exponent > 0 {
		frac := strconv.AppendInt(buf[len(buf)-12:len(buf)-12], unit+minor%unit, 10) // leading 1 keeps the zeros
		b = append(append(b, '.'), frac[1:]...)
	}
	return string(append(append(b, ' '), cur.Code...))
}

// labels lists invoices for a reason: "INV-1", "INV-1 and INV-2",
// "INV-1, INV-2 and INV-3".
func (m *matcher) labels(idx []int32) string {
	if len(idx) == 1 {
		return label(&m.ix.invoices[idx[0]])
	}
	var b strings.Builder
	for k, i := range idx {
		switch {
		case k == 0:
		case k == len(idx)-1:
			b.WriteString(" and ")
		default:
			b.WriteString(", ")
		}
		b.WriteString(label(&m.ix.invoices[i]))
	}
	return b.String()
}

func itoa(n int) string     { return strconv.Itoa(n) }
func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
