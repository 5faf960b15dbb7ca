package statement

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"

	"github.com/shopspring/decimal"
)

// Mapping tells ParseCSV which columns of a bank's CSV export hold what.
// Columns are named by their header text; case and spaces do not matter.
// It is saved per merchant after the dashboard's mapping step.
type Mapping struct {
	Date string // booking date column
	// Amount is a signed amount column. Banks that split money in and out
	// map Credit (and optionally Debit) instead.
	Amount        string
	Credit, Debit string
	// Currency is the currency column. FixedCurrency is used when there is
	// no such column, and for rows that leave it empty.
	Currency      string
	FixedCurrency string
	Text          []string // remittance information, joined with " " in this order
	PayerName     string   // optional
	PayerAccount  string   // optional
	// ExternalID is a column with the bank's own transaction id, if the
	// export has one. It must be unique across all of the account's
	// statements, not just within one file: a value seen before makes the
	// payment count as already imported. Duplicates within a file are
	// rejected.
	ExternalID string
	// DateFormat is a Go layout such as "02.01.2006". When empty, ISO dates
	// (2024-03-31, also with a time), 31.03.2024, 31.03.24, 31-03-2024,
	// 2024/03/31 and 20240331 are read; slash dates (03/04/2024) are
	// day-first or month-first as the file's other dates prove, and the file
	// is rejected when none of them has a day above 12, since 3 April and
	// March 4 cannot be told apart.
	DateFormat string
	// Direction is a column saying whether each row is money in or out
	// ("C"/"D", "CR"/"DR", "Credit"/"Debit", "Bij"/"Af", "H"/"S",
	// "Haben"/"Soll", "+"/"-", ...). With it the amount column is unsigned;
	// a row whose direction cannot be told is refused, never guessed.
	Direction string `json:",omitempty"`
	// HasHeader is false for a file whose first row is data; its columns
	// are then named "Column 1", "Column 2", ... nil means detect it.
	HasHeader *bool `json:",omitempty"`
	// DecimalComma makes ',' the decimal separator ("1.234,56"). When false
	// the file decides: its amounts vote ("1.234,56" and "12,5" for a comma,
	// "1,234.56" and "12.5" for a point; "1,234" proves nothing) and the
	// majority wins; a file with no evidence uses a point.
	DecimalComma bool
}

const (
	headerSearchRows = 30 // a header may follow a few lines about the account
	previewRows      = 20
	previewBytes     = 1 << 20
)

// ParseCSV reads a bank's CSV export. The delimiter (comma, semicolon or
// tab) is detected, a byte order mark is dropped, and Windows-1252 files
// are read as such. The header is the first of the first 30 rows that has
// every mapped column, so account details above it are ignored.
//
// Rows with a negative or zero amount, or with money only in the debit
// column, are skipped: money going out is not a collection. They are checked
// only as far as needed to know that. Blank rows are ignored.
//
// Every other row must have a date, a positive amount with no more
// decimals than its currency allows, and a known currency; otherwise the
// whole file is rejected with a *Errors.
func ParseCSV(r io.Reader, m Mapping) ([]Line, error) {
	src, err := seekable(r, MaxFileSize)
	if err != nil {
		return nil, err
	}
	f, err := OpenCSV(src, m)
	if err != nil {
		return nil, err
	}
	return f.all()
}

// OpenCSV reads a CSV export as ParseCSV does, streaming, and returns it
// once every row is known to be good; File.Each then reads its lines again
// from src. A file is read a few times over (its encoding, the decimal
// separator and date order its rows vote for, the rows themselves), each
// time holding one row at a time, so src should be a file rather than
// memory when it is large.
func OpenCSV(src io.ReadSeeker, m Mapping) (*File, error) {
	if err := checkSize(src, MaxFileSize); err != nil {
		return nil, err
	}
	enc, start, err := sniffText(src)
	if err != nil {
		return nil, err
	}
	var c collector
	m.check(&c)
	if len(c.errs) > 0 {
		return nil, c.err()
	}
	in := csvInput{src: src, enc: enc, start: start}
	if in.comma, err = in.delimiter(); err != nil {
		return nil, err
	}

	// First pass: the header, and the votes for the decimal separator and
	// the order of slash dates.
	p := csvParser{m: m, c: &c}
	var (
		first   []record // the rows the header is searched among
		settled bool
		h       int
		rows    int
		v       votes
	)
	row := func(rec record) {
		if blank(rec.cells) {
			return
		}
		rows++
		v.add(&p, rec)
	}
	settle := func() {
		settled = true
		h, p.cols = findHeader(first, m, &c)
		if h+1 < len(first) {
			for _, rec := range first[h+1:] {
				row(rec)
			}
		}
		first = nil
	}
	more := false
	err = in.records(func(n int, rec record) error {
		if n == MaxLines+headerSearchRows+1 {
			more = true
			return errStop
		}
		if settled {
			row(rec)
			return nil
		}
		first = append(first, rec)
		if len(first) == headerSearchRows {
			settle()
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if more {
		return nil, tooManyLines()
	}
	if !settled {
		settle()
	}
	if len(c.errs) > 0 {
		return nil, c.err()
	}
	if rows > MaxLines {
		return nil, tooManyLines()
	}
	p.decideSeparator(&v)
	if !p.decideDateOrder(&v) {
		return nil, c.err()
	}

	// Second pass: every row, for its errors; the lines are read in a third,
	// once the file is known to be good.
	if err := in.rows(h, &p, nil); err != nil {
		return nil, err
	}
	if len(c.errs) > 0 {
		return nil, c.err()
	}
	f := &File{scan: func(emit func(Line) error) error {
		p.c = &collector{}
		return in.rows(h, &p, emit)
	}}
	f.lines = p.lines
	return f, nil
}

// csvInput is a CSV file to read from its start, decoded to UTF-8.
type csvInput struct {
	src   io.ReadSeeker
	enc   textEncoding
	start int64
	comma rune
}

func (in *csvInput) text() (io.Reader, error) {
	if err := rewind(in.src, in.start); err != nil {
		return nil, err
	}
	return in.enc.decoder(in.src), nil
}

// delimiter runs detectDelimiter on the first lines of the file.
func (in *csvInput) delimiter() (rune, error) {
	r, err := in.text()
	if err != nil {
		return 0, err
	}
	br := bufio.NewReaderSize(r, 64<<10)
	var lines []string
	for len(lines) < headerSearchRows {
		line, err := br.ReadString('\n')
		if line != "" && strings.TrimSpace(line) != "" {
			lines = append(lines, line)
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return 0, fmt.Errorf("read statement: %w", err)
		}
	}
	return delimiterOf(lines), nil
}

// records calls fn with each record of the file and its index; fn may end
// the reading early with errStop.
func (in *csvInput) records(fn func(n int, rec record) error) error {
	r, err := in.text()
	if err != nil {
		return err
	}
	cr := csv.NewReader(bufio.NewReaderSize(r, 64<<10))
	cr.Comma = in.comma
	cr.FieldsPerRecord = -1
	// Strict quotes: a lenient reader would swallow the rows after a stray
	// quote into one cell, and those payments would vanish without a word.
	cr.LazyQuotes = false
	for n := 0; ; n++ {
		cells, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return &Errors{{Line: pe.StartLine, Reason: quoteReason(pe)}}
			}
			return fmt.Errorf("read csv: %w", err)
		}
		line, _ := cr.FieldPos(0)
		if err := fn(n, record{line: line, cells: cells}); err != nil {
			if errors.Is(err, errStop) {
				return nil
			}
			return err
		}
	}
}

// rows reads the data rows below the header at index h. With emit nil it
// only collects their errors; otherwise it passes on each good line with
// its external id settled.
func (in *csvInput) rows(h int, p *csvParser, emit func(Line) error) error {
	p.ids = map[digest]int{}
	p.lines = 0
	hashes := hashIDs{}
	return in.records(func(n int, rec record) error {
		if n <= h || blank(rec.cells) {
			return nil
		}
		if p.c.full {
			return errStop
		}
		l, id, ok := p.row(rec)
		if !ok {
			return nil
		}
		p.lines++
		if emit == nil {
			return nil
		}
		l.ExternalID = id
		if id == "" {
			l.ExternalID = hashes.next(identity(&l))
		}
		return emit(l)
	})
}

// Preview returns the header and up to 20 rows of a CSV export, read the
// same way ParseCSV reads it, for the dashboard's mapping step. It reads at
// most the first megabyte. The header is the first of the first 30 rows
// with the most non-empty cells, which skips lines about the account above
// it.
func Preview(r io.Reader) (headers []string, rows [][]string, err error) {
	data, err := io.ReadAll(io.LimitReader(r, previewBytes))
	if err != nil {
		return nil, nil, fmt.Errorf("read statement: %w", err)
	}
	if len(data) == previewBytes {
		// Cut at a line end so a partial character is not taken for Windows-1252.
		if i := strings.LastIndexByte(string(data), '\n'); i > 0 {
			data = data[:i+1]
		}
	}
	records, _, err := readRecords(decodeText(data), headerSearchRows+previewRows+1)
	var errs *Errors
	if errors.As(err, &errs) && len(records) > 1 {
		err = nil // show what could be read; ParseCSV will report the line
	}
	if err != nil {
		return nil, nil, err
	}
	if len(records) == 0 {
		return nil, nil, fileError(nil, "the file is empty")
	}
	h, most := 0, -1
	for i, rec := range records[:min(len(records), headerSearchRows)] {
		if n := filled(rec.cells); n > most {
			h, most = i, n
		}
	}
	headers = trimAll(records[h].cells)
	for _, rec := range records[h+1:] {
		if len(rows) == previewRows {
			break
		}
		if !blank(rec.cells) {
			rows = append(rows, trimAll(rec.cells))
		}
	}
	return headers, rows, nil
}

// check reports a mapping that cannot work, whatever the file.
func (m Mapping) check(c *collector) {
	if strings.TrimSpace(m.Date) == "" {
		c.add(0, "mapping.date", "choose the column with the booking date")
	}
	hasAmount, hasCredit := strings.TrimSpace(m.Amount) != "", strings.TrimSpace(m.Credit) != ""
	switch {
	case hasAmount && (hasCredit || strings.TrimSpace(m.Debit) != ""):
		c.add(0, "mapping.amount", "choose either an amount column or credit and debit columns, not both")
	case !hasAmount && !hasCredit:
		c.add(0, "mapping.amount", "choose the amount column, or the credit column if money in and out are in two columns")
	}
	if strings.TrimSpace(m.Currency) == "" {
		if strings.TrimSpace(m.FixedCurrency) == "" {
			c.add(0, "mapping.currency", "choose the currency column, or the currency of the whole file")
		}
	}
	if fc := strings.TrimSpace(m.FixedCurrency); fc != "" {
		if _, field, reason := checkAmount(decimal.Zero, "", fc); field != "" {
			c.add(0, "mapping.fixedCurrency", "%s", reason)
		}
	}
	if m.DateFormat != "" {
		// A layout that prints a date it cannot read back has no date in it.
		probe := time.Date(2024, 3, 31, 0, 0, 0, 0, time.UTC)
		if t, err := time.Parse(m.DateFormat, probe.Format(m.DateFormat)); err != nil || !t.Equal(probe) {
			c.add(0, "mapping.dateFormat", "%q is not a date layout; write 31 March 2024 the way the file does, e.g. 31.03.2024 becomes 02.01.2006", m.DateFormat)
		}
	}
}

type record struct {
	line  int // the line the record starts on
	cells []string
}

func (r record) cell(i int) string {
	if i < 0 || i >= len(r.cells) {
		return ""
	}
	return strings.TrimSpace(r.cells[i])
}

// readRecords reads up to limit records; more says whether there were more.
func readRecords(text string, limit int) (records []record, more bool, err error) {
	cr := csv.NewReader(strings.NewReader(text))
	cr.Comma = detectDelimiter(text)
	cr.FieldsPerRecord = -1
	// Strict quotes: a lenient reader would swallow the rows after a stray
	// quote into one cell, and those payments would vanish without a word.
	cr.LazyQuotes = false
	for {
		cells, err := cr.Read()
		if err == io.EOF {
			return records, false, nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return records, false, &Errors{{Line: pe.StartLine, Reason: quoteReason(pe)}}
			}
			return records, false, fmt.Errorf("read csv: %w", err)
		}
		if len(records) == limit {
			return records, true, nil
		}
		line, _ := cr.FieldPos(0)
		records = append(records, record{line: line, cells: cells})
	}
}

func quoteReason(pe *csv.ParseError) string {
	switch {
	case errors.Is(pe.Err, csv.ErrQuote) && pe.Line != pe.StartLine:
		return "a quoted cell starts on this line and is never closed; check its quotes"
	case errors.Is(pe.Err, csv.ErrQuote):
		return fmt.Sprintf("a quote in column %d is not closed properly; a quote inside a quoted cell is written twice (\"\")", pe.Column)
	case errors.Is(pe.Err, csv.ErrBareQuote):
		return fmt.Sprintf("a quote (\") in column %d is inside a cell that is not quoted; quote the cell and write the quote twice", pe.Column)
	}
	return pe.Err.Error()
}

// detectDelimiter picks the candidate that splits the first lines most
// consistently: the same count on most lines beats a high count on some,
// which is what sets "1.234,56" in a semicolon file apart from its columns.
func detectDelimiter(text string) rune {
	var lines []string
	for line := range strings.Lines(text) {
		if strings.TrimSpace(line) != "" {
			lines = append(lines, line)
		}
		if len(lines) == headerSearchRows {
			break
		}
	}
	return delimiterOf(lines)
}

// delimiterOf is detectDelimiter on the first non-blank lines of a file.
func delimiterOf(lines []string) rune {
	best, bestFreq, bestCount := ',', 0, 0
	for _, d := range []rune{',', ';', '\t'} {
		freq := map[int]int{}
		for _, line := range lines {
			if n := countOutsideQuotes(line, d); n > 0 {
				freq[n]++
			}
		}
		for n, f := range freq {
			if f > bestFreq || (f == bestFreq && n > bestCount) {
				best, bestFreq, bestCount = d, f, n
			}
		}
	}
	return best
}

func countOutsideQuotes(line string, d rune) int {
	n, quoted := 0, false
	for _, r := range line {
		switch {
		case r == '"':
			quoted = !quoted
		case r == d && !quoted:
			n++
		}
	}
	return n
}

// fold is how header names are compared.
func fold(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return unicode.ToLower(r)
	}, s)
}

type columns struct {
	date, amount, credit, debit, currency, payerName, payerAccount, externalID int
	text                                                                       []int
}

// findHeader returns the index of the header record and the mapped columns.
func findHeader(records []record, m Mapping, c *collector) (int, columns) {
	type want struct {
		field, name string
		dst         *int
	}
	var cols columns
	wants := []want{
		{"mapping.date", m.Date, &cols.date},
		{"mapping.amount", m.Amount, &cols.amount},
		{"mapping.credit", m.Credit, &cols.credit},
		{"mapping.debit", m.Debit, &cols.debit},
		{"mapping.currency", m.Currency, &cols.currency},
		{"mapping.payerName", m.PayerName, &cols.payerName},
		{"mapping.payerAccount", m.PayerAccount, &cols.payerAccount},
		{"mapping.externalID", m.ExternalID, &cols.externalID},
	}
	cols.text = make([]int, len(m.Text))
	for i, t := range m.Text {
		wants = append(wants, want{fmt.Sprintf("mapping.text[%d]", i), t, &cols.text[i]})
	}

	best, bestFound := -1, -1
	for i, rec := range records[:min(len(records), headerSearchRows)] {
		index := map[string][]int{}
		for j, h := range rec.cells {
			index[fold(h)] = append(index[fold(h)], j)
		}
		found := 0
		for _, w := range wants {
			if fold(w.name) == "" || len(index[fold(w.name)]) > 0 {
				found++
			}
		}
		if found > bestFound {
			best, bestFound = i, found
		}
	}
	if best < 0 {
		c.add(0, "", "the file is empty")
		return 0, cols
	}
	header := records[best]
	index := map[string][]int{}
	for j, h := range header.cells {
		index[fold(h)] = append(index[fold(h)], j)
	}
	for _, w := range wants {
		*w.dst = -1
		if fold(w.name) == "" {
			continue
		}
		switch at := index[fold(w.name)]; len(at) {
		case 0:
			c.add(0, w.field, "there is no column %q in the header (%s)", w.name, strings.Join(trimAll(header.cells), ", "))
		case 1:
			*w.dst = at[0]
		default:
			c.add(0, w.field, "the header has %d columns named %q; rename one in the file", len(at), w.name)
		}
	}
	return best, cols
}

type csvParser struct {
	m    Mapping
	cols columns
	c    *collector
	ids  map[digest]int // explicit external ids seen, by line

	lines int // good lines read so far

	dec       rune   // decimal separator
	decSource string // where an auto-detected separator was proven, for hints
	order     byte   // slash dates: 'd' day first, 'm' month first
}

func (p *csvParser) amountCells(row record) []string {
	return []string{row.cell(p.cols.amount), row.cell(p.cols.credit), row.cell(p.cols.debit)}
}

// votes is what the rows of a file say about its decimal separator and
// the order of its slash dates, gathered one row at a time.
type votes struct {
	sep      map[rune]int
	sepFirst map[rune]string // where each separator was first proven
	order    map[byte]int
	// The first slash date that could be either order, in case no date
	// settles it.
	ambiguousLine int
	ambiguous     string
}

func (v *votes) add(p *csvParser, row record) {
	if v.sep == nil {
		v.sep, v.sepFirst, v.order = map[rune]int{}, map[rune]string{}, map[byte]int{}
	}
	for _, cell := range p.amountCells(row) {
		if e := separatorEvidence(cell); e != 0 {
			v.sep[e]++
			if v.sepFirst[e] == "" {
				v.sepFirst[e] = fmt.Sprintf("line %d: %q", row.line, cell)
			}
		}
	}
	cell := row.cell(p.cols.date)
	if o := slashOrder(cell); o != 0 {
		v.order[o]++
	} else if v.ambiguousLine == 0 && slashDate.MatchString(cell) {
		v.ambiguousLine, v.ambiguous = row.line, cell
	}
}

// decideSeparator settles the decimal separator for the whole file.
func (p *csvParser) decideSeparator(v *votes) {
	if p.m.DecimalComma {
		p.dec = ','
		return
	}
	p.dec = '.'
	if v.sep[','] > v.sep['.'] {
		p.dec = ','
	}
	p.decSource = v.sepFirst[p.dec]
}

// decideDateOrder settles whether slash dates are day-first. It reports
// false, with an error, when the file cannot tell.
func (p *csvParser) decideDateOrder(v *votes) bool {
	if p.m.DateFormat != "" {
		return true
	}
	switch {
	case v.order['d'] > 0 || v.order['m'] > 0:
		p.order = 'd'
		if v.order['m'] > v.order['d'] {
			p.order = 'm'
		}
	case v.ambiguousLine > 0:
		p.c.add(v.ambiguousLine, "date", "%q could be day first or month first, and no date in the file has a day above 12; set the date format in the mapping to 02/01/2006 (day first) or 01/02/2006 (month first)", v.ambiguous)
		return false
	}
	return true
}

// row reads one data row. ok is false for a skipped or bad row; errors go
// to the collector.
func (p *csvParser) row(row record) (l Line, externalID string, ok bool) {
	amount, field, amountText, keep := p.amount(row)
	if !keep {
		return Line{}, "", false
	}
	l = Line{No: row.line, Amount: amount}
	errsBefore := len(p.c.errs)

	if cell := row.cell(p.cols.date); cell == "" {
		p.c.add(row.line, "date", "the date is empty")
	} else if t, err := parseDate(cell, p.m.DateFormat, p.order); err != nil {
		p.c.add(row.line, "date", "%q %v", cell, err)
	} else if !plausible(t) {
		p.c.add(row.line, "date", "%q is not a plausible booking date", cell)
	} else {
		l.BookedAt = t
	}

	code := row.cell(p.cols.currency)
	if code == "" {
		code = strings.TrimSpace(p.m.FixedCurrency)
	}
	if cur, f, reason := checkAmount(amount, amountText, code); f != "" {
		if f == "amount" {
			f = field // "credit" when the money is in the credit column
		}
		p.c.add(row.line, f, "%s", reason)
	} else {
		l.Currency = cur
	}

	var text []string
	for _, i := range p.cols.text {
		if t := row.cell(i); t != "" {
			text = append(text, t)
		}
	}
	l.Text = strings.Join(text, " ")
	l.PayerName = row.cell(p.cols.payerName)
	l.PayerAccount = row.cell(p.cols.payerAccount)

	if id := row.cell(p.cols.externalID); id != "" {
		if len(id) > MaxExternalIDLength {
			p.c.add(row.line, "external id", "is %d characters long, at most %d are allowed; map another column or none", len(id), MaxExternalIDLength)
		} else if prev, dup := p.ids[digestOf(id)]; dup {
			p.c.add(row.line, "external id", "%q is also on line %d; map a column that is unique for every payment, or none", id, prev)
		} else {
			p.ids[digestOf(id)] = row.line
			externalID = id
		}
	}
	return l, externalID, len(p.c.errs) == errsBefore
}

// amount reads the money a row received. keep is false for rows that are
// skipped (outgoing or zero) or whose amount is unreadable; field names the
// column the amount came from.
func (p *csvParser) amount(row record) (d decimal.Decimal, field, text string, keep bool) {
	if p.cols.amount >= 0 {
		text = row.cell(p.cols.amount)
		if text == "" {
			p.c.add(row.line, "amount", "the amount is empty")
			return d, "", "", false
		}
		d, ok := p.number(row, "amount", text)
		return d, "amount", text, ok && d.Sign() > 0
	}
	credit, debit := row.cell(p.cols.credit), row.cell(p.cols.debit)
	var c, db decimal.Decimal
	okC, okD := true, true
	if credit != "" {
		c, okC = p.number(row, "credit", credit)
	}
	if debit != "" {
		db, okD = p.number(row, "debit", debit)
	}
	switch {
	case !okC || !okD:
		return d, "", "", false
	case c.Sign() < 0:
		p.c.add(row.line, "credit", "%q is negative; money going out belongs in the debit column", credit)
		return d, "", "", false
	case c.Sign() > 0 && !db.IsZero():
		p.c.add(row.line, "credit", "both credit (%q) and debit (%q) have an amount; a row is one or the other", credit, debit)
		return d, "", "", false
	}
	return c, "credit", credit, c.Sign() > 0
}

func (p *csvParser) number(row record, field, text string) (decimal.Decimal, bool) {
	d, err := parseAmount(text, p.dec)
	if err == nil {
		return d, true
	}
	hint := amountHint(p.dec)
	if p.decSource != "" {
		sep := "point"
		if p.dec == ',' {
			sep = "comma"
		}
		hint = fmt.Sprintf("this file uses a decimal %s (%s), so %s", sep, p.decSource, hint)
	}
	p.c.add(row.line, field, "%q is not a number; %s", text, hint)
	return decimal.Decimal{}, false
}

func filled(cells []string) int {
	n := 0
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			n++
		}
	}
	return n
}

func trimAll(cells []string) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = strings.TrimSpace(c)
	}
	return out
}
