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

// Notices OpenCSV gives.
const noticeNoHeader = "The file has no header row; columns are named by position."

// ParseCSV reads a bank's CSV export. The delimiter (comma, semicolon, tab
// or bar) is detected, a byte order mark is dropped, and Windows-1252 files
// are read as such. The header is found by what follows it: the rows below
// it have its shape and hold dates and amounts, so account details above it
// are skipped; a file whose first row already holds a date and an amount has
// no header and its columns are named "Column 1", "Column 2", ...
//
// Rows with a negative or zero amount, with money only in the debit column,
// or that the direction column says are money out, are skipped: money going
// out is not a collection. They are checked only as far as needed to know
// that. Blank rows are ignored, and so are the rows after the last
// transaction that have no date (totals, footnotes).
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
//
// A mapping that reads an unsigned amount column as money in, while another
// column says of every row whether it is in or out, is refused: every debit
// would become a payment. Map that column as Direction.
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

	// First pass: the table's place, and the votes for the decimal
	// separator and the order of slash dates.
	p := csvParser{m: m, c: &c}
	var (
		first   []record // the rows the header is searched among
		settled bool
		t       table
		rows    int
		v       votes
	)
	row := func(n int, rec record) {
		if n < t.start || blank(rec.cells) {
			return
		}
		rows++
		v.add(&p, rec)
	}
	settle := func() {
		settled = true
		t = locate(first, m, in.comma, &c)
		p.cols, p.labels, in.labels = t.cols, t.labels, t.labels
		for n, rec := range first {
			row(n, rec)
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
			row(n, rec)
			return nil
		}
		first = append(first, rec)
		if len(first) == headerSearchRows {
			settle()
		}
		return nil
	})
	if err != nil {
		if !settled {
			settle() // to name the columns in the error
		}
		return nil, in.explain(err)
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
	p.checkDirection(&v)
	if len(c.errs) > 0 {
		return nil, c.err()
	}

	// Second pass: every row, for its errors and the footnotes after the
	// data; the lines are read in a third, once the file is known to be good.
	tail, after, err := in.check(t.start, &p)
	if err != nil {
		return nil, err
	}
	if len(c.errs) > 0 {
		return nil, c.err()
	}
	f := &File{Format: FormatCSV, Outgoing: p.outgoing, Notices: t.notices}
	for _, s := range append(t.skipped, after...) {
		if len(f.Skipped) == maxSkipped {
			break
		}
		f.Skipped = append(f.Skipped, s)
	}
	f.scan = func(emit func(Line) error) error {
		p.c = &collector{}
		return in.emit(t.start, tail, &p, emit)
	}
	f.lines = p.lines
	return f, nil
}

// csvInput is a CSV file to read from its start, decoded to UTF-8.
type csvInput struct {
	src    io.ReadSeeker
	enc    textEncoding
	start  int64
	comma  rune
	labels []string // the columns' names, once known, for errors
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
	for nonBlank := 0; nonBlank < headerSearchRows; {
		line, err := br.ReadString('\n')
		lines = append(lines, line)
		if strings.TrimSpace(line) != "" {
			nonBlank++
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

// quoteError is a quote the CSV reader could not make sense of, kept with
// the record's text so that the cell can be named once the header is known.
type quoteError struct {
	pe   *csv.ParseError
	text string // the record's lines, from the one it starts on
}

func (e *quoteError) Error() string { return e.pe.Error() }

// explain turns a quoteError into the *Errors the user sees, naming the
// column; other errors pass through.
func (in *csvInput) explain(err error) error {
	var qe *quoteError
	if !errors.As(err, &qe) {
		return err
	}
	return quoteErrors(qe, in.comma, in.labels)
}

func quoteErrors(qe *quoteError, comma rune, labels []string) error {
	cell := cellAt(qe.text, qe.pe.Line-qe.pe.StartLine, qe.pe.Column, comma)
	return &Errors{{Line: qe.pe.StartLine, Reason: quoteReason(qe.pe, describeColumn(cell, labels))}}
}

// recordText returns lines from..to (1-based) of the file, for an error.
func (in *csvInput) recordText(from, to int) string {
	r, err := in.text()
	if err != nil {
		return ""
	}
	var b strings.Builder
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), MaxFileSize)
	for n := 1; n <= to && sc.Scan(); n++ {
		if n >= from {
			b.WriteString(sc.Text())
			b.WriteByte('\n')
		}
	}
	return b.String()
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
				return &quoteError{pe: pe, text: in.recordText(pe.StartLine, pe.Line)}
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

// check reads the data rows from index start for their errors. Rows with no
// date after the last row that has one are the file's footnotes: they are
// returned as skipped, and tail is the index of the first of them (-1 when
// there are none). The same rows in the middle of the data are errors.
func (in *csvInput) check(start int, p *csvParser) (tail int, skipped []Skipped, err error) {
	p.reset()
	var pending []record
	tail = -1
	overflow := false
	flush := func() {
		for _, rec := range pending {
			p.count(rec)
		}
		pending, tail = pending[:0], -1
	}
	err = in.records(func(n int, rec record) error {
		if n < start || blank(rec.cells) {
			return nil
		}
		if p.c.full {
			return errStop
		}
		if !overflow && !p.transactionLike(rec) {
			if len(pending) == 0 {
				tail = n
			}
			pending = append(pending, rec)
			if len(pending) > maxSkipped {
				// So many lines without a date are no footnote: the date
				// column is most likely the wrong one. Report them.
				flush()
				overflow = true
			}
			return nil
		}
		flush()
		p.count(rec)
		return nil
	})
	if err != nil {
		return 0, nil, in.explain(err)
	}
	for _, rec := range pending {
		skipped = append(skipped, skippedLine(rec, in.comma, skipAfterData))
	}
	return tail, skipped, nil
}

// emit passes on each good line of the data rows from index start, up to
// the footnotes at index tail (-1 for none), with its external id settled.
func (in *csvInput) emit(start, tail int, p *csvParser, emit func(Line) error) error {
	p.reset()
	hashes := hashIDs{}
	return in.explain(in.records(func(n int, rec record) error {
		if tail >= 0 && n >= tail {
			return errStop
		}
		if n < start || blank(rec.cells) {
			return nil
		}
		l, id, ok := p.row(rec)
		if !ok {
			return nil
		}
		l.ExternalID = id
		if id == "" {
			l.ExternalID = hashes.next(identity(&l))
		}
		return emit(l)
	}))
}

// table is where the data of a CSV file is and what its columns are.
type table struct {
	start   int      // index of the first data record
	labels  []string // the columns' names: the header's, or Column 1, ...
	cols    columns
	skipped []Skipped // the lines above the data
	notices []string
}

// locate finds the header (or that there is none) among the first records
// of a file and the columns the mapping names in it. Rows that the layout
// of the data cannot decide are settled by the mapping: the header is the
// row that has the most of the columns it names.
func locate(recs []record, m Mapping, comma rune, c *collector) table {
	var t table
	if len(recs) == 0 || all(recs, func(r record) bool { return blank(r.cells) }) {
		c.add(0, "", "the file is empty")
		t.cols = noColumns(m)
		return t
	}
	names := m.names()
	named, positionalOnly := 0, true
	for _, n := range names {
		if !namedByPosition(n.name) {
			named++
			positionalOnly = false
		}
	}
	// bestHeader is the first row with the most mapped names in it.
	bestHeader := func() (int, int) {
		best, most := -1, -1
		for i, rec := range recs {
			if blank(rec.cells) {
				continue
			}
			if k := headerMatches(rec.cells, names); k > most {
				best, most = i, k
			}
		}
		return best, most
	}

	lay := findLayout(recs, m.DateFormat)
	header := -1
	switch {
	case m.HasHeader != nil && !*m.HasHeader:
		if lay.found {
			t.start = lay.start
			if lay.header >= 0 {
				t.start = lay.header
			}
		}
	case lay.found && lay.header >= 0:
		header = lay.header
		if best, k := bestHeader(); k > headerMatches(recs[header].cells, names) {
			header = best
		}
	case lay.found && m.HasHeader == nil:
		// The rows say there is no header, unless one names every
		// column the mapping names.
		if best, k := bestHeader(); named > 0 && k == named {
			header = best
		} else {
			t.start = lay.start
		}
	case m.HasHeader == nil && positionalOnly:
		// Nothing to tell a header by, and the mapping needs none: every
		// row is data, so that none is dropped unseen.
	default:
		header, _ = bestHeader()
		if k := headerMatches(recs[header].cells, names); k == 0 && lay.found {
			header = lay.start
		}
	}

	var headerCells []string
	if header >= 0 {
		t.start = header + 1
		headerCells = recs[header].cells
		t.labels = columnLabels(headerCells)
	} else {
		width := 0
		for _, rec := range recs[t.start:] {
			width = max(width, len(rec.cells))
		}
		t.labels = positionalLabels(width)
		t.notices = append(t.notices, noticeNoHeader)
	}
	reason, bound := skipAboveData, t.start
	if header >= 0 {
		reason, bound = skipAboveHeader, header
	}
	for _, rec := range recs[:bound] {
		if !blank(rec.cells) {
			t.skipped = append(t.skipped, skippedLine(rec, comma, reason))
		}
	}

	t.cols = noColumns(m)
	for _, n := range names {
		i, why := resolveColumn(n.name, headerCells, len(t.labels))
		if why != "" {
			c.add(0, n.field, "%s", why)
			continue
		}
		*n.dst(&t.cols) = i
	}
	return t
}

func all[T any](xs []T, f func(T) bool) bool {
	for _, x := range xs {
		if !f(x) {
			return false
		}
	}
	return true
}

// headerMatches counts the mapped names that are cells of a row.
func headerMatches(cells []string, names []mappedName) int {
	k := 0
	for _, n := range names {
		if i, _ := resolveColumn(n.name, cells, 0); i >= 0 && !namedByPosition(n.name) {
			k++
		}
	}
	return k
}

// mappedName is a column a mapping names, and where it goes.
type mappedName struct {
	field, name string
	dst         func(*columns) *int
}

// names lists the columns m names, in the order errors report them.
func (m Mapping) names() []mappedName {
	all := []mappedName{
		{"mapping.date", m.Date, func(c *columns) *int { return &c.date }},
		{"mapping.amount", m.Amount, func(c *columns) *int { return &c.amount }},
		{"mapping.credit", m.Credit, func(c *columns) *int { return &c.credit }},
		{"mapping.debit", m.Debit, func(c *columns) *int { return &c.debit }},
		{"mapping.direction", m.Direction, func(c *columns) *int { return &c.direction }},
		{"mapping.currency", m.Currency, func(c *columns) *int { return &c.currency }},
		{"mapping.payerName", m.PayerName, func(c *columns) *int { return &c.payerName }},
		{"mapping.payerAccount", m.PayerAccount, func(c *columns) *int { return &c.payerAccount }},
		{"mapping.externalID", m.ExternalID, func(c *columns) *int { return &c.externalID }},
	}
	for i, t := range m.Text {
		all = append(all, mappedName{fmt.Sprintf("mapping.text[%d]", i), t, func(c *columns) *int { return &c.text[i] }})
	}
	out := all[:0]
	for _, n := range all {
		if fold(n.name) != "" {
			out = append(out, n)
		}
	}
	return out
}

// noColumns is a mapping's columns before any is found.
func noColumns(m Mapping) columns {
	c := columns{date: -1, amount: -1, credit: -1, debit: -1, direction: -1, currency: -1, payerName: -1, payerAccount: -1, externalID: -1}
	c.text = make([]int, len(m.Text))
	for i := range c.text {
		c.text[i] = -1
	}
	return c
}

// Preview returns the header and up to 20 rows of a CSV export, as
// PreviewCSV reads them.
func Preview(r io.Reader) (headers []string, rows [][]string, err error) {
	p, err := PreviewCSV(r)
	if err != nil {
		return nil, nil, err
	}
	return p.Headers, p.Rows, nil
}

// previewCSV reads the first megabyte of a CSV export for the mapping step,
// finding its table the way OpenCSV does.
func previewCSV(r io.Reader) (*CSVPreview, error) {
	data, err := io.ReadAll(io.LimitReader(r, previewBytes))
	if err != nil {
		return nil, fmt.Errorf("read statement: %w", err)
	}
	whole := len(data) < previewBytes
	if !whole {
		// Cut at a line end so a partial character is not taken for Windows-1252.
		if i := strings.LastIndexByte(string(data), '\n'); i > 0 {
			data = data[:i+1]
		}
	}
	text := decodeText(data)
	comma := detectDelimiter(text)
	records, more, err := readRecords(text, comma, headerSearchRows+previewRows+maxSkipped)
	var qe *quoteError
	if errors.As(err, &qe) {
		if len(records) > 1 {
			err = nil // show what could be read; OpenCSV will report the line
			whole = false
		} else {
			return nil, quoteErrors(qe, comma, nil)
		}
	}
	if err != nil {
		return nil, err
	}
	if all(records, func(r record) bool { return blank(r.cells) }) {
		return nil, fileError(nil, "the file is empty")
	}
	p := &CSVPreview{HasHeader: true}
	lay := findLayout(records[:min(len(records), headerSearchRows)], "")
	header, start := -1, 0
	switch {
	case lay.found && lay.header < 0:
		start, p.HasHeader = lay.start, false
	case lay.found:
		header = lay.header
	default:
		// No typed rows to go by: the row with the most cells filled.
		most := -1
		for i, rec := range records[:min(len(records), headerSearchRows)] {
			if n := filled(rec.cells); n > most {
				header, most = i, n
			}
		}
	}
	if header >= 0 {
		start = header + 1
		p.Headers = columnLabels(records[header].cells)
	}
	reason, bound := skipAboveData, start
	if header >= 0 {
		reason, bound = skipAboveHeader, header
	}
	for _, rec := range records[:bound] {
		if !blank(rec.cells) {
			p.Skipped = append(p.Skipped, skippedLine(rec, comma, reason))
		}
	}
	data2 := records[start:]
	// The footnotes after the data show when the whole file was read: the
	// rows after the last one with a date where the data has its dates.
	if whole && !more {
		if col := dateColumn(data2); col >= 0 {
			end := len(data2)
			for end > 0 && (blank(data2[end-1].cells) || !isDateCell(data2[end-1].cell(col), "")) {
				end--
			}
			for _, rec := range data2[end:] {
				if !blank(rec.cells) {
					p.Skipped = append(p.Skipped, skippedLine(rec, comma, skipAfterData))
				}
			}
			data2 = data2[:end]
		}
	}
	width := len(p.Headers)
	for _, rec := range data2 {
		if blank(rec.cells) {
			continue
		}
		width = max(width, len(rec.cells))
		if len(p.Rows) < previewRows {
			p.Rows = append(p.Rows, trimAll(rec.cells))
		}
	}
	if header < 0 {
		p.Headers = positionalLabels(width)
	}
	if len(p.Skipped) > maxSkipped {
		p.Skipped = p.Skipped[:maxSkipped]
	}
	return p, nil
}

// dateColumn is the first column with a date in the first row of recs
// that is not blank, or -1.
func dateColumn(recs []record) int {
	for _, r := range recs {
		if blank(r.cells) {
			continue
		}
		for col := range r.cells {
			if isDateCell(r.cell(col), "") {
				return col
			}
		}
		return -1
	}
	return -1
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
	case !hasAmount && strings.TrimSpace(m.Direction) != "":
		c.add(0, "mapping.direction", "a direction column goes with one amount column; with credit and debit columns the columns already say in or out")
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
// A quote it cannot read ends it with a *quoteError.
func readRecords(text string, comma rune, limit int) (records []record, more bool, err error) {
	cr := csv.NewReader(strings.NewReader(text))
	cr.Comma = comma
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
				return records, false, &quoteError{pe: pe, text: linesOf(text, pe.StartLine, pe.Line)}
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

// linesOf returns lines from..to (1-based) of text.
func linesOf(text string, from, to int) string {
	var b strings.Builder
	n := 0
	for line := range strings.Lines(text) {
		n++
		if n > to {
			break
		}
		if n >= from {
			b.WriteString(line)
		}
	}
	return b.String()
}

// quoteReason says what is wrong with a quote; column names the cell, e.g.
// "column 4 (Memo)". csv.ParseError.Column is a byte offset, which means
// nothing to someone looking at the file in a spreadsheet.
func quoteReason(pe *csv.ParseError, column string) string {
	switch {
	case errors.Is(pe.Err, csv.ErrQuote) && pe.Line != pe.StartLine:
		return "a quoted cell starts on this line and is never closed; check its quotes"
	case errors.Is(pe.Err, csv.ErrQuote):
		return fmt.Sprintf("a quote in %s is not closed properly; a quote inside a quoted cell is written twice (\"\")", column)
	case errors.Is(pe.Err, csv.ErrBareQuote):
		return fmt.Sprintf("a quote (\") in %s is inside a cell that is not quoted; quote the cell and write the quote twice", column)
	}
	return pe.Err.Error()
}

// detectDelimiter runs delimiterOf on the first 30 non-blank lines of text.
func detectDelimiter(text string) rune {
	var lines []string
	nonBlank := 0
	for line := range strings.Lines(text) {
		lines = append(lines, line)
		if strings.TrimSpace(line) != "" {
			nonBlank++
		}
		if nonBlank == headerSearchRows {
			break
		}
	}
	return delimiterOf(lines)
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
	date, amount, credit, debit, direction, currency, payerName, payerAccount, externalID int
	text                                                                                  []int
}

type csvParser struct {
	m      Mapping
	cols   columns
	labels []string // the columns' names, for errors
	c      *collector
	ids    map[digest]int // explicit external ids seen, by line

	lines    int // good lines read so far
	outgoing int // rows skipped as money going out or zero

	dec       rune   // decimal separator
	decSource string // where an auto-detected separator was proven, for hints
	order     byte   // slash dates: 'd' day first, 'm' month first
}

// reset starts a pass over the rows.
func (p *csvParser) reset() {
	p.ids = map[digest]int{}
	p.lines, p.outgoing = 0, 0
}

// count reads one row in the checking pass.
func (p *csvParser) count(rec record) {
	if _, _, ok := p.row(rec); ok {
		p.lines++
	}
}

// transactionLike reports a row with a date in the date column: a row
// without one after the data is a footnote or a total.
func (p *csvParser) transactionLike(rec record) bool {
	cell := rec.cell(p.cols.date)
	if cell == "" {
		return false
	}
	_, err := parseDate(cell, p.m.DateFormat, p.order)
	return err == nil
}

func (p *csvParser) column(i int) string { return describeColumn(i, p.labels) }

func (p *csvParser) amountCells(row record) []string {
	return []string{row.cell(p.cols.amount), row.cell(p.cols.credit), row.cell(p.cols.debit)}
}

// votes is what the rows of a file say about its decimal separator and
// the order of its slash dates, gathered one row at a time, and whether a
// column the mapping leaves out says which way the money went.
type votes struct {
	sep      map[rune]int
	sepFirst map[rune]string // where each separator was first proven
	order    map[byte]int
	// The first slash date that could be either order, in case no date
	// settles it.
	ambiguousLine int
	ambiguous     string

	negative bool       // an amount with a sign for money out
	dir      []dirStats // per column, for rows with a date
}

// dirStats is what one column's values say about direction.
type dirStats struct {
	other       bool // a value that is not a direction word
	in, out     bool
	wordOut     bool // an out value that is a word, not a bare "-"
	outLine     int
	outValue    string
	outProvided bool
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
	if p.cols.amount < 0 || p.cols.direction >= 0 || !isDateCell(cell, p.m.DateFormat) {
		return
	}
	if _, negative, ok := amountBody(row.cell(p.cols.amount)); ok && negative {
		v.negative = true
	}
	for len(v.dir) < len(row.cells) {
		v.dir = append(v.dir, dirStats{})
	}
	for i := range row.cells {
		s, cell := &v.dir[i], row.cell(i)
		if cell == "" || i == p.cols.amount || i == p.cols.date {
			continue
		}
		in, ok := direction(cell)
		switch {
		case !ok:
			s.other = true
		case in:
			s.in = true
		default:
			s.out = true
			s.wordOut = s.wordOut || !isSymbolDirection(cell)
			if !s.outProvided {
				s.outLine, s.outValue, s.outProvided = row.line, cell, true
			}
		}
	}
}

// checkDirection refuses a mapping that reads unsigned amounts as money in
// while a column of the file says that some rows are money out.
func (p *csvParser) checkDirection(v *votes) {
	if v.negative {
		return
	}
	for i, s := range v.dir {
		if s.other || !s.out || !(s.in || s.wordOut) {
			continue
		}
		p.c.add(0, "mapping.direction", "%s says whether each row is money in or out (%q on line %d), but the amounts have no sign; choose it as the direction column, or every payment out would be imported as money received",
			p.column(i), s.outValue, s.outLine)
		return
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
// skipped (outgoing or zero, counted in p.outgoing) or whose amount or
// direction is unreadable; field names the column the amount came from.
func (p *csvParser) amount(row record) (d decimal.Decimal, field, text string, keep bool) {
	out := func() (decimal.Decimal, string, string, bool) {
		p.outgoing++
		return decimal.Decimal{}, "", "", false
	}
	if p.cols.amount >= 0 {
		text = row.cell(p.cols.amount)
		if text == "" {
			p.c.add(row.line, "amount", "the amount is empty")
			return d, "", "", false
		}
		d, ok := p.number(row, "amount", text)
		if !ok {
			return d, "", "", false
		}
		if p.cols.direction >= 0 {
			return p.directed(row, d, text)
		}
		if d.Sign() <= 0 {
			return out()
		}
		return d, "amount", text, true
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
	case c.Sign() == 0:
		return out()
	}
	return c, "credit", credit, true
}

// directed applies the direction column to an amount d read from text.
func (p *csvParser) directed(row record, d decimal.Decimal, text string) (decimal.Decimal, string, string, bool) {
	cell := row.cell(p.cols.direction)
	in, known := direction(cell)
	switch {
	case d.IsZero():
		p.outgoing++ // no money either way, whatever the column says
		return decimal.Decimal{}, "", "", false
	case cell == "":
		p.c.add(row.line, "direction", "%s is empty, so the row does not say whether %q is money in or out; the file must say it with %s", p.column(p.cols.direction), text, directionsUnderstood)
		return decimal.Decimal{}, "", "", false
	case !known:
		p.c.add(row.line, "direction", "%s is %q, which says neither money in nor out; Tally reads %s", p.column(p.cols.direction), cell, directionsUnderstood)
		return decimal.Decimal{}, "", "", false
	case in && d.Sign() < 0:
		p.c.add(row.line, "amount", "%q is negative but %s says %q (money in); the sign and the direction disagree", text, p.column(p.cols.direction), cell)
		return decimal.Decimal{}, "", "", false
	case !in:
		p.outgoing++
		return decimal.Decimal{}, "", "", false
	}
	return d, "amount", text, true
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
