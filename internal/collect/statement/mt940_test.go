package statement

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestParseMT940(t *testing.T) {
	tests := []struct {
		file     string
		want     []Line
		outgoing int
		skipped  []int // line numbers
		notices  []string
	}{{
		// ABN AMRO: a bank header before :20:, /TRTP/ structured :86:
		// wrapped at 65 characters inside words, a debit, a reversed credit
		// (RC) and a REMI with a slash of its own.
		file: "mt940/abnamro.sta",
		want: []Line{
			{No: 8, BookedAt: day(2024, 3, 12), Amount: dec("1210.00"), Currency: "EUR", Text: "Factuur 2024-0042",
				PayerName: "Bakkerij de Gouden Korenschoof", PayerAccount: "NL44RABO0123456789", ExternalID: "sha256:10ccabed2707300d24bd505541e8861a"},
			{No: 16, BookedAt: day(2024, 3, 13), Amount: dec("350.00"), Currency: "EUR", Text: "INV-2024-0043 0050001234567890",
				PayerName: "J. de Vries", PayerAccount: "NL20INGB0001234567", ExternalID: "sha256:796c0b39621f2f4fd39cef360ca1de73"},
			{No: 24, BookedAt: day(2024, 3, 14), Amount: dec("75.25"), Currency: "EUR", Text: "order 2024/117 RF18 5390 0754 7034",
				PayerName: "Atelier Dupont SPRL", PayerAccount: "BE68539007547034", ExternalID: "sha256:d643557d595cd7efeeb9f13a155aa4f8"},
		},
		outgoing: 2,
		skipped:  []int{1, 2, 3},
	}, {
		// ING: "0000 01INGBNL2A…" header, /CNTP/ and /REMI/USTD// or
		// /REMI/STRD/CUR/, supplementary details, bank references as ids.
		file: "mt940/ing.sta",
		want: []Line{
			{No: 8, BookedAt: day(2024, 3, 15), Amount: dec("150.00"), Currency: "EUR", Text: "Factuur 2024-0044 maart",
				PayerName: "Koffiebar Het Plein", PayerAccount: "NL56INGB0005555555", ExternalID: "00000000001005"},
			{No: 12, BookedAt: day(2024, 3, 15), Amount: dec("2500.00"), Currency: "EUR", Text: "RF18539007547034",
				PayerName: "Northwind Traders AG", PayerAccount: "DE27100777770209299700", ExternalID: "00000000001006"},
		},
		outgoing: 1,
		skipped:  []int{1, 2, 3, 22},
	}, {
		// A German savings bank in Windows-1252: two statements, GVC codes,
		// ?20-?29 text cut at 27 characters inside words, EREF+NOTPROVIDED,
		// the funds code R, a returned direct debit (RD), and entry dates
		// across New Year both ways (value 29 Dec booked 2 Jan, value 2 Jan
		// booked 29 Dec).
		file: "mt940/sparkasse.sta",
		want: []Line{
			{No: 5, BookedAt: day(2023, 12, 29), Amount: dec("1190.00"), Currency: "EUR", Text: "EREF+RE-2023-117 SVWZ+Rechnung 2023-117 Müller Gebäudetechnik vielen Dank",
				PayerName: "Müller Gebäudetechnik GmbH", PayerAccount: "DE89370400440532013000", ExternalID: "sha256:e50ad54a309acbd869df50b21772b4d1"},
			{No: 18, BookedAt: day(2024, 1, 2), Amount: dec("480.00"), Currency: "EUR", Text: "SVWZ+RF18 5390 0754 7034 Abschlag Januar",
				PayerName: "Bäckerei Weiß Inh. Jörg Weiß", PayerAccount: "DE02120300000000202051", ExternalID: "sha256:e0d50fd610927e7c2a0b9009a5774aae"},
			{No: 25, BookedAt: day(2023, 12, 29), Amount: dec("650.00"), Currency: "EUR", Text: "Miete Lagerraum Januar",
				PayerName: "Hafen GmbH", PayerAccount: "DE75512108001245126199", ExternalID: "BANKREF-0102"},
		},
		outgoing: 2,
		skipped:  []int{13, 29},
	}, {
		// A Polish bank in Windows-1250 with "~" subfields and the IBAN in ~38.
		file: "mt940/pkobp.sta",
		want: []Line{
			{No: 5, BookedAt: day(2024, 3, 20), Amount: dec("2460.00"), Currency: "PLN", Text: "Faktura VAT FV/2024/03/015 zapłata",
				PayerName: "PRZEDSIĘBIORSTWO USŁUGOWE ŁĄKA SP. Z O.O.", PayerAccount: "PL61109010140000071219812874", ExternalID: "sha256:85bd14b8fd7c5b3e2bcf5685d3a5fa10"},
		},
		outgoing: 1,
		notices:  []string{"The file is not UTF-8; it is read as Windows-1250, as Polish banks write it. Check that the payers' names read right."},
	}, {
		// MT942: no balances; the currency comes from :34F:.
		file: "mt940/mt942.sta",
		want: []Line{
			{No: 6, BookedAt: day(2024, 3, 21), Amount: dec("99.90"), Currency: "EUR", Text: "EREF+INV-2024-0050 SVWZ+INV-2024-0050",
				PayerName: "Contoso e.K.", PayerAccount: "DE91100000000123456789", ExternalID: "INTRA-0001"},
		},
		outgoing: 1,
		skipped:  []int{13},
	}, {
		// SWIFT envelopes with SOH and ETX bytes, "-}" trailers, free-text
		// :86: over two lines, one bank reference on two lines (both fall
		// back to hashes), a zero amount, a line without :86:.
		file: "mt940/swift.sta",
		want: []Line{
			{No: 6, BookedAt: day(2024, 3, 18), Amount: dec("42.00"), Currency: "EUR", Text: "Fabrikam OHG invoice INV-2024-0060 thank you for your business",
				ExternalID: "sha256:907dd38091bef62adfe510230d1f0b08"},
			{No: 10, BookedAt: day(2024, 3, 18), Amount: dec("42.00"), Currency: "EUR", Text: "Fabrikam OHG invoice INV-2024-0061",
				ExternalID: "sha256:9bed05dd78476cfad2d8725982d0780a"},
			{No: 21, BookedAt: day(2024, 3, 19), Amount: dec("12.50"), Currency: "EUR", ExternalID: "sha256:5216c8ba2b845d0d468c49caac8baf75"},
		},
		outgoing: 1,
		skipped:  []int{1, 13, 14, 23},
	}}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f, err := Open(open(t, tt.file), FormatMT940, nil)
			if err != nil {
				t.Fatal(err)
			}
			got, err := f.all()
			if err != nil {
				t.Fatal(err)
			}
			// Hashed ids are pinned: changing them would import every earlier
			// statement's unreferenced lines a second time.
			checkLines(t, got, tt.want)
			if f.Format != FormatMT940 || f.Lines() != len(tt.want) || f.Outgoing != tt.outgoing {
				t.Errorf("format %s, %d lines, %d outgoing; want MT940, %d, %d", f.Format, f.Lines(), f.Outgoing, len(tt.want), tt.outgoing)
			}
			var skipped []int
			for _, s := range f.Skipped {
				skipped = append(skipped, s.Line)
			}
			if !equalInts(skipped, tt.skipped) {
				t.Errorf("skipped lines %v (%+v), want %v", skipped, f.Skipped, tt.skipped)
			}
			if strings.Join(f.Notices, "|") != strings.Join(tt.notices, "|") {
				t.Errorf("notices %q, want %q", f.Notices, tt.notices)
			}
			again, err := ParseMT940(open(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if a, b := strings.Join(ids(got), " "), strings.Join(ids(again), " "); a != b {
				t.Errorf("re-parsing changed the ids:\n%s\n%s", a, b)
			}
		})
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestParseMT940Skipped(t *testing.T) {
	f, err := OpenMT940(open(t, "mt940/swift.sta"))
	if err != nil {
		t.Fatal(err)
	}
	s := f.Skipped[0]
	if s.Text != "{1:F01RABONL2UAXXX0000000000}{2:O9401200240318RABONL2UAXXX00000000002403181200N}{4:" || s.Reason != "the SWIFT envelope before a statement" {
		t.Errorf("got %+v; want the envelope without its SOH byte", s)
	}
}

func TestParseMT940Rejects(t *testing.T) {
	head := ":20:STMT-1\n:25:DE44500105175407324931\n:28C:1/1\n:60F:C240301EUR100,00\n"
	tests := []struct {
		name string
		file string
		want string
	}{{
		name: "a statement that does not add up",
		file: head + ":61:240301C10,00NTRFNONREF\n:86:Rechnung 1\n:61:240301D2,50NTRFNONREF\n:62F:C240301EUR101,00\n",
		want: `line 8, :62F: closing balance: statement :20:STMT-1 does not add up: the opening balance 100.00 plus credits 10.00 minus debits 2.50 is 107.50 EUR, but the closing balance is 101.00 EUR (a difference of 6.50); a :61: line is misread or missing, so download the statement again`,
	}, {
		name: "amounts with a decimal point, a bad mark, a bad date, no type",
		file: head + ":61:240301C10.00NTRFNONREF\n:61:240301X10,00NTRF\n:61:241301C1,00NTRF\n:61:240301C1,00\n",
		want: `line 5, :61: amount: "10.00" is not an amount like 1234,56 (SWIFT amounts have a decimal comma and at most 15 characters); ` +
			`line 6, :61: credit/debit: "X10,00NTRF" must start with the mark C (credit), D (debit), RC or RD (reversals); ` +
			`line 7, :61: value date: "241301" is not a date (YYMMDD); ` +
			`line 8, :61: transaction type: "" after the amount must be a transaction type such as NTRF or NMSC`,
	}, {
		name: "no currency",
		file: ":20:STMT-1\n:25:X\n:61:240301C10,00NTRFNONREF\n",
		want: `line 3, :61: currency: the statement names no currency: it has no opening balance (:60F:) or, for MT942, floor limit (:34F:) before this line`,
	}, {
		name: "too many decimals for the currency",
		file: ":20:STMT-1\n:60F:C240301JPY100,\n:61:240301C10,5NTRFNONREF\n",
		want: `line 3, :61: amount: "10,5" has more decimals than JPY allows (0)`,
	}, {
		name: "a future date",
		file: ":20:STMT-1\n:60F:C240301EUR0,\n:61:7812311231C10,00NTRFNONREF\n",
		want: `line 3, :61: date: 2078-12-31 is in the future; a statement lists money already booked`,
	}, {
		name: "an unknown currency",
		file: ":20:STMT-1\n:60F:C240301XYZ100,00\n",
		want: `line 2, :60F: opening balance: "XYZ" is not a currency code Tally knows; use an ISO 4217 code such as EUR or USD`,
	}, {
		name: "a broken balance",
		file: ":20:STMT-1\n:60F:C240301EUR100.00\n",
		want: `line 2, :60F: opening balance: "C240301EUR100.00" is not a balance like C240301EUR1234,56 (:60F:)`,
	}, {
		name: "no statement at all",
		file: "ABNANL2A\n940\nABNANL2A\n",
		want: `the file holds no MT940 statement: no line starts with the :20: tag`,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines, err := ParseMT940(strings.NewReader(tt.file))
			if got := errorText(t, lines, err); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestDetect(t *testing.T) {
	tests := []struct {
		name string
		head string
		want Format
	}{
		{"ABN AMRO", string(read(t, "mt940/abnamro.sta")), FormatMT940},
		{"ING", string(read(t, "mt940/ing.sta")), FormatMT940},
		{"Sparkasse", string(read(t, "mt940/sparkasse.sta")), FormatMT940},
		{"Polish", string(read(t, "mt940/pkobp.sta")), FormatMT940},
		{"MT942", string(read(t, "mt940/mt942.sta")), FormatMT940},
		{"SWIFT envelope", string(read(t, "mt940/swift.sta")), FormatMT940},
		{":940: line", ":940:\r\n:20:STARTUMSE\r\n", FormatMT940},
		{"cut short after :20:", "\x01:20:STARTUMSE", FormatMT940},
		{"camt.054", string(read(t, "camt/camt054_qrr.xml")), FormatCAMT054},
		{"camt.052", string(read(t, "camt/camt052.xml")), FormatCAMT052},
		{"camt.053", string(read(t, "camt053_v08.xml")), FormatCAMT053},
		{"camt.052 without a namespace", "<Document><BkToCstmrAcctRpt><GrpHdr/>", FormatCAMT052},
		{"other XML", `<?xml version="1.0"?><html><body/></html>`, FormatCAMT053},
		{"CSV", string(read(t, "sparkasse.csv")), FormatCSV},
		{"CSV", string(read(t, "barclays.csv")), FormatCSV},
		{"CSV with a tag in a memo", "Date;Memo\n2024-03-01;:20: fee\n2024-03-02;:25: fee\n", FormatCSV},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			head := []byte(tt.head)
			if got := Detect(head[:min(len(head), detectSize)]); got != tt.want {
				t.Errorf("Detect = %s, want %s", got, tt.want)
			}
		})
	}
}

func TestUnreadable(t *testing.T) {
	tests := []struct{ head, want string }{
		{"", "the file is empty"},
		{"\xef\xbb\xbf \r\n", "the file is empty"},
		{"%PDF-1.7\n", "the file is a PDF; download the statement from the bank as CSV, MT940 or camt.053 instead"},
		{"PK\x03\x04\x14\x00", "the file is a ZIP archive or an Excel workbook (.xlsx); unpack it, or save the sheet as CSV"},
		{"\xd0\xcf\x11\xe0\xa1\xb1", "the file is an old Excel workbook (.xls); save the sheet as CSV"},
		{"GIF89a\x01\x00\x00", "the file is binary data, not a bank statement; download the statement as CSV, MT940 or camt.053"},
		{"\xff\xfeD\x00a\x00", ""},
		{":20:X\n", ""},
	}
	for _, tt := range tests {
		got := ""
		if err := Unreadable([]byte(tt.head)); err != nil {
			got = err.Error()
		}
		if got != tt.want {
			t.Errorf("Unreadable(%q) = %q, want %q", tt.head, got, tt.want)
		}
	}
}

// TestNoDebitBecomesALine walks every MT940 and camt fixture and checks,
// against the file's own marks read here independently, that no debit,
// reversal or pending entry became a line, and for MT940 that every :61:
// is either a line or counted as outgoing.
func TestNoDebitBecomesALine(t *testing.T) {
	files, err := filepath.Glob("testdata/mt940/*")
	if err != nil {
		t.Fatal(err)
	}
	xmls, _ := filepath.Glob("testdata/camt/*.xml")
	top, _ := filepath.Glob("testdata/*.xml")
	files = append(append(files, xmls...), top...)
	if len(files) < 12 {
		t.Fatalf("found %d fixtures; the globs are wrong", len(files))
	}
	mark := regexp.MustCompile(`^:61:[0-9]{6}([0-9]{4})?(R?[CD])`)
	for _, name := range files {
		t.Run(filepath.Base(name), func(t *testing.T) {
			data, err := os.ReadFile(name) //nolint:gosec // a fixture under testdata/
			if err != nil {
				t.Fatal(err)
			}
			format := Detect(data[:min(len(data), detectSize)])
			f, err := Open(bytes.NewReader(data), format, nil)
			if err != nil {
				t.Skipf("refused (its own test checks why): %v", err)
			}
			lines, err := f.all()
			if err != nil {
				t.Fatal(err)
			}
			forbidden := map[int]bool{}
			statements := 0
			if format == FormatMT940 {
				for i, l := range strings.Split(string(data), "\n") {
					if m := mark.FindStringSubmatch(strings.TrimSpace(l)); m != nil {
						statements++
						if m[2] != "C" {
							forbidden[i+1] = true
						}
					}
				}
				if f.Lines()+f.Outgoing != statements {
					t.Errorf("%d lines + %d outgoing, but the file has %d :61: lines", f.Lines(), f.Outgoing, statements)
				}
			} else {
				entries := regexp.MustCompile(`(?s)<Ntry>.*?</Ntry>`).FindAllString(string(data), -1)
				for i, e := range entries {
					ind := regexp.MustCompile(`<CdtDbtInd>(\w+)</CdtDbtInd>`).FindStringSubmatch(e)
					if (ind != nil && ind[1] == "DBIT") || strings.Contains(e, "<RvslInd>true</RvslInd>") ||
						strings.Contains(e, "PDNG") || strings.Contains(e, "INFO</") {
						forbidden[i+1] = true
					}
				}
			}
			for _, l := range lines {
				if forbidden[l.No] {
					t.Errorf("line %d (%s %s) is a debit, reversal or pending entry in the file", l.No, l.Amount, l.Currency)
				}
			}
			if len(forbidden) == 0 {
				t.Log("this fixture has no outgoing entries")
			}
		})
	}
}
