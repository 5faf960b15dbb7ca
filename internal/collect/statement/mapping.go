package statement

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/tally-invoicing/tally/internal/money"
)

// SuggestMapping guesses a Mapping from a CSV header, knowing the column
// names common English, German, Dutch, French, Spanish, Italian and
// Portuguese bank exports use. The dashboard shows the guess for the
// merchant to correct before the first import. SuggestMappingFor does
// better with the preview's rows: it checks the names against the values
// and finds what a file without a header holds.
func SuggestMapping(headers []string) Mapping {
	return suggest(headers, nil, true)
}

// suggest guesses a mapping from the column labels and the first rows.
//
// Booking dates are preferred to value dates, one amount column to a
// credit/debit pair; every column that looks like remittance information
// becomes Text, in header order. A column whose values are all direction
// words (C/D, Af/Bij, S/H, ...) is the direction. Without a currency column
// the currency is taken from the amount's header ("Betrag (EUR)", "Amount
// €") if it names one, and left empty otherwise: the import then uses the
// merchant's currency and says so. The statement's own account (a column
// named so, or one with the same value on every row) is never the payer's.
func suggest(labels []string, rows [][]string, hasHeader bool) Mapping {
	prof := profile(len(labels), rows)
	if !hasHeader {
		return suggestByValues(labels, prof)
	}
	g := guesser{headers: labels, used: make([]bool, len(labels)), keys: make([]string, len(labels))}
	for i, h := range labels {
		// "Währung (column 5)" is a "Währung" for the guess.
		if m := labelWithColumn.FindStringSubmatch(fold(h)); m != nil {
			h = h[:strings.LastIndex(h, "(")]
		}
		g.keys[i] = key(h)
		g.raw = append(g.raw, strings.TrimSpace(h))
	}
	unseen := func(i int) bool { return prof[i].values == 0 }
	dates := func(i int) bool { return unseen(i) || prof[i].isDates() }
	amounts := func(i int) bool { return unseen(i) || prof[i].isAmounts() }
	codes := func(i int) bool { return unseen(i) || prof[i].isCodes() }
	var m Mapping
	// Most specific first, so that "Reference number" is an id before
	// "reference" can make it text, and "Valutadatum" is left over once
	// "Buchungstag" is the date.
	// A bare "ID" is left alone: some exports number rows 1, 2, 3 afresh in
	// every file, and a reused id would make a new payment look imported.
	m.ExternalID = g.pick(nil, exact("transactionid", "transaktionsid", "referencenumber", "refnumber", "bankreference", "transactionreference", "fitid"))
	m.Date = g.pick(dates,
		exact(bookingDates...),
		exact(valueDates...),
		contains("date", "datum", "fecha", "data"),
	)
	amountNames := exact("amount", "betrag", "montant", "umsatz", "importe", "bedrag", "transactionamount", "importo", "montante", "valor", "quantia", "transactiebedrag")
	m.Amount = g.pick(amounts, amountNames,
		prefix("amount", "betrag", "montant", "umsatz", "bedrag", "importe", "importo", "montante"),
	)
	if m.Amount == "" && !g.creditDebitPair() {
		// A column named just "Amount" is the amount even when the rows
		// shown hold typos ("3O0,00"): the import then names each of those
		// lines, which helps more than "choose the amount column".
		m.Amount = g.pick(nil, amountNames)
	}
	if m.Amount == "" {
		m.Credit = g.pick(amounts,
			exact("credit", "credits", "haben", "gutschrift", "eingang", "paidin", "moneyin", "deposit", "deposits", "crédit", "creditamount", "bij", "haber", "abono", "abonos", "ingresos", "entrate", "avere", "crédito", "credito"),
			prefix("credit", "haben", "gutschrift", "moneyin", "paidin", "crédit"),
		)
		if m.Credit != "" {
			m.Debit = g.pick(amounts,
				exact("debit", "debits", "soll", "lastschrift", "ausgang", "paidout", "moneyout", "withdrawal", "withdrawals", "débit", "debitamount", "af", "debe", "cargo", "cargos", "gastos", "uscite", "dare", "débito", "debito"),
				prefix("debit", "soll", "moneyout", "paidout", "débit"),
			)
		}
	} else {
		m.Direction = g.pickDirection(prof)
	}
	m.Currency = g.pick(codes, exact("currency", "währung", "waehrung", "devise", "ccy", "currencycode", "monnaie", "moneda", "valutacode", "muntsoort", "munt", "divisa", "moeda"))
	if m.Currency == "" {
		// In Italian "Valuta" is the currency, in German the value date:
		// only the values tell.
		m.Currency = g.pick(func(i int) bool { return prof[i].values > 0 && prof[i].isCodes() }, exact("valuta"), func(string) bool { return true })
	}
	if m.Currency == "" {
		m.FixedCurrency = currencyIn(m.Amount + " " + m.Credit)
	}
	payerAccount := func(i int) bool {
		return !ownAccount(g.keys[i]) && (prof[i].values < 2 || !prof[i].constant())
	}
	m.PayerAccount = g.pick(payerAccount,
		exact("payeriban", "payeraccount", "counterpartyiban", "counterpartyaccount", "counterpartyaccountnumber", "tegenrekening", "tegenrekeningibanbban",
			"ibanzahlungsbeteiligter", "kontonummeriban", "gegenkonto", "ibandutiers", "comptedutiers", "ibantiers", "comptetiers", "cuentacontraparte", "ibanordenante",
			"ibancontraparte", "ibanbeneficiarioordenante", "ibanordinante", "contocontroparte", "ibancontroparte", "contacontraparte", "iban"),
		contains("tegenrekening", "iban", "kontonummer", "gegenkonto"),
		func(k string) bool {
			return (strings.Contains(k, "account") || strings.Contains(k, "cuenta") || strings.Contains(k, "conto") || strings.Contains(k, "conta") || strings.Contains(k, "compte")) &&
				(strings.Contains(k, "counterpart") || strings.Contains(k, "contrapart") || strings.Contains(k, "controparte") || strings.Contains(k, "tiers") || strings.Contains(k, "payer"))
		},
		exact("accountnumber", "account"),
	)
	m.PayerName = g.pick(nil,
		exact("name", "payer", "payername", "counterparty", "counterpartyname", "auftraggeber", "zahlungspflichtiger", "beguenstigterzahlungspflichtiger", "begünstigterzahlungspflichtiger",
			"auftraggeberempfänger", "namezahlungsbeteiligter", "naamomschrijving", "naamtegenpartij", "naam", "nametiers", "nomdutiers", "nomtiers", "tiers", "contrepartie",
			"beneficiarioordenante", "ordenante", "nombreordenante", "ordinante", "nomeordinante", "beneficiario", "contraparte", "controparte", "nomecontraparte", "nome", "nombre"),
		contains("payer", "counterparty", "auftraggeber", "zahlungspflichtig", "beguenstigter", "begünstigter", "empfänger", "zahlungsbeteiligter", "tegenpartij",
			"ordenante", "ordinante", "tiers", "contraparte", "controparte", "name", "naam"),
		// Some banks call the other party "payee" whichever way money went.
		exact("payee"),
	)
	for {
		t := g.pick(nil,
			exact("description", "reference", "memo", "verwendungszweck", "remittanceinformation", "remittance", "paymentreference", "purpose", "details", "narrative",
				"libellé", "libelle", "mitteilung", "betreff", "concepto", "omschrijving", "mededelingen", "mededeling", "détail", "detail", "informationscomplémentaires",
				"descripción", "descripcion", //nolint:misspell // Spanish, as banks write it without the accent
				"observaciones", "referencia", "descrizione", "descrizioneoperazione", "descrição", "descricao", "descritivo", "referência"),
			contains("verwendungszweck", "remittance", "description", "reference", "memo", "libellé", "purpose", "omschrijving", "mededeling", "concepto", "descrizione", "descrição", "descripción"),
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

// Header names of booking dates, preferred to value dates.
var bookingDates = []string{
	"bookingdate", "bookeddate", "buchungstag", "buchungsdatum", "postingdate", "posteddate", "postdate", "transactiondate", "date", "datum",
	"dateopération", "dateoperation", "datedopération", "datedoperation", "datecomptable", "datedelopération",
	"fecha", "fechaoperación", "fechaoperacion", "fechadeoperación", "fechadeoperacion", "foperativa", "fechaoperativa", "fechacontable",
	"datumboeking", "boekdatum", "boekingsdatum", "transactiedatum",
	"datacontabile", "dataoperazione", "datadioperazione", "datareg", "dataregistrazione",
	"datamovimento", "datalançamento", "datalancamento", "datadomovimento", "datadelançamento", "data",
}

// Header names of value dates, used when there is no booking date.
var valueDates = []string{
	"valutadatum", "valuta", "valuedate", "wertstellung", "wertstellungsdatum", "datevaleur", "datedevaleur", "fechavalor", "fvalor",
	"datavaluta", "datavalor", "rentedatum",
}

// ownAccount reports a header that names the statement's own account, never
// the payer's.
func ownAccount(k string) bool {
	switch k {
	case "rekening", "rekeningnummer", "kontonummer", "konto", "auftragskonto", "ownaccount", "myaccount", "numérodecompte", "numerodecompte",
		"cuenta", "numerocuenta", "conto", "numeroconto", "conta", "numeroconta", "ibanauftragskonto", "ibankonto", "accountiban":
		return true
	}
	return strings.Contains(k, "auftragskonto")
}

// suggestByValues guesses the mapping of a file without a header from what
// its columns hold: the first date column, the amount (a signed one over
// balances), a direction, a currency, an IBAN that is not the same on every
// row, and the longest text.
func suggestByValues(labels []string, prof []colProfile) Mapping {
	var m Mapping
	used := make([]bool, len(labels))
	take := func(i int) string { used[i] = true; return labels[i] }
	for i, c := range prof {
		if c.values > 0 && c.isDates() {
			m.Date = take(i)
			break
		}
	}
	amount := -1
	for i, c := range prof {
		if used[i] || c.values == 0 || !c.isAmounts() || c.isDates() || c.constant() || c.decimals == 0 {
			continue
		}
		if amount < 0 || (c.signed && !prof[amount].signed) {
			amount = i
		}
	}
	if amount >= 0 {
		m.Amount = take(amount)
		for i, c := range prof {
			if !used[i] && c.isDirection() {
				m.Direction = take(i)
				break
			}
		}
	}
	for i, c := range prof {
		if !used[i] && c.values > 0 && c.isCodes() {
			m.Currency = take(i)
			break
		}
	}
	for i, c := range prof {
		if !used[i] && c.values > 0 && c.ibans == c.values && !c.constant() {
			m.PayerAccount = take(i)
			break
		}
	}
	text, longest := -1, 0
	for i, c := range prof {
		if used[i] || c.values == 0 || c.isDates() || c.isAmounts() || c.constant() {
			continue
		}
		if avg := c.length / c.values; avg > longest {
			text, longest = i, avg
		}
	}
	if text >= 0 {
		m.Text = []string{take(text)}
	}
	return m
}

// colProfile is what a column's values in the preview look like.
type colProfile struct {
	values                       int // non-empty
	dates, amounts, codes, ibans int
	decimals                     int // amounts with decimals
	signed                       bool
	tokens                       int // direction words
	in, out, wordOut             bool
	first                        string
	varies                       bool
	length                       int
}

func (c colProfile) isDates() bool   { return c.dates*2 > c.values }
func (c colProfile) isAmounts() bool { return c.amounts*2 > c.values }
func (c colProfile) isCodes() bool   { return c.codes == c.values }
func (c colProfile) constant() bool  { return c.values >= 2 && !c.varies }

// isDirection reports a column of direction words only; a column of bare
// "-" may be a placeholder, so signs count only when both are there.
func (c colProfile) isDirection() bool {
	return c.values > 0 && c.tokens == c.values && (c.wordOut || c.in && c.out || c.in && !c.out && c.first != "+")
}

var ibanShape = regexp.MustCompile(`^[A-Z]{2}[0-9]{2}[A-Z0-9]{10,30}$`)

func profile(width int, rows [][]string) []colProfile {
	prof := make([]colProfile, width)
	for _, row := range rows {
		for i, cell := range row {
			if i >= width {
				break
			}
			cell = strings.TrimSpace(cell)
			if cell == "" {
				continue
			}
			c := &prof[i]
			if c.values == 0 {
				c.first = cell
			} else if cell != c.first {
				c.varies = true
			}
			c.values++
			c.length += len(cell)
			if isDateCell(cell, "") {
				c.dates++
			}
			if isAmountCell(cell) {
				c.amounts++
				if separatorEvidence(cell) != 0 || strings.ContainsAny(cell, ".,") {
					c.decimals++
				}
				if strings.ContainsAny(cell, "+-−") {
					c.signed = true
				}
			}
			if cur, ok := money.Lookup(cell); ok && cur.Code == strings.ToUpper(cell) && len(cell) == 3 {
				c.codes++
			}
			if ibanShape.MatchString(strings.ReplaceAll(cell, " ", "")) {
				c.ibans++
			}
			if in, ok := direction(cell); ok {
				c.tokens++
				if in {
					c.in = true
				} else {
					c.out = true
					c.wordOut = c.wordOut || !isSymbolDirection(cell)
				}
			}
		}
	}
	return prof
}

// pickDirection finds the direction column: one named like it, or any
// whose values are all direction words.
func (g *guesser) pickDirection(prof []colProfile) string {
	// A column named like a direction column is one when at least half its
	// values say in or out: the rest ("Weg", a typo) are then refused by
	// the import, naming their lines, instead of read as money in.
	fits := func(i int) bool {
		return prof[i].values == 0 || prof[i].isDirection() || prof[i].tokens*2 >= prof[i].values
	}
	byName := func(k string) bool {
		switch k {
		case "afbij", "bijaf", "creditdebit", "debitcredit", "creditdebet", "debetcredit", "dc", "cd", "sh", "hs", "sollhaben", "habensoll",
			"crdr", "drcr", "dbcr", "direction", "richting", "cdindicator", "creditdebitindicator", "debitocredito", "dareavere", "cargoabono":
			return true
		}
		return false
	}
	for i := range g.keys {
		if !g.used[i] && fits(i) && (byName(g.keys[i]) || isSignHeader(g.raw[i])) {
			g.used[i] = true
			return strings.TrimSpace(g.headers[i])
		}
	}
	for i := range g.keys {
		if !g.used[i] && prof[i].values > 0 && prof[i].isDirection() {
			g.used[i] = true
			return strings.TrimSpace(g.headers[i])
		}
	}
	return ""
}

// isSignHeader reports a header such as "+/-" or "D/C" that has no letters
// to make a key of, or too few.
func isSignHeader(h string) bool {
	switch strings.ReplaceAll(h, " ", "") {
	case "+/-", "-/+", "+-", "Af/Bij", "D/C", "C/D", "S/H", "H/S":
		return true
	}
	return false
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
	headers []string // the labels the mapping names
	raw     []string // the names without a "(column N)" suffix
	keys    []string
	used    []bool
}

// creditDebitPair reports a header with a money-in column by name, which
// makes a column merely called "amount" unlikely to be the signed amount.
func (g *guesser) creditDebitPair() bool {
	for i, k := range g.keys {
		if !g.used[i] && (k == "credit" || k == "credits" || k == "haben" || k == "paidin" || k == "moneyin" || k == "bij" || k == "gutschrift") {
			return true
		}
	}
	return false
}

// pick returns the first unused header the earliest matcher accepts and
// whose values fit (fits may be nil), and marks it used.
func (g *guesser) pick(fits func(i int) bool, ms ...matcher) string {
	for _, m := range ms {
		for i, k := range g.keys {
			if !g.used[i] && k != "" && m(k) && (fits == nil || fits(i)) {
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
