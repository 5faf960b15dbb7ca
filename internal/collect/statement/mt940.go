package statement

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// MT940 is the SWIFT customer statement most Dutch, German and Polish banks
// still export; MT942 is its intraday twin and reads the same way. No Go
// library for it is kept up (none is in the module proxy lists we checked),
// so it is read here.
//
// A file holds one or more messages, each from a :20: tag to its trailer or
// the next :20:. Whatever stands around them — a SWIFT envelope
// ("{1:F01…}{2:…}{4:"), a bank's own header ("ABNANL2A", "0000 01INGBNL2A…",
// ":940:"), control bytes (SOH, ETX), "-}" trailers — is listed in
// File.Skipped and otherwise ignored.
//
// Money direction comes from the :61: mark and nothing else:
//
//	C   credit: money in, the only mark that becomes a Line
//	D   debit: money out
//	RC  reversal of a credit: money out again (a returned payment)
//	RD  reversal of a debit: money back in, but it undoes one of the
//	    merchant's own payments (a returned direct debit) and pays no
//	    invoice, so it is skipped like camt.053's reversed entries
//
// Every skipped mark counts in File.Outgoing. A message with both an
// opening (:60F:/:60M:) and a closing balance (:62F:/:62M:) must add up:
// opening + C + RD - D - RC = closing, else the file is refused naming the
// message's :20: and the difference, since a line that does not add up was
// misread (a lost decimal comma, a wrong mark) and would record wrong money.

// mtLine is a statement line before ids are settled.
type mtLine struct {
	Line
	bankRef string
	content string
}

// mtTag is a field tag at the start of a line: ":61:", ":60F:", ":NS:".
var mtTag = regexp.MustCompile(`^:([0-9]{2}[A-Z]?|NS):`)

// OpenMT940 reads an MT940 or MT942 file and returns it once every message
// is known to be good; File.Each reads its lines again from src.
func OpenMT940(src io.ReadSeeker) (*File, error) { return openMT940(src, MaxFileSize) }

// ParseMT940 reads a whole MT940 or MT942 file as OpenMT940 does and
// returns its lines.
func ParseMT940(r io.Reader) ([]Line, error) {
	src, err := seekable(r, MaxFileSize)
	if err != nil {
		return nil, err
	}
	f, err := openMT940(src, MaxFileSize)
	if err != nil {
		return nil, err
	}
	return f.all()
}

func openMT940(src io.ReadSeeker, maxSize int64) (*File, error) {
	if err := checkSize(src, maxSize); err != nil {
		return nil, err
	}
	cs, err := sniffMT940(src)
	if err != nil {
		return nil, err
	}
	refs := map[digest]int{}
	p, err := readMT940(src, cs, func(l *mtLine) error {
		if l.bankRef != "" {
			refs[digestOf(l.bankRef)]++
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	f := &File{lines: p.lines, Format: FormatMT940, Outgoing: p.outgoing, Skipped: p.skipped, Notices: p.notices}
	if cs.notice != "" {
		f.Notices = append([]string{cs.notice}, f.Notices...)
	}
	f.scan = func(emit func(Line) error) error {
		hashes := hashIDs{}
		_, err := readMT940(src, cs, func(l *mtLine) error {
			l.ExternalID = hashes.externalID(l.bankRef, l.content, refs)
			return emit(l.Line)
		})
		return err
	}
	return f, nil
}

// maxMTLine bounds one line of an MT940 file; SWIFT lines hold 65
// characters, so anything near this is not a statement.
const maxMTLine = 64 << 10

// readMT940 reads the file through from its start, calling add with every
// good line while the file has no errors.
func readMT940(src io.ReadSeeker, cs mtCharset, add func(*mtLine) error) (*mtParser, error) {
	if err := rewind(src, cs.start); err != nil {
		return nil, err
	}
	sc := bufio.NewScanner(cs.decoder(src))
	sc.Buffer(make([]byte, 0, 4096), maxMTLine)
	p := &mtParser{emit: add}
	no := 0
	for sc.Scan() {
		no++
		if err := p.line(no, sc.Text()); err != nil {
			return nil, err
		}
		if p.c.full {
			break
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fileError(nil, "line %d is longer than %d KB; this is not an MT940 statement", no+1, maxMTLine>>10)
		}
		return nil, fmt.Errorf("read statement: %w", err)
	}
	if err := p.endMessage(); err != nil {
		return nil, err
	}
	if !p.seen && len(p.c.errs) == 0 {
		return nil, fileError(nil, "the file holds no MT940 statement: no line starts with the :20: tag")
	}
	if len(p.c.errs) > 0 {
		return nil, p.c.err()
	}
	return p, nil
}

// mtParser holds the state of one pass over a file.
type mtParser struct {
	c    collector
	emit func(*mtLine) error
	seen bool // a :20: was found

	in    bool    // inside a message
	field mtField // the field being read
	msg   mtMessage
	stmt  *mtEntry // the last :61:, waiting for its :86:

	count    int // :61: lines, for MaxLines
	lines    int // good incoming lines
	outgoing int
	skipped  []Skipped
	notices  []string
}

// mtField is a tag and its lines: the first after the tag, then any
// continuation lines.
type mtField struct {
	tag   string
	line  int
	lines []string
}

// mtMessage is what one statement message says about its lines.
type mtMessage struct {
	ref, account, currency string
	refLine                int
	opening, closing       *mtBalance
	credits, debits        decimal.Decimal
	bad                    bool // a line could not be read: the balance check would only repeat it
}

type mtBalance struct {
	line     int
	tag      string
	currency string
	amount   decimal.Decimal // signed
}

// mtEntry is a :61: line with what its :86: adds.
type mtEntry struct {
	Line
	ok        bool
	custRef   string
	bankRef   string
	typeCode  string
	details   string // supplementary details: the :61: field's second line
	info      []string
	infoFound bool
}

func (p *mtParser) line(no int, raw string) error {
	// Trailing spaces stay: a :86: line may end inside a subfield, and the
	// space is then part of the text.
	full := strings.TrimSuffix(stripControls(raw), "\r")
	s := strings.TrimRight(full, " \t")
	if s == "" {
		return nil
	}
	// A SWIFT envelope: "{1:F01BANK…}{2:I940BANK…}{4:" then the message.
	if strings.HasPrefix(s, "{") {
		if err := p.endMessage(); err != nil {
			return err
		}
		head, rest, found := strings.Cut(s, "{4:")
		if found {
			p.skip(no, head+"{4:", "the SWIFT envelope before a statement")
			if strings.TrimSpace(rest) != "" {
				return p.line(no, rest)
			}
			return nil
		}
		p.skip(no, s, "the SWIFT envelope after a statement")
		return nil
	}
	if s == "-" || strings.HasPrefix(s, "-}") {
		if err := p.endMessage(); err != nil {
			return err
		}
		p.skip(no, s, "the end of a statement")
		return nil
	}
	m := mtTag.FindStringSubmatch(s)
	if m != nil && m[1] == "20" {
		if err := p.endMessage(); err != nil {
			return err
		}
		p.in, p.seen = true, true
		p.msg = mtMessage{refLine: no}
		p.field = mtField{tag: "20", line: no, lines: []string{s[len(m[0]):]}}
		return nil
	}
	if !p.in {
		p.skip(no, s, "not part of a statement: a bank or SWIFT header, or a trailer")
		return nil
	}
	if m != nil {
		if err := p.endField(); err != nil {
			return err
		}
		p.field = mtField{tag: m[1], line: no, lines: []string{full[len(m[0]):]}}
		return nil
	}
	switch p.field.tag {
	case "61", "86", "NS":
		p.field.lines = append(p.field.lines, full)
		return nil
	}
	// Balances and references are one line long: this is the bank's text
	// after the statement.
	if err := p.endMessage(); err != nil {
		return err
	}
	p.skip(no, s, "after a statement: not a transaction")
	return nil
}

// stripControls drops control bytes (SOH, ETX, NUL, ...) that banks and
// SWIFT gateways put between messages.
func stripControls(s string) string {
	if strings.IndexFunc(s, isControl) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isControl(r) {
			return -1
		}
		return r
	}, s)
}

func isControl(r rune) bool { return (r < 0x20 && r != '\t') || r == 0x7F }

func (p *mtParser) skip(no int, text, reason string) {
	if len(p.skipped) >= maxSkipped {
		return
	}
	if len(text) > 200 {
		text = text[:200]
	}
	p.skipped = append(p.skipped, Skipped{Line: no, Text: text, Reason: reason})
}

// endField handles the field just read.
func (p *mtParser) endField() error {
	f := p.field
	p.field = mtField{}
	if f.tag == "" {
		return nil
	}
	first := strings.TrimSpace(f.lines[0])
	if f.tag != "86" {
		if err := p.flushEntry(); err != nil {
			return err
		}
	}
	switch f.tag {
	case "20":
		p.msg.ref = first
	case "25":
		p.msg.account = first
	case "60F", "60M":
		if b := p.balance(f, "opening balance", ":60F:"); b != nil {
			p.msg.opening = b
			p.msg.currency = b.currency
		}
	case "62F", "62M":
		p.msg.closing = p.balance(f, "closing balance", ":62F:")
	case "34F":
		// MT942's floor limit, "EURD0,": the report's currency.
		if len(first) >= 3 && p.msg.currency == "" {
			if code, _, _ := checkAmount(decimal.NewFromInt(1), "1", first[:3]); code != "" {
				p.msg.currency = code
			}
		}
	case "61":
		p.count++
		if p.count > MaxLines {
			return tooManyLines()
		}
		p.stmt = p.entry(f)
	case "86":
		if p.stmt != nil && !p.stmt.infoFound {
			p.stmt.info, p.stmt.infoFound = f.lines, true
			return p.flushEntry()
		}
	}
	return nil
}

// endMessage closes the message being read, checking its balances.
func (p *mtParser) endMessage() error {
	if !p.in {
		return nil
	}
	if err := p.endField(); err != nil {
		return err
	}
	if err := p.flushEntry(); err != nil {
		return err
	}
	p.in = false
	o, c := p.msg.opening, p.msg.closing
	if o == nil || c == nil || p.msg.bad {
		return nil
	}
	if o.currency != c.currency {
		p.c.add(c.line, ":"+c.tag+": closing balance", "the currency %s differs from the opening balance's %s (line %d)", c.currency, o.currency, o.line)
		return nil
	}
	sum := o.amount.Add(p.msg.credits).Sub(p.msg.debits)
	if !sum.Equal(c.amount) {
		p.c.add(c.line, ":"+c.tag+": closing balance",
			"statement %s does not add up: the opening balance %s plus credits %s minus debits %s is %s %s, but the closing balance is %s %s (a difference of %s); a :61: line is misread or missing, so download the statement again",
			quoteRef(p.msg.ref), o.amount.StringFixed(2), p.msg.credits.StringFixed(2), p.msg.debits.StringFixed(2),
			sum.StringFixed(2), c.currency, c.amount.StringFixed(2), c.currency, sum.Sub(c.amount).Abs().StringFixed(2))
	}
	return nil
}

func quoteRef(ref string) string {
	if ref == "" {
		return "(no :20: reference)"
	}
	return ":20:" + ref
}

var mtBalanceRe = regexp.MustCompile(`^([CD])([0-9]{6})([A-Z]{3})([0-9]+,[0-9]*)$`)

// balance reads "C240301EUR1234,56".
func (p *mtParser) balance(f mtField, what, example string) *mtBalance {
	s := strings.TrimSpace(f.lines[0])
	field := ":" + f.tag + ": " + what
	m := mtBalanceRe.FindStringSubmatch(s)
	if m == nil {
		p.c.add(f.line, field, "%q is not a balance like C240301EUR1234,56 (%s)", s, example)
		p.msg.bad = true
		return nil
	}
	amount, err := decimal.NewFromString(strings.Replace(m[4], ",", ".", 1))
	if err != nil || len(m[4]) > 15 {
		p.c.add(f.line, field, "%q is not an amount like 1234,56", m[4])
		p.msg.bad = true
		return nil
	}
	code, _, reason := checkAmount(decimal.Zero, m[4], m[3])
	if code == "" {
		p.c.add(f.line, field, "%s", reason)
		p.msg.bad = true
		return nil
	}
	if m[1] == "D" {
		amount = amount.Neg()
	}
	return &mtBalance{line: f.line, tag: f.tag, currency: code, amount: amount}
}

// entry reads a :61: field: 6!n[4!n]2a[1!a]15d1!a3!c16x[//16x] and a line
// of supplementary details.
func (p *mtParser) entry(f mtField) *mtEntry {
	e := &mtEntry{}
	e.No = f.line
	s := strings.TrimSpace(f.lines[0])
	if len(f.lines) > 1 {
		e.details = strings.TrimSpace(strings.Join(f.lines[1:], " "))
	}
	bad := func(field, format string, args ...any) *mtEntry {
		p.c.add(f.line, ":61: "+field, format, args...)
		p.msg.bad = true
		return e
	}
	// Value date, YYMMDD.
	if len(s) < 6 || !digits(s[:6]) {
		return bad("value date", "%q does not start with a value date like 240315 (YYMMDD)", s)
	}
	value, ok := mtDate(s[:6])
	if !ok {
		return bad("value date", "%q is not a date (YYMMDD)", s[:6])
	}
	s = s[6:]
	booked := value
	// Entry date, MMDD, in the value date's year, or the next or previous
	// one across New Year.
	if len(s) >= 4 && digits(s[:4]) {
		year := value.Year()
		mm := int(s[0]-'0')*10 + int(s[1]-'0')
		switch {
		case value.Month() == time.December && mm == 1:
			year++
		case value.Month() == time.January && mm == 12:
			year--
		}
		d, ok := mtDate(fmt.Sprintf("%02d", year%100) + s[:4])
		if !ok {
			return bad("entry date", "%q is not a date (MMDD)", s[:4])
		}
		booked = time.Date(year, d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
		s = s[4:]
	}
	// Credit/debit mark.
	var mark string
	switch {
	case strings.HasPrefix(s, "RC"), strings.HasPrefix(s, "RD"):
		mark = s[:2]
	case strings.HasPrefix(s, "C"), strings.HasPrefix(s, "D"):
		mark = s[:1]
	default:
		return bad("credit/debit", "%q must start with the mark C (credit), D (debit), RC or RD (reversals)", s)
	}
	s = s[len(mark):]
	// Funds code: the third letter of the currency, optional.
	if s != "" && s[0] >= 'A' && s[0] <= 'Z' {
		s = s[1:]
	}
	n := strings.IndexFunc(s, func(r rune) bool { return (r < '0' || r > '9') && r != ',' })
	if n < 0 {
		n = len(s)
	}
	text := s[:n]
	s = s[n:]
	if text == "" || strings.Count(text, ",") != 1 || text[0] == ',' || len(text) > 15 || strings.HasPrefix(s, ".") {
		if strings.HasPrefix(s, ".") {
			text += s[:min(len(s), 1+strings.IndexFunc(s[1:]+"x", func(r rune) bool { return r < '0' || r > '9' }))]
		}
		return bad("amount", "%q is not an amount like 1234,56 (SWIFT amounts have a decimal comma and at most 15 characters)", text)
	}
	amount, err := decimal.NewFromString(strings.Replace(text, ",", ".", 1))
	if err != nil {
		return bad("amount", "%q is not an amount like 1234,56", text)
	}
	// Transaction type: N, F or S and three characters (NTRF, NMSC, ...).
	if len(s) < 4 || !strings.ContainsRune("NFS", rune(s[0])) {
		return bad("transaction type", "%q after the amount must be a transaction type such as NTRF or NMSC", s)
	}
	e.typeCode = s[:4]
	s = s[4:]
	cust, bank, _ := strings.Cut(s, "//")
	e.custRef, e.bankRef = strings.TrimSpace(cust), strings.TrimSpace(bank)
	if strings.EqualFold(e.custRef, "NONREF") {
		e.custRef = ""
	}
	if strings.EqualFold(e.bankRef, "NONREF") {
		e.bankRef = ""
	}

	switch mark {
	case "C", "RD":
		p.msg.credits = p.msg.credits.Add(amount)
	default:
		p.msg.debits = p.msg.debits.Add(amount)
	}
	if mark != "C" || amount.Sign() == 0 {
		p.outgoing++
		return nil
	}
	if p.msg.currency == "" {
		return bad("currency", "the statement names no currency: it has no opening balance (:60F:) or, for MT942, floor limit (:34F:) before this line")
	}
	code, fld, reason := checkAmount(amount, text, p.msg.currency)
	if fld != "" {
		return bad(fld, "%s", reason)
	}
	if !plausible(booked) {
		return bad("date", "%s is not a plausible booking date", booked.Format("2006-01-02"))
	}
	if future(booked) {
		return bad("date", "%s is in the future; a statement lists money already booked", booked.Format("2006-01-02"))
	}
	if len(e.bankRef) > MaxExternalIDLength {
		return bad("bank reference", "is %d characters long; at most %d are allowed", len(e.bankRef), MaxExternalIDLength)
	}
	e.BookedAt, e.Amount, e.Currency = booked, amount, code
	e.ok = true
	return e
}

// flushEntry passes on the :61: waiting for its :86:.
func (p *mtParser) flushEntry() error {
	e := p.stmt
	p.stmt = nil
	if e == nil || !e.ok {
		return nil
	}
	info := parseInfo(e.info)
	e.Text, e.PayerName, e.PayerAccount = info.text, info.name, info.account
	if e.Text == "" {
		e.Text = e.details
	}
	l := mtLine{Line: e.Line, bankRef: e.bankRef}
	l.content = identity(&l.Line, p.msg.account, e.custRef, e.typeCode)
	p.lines++
	if len(p.c.errs) > 0 {
		return nil
	}
	return p.emit(&l)
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// mtDate reads YYMMDD; SWIFT years are 2000-2079, and 1980-1999.
func mtDate(s string) (time.Time, bool) {
	t, err := time.Parse("060102", s)
	if err != nil {
		return time.Time{}, false
	}
	y := t.Year() % 100
	if y < 80 {
		y += 2000
	} else {
		y += 1900
	}
	return time.Date(y, t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), true
}

// now is the clock future dates are judged by; tests may stop it.
var now = time.Now

// future reports a booking date after now: money not received yet. The
// slack is the one collections are recorded with.
func future(t time.Time) bool { return t.After(now().Add(5 * time.Minute)) }
