package statement

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
)

// camt elements are matched by local name, so every version from
// camt.05x.001.02 on reads the same; where a later version moved an element
// (Dbtr/Nm became Dbtr/Pty/Nm, Sts became Sts/Cd) both places are read.
// camt.052 (intraday report, Rpt) and camt.054 (notification, Ntfctn) hold
// the same entries as camt.053 (statement, Stmt) and are read alike.

// camtKind is one of the three bank-to-customer cash messages.
type camtKind struct {
	format     Format
	root, stmt string // the element under Document, and its repeated child
	noun, what string // "statement", "a camt.053 statement"
	id         string // the message name in the namespace, "camt.053"
}

var camtKinds = []camtKind{
	{FormatCAMT053, "BkToCstmrStmt", "Stmt", "statement", "a camt.053 statement", "camt.053"},
	{FormatCAMT052, "BkToCstmrAcctRpt", "Rpt", "report", "a camt.052 account report", "camt.052"},
	{FormatCAMT054, "BkToCstmrDbtCdtNtfctn", "Ntfctn", "notification", "a camt.054 notification", "camt.054"},
}

func kindOf(f Format) camtKind {
	for _, k := range camtKinds {
		if k.format == f {
			return k
		}
	}
	return camtKinds[0]
}

type camtAmount struct {
	Value string `xml:",chardata"`
	Ccy   string `xml:"Ccy,attr"`
}

type camtDate struct {
	Dt   string `xml:"Dt"`
	DtTm string `xml:"DtTm"`
}

type camtEntry struct {
	NtryRef   string      `xml:"NtryRef"`
	Amt       *camtAmount `xml:"Amt"`
	CdtDbtInd string      `xml:"CdtDbtInd"`
	RvslInd   string      `xml:"RvslInd"`
	Sts       struct {
		Text string `xml:",chardata"` // .001.02 to .001.05
		Cd   string `xml:"Cd"`        // .001.06 on
	} `xml:"Sts"`
	BookgDt     camtDate `xml:"BookgDt"`
	ValDt       camtDate `xml:"ValDt"`
	AcctSvcrRef string   `xml:"AcctSvcrRef"`
	Dtls        []struct {
		TxDtls []camtTx `xml:"TxDtls"`
	} `xml:"NtryDtls"`
	AddtlNtryInf string `xml:"AddtlNtryInf"`
}

type camtTx struct {
	Refs struct {
		AcctSvcrRef string `xml:"AcctSvcrRef"`
		EndToEndID  string `xml:"EndToEndId"`
		UETR        string `xml:"UETR"`
	} `xml:"Refs"`
	Amt       *camtAmount `xml:"Amt"`
	CdtDbtInd string      `xml:"CdtDbtInd"`
	TxAmt     *camtAmount `xml:"AmtDtls>TxAmt>Amt"`
	Parties   struct {
		Dbtr        string `xml:"Dbtr>Nm"`
		DbtrPty     string `xml:"Dbtr>Pty>Nm"`
		UltmtDbtr   string `xml:"UltmtDbtr>Nm"`
		UltmtDbtrPt string `xml:"UltmtDbtr>Pty>Nm"`
		IBAN        string `xml:"DbtrAcct>Id>IBAN"`
		Othr        string `xml:"DbtrAcct>Id>Othr>Id"`
	} `xml:"RltdPties"`
	RmtInf struct {
		Ustrd []string `xml:"Ustrd"`
		Strd  []struct {
			CdtrRef     string   `xml:"CdtrRefInf>Ref"`
			Documents   []string `xml:"RfrdDocInf>Nb"`
			AddtlRmtInf []string `xml:"AddtlRmtInf"`
		} `xml:"Strd"`
	} `xml:"RmtInf"`
	AddtlTxInf string `xml:"AddtlTxInf"`
}

type camtAccount struct {
	IBAN string `xml:"Id>IBAN"`
	Othr string `xml:"Id>Othr>Id"`
}

// messages names the ISO 20022 documents people upload by mistake, by the
// element under Document.
var messages = map[string]string{
	"BkToCstmrDbtCdtNtfctn": "a camt.054 notification",
	"BkToCstmrAcctRpt":      "a camt.052 account report",
	"CstmrCdtTrfInitn":      "a pain.001 payment order",
	"CstmrDrctDbtInitn":     "a pain.008 direct debit order",
	"CstmrPmtStsRpt":        "a pain.002 payment status report",
	"FIToFICstmrCdtTrf":     "a pacs.008 interbank transfer",
	"FIToFIPmtStsRpt":       "a pacs.002 payment status report",
}

var messageID = regexp.MustCompile(`[a-z]{4}\.[0-9]{3}\.[0-9]{3}\.[0-9]{2}`)

// ParseCAMT053 reads an ISO 20022 camt.053 bank statement as it streams,
// one entry at a time.
//
// Only booked credit entries become lines (CdtDbtInd CRDT, not reversed,
// status BOOK or none); an entry that batches several transactions gives
// one line per credit transaction. A single-transaction entry takes the
// entry's amount, the money actually booked; batched transactions take
// TxDtls/Amt, else AmtDtls/TxAmt/Amt.
//
// The ExternalID is the entry's AcctSvcrRef, else its NtryRef qualified by
// the statement's Id ("STMT-0301/7": banks may number entries per
// statement), else the transaction's AcctSvcrRef or UETR, else a content
// hash. A batched transaction puts its own AcctSvcrRef or UETR first, and
// with none takes the entry's reference and its position ("…/2").
// EndToEndId is never the id on its own: the payer chooses it and may reuse
// an invoice number for two instalments, so it only goes into the hash. A
// bank reference that appears on two lines of one file falls back to the
// hash, so neither payment is taken for a duplicate of the other.
func ParseCAMT053(r io.Reader) ([]Line, error) { return parseCAMT053(r, MaxFileSize) }

func parseCAMT053(r io.Reader, maxSize int64) ([]Line, error) {
	return parseCAMT(r, FormatCAMT053, maxSize)
}

// ParseCAMT reads a camt.052, camt.053 or camt.054 file (f says which) as
// ParseCAMT053 reads a statement.
func ParseCAMT(r io.Reader, f Format) ([]Line, error) { return parseCAMT(r, f, MaxFileSize) }

func parseCAMT(r io.Reader, kind Format, maxSize int64) ([]Line, error) {
	src, err := seekable(r, maxSize)
	if err != nil {
		return nil, err
	}
	f, err := openCAMT(src, kind, maxSize)
	if err != nil {
		return nil, err
	}
	return f.all()
}

// OpenCAMT053 reads a camt.053 statement as ParseCAMT053 does and returns
// it once every entry is known to be good; File.Each then reads its lines
// again from src. Whether a bank reference names one line only is known
// at the end of the file, so the lines are read in a second pass rather
// than kept.
func OpenCAMT053(src io.ReadSeeker) (*File, error) { return openCAMT(src, FormatCAMT053, MaxFileSize) }

// OpenCAMT reads a camt.052 report, camt.053 statement or camt.054
// notification, as f says, the way OpenCAMT053 reads a statement.
func OpenCAMT(src io.ReadSeeker, f Format) (*File, error) { return openCAMT(src, f, MaxFileSize) }

func openCAMT(src io.ReadSeeker, kind Format, maxSize int64) (*File, error) {
	if err := checkSize(src, maxSize); err != nil {
		return nil, err
	}
	refs := map[digest]int{}
	p, err := readCAMT(src, kind, maxSize, func(l *camtLine) error {
		if l.bankRef != "" {
			refs[digestOf(l.bankRef)]++
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	f := &File{lines: p.lines, Format: kind, Outgoing: p.outgoing, Notices: p.notices}
	f.scan = func(emit func(Line) error) error {
		if err := rewind(src, 0); err != nil {
			return err
		}
		hashes := hashIDs{}
		_, err := readCAMT(src, kind, maxSize, func(l *camtLine) error {
			l.ExternalID = hashes.externalID(l.bankRef, l.content, refs)
			return emit(l.Line)
		})
		return err
	}
	return f, nil
}

// readCAMT reads a statement through, calling add with every good line
// while the file has no errors.
func readCAMT(r io.Reader, kind Format, maxSize int64, add func(*camtLine) error) (*camtParser, error) {
	br := bufio.NewReader(&limitReader{r: r, n: maxSize})
	if err := sniffXML(br); err != nil {
		return nil, err
	}
	d := xml.NewDecoder(br)
	d.CharsetReader = charsetReader
	p := &camtParser{c: collector{entry: true}, emit: add, kind: kindOf(kind)}
	if err := p.read(d); err != nil {
		return nil, err
	}
	if len(p.c.errs) > 0 {
		return nil, p.c.err()
	}
	return p, nil
}

// limitReader fails with ErrTooLarge past n bytes, so a huge upload is
// refused rather than read to its end.
type limitReader struct {
	r io.Reader
	n int64
}

func (l *limitReader) Read(p []byte) (int, error) {
	if l.n < 0 {
		return 0, ErrTooLarge
	}
	if int64(len(p)) > l.n+1 {
		p = p[:l.n+1]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	if l.n < 0 {
		return 0, ErrTooLarge
	}
	return n, err
}

// sniffXML drops a byte order mark and rejects what is plainly not XML
// with a word on what it might be instead.
func sniffXML(br *bufio.Reader) error {
	head, err := br.Peek(512)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		if errors.Is(err, ErrTooLarge) {
			return tooLarge()
		}
		return fmt.Errorf("read statement: %w", err)
	}
	if bytes.HasPrefix(head, bomUTF8) {
		_, _ = br.Discard(len(bomUTF8))
		head = head[len(bomUTF8):]
	}
	t := bytes.TrimLeft(head, " \t\r\n")
	switch {
	case len(t) == 0 && len(head) < 512:
		return fileError(nil, "the file is empty")
	case len(t) == 0:
		return nil // a lot of leading space; let the XML reader judge the rest
	case t[0] == '<':
		return nil
	case bytes.HasPrefix(t, []byte(":20:")) || bytes.HasPrefix(t, []byte("{1:")):
		return fileError(nil, "this looks like an MT940 statement, not camt.053 XML; ask the bank for camt.053, or import its CSV export")
	}
	return fileError(nil, "the file is not XML; a camt.053 statement starts with <?xml or <Document (is it a CSV export?)")
}

type camtParser struct {
	c       collector
	kind    camtKind
	entryNo int
	count   int // lines read, for MaxLines

	stmtID, account string
	// created is the statement's creation date (else the message's), for
	// entries that give neither a booking nor a value date.
	created, groupCreated string
	statements            int // Stmt (Rpt, Ntfctn) elements read
	undated               int // entries dated by created
	lines                 int // good lines read
	outgoing              int // debits, reversals, pending and zero entries
	notices               []string
	emit                  func(*camtLine) error
}

// maxDateNotices bounds the notices about entries without a date; the
// rest are counted in one more.
const maxDateNotices = 10

// camtLine is a line before ids are settled, with what identifies it.
type camtLine struct {
	Line
	bankRef  string // the bank's reference, if any
	endToEnd string // the payer's, which tells otherwise identical lines apart
	content  string // what the hash id is made from
	zero     bool   // the amount is 0: skipped, and counted as outgoing
}

func (p *camtParser) read(d *xml.Decoder) error {
	var path []string // Document, BkToCstmrStmt, Stmt
	seenRoot := false
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			if !seenRoot {
				return fileError(nil, "the file has no XML elements; it is not %s", p.kind.what)
			}
			return p.finish()
		}
		if err != nil {
			return p.xmlError(err, d, 0)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			name := t.Name.Local
			switch len(path) {
			case 0:
				seenRoot = true
				if name != "Document" {
					return fileError(nil, "this is an XML document of type <%s>, not %s (which starts with <Document>)", name, p.kind.what)
				}
				if id := messageID.FindString(t.Name.Space); id != "" && !strings.HasPrefix(id, p.kind.id) {
					// Say what it is even before reading further.
					return p.wrongMessage(id, "")
				}
				path = append(path, name)
			case 1:
				if name != p.kind.root {
					return p.wrongMessage("", name)
				}
				path = append(path, name)
			case 2:
				if name == "GrpHdr" {
					var h struct {
						CreDtTm string `xml:"CreDtTm"`
					}
					if err := d.DecodeElement(&h, &t); err != nil {
						return p.xmlError(err, d, 0)
					}
					p.groupCreated = strings.TrimSpace(h.CreDtTm)
					continue
				}
				if name != p.kind.stmt {
					if err := d.Skip(); err != nil {
						return p.xmlError(err, d, 0)
					}
					continue
				}
				p.stmtID, p.account, p.created = "", "", ""
				p.statements++
				path = append(path, name)
			case 3:
				if err := p.statementChild(d, t); err != nil {
					return err
				}
				if p.c.full {
					return nil
				}
			}
		case xml.EndElement:
			if len(path) > 0 {
				path = path[:len(path)-1]
			}
		}
	}
}

func (p *camtParser) wrongMessage(id, element string) error {
	what := messages[element]
	if id != "" {
		family := id[:len("camt.054")]
		for _, m := range messages {
			if strings.Contains(m, family) {
				what = m
			}
		}
		if what == "" {
			what = "an ISO 20022 " + family + " message"
		}
	}
	if what == "" {
		what = "an ISO 20022 <" + element + "> message"
	}
	if p.kind.format == FormatCAMT053 {
		return fileError(nil, "this is %s, not a camt.053 statement; download the account statement (camt.053) from the bank", what)
	}
	return fileError(nil, "this is %s, not %s", what, p.kind.what)
}

// finish checks the document as a whole once it is read.
func (p *camtParser) finish() error {
	if p.statements == 0 {
		return fileError(nil, "the file holds no %s: <%s> has no <%s> element", p.kind.noun, p.kind.root, p.kind.stmt)
	}
	if p.entryNo == 0 {
		p.notices = append(p.notices, fmt.Sprintf("The file's %s lists no entries: there is nothing to import.", p.kind.noun))
	}
	if n := p.undated - maxDateNotices; n > 0 {
		p.notices = append(p.notices, fmt.Sprintf("%d more entries have no booking date; each uses its %s's date.", n, p.kind.noun))
	}
	return nil
}

// statementChild reads one element of a Stmt: its Id, its account, or an
// entry; anything else (balances, summaries) is skipped.
func (p *camtParser) statementChild(d *xml.Decoder, start xml.StartElement) error {
	var err error
	inEntry := 0
	switch start.Name.Local {
	case "Id":
		var id string
		err = d.DecodeElement(&id, &start)
		p.stmtID = strings.TrimSpace(id)
	case "CreDtTm":
		var at string
		err = d.DecodeElement(&at, &start)
		p.created = strings.TrimSpace(at)
	case "Acct":
		var a camtAccount
		err = d.DecodeElement(&a, &start)
		p.account = firstNonEmpty(a.IBAN, a.Othr)
	case "Ntry":
		p.entryNo++
		inEntry = p.entryNo
		var e camtEntry
		if err = d.DecodeElement(&e, &start); err == nil {
			return p.entry(&e)
		}
	default:
		err = d.Skip()
	}
	if err != nil {
		return p.xmlError(err, d, inEntry)
	}
	return nil
}

// xmlError explains a file that is not well-formed XML. Errors already
// found in earlier entries are dropped: a broken file is the first thing
// to fix, and the rest may read differently once it is.
func (p *camtParser) xmlError(err error, d *xml.Decoder, entry int) error {
	if errors.Is(err, ErrTooLarge) {
		return tooLarge()
	}
	line, _ := d.InputPos()
	var syn *xml.SyntaxError
	reason := fmt.Sprintf("the XML cannot be read at line %d of the file: %v", line, err)
	if errors.As(err, &syn) {
		if strings.Contains(syn.Msg, "unexpected EOF") {
			reason = fmt.Sprintf("the XML ends early, at line %d of the file: it was cut off; download the statement again", syn.Line)
		} else {
			reason = fmt.Sprintf("the XML is malformed at line %d of the file: %s", syn.Line, syn.Msg)
		}
	}
	return &Errors{{Line: entry, Reason: reason, entry: entry > 0}}
}

// entry turns one Ntry into lines, or into errors.
func (p *camtParser) entry(e *camtEntry) error {
	no := p.entryNo
	var txs []camtTx
	for _, d := range e.Dtls {
		txs = append(txs, d.TxDtls...)
	}
	p.count += max(1, len(txs))
	if p.count > MaxLines {
		return tooManyLines()
	}

	switch strings.TrimSpace(e.CdtDbtInd) {
	case "CRDT":
	case "DBIT":
		p.outgoing++
		return nil
	default:
		p.c.add(no, "credit/debit", "CdtDbtInd is %q; it must be CRDT or DBIT", e.CdtDbtInd)
		return nil
	}
	if rv := strings.TrimSpace(e.RvslInd); rv == "true" || rv == "1" {
		p.outgoing++
		return nil
	}
	if st := firstNonEmpty(e.Sts.Cd, e.Sts.Text); st != "" && st != "BOOK" {
		p.outgoing++
		return nil // pending or informational: it is booked on a later statement
	}

	booked, ok := p.date(no, e)
	entryRef := strings.TrimSpace(e.AcctSvcrRef)
	if ref := strings.TrimSpace(e.NtryRef); entryRef == "" && ref != "" && p.stmtID != "" {
		entryRef = p.stmtID + "/" + ref
	}

	if len(txs) <= 1 {
		var tx camtTx
		if len(txs) == 1 {
			tx = txs[0]
		}
		l, valid := p.line(no, "", e.Amt, e, &tx)
		if !valid || !ok {
			if l.zero {
				p.outgoing++
			}
			return nil
		}
		l.BookedAt = booked
		l.bankRef = firstNonEmpty(entryRef, tx.Refs.AcctSvcrRef, tx.Refs.UETR)
		return p.add(l)
	}
	for i := range txs {
		tx := &txs[i]
		if strings.TrimSpace(tx.CdtDbtInd) == "DBIT" {
			p.outgoing++
			continue
		}
		amt := tx.Amt
		if amt == nil {
			amt = tx.TxAmt
		}
		field := fmt.Sprintf("transaction %d, ", i+1)
		if amt == nil {
			p.c.add(no, field+"amount", "a batched transaction has no amount (TxDtls/Amt or AmtDtls/TxAmt/Amt)")
			continue
		}
		l, valid := p.line(no, field, amt, e, tx)
		if !valid || !ok {
			if l.zero {
				p.outgoing++
			}
			continue
		}
		l.BookedAt = booked
		l.bankRef = firstNonEmpty(tx.Refs.AcctSvcrRef, tx.Refs.UETR)
		if l.bankRef == "" && entryRef != "" {
			l.bankRef = entryRef + "/" + strconv.Itoa(i+1)
		}
		if err := p.add(l); err != nil {
			return err
		}
	}
	return nil
}

// add passes on a good line while the file has no errors.
func (p *camtParser) add(l camtLine) error {
	if len(l.bankRef) > MaxExternalIDLength {
		p.c.add(l.No, "external id", "the bank's reference is %d characters long; at most %d are allowed", len(l.bankRef), MaxExternalIDLength)
		return nil
	}
	l.content = identity(&l.Line, p.account, l.endToEnd)
	p.lines++
	if len(p.c.errs) > 0 {
		return nil
	}
	return p.emit(&l)
}

// date is the booking date, else the value date.
func (p *camtParser) date(no int, e *camtEntry) (time.Time, bool) {
	for _, d := range []camtDate{e.BookgDt, e.ValDt} {
		if s := strings.TrimSpace(d.DtTm); s != "" {
			for _, layout := range []string{time.RFC3339, "2006-01-02T15:04:05"} {
				if t, err := time.Parse(layout, s); err == nil {
					return p.plausible(no, s, t.UTC())
				}
			}
			p.c.add(no, "date", "%q is not a date and time like 2024-03-31T10:15:00+01:00", s)
			return time.Time{}, false
		}
		if s := strings.TrimSpace(d.Dt); s != "" {
			// xs:date may carry a time zone ("2024-03-31+01:00"); the day is what counts.
			for _, layout := range []string{"2006-01-02", "2006-01-02Z07:00"} {
				if t, err := time.Parse(layout, s); err == nil {
					return p.plausible(no, s, time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC))
				}
			}
			p.c.add(no, "date", "%q is not a date like 2024-03-31", s)
			return time.Time{}, false
		}
	}
	created := firstNonEmpty(p.created, p.groupCreated)
	if t, err := time.Parse("2006-01-02", created[:min(len(created), 10)]); err == nil && created != "" {
		p.undated++
		if p.undated <= maxDateNotices {
			p.notices = append(p.notices, fmt.Sprintf("Entry %d has no booking date; the %s's date, %s, is used.", no, p.kind.noun, t.Format("2006-01-02")))
		}
		return p.plausible(no, created, t)
	}
	p.c.add(no, "date", "the entry has no booking date (BookgDt) or value date (ValDt), and the %s no creation date (CreDtTm) to use instead", p.kind.noun)
	return time.Time{}, false
}

func (p *camtParser) plausible(no int, text string, t time.Time) (time.Time, bool) {
	if !plausible(t) {
		p.c.add(no, "date", "%q is not a plausible booking date", text)
		return time.Time{}, false
	}
	if future(t) {
		p.c.add(no, "date", "%q is in the future; a %s lists money already booked", text, p.kind.noun)
		return time.Time{}, false
	}
	return t, true
}

var xsdAmount = regexp.MustCompile(`^\+?([0-9]+(\.[0-9]*)?|\.[0-9]+)$`)

// line reads the amount, currency and details of one credit. valid is
// false when the line is skipped or has errors.
func (p *camtParser) line(no int, field string, amt *camtAmount, e *camtEntry, tx *camtTx) (camtLine, bool) {
	if amt == nil {
		p.c.add(no, field+"amount", "the entry has no amount (Amt)")
		return camtLine{}, false
	}
	text := strings.TrimSpace(amt.Value)
	if !xsdAmount.MatchString(text) || len(text) > maxAmountDigits+2 {
		p.c.add(no, field+"amount", "%q is not a positive decimal number like 1234.56", amt.Value)
		return camtLine{}, false
	}
	amount, err := decimal.NewFromString(strings.TrimPrefix(text, "+"))
	if err != nil {
		p.c.add(no, field+"amount", "%q is not a positive decimal number like 1234.56", amt.Value)
		return camtLine{}, false
	}
	if amount.Sign() == 0 {
		return camtLine{zero: true}, false // nothing was received
	}
	code, f, reason := checkAmount(amount, text, amt.Ccy)
	if f != "" {
		p.c.add(no, field+f, "%s", reason)
		return camtLine{}, false
	}

	var parts []string
	for _, s := range tx.RmtInf.Strd {
		parts = append(parts, s.CdtrRef)
	}
	for _, s := range tx.RmtInf.Strd {
		parts = append(parts, s.Documents...)
	}
	parts = append(parts, tx.RmtInf.Ustrd...)
	for _, s := range tx.RmtInf.Strd {
		parts = append(parts, s.AddtlRmtInf...)
	}
	parts = append(parts, tx.AddtlTxInf, e.AddtlNtryInf)

	l := camtLine{Line: Line{
		No:           no,
		Amount:       amount,
		Currency:     code,
		Text:         joinRemittance(parts),
		PayerName:    firstNonEmpty(tx.Parties.Dbtr, tx.Parties.DbtrPty, tx.Parties.UltmtDbtr, tx.Parties.UltmtDbtrPt),
		PayerAccount: firstNonEmpty(tx.Parties.IBAN, tx.Parties.Othr),
	}}
	if e2e := strings.TrimSpace(tx.Refs.EndToEndID); e2e != "NOTPROVIDED" {
		l.endToEnd = e2e
	}
	return l, true
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

// joinRemittance joins the parts of remittance information that say
// something: NOTPROVIDED, which banks fill empty fields with, says nothing.
func joinRemittance(parts []string) string {
	var out []string
	for _, s := range parts {
		if s = strings.TrimSpace(s); s != "" && !isPlaceholder(s) {
			out = append(out, s)
		}
	}
	return strings.Join(out, " ")
}
