package statement

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestParseCAMT053(t *testing.T) {
	tests := []struct {
		file string
		want []Line
	}{{
		// Entry 2 is a debit, 3 a returned direct debit (a reversal), 4 batches
		// three transfers, 5 has only a value date and an NtryRef, 6 no
		// reference at all.
		file: "camt053_v02.xml",
		want: []Line{
			{No: 1, BookedAt: day(2024, 3, 5), Amount: dec("1190.00"), Currency: "EUR", Text: "RF44INV2024031 Rechnung März GUTSCHRIFT UEBERWEISUNG",
				PayerName: "Müller Gebäudetechnik GmbH", PayerAccount: "DE89370400440532013000", ExternalID: "2024030500012"},
			{No: 4, BookedAt: day(2024, 3, 5), Amount: dec("500.00"), Currency: "EUR", Text: "INV-2024-0101 SAMMELGUTSCHRIFT",
				PayerName: "Northwind Traders AG", PayerAccount: "DE27100777770209299700", ExternalID: "TX-88231"},
			{No: 4, BookedAt: day(2024, 3, 5), Amount: dec("300.00"), Currency: "EUR", Text: "INV-2024-0102 und INV-2024-0103 SAMMELGUTSCHRIFT",
				PayerName: "Contoso e.K.", PayerAccount: "DE91100000000123456789", ExternalID: "2024030500015/2"},
			{No: 4, BookedAt: day(2024, 3, 5), Amount: dec("200.00"), Currency: "EUR", Text: "RF85TALLY0042 SAMMELGUTSCHRIFT",
				PayerName: "Fabrikam OHG", ExternalID: "2024030500015/3"},
			{No: 5, BookedAt: day(2024, 3, 5), Amount: dec("175.50"), Currency: "EUR", Text: "Rechnung 2024-0117 Teilzahlung",
				PayerName: "Bäckerei Weiß", PayerAccount: "0202051", ExternalID: "STMT-2024-03-05-001/5"},
			{No: 6, BookedAt: day(2024, 3, 5), Amount: dec("75.5"), Currency: "EUR", Text: "BARGELDEINZAHLUNG",
				ExternalID: "sha256:59164efd3663efcaab00514dceb17405"},
		},
	}, {
		// Newer element places (Sts/Cd, Dbtr/Pty/Nm, TxDtls/Amt, UETR), a
		// booking time, a pending entry, and two identical coffee payments.
		file: "camt053_v08.xml",
		want: []Line{
			{No: 1, BookedAt: time.Date(2024, 3, 7, 8, 12, 44, 0, time.UTC), Amount: dec("2500.00"), Currency: "CHF", Text: "RF17 2024 0001 17 Invoice 2024-000117",
				PayerName: "Helvetia Design Sàrl", PayerAccount: "CH5604835012345678009", ExternalID: "CH-240307-0001"},
			{No: 5, BookedAt: day(2024, 3, 7), Amount: dec("1000.00"), Currency: "CHF", Text: "RE 2024-0150 Sammelgutschrift",
				PayerName: "Alpenblick AG", PayerAccount: "CH4431999123000889012", ExternalID: "0b5a8b2e-6f1d-4c55-8a7e-3c1f2d9e4a01"},
			{No: 5, BookedAt: day(2024, 3, 7), Amount: dec("400.00"), Currency: "CHF", Text: "RF44INV2024031 2024-0151 Zahlung aus Rechnungsliste Sammelgutschrift",
				PayerName: "Zürcher Bäckerei GmbH", ExternalID: "CH-240307-0005-B"},
			{No: 5, BookedAt: day(2024, 3, 7), Amount: dec("50.00"), Currency: "CHF", Text: "Trinkgeld Sammelgutschrift",
				PayerName: "Peter Muster", ExternalID: "2024-03-07-CH93/E5/3"},
			{No: 6, BookedAt: day(2024, 3, 7), Amount: dec("4.50"), Currency: "CHF", Text: "Kaffee",
				PayerName: "Kaffeekasse", ExternalID: "sha256:dda219c7b2062e2009af644a70e06952"},
			{No: 7, BookedAt: day(2024, 3, 7), Amount: dec("4.50"), Currency: "CHF", Text: "Kaffee",
				PayerName: "Kaffeekasse", ExternalID: "sha256:45d9183ddaf043d244997d2bc1885ea0"},
		},
	}}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := ParseCAMT053(open(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			// Hashed ids are pinned: changing them would import every earlier
			// statement's unreferenced lines a second time.
			checkLines(t, got, tt.want)
			again, err := ParseCAMT053(open(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if a, b := strings.Join(ids(got), " "), strings.Join(ids(again), " "); a != b {
				t.Errorf("re-parsing changed the ids:\n%s\n%s", a, b)
			}
		})
	}
}

// camt builds a camt.053 document around entries.
func camt(entries ...string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.04"><BkToCstmrStmt>
<GrpHdr><MsgId>M1</MsgId></GrpHdr>
<Stmt><Id>S1</Id><Acct><Id><IBAN>DE44500105175407324931</IBAN></Id></Acct>
` + strings.Join(entries, "\n") + `
</Stmt></BkToCstmrStmt></Document>`
}

// credit is an entry; empty arguments leave the element out.
func credit(amount, ccy, date, ref string) string {
	var b strings.Builder
	b.WriteString("<Ntry>")
	if amount != "" || ccy != "" {
		fmt.Fprintf(&b, `<Amt Ccy="%s">%s</Amt>`, ccy, amount)
	}
	b.WriteString("<CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>")
	if date != "" {
		fmt.Fprintf(&b, "<BookgDt><Dt>%s</Dt></BookgDt>", date)
	}
	if ref != "" {
		fmt.Fprintf(&b, "<AcctSvcrRef>%s</AcctSvcrRef>", ref)
	}
	b.WriteString("</Ntry>")
	return b.String()
}

func TestParseCAMT053Rejects(t *testing.T) {
	v02 := string(read(t, "camt053_v02.xml"))
	tests := []struct {
		name string
		xml  string
		want string
	}{{
		name: "bad amounts, listed together",
		xml: camt(
			credit("12,50", "EUR", "2024-03-01", "A"),
			credit("10.00", "EUR", "2024-03-01", "B"),
			credit("-5.00", "EUR", "2024-03-01", "C"),
			credit("1.005", "USD", "2024-03-01", "D"),
			credit("100.5", "JPY", "2024-03-01", "E"),
		),
		want: `entry 1, amount: "12,50" is not a positive decimal number like 1234.56; entry 3, amount: "-5.00" is not a positive decimal number like 1234.56; entry 4, amount: "1.005" has more decimals than USD allows (2); entry 5, amount: "100.5" has more decimals than JPY allows (0)`,
	}, {
		name: "unknown or missing currency",
		xml:  camt(credit("10.00", "XYZ", "2024-03-01", "A"), credit("10.00", "", "2024-03-01", "B")),
		want: `entry 1, currency: "XYZ" is not a currency code Tally knows; use an ISO 4217 code such as EUR or USD; entry 2, currency: the currency is missing`,
	}, {
		name: "missing or bad date",
		xml:  camt(credit("10.00", "EUR", "", "A"), credit("10.00", "EUR", "05.03.2024", "B")),
		want: `entry 1, date: the entry has no booking date (BookgDt) or value date (ValDt), and the statement no creation date (CreDtTm) to use instead; entry 2, date: "05.03.2024" is not a date like 2024-03-31`,
	}, {
		name: "no amount",
		xml:  camt(credit("", "", "2024-03-01", "A")),
		want: `entry 1, amount: the entry has no amount (Amt)`,
	}, {
		name: "a batched transaction without an amount",
		xml: camt(`<Ntry><Amt Ccy="EUR">30.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2024-03-01</Dt></BookgDt>
			<NtryDtls><TxDtls><Amt Ccy="EUR">10.00</Amt></TxDtls><TxDtls></TxDtls><TxDtls><Amt Ccy="EUR">10.001</Amt></TxDtls></NtryDtls></Ntry>`),
		want: `entry 1, transaction 2, amount: a batched transaction has no amount (TxDtls/Amt or AmtDtls/TxAmt/Amt); entry 1, transaction 3, amount: "10.001" has more decimals than EUR allows (2)`,
	}, {
		name: "neither credit nor debit",
		xml:  camt(`<Ntry><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CREDIT</CdtDbtInd></Ntry>`),
		want: `entry 1, credit/debit: CdtDbtInd is "CREDIT"; it must be CRDT or DBIT`,
	}, {
		name: "cut off in the middle",
		xml:  v02[:len(v02)/2],
		want: `entry 2: the XML ends early, at line 145 of the file: it was cut off; download the statement again`,
	}, {
		name: "malformed",
		xml:  camt(`<Ntry><Amt Ccy="EUR">1.00</Amount></Ntry>`),
		want: `entry 1: the XML is malformed at line 5 of the file: element <Amt> closed by </Amount>`,
	}, {
		name: "a camt.054 notification",
		xml:  string(read(t, "camt054.xml")),
		want: `this is a camt.054 notification, not a camt.053 statement; download the account statement (camt.053) from the bank`,
	}, {
		name: "a pain.001 payment order without a namespace",
		xml:  `<Document><CstmrCdtTrfInitn><GrpHdr/></CstmrCdtTrfInitn></Document>`,
		want: `this is a pain.001 payment order, not a camt.053 statement; download the account statement (camt.053) from the bank`,
	}, {
		name: "a camt.052 report",
		xml:  `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.052.001.08"><BkToCstmrAcctRpt/></Document>`,
		want: `this is a camt.052 account report, not a camt.053 statement; download the account statement (camt.053) from the bank`,
	}, {
		name: "other XML",
		xml:  `<?xml version="1.0"?><html><body>Session expired</body></html>`,
		want: `this is an XML document of type <html>, not a camt.053 statement (which starts with <Document>)`,
	}, {
		name: "a CSV export",
		xml:  "Date,Amount\n2024-03-01,1.00\n",
		want: `the file is not XML; a camt.053 statement starts with <?xml or <Document (is it a CSV export?)`,
	}, {
		name: "an MT940 statement",
		xml:  ":20:STARTUMSE\n:25:10020030/1234567\n",
		want: `this looks like an MT940 statement, not camt.053 XML; ask the bank for camt.053, or import its CSV export`,
	}, {
		name: "empty",
		xml:  " \n",
		want: `the file is empty`,
	}, {
		name: "only a prolog",
		xml:  `<?xml version="1.0"?>`,
		want: `the file has no XML elements; it is not a camt.053 statement`,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines, err := ParseCAMT053(strings.NewReader(tt.xml))
			if got := errorText(t, lines, err); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestParseCAMT053IDs(t *testing.T) {
	t.Run("a bank reference on two lines falls back to hashes", func(t *testing.T) {
		lines, err := ParseCAMT053(strings.NewReader(camt(
			credit("10.00", "EUR", "2024-03-01", "SAME"),
			credit("11.00", "EUR", "2024-03-01", "SAME"),
			credit("12.00", "EUR", "2024-03-01", "OWN"),
		)))
		if err != nil {
			t.Fatal(err)
		}
		if !hashID.MatchString(lines[0].ExternalID) || !hashID.MatchString(lines[1].ExternalID) || lines[2].ExternalID != "OWN" {
			t.Errorf("got ids %v; want two hashes and OWN", ids(lines))
		}
	})
	t.Run("an NtryRef without a statement id is not used", func(t *testing.T) {
		doc := strings.Replace(camt(`<Ntry><NtryRef>1</NtryRef><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2024-03-01</Dt></BookgDt></Ntry>`), "<Id>S1</Id>", "", 1)
		lines, err := ParseCAMT053(strings.NewReader(doc))
		if err != nil {
			t.Fatal(err)
		}
		if !hashID.MatchString(lines[0].ExternalID) {
			t.Errorf("got id %q; a bare entry number would collide with the next statement's", lines[0].ExternalID)
		}
	})
	t.Run("an EndToEndId alone is not an id", func(t *testing.T) {
		// Two instalments of one invoice, both with the invoice number as
		// their end-to-end id.
		tx := `<Ntry><Amt Ccy="EUR">%s</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2024-03-01</Dt></BookgDt>
			<NtryDtls><TxDtls><Refs><EndToEndId>INV-7</EndToEndId></Refs></TxDtls></NtryDtls></Ntry>`
		first, err := ParseCAMT053(strings.NewReader(camt(fmt.Sprintf(tx, "50.00"))))
		if err != nil {
			t.Fatal(err)
		}
		second, err := ParseCAMT053(strings.NewReader(camt(fmt.Sprintf(tx, "50.00"), fmt.Sprintf(tx, "50.00"))))
		if err != nil {
			t.Fatal(err)
		}
		if first[0].ExternalID == "INV-7" || second[0].ExternalID == second[1].ExternalID || second[0].ExternalID != first[0].ExternalID {
			t.Errorf("got %v then %v", ids(first), ids(second))
		}
	})
}

func TestParseCAMT053Latin1(t *testing.T) {
	doc := strings.Replace(camt(`<Ntry><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2024-03-01+01:00</Dt></BookgDt>
		<NtryDtls><TxDtls><RltdPties><Dbtr><Nm>Bäckerei Weiß</Nm></Dbtr></RltdPties><RmtInf><Ustrd>Grüße €</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>`),
		`encoding="UTF-8"`, `encoding="ISO-8859-15"`, 1)
	var latin bytes.Buffer
	for _, r := range doc {
		switch {
		case r == '€':
			latin.WriteByte(0xA4)
		case r < 256:
			latin.WriteByte(byte(r)) //nolint:gosec // G115: r < 256 in this case
		default:
			t.Fatalf("%q is not in ISO-8859-15", r)
		}
	}
	lines, err := ParseCAMT053(&latin)
	if err != nil {
		t.Fatal(err)
	}
	if l := lines[0]; l.PayerName != "Bäckerei Weiß" || l.Text != "Grüße €" || !l.BookedAt.Equal(day(2024, 3, 1)) {
		t.Errorf("got %s", show(l))
	}
}

func TestParseCAMT053TooManyLines(t *testing.T) {
	t.Parallel()
	entry := `<Ntry><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>DBIT</CdtDbtInd></Ntry>`
	doc := camt(strings.Repeat(entry, MaxLines+1))
	lines, err := ParseCAMT053(strings.NewReader(doc))
	if !errors.Is(err, ErrTooManyLines) || lines != nil {
		t.Errorf("got %d lines, %v; want ErrTooManyLines", len(lines), err)
	}
}

func TestParseCAMTNotificationsAndReports(t *testing.T) {
	tests := []struct {
		file     string
		format   Format
		want     []Line
		outgoing int
	}{{
		// A Swiss bank's camt.054: QR references first in the text, a
		// collective credit of two payers (one with an RF reference as SCOR),
		// fees, and a credit taken back; NOTPROVIDED says nothing.
		file: "camt/camt054_qrr.xml", format: FormatCAMT054,
		want: []Line{
			{No: 1, BookedAt: day(2024, 3, 8), Amount: dec("1250.50"), Currency: "CHF", Text: "210000000003139471430009017 Rechnung 2024-0071",
				PayerName: "Muster AG", PayerAccount: "CH5800791123000889012", ExternalID: "240308CH0A1B2C3D"},
			{No: 2, BookedAt: day(2024, 3, 8), Amount: dec("180.00"), Currency: "CHF", Text: "000000000000000000000012346",
				PayerName: "Schreinerei Keller", ExternalID: "240308CH0A1B2C3E-1"},
			{No: 2, BookedAt: day(2024, 3, 8), Amount: dec("120.00"), Currency: "CHF", Text: "RF18539007547034",
				PayerName: "Beispiel GmbH", PayerAccount: "DE89370400440532013000", ExternalID: "240308CH0A1B2C3E-2"},
		},
		outgoing: 2,
	}, {
		// camt.052: only the booked credit; the pending one and the debit
		// are counted as outgoing.
		file: "camt/camt052.xml", format: FormatCAMT052,
		want: []Line{
			{No: 1, BookedAt: time.Date(2024, 3, 21, 8, 14, 0, 0, time.UTC), Amount: dec("99.00"), Currency: "EUR", Text: "Rechnung INV-2024-0080",
				PayerName: "Grünfeld & Partner", PayerAccount: "DE27100777770209299700", ExternalID: "2024032109140001"},
		},
		outgoing: 2,
	}}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f, err := Open(open(t, tt.file), tt.format, nil)
			if err != nil {
				t.Fatal(err)
			}
			got, err := f.all()
			if err != nil {
				t.Fatal(err)
			}
			checkLines(t, got, tt.want)
			if f.Format != tt.format || f.Outgoing != tt.outgoing || len(f.Notices) != 0 {
				t.Errorf("format %s, %d outgoing, notices %q; want %s, %d, none", f.Format, f.Outgoing, f.Notices, tt.format, tt.outgoing)
			}
		})
	}
}

func TestParseCAMTDatesAndPlaceholders(t *testing.T) {
	f, err := OpenCAMT053(open(t, "camt/camt053_nodates.xml"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := f.all()
	if err != nil {
		t.Fatal(err)
	}
	// Entries 1 and 3 have no dates: the statement's creation date (not the
	// message's, a day later) is used, and said.
	checkLines(t, got, []Line{
		{No: 1, BookedAt: day(2024, 3, 31), Amount: dec("100.00"), Currency: "EUR", Text: "Rechnung 2024-0090", ExternalID: "ND-0001"},
		{No: 2, BookedAt: day(2024, 3, 30), Amount: dec("64.00"), Currency: "EUR", PayerName: "Hafen GmbH", ExternalID: "ND-0002"},
		{No: 3, BookedAt: day(2024, 3, 31), Amount: dec("210.00"), Currency: "EUR", Text: "INV-2024-0091", ExternalID: "ND-0003"},
	})
	want := []string{
		"Entry 1 has no booking date; the statement's date, 2024-03-31, is used.",
		"Entry 3 has no booking date; the statement's date, 2024-03-31, is used.",
	}
	if strings.Join(f.Notices, "|") != strings.Join(want, "|") || f.Outgoing != 1 {
		t.Errorf("notices %q, %d outgoing; want %q, 1", f.Notices, f.Outgoing, want)
	}

	t.Run("many undated entries are summed up", func(t *testing.T) {
		entry := `<Ntry><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd></Ntry>`
		doc := strings.Replace(camt(strings.Repeat(entry, 13)), "<Id>S1</Id>", "<Id>S1</Id><CreDtTm>2024-03-31T18:00:00</CreDtTm>", 1)
		f, err := OpenCAMT053(strings.NewReader(doc))
		if err != nil {
			t.Fatal(err)
		}
		if len(f.Notices) != 11 || f.Notices[10] != "3 more entries have no booking date; each uses its statement's date." {
			t.Errorf("got %d notices, the last %q", len(f.Notices), f.Notices[len(f.Notices)-1])
		}
	})
	t.Run("a statement without entries", func(t *testing.T) {
		f, err := OpenCAMT053(strings.NewReader(camt()))
		if err != nil {
			t.Fatal(err)
		}
		if f.Lines() != 0 || strings.Join(f.Notices, "|") != "The file's statement lists no entries: there is nothing to import." {
			t.Errorf("got %d lines, notices %q", f.Lines(), f.Notices)
		}
	})
}

func TestParseCAMTRejects(t *testing.T) {
	tests := []struct {
		file   string
		format Format
		xml    string
		want   string
	}{
		{file: "camt/camt053_future.xml", format: FormatCAMT053,
			want: `entry 2, date: "2099-06-30" is in the future; a statement lists money already booked`},
		{file: "camt/camt053_nostmt.xml", format: FormatCAMT053,
			want: `the file holds no statement: <BkToCstmrStmt> has no <Stmt> element`},
		{format: FormatCAMT054, xml: `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.02"><BkToCstmrDbtCdtNtfctn><GrpHdr/></BkToCstmrDbtCdtNtfctn></Document>`,
			want: `the file holds no notification: <BkToCstmrDbtCdtNtfctn> has no <Ntfctn> element`},
		{file: "camt/camt054_qrr.xml", format: FormatCAMT052,
			want: `this is a camt.054 notification, not a camt.052 account report`},
	}
	for _, tt := range tests {
		t.Run(tt.file+tt.xml, func(t *testing.T) {
			data := []byte(tt.xml)
			if tt.file != "" {
				data = read(t, tt.file)
			}
			lines, err := ParseCAMT(bytes.NewReader(data), tt.format)
			if got := errorText(t, lines, err); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}
