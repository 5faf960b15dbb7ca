package statement

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/tally-invoicing/tally/internal/money"
)

// SuggestMapping guesses a Mapping from a CSV header, knowing the column
// names common English, German and French bank exports use. The dashboard
// shows the guess for the merchant to correct before the first import.
//
// Booking dates are preferred to value dates, one amount column to a
// credit/debit pair; every column that looks like remittance information
// becomes Text, in header order. Without a currency column the currency is
// taken from the amount's header ("Betrag (EUR)", "Amount €") if it names one.
func SuggestMapping(headers []string) Mapping {
	g := guesser{headers: headers, used: make([]bool, len(headers)), keys: make([]string, len(headers))}
	for i, h := range headers {
		g.keys[i] = key(h)
	}
	var m Mapping
	// Most specific first, so that "Reference number" is an id before
	// "reference" can make it text, and "Valutadatum" is left over once
	// "Buchungstag" is the date.
	// A bare "ID" is left alone: some exports number rows 1, 2, 3 afresh in
	// every file, and a reused id would make a new payment look imported.
	m.ExternalID = g.pick(exact("transactionid", "transaktionsid", "referencenumber", "refnumber", "bankreference", "transactionreference", "fitid"))
	m.Date = g.pick(
		exact("bookingdate", "bookeddate", "buchungstag", "buchungsdatum", "postingdate", "posteddate", "postdate", "transactiondate", "date", "datum", "dateopération", "dateoperation", "datecomptable", "fecha", "datumboeking"),
		exact("valutadatum", "valuta", "valuedate", "wertstellung", "datevaleur"),
		contains("date", "datum"),
	)
	m.Amount = g.pick(
		exact("amount", "betrag", "montant", "umsatz", "importe", "bedrag", "transactionamount"),
		prefix("amount", "betrag", "montant", "umsatz"),
	)
	if m.Amount == "" {
		m.Credit = g.pick(
			exact("credit", "credits", "haben", "gutschrift", "eingang", "paidin", "moneyin", "deposit", "deposits", "crédit", "creditamount"),
			prefix("credit", "haben", "gutschrift", "moneyin", "paidin", "crédit"),
		)
		if m.Credit != "" {
			m.Debit = g.pick(
				exact("debit", "debits", "soll", "lastschrift", "ausgang", "paidout", "moneyout", "withdrawal", "withdrawals", "débit", "debitamount"),
				prefix("debit", "soll", "moneyout", "paidout", "débit"),
			)
		}
	}
	m.Currency = g.pick(exact("currency", "währung", "waehrung", "devise", "ccy", "currencycode", "monnaie", "moneda"))
	if m.Currency == "" {
		m.FixedCurrency = currencyIn(m.Amount + " " + m.Credit)
	}
	m.PayerAccount = g.pick(
		exact("iban", "payeriban", "counterpartyiban", "counterpartyaccount", "payeraccount", "account", "accountnumber", "kontonummer", "gegenkonto"),
		contains("iban", "kontonummer"),
	)
	m.PayerName = g.pick(
		exact("name", "payer", "payername", "counterparty", "counterpartyname", "auftraggeber", "zahlungspflichtiger", "beguenstigterzahlungspflichtiger", "begünstigterzahlungspflichtiger", "auftraggeberempfänger", "nametiers", "tiers"),
		contains("payer", "counterparty", "auftraggeber", "zahlungspflichtig", "beguenstigter", "begünstigter", "empfänger", "name"),
		// Some banks call the other party "payee" whichever way money went.
		exact("payee"),
	)
	for {
		t := g.pick(
			exact("description", "reference", "memo", "verwendungszweck", "remittanceinformation", "remittance", "paymentreference", "purpose", "details", "narrative", "libellé", "libelle", "mitteilung", "betreff", "concepto", "omschrijving"),
			contains("verwendungszweck", "remittance", "description", "reference", "memo", "libellé", "purpose"),
		)
		if t == "" {
			break
		}
		m.Text = append(m.Text, t)
	}
	// Text columns read best in the order the bank wrote them.
	m.Text = g.inHeaderOrder(m.Text)
	return m
}

type matcher func(key string) bool

func exact(names ...string) matcher {
	return func(k string) bool {
		for _, n := range names {
			if k == n {
				return true
			}
		}
		return false
	}
}

func prefix(names ...string) matcher {
	return func(k string) bool {
		for _, n := range names {
			if strings.HasPrefix(k, n) {
				return true
			}
		}
		return false
	}
}

func contains(names ...string) matcher {
	return func(k string) bool {
		for _, n := range names {
			if strings.Contains(k, n) {
				return true
			}
		}
		return false
	}
}

type guesser struct {
	headers []string
	keys    []string
	used    []bool
}

// pick returns the first unused header the earliest matcher accepts, and
// marks it used.
func (g *guesser) pick(ms ...matcher) string {
	for _, m := range ms {
		for i, k := range g.keys {
			if !g.used[i] && k != "" && m(k) {
				g.used[i] = true
				return strings.TrimSpace(g.headers[i])
			}
		}
	}
	return ""
}

func (g *guesser) inHeaderOrder(names []string) []string {
	var out []string
	for _, h := range g.headers {
		for _, n := range names {
			if strings.TrimSpace(h) == n {
				out = append(out, n)
				break
			}
		}
	}
	return out
}

// key reduces a header to lower-case letters and digits: "Booking Date",
// "booking_date" and "BookingDate" all become "bookingdate".
func key(h string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, h)
}

var codeInHeader = regexp.MustCompile(`\b[A-Z]{3}\b`)

// currencyIn finds a currency named in a column header.
func currencyIn(h string) string {
	switch {
	case strings.Contains(h, "€"):
		return "EUR"
	case strings.Contains(h, "£"):
		return "GBP"
	}
	for _, code := range codeInHeader.FindAllString(h, -1) {
		if c, ok := money.Lookup(code); ok {
			return c.Code
		}
	}
	return ""
}
