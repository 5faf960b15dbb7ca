package statement

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
)

var sparkasseMapping = Mapping{
	Date:         "Buchungstag",
	Amount:       "Betrag",
	Currency:     "Waehrung",
	Text:         []string{"Verwendungszweck"},
	PayerName:    "Beguenstigter/Zahlungspflichtiger",
	PayerAccount: "Kontonummer/IBAN",
}

var barclaysMapping = Mapping{
	Date:          "date", // case does not matter
	Credit:        "Paid in",
	Debit:         "PAID OUT",
	FixedCurrency: "GBP",
	Text:          []string{"Type", "Description"},
	PayerName:     "Counterparty",
	ExternalID:    "Reference number",
}

func TestParseCSV(t *testing.T) {
	tests := []struct {
		file string
		m    Mapping
		want []Line
	}{{
		// Windows-1252, semicolons, decimal comma, two-digit years, a debit
		// and a zero line to skip, and two identical donations.
		file: "sparkasse.csv",
		m:    sparkasseMapping,
		want: []Line{
			{No: 2, BookedAt: day(2024, 3, 4), Amount: dec("1190.00"), Currency: "EUR", Text: "RF44 INV2 0240 31 Rechnung März",
				PayerName: "Müller Gebäudetechnik GmbH", PayerAccount: "DE89370400440532013000", ExternalID: "sha256:bbe1c37eecbf2d271691b222b00401df"},
			{No: 4, BookedAt: day(2024, 3, 5), Amount: dec("250.00"), Currency: "EUR", Text: "Rechnung 2024-0117 Teilzahlung",
				PayerName: "Bäckerei Weiß", PayerAccount: "DE02120300000000202051", ExternalID: "sha256:a0ac78d255215c17551d19e961b2ff95"},
			{No: 5, BookedAt: day(2024, 3, 6), Amount: dec("20.00"), Currency: "EUR", Text: "Spende",
				PayerName: "Anna Schulz", PayerAccount: "DE75512108001245126199", ExternalID: "sha256:d66c0a9b140da91e6cd92bdfef23dd81"},
			{No: 6, BookedAt: day(2024, 3, 6), Amount: dec("20.00"), Currency: "EUR", Text: "Spende",
				PayerName: "Anna Schulz", PayerAccount: "DE75512108001245126199", ExternalID: "sha256:37d8261fcd33783bf676085a952e9432"},
			{No: 7, BookedAt: day(2024, 3, 7), Amount: dec("12345.67"), Currency: "EUR", Text: "Ref. TALLY-0042 Danke, Grüße",
				PayerName: "Jürgen Öztürk", PayerAccount: "AT611904300234573201", ExternalID: "sha256:d2965f4f2e901e7d814c6998014b4e95"},
		},
	}, {
		// UTF-8 with a byte order mark and CRLF, account details above the
		// header, credit and debit columns, day-first slash dates, quotes.
		file: "barclays.csv",
		m:    barclaysMapping,
		want: []Line{
			{No: 7, BookedAt: day(2024, 3, 4), Amount: dec("1250.00"), Currency: "GBP", Text: "FPI Invoice INV-1043, thanks",
				PayerName: "Bright Ideas Ltd", ExternalID: "FPI0403A101"},
			{No: 8, BookedAt: day(2024, 3, 14), Amount: dec("480.50"), Currency: "GBP", Text: "BGC RF85TALLY0042",
				PayerName: "Northwind Traders", ExternalID: "BGC1403B717"},
			{No: 9, BookedAt: day(2024, 3, 21), Amount: dec("3000.00"), Currency: "GBP", Text: `FPI Payment "March" retainer`,
				PayerName: "O'Brien & Co", ExternalID: "FPI2103C202"},
		},
	}}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := ParseCSV(open(t, tt.file), tt.m)
			if err != nil {
				t.Fatal(err)
			}
			// The hashed ids are pinned: a change would make every statement
			// imported before it import again as new payments.
			checkLines(t, got, tt.want)

			again, err := ParseCSV(open(t, tt.file), tt.m)
			if err != nil {
				t.Fatal(err)
			}
			if a, b := strings.Join(ids(got), " "), strings.Join(ids(again), " "); a != b {
				t.Errorf("re-parsing changed the ids:\n%s\n%s", a, b)
			}
		})
	}
}

func TestCSVIdenticalRowsKeepTheirIDsInAnOverlappingExport(t *testing.T) {
	const head = "Date;Amount;Currency;Text\n"
	rows := []string{
		"2024-03-01;10,00;EUR;rent share\n",
		"2024-03-02;20,00;EUR;coffee\n",
		"2024-03-02;20,00;EUR;coffee\n",
		"2024-03-03;30,00;EUR;lunch\n",
	}
	m := Mapping{Date: "Date", Amount: "Amount", Currency: "Currency", Text: []string{"Text"}}
	full, err := ParseCSV(strings.NewReader(head+strings.Join(rows, "")), m)
	if err != nil {
		t.Fatal(err)
	}
	if full[1].ExternalID == full[2].ExternalID {
		t.Fatalf("identical rows share id %s; the second payment would be taken for the first", full[1].ExternalID)
	}
	for _, l := range full {
		if !hashID.MatchString(l.ExternalID) {
			t.Errorf("line %d: id %q, want a sha256: hash", l.No, l.ExternalID)
		}
	}
	// The same account exported from the 2nd on: the lines it shares with
	// the first export must not come back as new payments.
	later, err := ParseCSV(strings.NewReader(head+strings.Join(rows[1:], "")), m)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(ids(later), " "), strings.Join(ids(full[1:]), " "); got != want {
		t.Errorf("ids in the later export:\n got %s\nwant %s", got, want)
	}
}

func TestParseCSVRejects(t *testing.T) {
	base := Mapping{Date: "Date", Amount: "Amount", Currency: "Currency", Text: []string{"Memo"}}
	tests := []struct {
		name string
		csv  string
		m    Mapping
		want string
	}{{
		name: "a letter O for a zero",
		csv:  "Date;Amount;Currency;Memo\n2024-03-01;10,00;EUR;a\n2024-03-02;12,5O;EUR;b\n",
		m:    base,
		want: `line 3, amount: "12,5O" is not a number; this file uses a decimal comma (line 2: "10,00"), so write it like 1.234,56`,
	}, {
		name: "more decimals than the currency has",
		csv:  "Date,Amount,Currency,Memo\n2024-03-01,1.005,USD,a\n2024-03-01,5.5,JPY,b\n2024-03-01,1.0050,KWD,c\n",
		m:    base,
		want: `line 2, amount: "1.005" has more decimals than USD allows (2); line 3, amount: "5.5" has more decimals than JPY allows (0)`,
	}, {
		name: "unknown and missing currency",
		csv:  "Date,Amount,Currency,Memo\n2024-03-01,10.00,EURO,a\n2024-03-01,10.00,,b\n",
		m:    base,
		want: `line 2, currency: "EURO" is not a currency code Tally knows; use an ISO 4217 code such as EUR or USD; line 3, currency: the currency is missing`,
	}, {
		name: "missing and unreadable dates",
		csv:  "Date,Amount,Currency,Memo\n,10.00,EUR,a\n31.02.2024,10.00,EUR,b\nyesterday,10.00,EUR,c\n0024-03-01,10.00,EUR,d\n",
		m:    base,
		want: `line 2, date: the date is empty; line 3, date: "31.02.2024" is not a date; write it like 2024-03-31 or 31.03.2024, or set the date format in the mapping; line 4, date: "yesterday" is not a date; write it like 2024-03-31 or 31.03.2024, or set the date format in the mapping; line 5, date: "0024-03-01" is not a plausible booking date`,
	}, {
		name: "slash dates that could be either order",
		csv:  "Date,Amount,Currency,Memo\n03/04/2024,10.00,USD,a\n05/04/2024,10.00,USD,b\n",
		m:    base,
		want: `line 2, date: "03/04/2024" could be day first or month first, and no date in the file has a day above 12; set the date format in the mapping to 02/01/2006 (day first) or 01/02/2006 (month first)`,
	}, {
		name: "the same bank id twice",
		csv:  "Date,Amount,Currency,Memo,Ref\n2024-03-01,10.00,EUR,a,R1\n2024-03-02,11.00,EUR,b,R1\n",
		m:    Mapping{Date: "Date", Amount: "Amount", Currency: "Currency", ExternalID: "Ref"},
		want: `line 3, external id: "R1" is also on line 2; map a column that is unique for every payment, or none`,
	}, {
		name: "an external id too long",
		csv:  "Date,Amount,Currency,Ref\n2024-03-01,10.00,EUR," + strings.Repeat("x", 201) + "\n",
		m:    Mapping{Date: "Date", Amount: "Amount", Currency: "Currency", ExternalID: "Ref"},
		want: `line 2, external id: is 201 characters long, at most 200 are allowed; map another column or none`,
	}, {
		name: "a quote never closed",
		csv:  "Date,Amount,Currency,Memo\n2024-03-01,10.00,EUR,\"thanks\n2024-03-02,11.00,EUR,b\n",
		m:    base,
		want: `line 2: a quoted cell starts on this line and is never closed; check its quotes`,
	}, {
		name: "a stray quote",
		csv:  "Date,Amount,Currency,Memo\n2024-03-01,10.00,EUR,Max \"Maxi\" M\n",
		m:    base,
		want: `line 2: a quote (") in column 4 (Memo) is inside a cell that is not quoted; quote the cell and write the quote twice`,
	}, {
		name: "credit and debit both filled, a negative credit",
		csv:  "Date,In,Out\n2024-03-01,10.00,5.00\n2024-03-02,-3.00,\n2024-03-03,,7.00\n",
		m:    Mapping{Date: "Date", Credit: "In", Debit: "Out", FixedCurrency: "EUR"},
		want: `line 2, credit: both credit ("10.00") and debit ("5.00") have an amount; a row is one or the other; line 3, credit: "-3.00" is negative; money going out belongs in the debit column`,
	}, {
		name: "columns that are not in the file",
		csv:  "Datum;Betrag;Währung\n01.03.2024;1,00;EUR\n",
		m:    Mapping{Date: "Buchungstag", Amount: "Betrag", Currency: "Waehrung"},
		want: `mapping.date: there is no column "Buchungstag" in the header (Datum, Betrag, Währung); mapping.currency: there is no column "Waehrung" in the header (Datum, Betrag, Währung)`,
	}, {
		name: "a mapping that cannot work",
		csv:  "Date,Amount\n2024-03-01,1.00\n",
		m:    Mapping{Amount: "Amount", Credit: "In", FixedCurrency: "XXX", DateFormat: "yesterday"},
		want: `mapping.date: choose the column with the booking date; mapping.amount: choose either an amount column or credit and debit columns, not both; mapping.fixedCurrency: "XXX" is not a currency code Tally knows; use an ISO 4217 code such as EUR or USD; mapping.dateFormat: "yesterday" is not a date layout; write 31 March 2024 the way the file does, e.g. 31.03.2024 becomes 02.01.2006`,
	}, {
		name: "two columns of the same name",
		csv:  "Date,Amount,Amount\n2024-03-01,1.00,2.00\n",
		m:    Mapping{Date: "Date", Amount: "amount", FixedCurrency: "EUR"},
		want: `mapping.amount: the header has 2 columns named "amount"; choose "Amount (column 2)" or "Amount (column 3)"`,
	}, {
		name: "empty file",
		csv:  "",
		m:    base,
		want: `the file is empty`,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines, err := ParseCSV(strings.NewReader(tt.csv), tt.m)
			if got := errorText(t, lines, err); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestParseCSVStopsListingAfterTwentyErrors(t *testing.T) {
	var b strings.Builder
	b.WriteString("Date,Amount,Currency\n")
	for range 50 {
		b.WriteString("2024-03-01,ten,EUR\n")
	}
	lines, err := ParseCSV(strings.NewReader(b.String()), Mapping{Date: "Date", Amount: "Amount", Currency: "Currency"})
	errorText(t, lines, err)
	e, ok := errors.AsType[*Errors](err)
	if !ok {
		t.Fatalf("got %T, want *Errors", err)
	}
	errs := *e
	if len(errs) != 21 {
		t.Fatalf("got %d errors, want 20 and a last word", len(errs))
	}
	if errs[19].Line != 21 || errs[20].Error() != "stopped after 20 errors; fix these and import the file again" {
		t.Errorf("got ... %v; %v", errs[19], errs[20])
	}
}

func TestParseCSVTooManyLines(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	b.WriteString("Date,Amount,Currency\n")
	for range MaxLines + 1 {
		b.WriteString("2024-03-01,1.00,EUR\n")
	}
	m := Mapping{Date: "Date", Amount: "Amount", Currency: "Currency"}
	lines, err := ParseCSV(bytes.NewReader(b.Bytes()), m)
	if got, want := errorText(t, lines, err), "the file has more than 200000 lines; split the statement into smaller periods"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	// One line fewer is fine.
	b.Truncate(b.Len() - len("2024-03-01,1.00,EUR\n"))
	if lines, err := ParseCSV(bytes.NewReader(b.Bytes()), m); err != nil || len(lines) != MaxLines {
		t.Errorf("%d lines: got %d lines, %v", MaxLines, len(lines), err)
	}
}

func TestParseCSVAmountsAndDates(t *testing.T) {
	m := Mapping{Date: "Date", Amount: "Amount", FixedCurrency: "EUR"}
	tests := []struct {
		name   string
		m      Mapping
		rows   string // "date|amount" rows, ";"-delimited in the file
		amount []string
		dates  []string
	}{
		{"German amounts vote for the comma", m, "01.03.2024|1.234,56\n02.03.24|12,5\n3.3.2024|1.234\n2024-03-04|+7,00\n", []string{"1234.56", "12.5", "1234", "7"}, []string{"2024-03-01", "2024-03-02", "2024-03-03", "2024-03-04"}},
		{"English amounts vote for the point", m, "2024/03/01|1,234.56\n20240302|12.5\n2024-03-03 14:30:00|1,234\n", []string{"1234.56", "12.5", "1234"}, []string{"2024-03-01", "2024-03-02", "2024-03-03T14:30:00"}},
		{"no evidence reads a point", m, "2024-03-01|1,234\n2024-03-02|7\n", []string{"1234", "7"}, []string{"2024-03-01", "2024-03-02"}},
		{"forced comma", Mapping{Date: "Date", Amount: "Amount", FixedCurrency: "KWD", DecimalComma: true}, "2024-03-01|1,234\n", []string{"1.234"}, []string{"2024-03-01"}},
		{"signs and symbols; debits skipped", m, "2024-03-01|€ 12,00\n2024-03-01|-5,00\n2024-03-01|5,00-\n2024-03-01|(5,00)\n2024-03-01|1 234,00 €\n2024-03-01|1'234,50\n2024-03-01|−3,00\n", []string{"12", "1234", "1234.5"}, []string{"2024-03-01", "2024-03-01", "2024-03-01"}},
		{"month first proven by a day above 12", m, "03/13/2024|1.00\n03/04/2024|2.00\n", []string{"1", "2"}, []string{"2024-03-13", "2024-03-04"}},
		{"day first proven by a day above 12", m, "04/03/2024|1.00\n13/03/24|2.00\n", []string{"1", "2"}, []string{"2024-03-04", "2024-03-13"}},
		{"a date format from the mapping", Mapping{Date: "Date", Amount: "Amount", FixedCurrency: "EUR", DateFormat: "01/02/2006"}, "03/04/2024|1.00\n", []string{"1"}, []string{"2024-03-04"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			csv := "Date;Amount\n" + strings.ReplaceAll(tt.rows, "|", ";")
			lines, err := ParseCSV(strings.NewReader(csv), tt.m)
			if err != nil {
				t.Fatal(err)
			}
			var amounts, dates []string
			for _, l := range lines {
				amounts = append(amounts, l.Amount.String())
				d := l.BookedAt.Format("2006-01-02T15:04:05")
				dates = append(dates, strings.TrimSuffix(d, "T00:00:00"))
			}
			if fmt.Sprint(amounts) != fmt.Sprint(tt.amount) || fmt.Sprint(dates) != fmt.Sprint(tt.dates) {
				t.Errorf("got %v %v\nwant %v %v", amounts, dates, tt.amount, tt.dates)
			}
		})
	}
}

func TestParseAmountRefusesMisgroupedNumbers(t *testing.T) {
	// A wrong separator must fail loudly, never be read a thousand times too big.
	for _, s := range []string{"12.50", "1.2345,00", "1,23,456", "12,", "1.234.5", "1..2", "--5", "5-5", "12e3", "0x10", "€", ""} {
		if d, err := parseAmount(s, ','); err == nil {
			t.Errorf("parseAmount(%q, ',') = %s, want an error", s, d)
		}
	}
}

func TestDetectDelimiter(t *testing.T) {
	tests := []struct {
		text string
		want rune
	}{
		{"a;b;c\n1,5;2,5;3\n1,5;2,5;3\n", ';'},
		{"a,b,c\n\"1,5\",2,3\n", ','},
		{"a\tb\tc\n1,5\t2\t3\n", '\t'},
		{"Konto;DE44\n\nDatum;Text;Betrag\n01.03.2024;Miete, März;-1,00\n02.03.2024;Spende;2,00\n", ';'},
		{"just one column\n", ','},
	}
	for _, tt := range tests {
		if got := detectDelimiter(tt.text); got != tt.want {
			t.Errorf("detectDelimiter(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

func TestPreview(t *testing.T) {
	tests := []struct {
		file    string
		headers string
		rows    int
		first   string
	}{
		{"sparkasse.csv", "Auftragskonto|Buchungstag|Valutadatum|Buchungstext|Verwendungszweck|Glaeubiger ID|Mandatsreferenz|Kundenreferenz (End-to-End)|Sammlerreferenz|Lastschrift Ursprungsbetrag|Auslagenersatz Ruecklastschrift|Beguenstigter/Zahlungspflichtiger|Kontonummer/IBAN|BIC (SWIFT-Code)|Betrag|Waehrung|Info",
			7, "DE44500105175407324931|04.03.24|04.03.24|GUTSCHR. UEBERWEISUNG|RF44 INV2 0240 31 Rechnung März|||NOTPROVIDED||||Müller Gebäudetechnik GmbH|DE89370400440532013000|COBADEFFXXX|1.190,00|EUR|Umsatz gebucht"},
		{"barclays.csv", "Date|Type|Description|Paid out|Paid in|Balance|Counterparty|Reference number",
			5, "01/03/2024|DD|Office rent March|2,000.00||4,180.10|Landlord Properties|DD0103R771"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			headers, rows, err := Preview(open(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if got := strings.Join(headers, "|"); got != tt.headers {
				t.Errorf("headers\n got %s\nwant %s", got, tt.headers)
			}
			if len(rows) != tt.rows {
				t.Fatalf("got %d rows, want %d", len(rows), tt.rows)
			}
			if got := strings.Join(rows[0], "|"); got != tt.first {
				t.Errorf("first row\n got %s\nwant %s", got, tt.first)
			}
		})
	}
	t.Run("twenty rows at most", func(t *testing.T) {
		csv := "Date,Amount\n" + strings.Repeat("2024-03-01,1.00\n", 100)
		_, rows, err := Preview(strings.NewReader(csv))
		if err != nil || len(rows) != 20 {
			t.Errorf("got %d rows, %v; want 20", len(rows), err)
		}
	})
}

func TestParseCSVEncodings(t *testing.T) {
	m := Mapping{Date: "Datum", Amount: "Betrag", FixedCurrency: "EUR", Text: []string{"Verwendungszweck"}}
	const text = "Datum\tBetrag\tVerwendungszweck\n01.03.2024\t1,50\tGrüße 5 €\n"
	cp1252 := []byte(text)
	for from, to := range map[string]byte{"ü": 0xFC, "ß": 0xDF, "€": 0x80} {
		cp1252 = bytes.ReplaceAll(cp1252, []byte(from), []byte{to})
	}
	for name, data := range map[string][]byte{
		"UTF-8":        []byte(text),
		"UTF-8 BOM":    append([]byte{0xEF, 0xBB, 0xBF}, text...),
		"UTF-16LE":     append([]byte{0xFF, 0xFE}, utf16le(text)...),
		"Windows-1252": cp1252,
	} {
		t.Run(name, func(t *testing.T) {
			lines, err := ParseCSV(bytes.NewReader(data), m)
			if err != nil {
				t.Fatal(err)
			}
			if len(lines) != 1 || lines[0].Text != "Grüße 5 €" || lines[0].Amount.String() != "1.5" {
				t.Errorf("got %v", lines)
			}
		})
	}
}
