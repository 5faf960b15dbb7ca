package statement

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// want is a line as a merchant would check it against the bank's export.
type want struct {
	no                  int
	date, amount, cur   string
	text, name, account string
}

func (w want) String() string {
	return fmt.Sprintf("line %d %s %s %s %q %q %q", w.no, w.date, w.amount, w.cur, w.text, w.name, w.account)
}

func wantOf(l Line) want {
	return want{l.No, l.BookedAt.Format(time.DateOnly), l.Amount.StringFixed(2), l.Currency, l.Text, l.PayerName, l.PayerAccount}
}

// openFixture previews a fixture, maps it as suggested and opens it the way
// the import does; a file without a currency gets the merchant's, EUR.
func openFixture(t *testing.T, name string) (*CSVPreview, Mapping, *File, []Line) {
	t.Helper()
	p, err := PreviewCSV(open(t, name))
	if err != nil {
		t.Fatal(err)
	}
	m := SuggestMappingFor(p)
	opened := m
	if opened.Currency == "" && opened.FixedCurrency == "" {
		opened.FixedCurrency = "EUR"
	}
	f, err := OpenCSV(open(t, name), opened)
	if err != nil {
		t.Fatalf("with the suggested mapping %+v: %v", m, err)
	}
	lines, err := f.all()
	if err != nil {
		t.Fatal(err)
	}
	checkInvariants(t, lines, nil)
	return p, m, f, lines
}

func TestCSVBankExports(t *testing.T) {
	tests := []struct {
		file     string
		mapping  Mapping
		lines    []want
		skipped  []string // "line: reason"
		outgoing int
		notices  []string
	}{{
		file: "ing_nl.csv", // Af Bij direction, Bedrag (EUR), own account "Rekening"
		mapping: Mapping{Date: "Datum", Amount: "Bedrag (EUR)", FixedCurrency: "EUR", Text: []string{"Mededelingen"},
			PayerName: "Naam / Omschrijving", PayerAccount: "Tegenrekening", Direction: "Af Bij"},
		lines: []want{
			{2, "2024-03-01", "1250.00", "EUR", "Naam: Hr J de Vries Omschrijving: Factuur 2024-0012 IBAN: NL91ABNA0417164300", "Hr J de Vries", "NL91ABNA0417164300"},
			{4, "2024-03-04", "480.50", "EUR", "Naam: Bakkerij Smit B.V. Omschrijving: RF18539007547034", "Bakkerij Smit B.V.", "NL02RABO0123456789"},
			{6, "2024-03-06", "75.00", "EUR", "Naam: Kees Jansen Omschrijving: factuur 2024-0013, deel 1", "Kees Jansen", "NL44RABO0123456780"},
		},
		outgoing: 2,
	}, {
		file:    "abnamro_nl.tab", // tab-separated, no header row
		mapping: Mapping{Date: "Column 3", Amount: "Column 7", Currency: "Column 2", Text: []string{"Column 8"}},
		lines: []want{
			{1, "2024-03-01", "1250.00", "EUR", "/TRTP/SEPA OVERBOEKING/IBAN/NL91ABNA0417164300/BIC/ABNANL2A/NAME/J de Vries/REMI/Factuur 2024-0012/EREF/NOTPROVIDED", "", ""},
			{3, "2024-03-04", "480.50", "EUR", "/TRTP/SEPA OVERBOEKING/IBAN/NL02RABO0123456789/BIC/RABONL2U/NAME/Bakkerij Smit/REMI/RF18539007547034/EREF/NOTPROVIDED", "", ""},
		},
		outgoing: 2,
		notices:  []string{noticeNoHeader},
	}, {
		file: "rabobank_nl.csv", // Valutacode, +/- signed amounts, own account first
		mapping: Mapping{Date: "Datum", Amount: "Bedrag", Currency: "Valutacode", Text: []string{"Omschrijving-1", "Omschrijving-2"},
			PayerName: "Naam tegenpartij", PayerAccount: "Tegenrekening"},
		lines: []want{
			{2, "2024-03-01", "1250.00", "EUR", "Factuur 2024-0012", "J de Vries", "NL91ABNA0417164300"},
			{4, "2024-03-04", "480.50", "EUR", "RF18539007547034 bestelling 77", "Bakkerij Smit", "NL02RABO0123456789"},
		},
		outgoing: 1,
	}, {
		file: "deutschebank_de.csv", // Windows-1252, account lines above, balance and footnote below
		mapping: Mapping{Date: "Buchungstag", Amount: "Betrag", Currency: "Währung", Text: []string{"Verwendungszweck"},
			PayerName: "Begünstigter / Auftraggeber", PayerAccount: "IBAN"},
		lines: []want{
			{5, "2024-03-01", "1190.00", "EUR", "RF44 INV2 0240 31 Rechnung März", "Müller Gebäudetechnik GmbH", "DE89370400440532013000"},
			{7, "2024-03-05", "250.00", "EUR", "Rechnung 2024-0117 Teilzahlung", "Bäckerei Weiß", "DE02120300000000202051"},
		},
		skipped:  []string{"1: " + skipAboveHeader, "2: " + skipAboveHeader, "8: " + skipAfterData, "9: " + skipAfterData},
		outgoing: 1,
	}, {
		file: "volksbank_at.csv", // S/H column, closing balance after the data
		mapping: Mapping{Date: "Buchungsdatum", Amount: "Umsatz", Currency: "Währung", Text: []string{"Verwendungszweck"},
			PayerName: "Auftraggeber/Empfänger", PayerAccount: "IBAN Auftraggeber/Empfänger", Direction: "S/H"},
		lines: []want{
			{2, "2024-03-04", "1190.00", "EUR", "Rechnung 2024-031", "Huber Installationen GmbH", "AT611904300234573201"},
			{4, "2024-03-06", "360.00", "EUR", "Rg. 2024-032 Danke", "Maria Gruber", "AT026000000001349870"},
		},
		skipped:  []string{"7: " + skipAfterData},
		outgoing: 2,
	}, {
		file: "waehrung_twice_de.csv", // the currency column twice
		mapping: Mapping{Date: "Buchungstag", Amount: "Betrag", Currency: "Währung (column 7)", Text: []string{"Verwendungszweck"},
			PayerName: "Empfänger/Zahlungspflichtiger", PayerAccount: "IBAN"},
		lines: []want{
			{2, "2024-03-11", "920.00", "EUR", "Invoice TALLY-0050", "Acme Corp", "US64SVBKUS6S3300958879"},
		},
		outgoing: 1,
	}, {
		file:    "hsbc_uk.csv", // paid out / paid in, no currency: the merchant's is used
		mapping: Mapping{Date: "Date", Credit: "Paid in", Debit: "Paid out", Text: []string{"Description"}},
		lines: []want{
			{3, "2024-03-04", "1250.00", "EUR", "BRIGHT IDEAS LTD INV-1043, THANKS", "", ""},
			{4, "2024-03-14", "480.50", "EUR", "NORTHWIND TRADERS RF85TALLY0042", "", ""},
		},
		outgoing: 2,
	}, {
		file:    "chase_us.csv", // Details DEBIT/CREDIT/CHECK/DSLIP with signed amounts, month-first dates
		mapping: Mapping{Date: "Posting Date", Amount: "Amount", Text: []string{"Description"}, Direction: "Details"},
		lines: []want{
			{3, "2024-03-04", "1250.00", "EUR", "ORIG CO NAME:BRIGHT IDEAS LLC ORIG ID:1234567890 DESC DATE:240304 CO ENTRY DESCR:INV-1043", "", ""},
			{4, "2024-03-15", "300.00", "EUR", "DEPOSIT  ID NUMBER 778812", "", ""},
		},
		outgoing: 2,
	}, {
		file: "banque_fr.csv", // Windows-1252, Débit/Crédit, "1 250,00"
		mapping: Mapping{Date: "Date d'opération", Credit: "Crédit", Debit: "Débit", Currency: "Devise", Text: []string{"Libellé"},
			PayerName: "Nom du tiers", PayerAccount: "IBAN du tiers"},
		lines: []want{
			{2, "2024-03-04", "1250.00", "EUR", "VIR SEPA RECU FACTURE F-2024-031", "SARL Dupont Frères", "FR7630006000011234567890189"},
			{4, "2024-03-18", "80.00", "EUR", "VIR SEPA RECU RF18539007547034", "Hélène Lefèvre", "FR1420041010050500013M02606"},
		},
		outgoing: 1,
	}, {
		file: "banco_es.csv", // F. Operativa over F. Valor, Importe (€)
		mapping: Mapping{Date: "F. Operativa", Amount: "Importe (€)", FixedCurrency: "EUR", Text: []string{"Concepto"},
			PayerName: "Beneficiario/Ordenante"},
		lines: []want{
			{2, "2024-03-04", "1452.00", "EUR", "TRANSFERENCIA RECIBIDA FACTURA 2024-15", "Construcciones García S.L.", ""},
			{4, "2024-03-14", "210.50", "EUR", "TRANSFERENCIA RECIBIDA RF18539007547034", "María López Fernández", ""},
		},
		outgoing: 1,
	}, {
		file: "banca_it.csv", // Dare/Avere, Valuta as the currency
		mapping: Mapping{Date: "Data contabile", Credit: "Avere", Debit: "Dare", Currency: "Valuta", Text: []string{"Descrizione"},
			PayerName: "Ordinante"},
		lines: []want{
			{2, "2024-03-04", "1830.00", "EUR", "Saldo fattura 2024/044", "Rossi Impianti S.r.l.", ""},
			{4, "2024-03-21", "95.00", "EUR", "Fattura 2024/045", "Giulia Bianchi", ""},
		},
		outgoing: 1,
	}, {
		file: "banco_pt.csv", // Montante with a Crédito/Débito column found by its values
		mapping: Mapping{Date: "Data movimento", Amount: "Montante", Currency: "Moeda", Text: []string{"Descrição"},
			PayerName: "Contraparte", PayerAccount: "IBAN contraparte", Direction: "Tipo"},
		lines: []want{
			{2, "2024-03-04", "1200.00", "EUR", "TRF RECEBIDA FATURA FT 2024/88", "Silva & Filhos Lda", "PT50000201231234567890154"},
			{4, "2024-03-12", "340.00", "EUR", "TRF RECEBIDA FATURA FT 2024/89", "Ana Pereira", "PT50003506510000123456789"},
		},
		outgoing: 1,
	}, {
		file: "commas_in_text_de.csv", // ';' with commas in texts and amounts
		mapping: Mapping{Date: "Datum", Amount: "Betrag", Currency: "Währung", Text: []string{"Verwendungszweck"},
			PayerName: "Empfänger"},
		lines: []want{
			{2, "2024-03-01", "1234.56", "EUR", "Rechnung 12, 13, 14, Dank", "Schmidt, Meier & Partner", ""},
			{4, "2024-03-03", "99.00", "EUR", "Rg. 15", "Lehmann", ""},
			{5, "2024-03-04", "200.00", "EUR", "Rechnung 16, Teil 2 von 3, siehe Mail, Danke", "Krause, Anna", ""},
		},
		outgoing: 1,
	}}
	seen := map[string]bool{}
	for _, tt := range tests {
		seen[tt.file] = true
		t.Run(tt.file, func(t *testing.T) {
			p, m, f, lines := openFixture(t, "csv/"+tt.file)
			if g, w := fmt.Sprintf("%+v", m), fmt.Sprintf("%+v", tt.mapping); g != w {
				t.Errorf("suggested mapping\n got %s\nwant %s", g, w)
			}
			for i := range max(len(lines), len(tt.lines)) {
				switch {
				case i >= len(lines):
					t.Errorf("missing %s", tt.lines[i])
				case i >= len(tt.lines):
					t.Errorf("extra %s", wantOf(lines[i]))
				case wantOf(lines[i]) != tt.lines[i]:
					t.Errorf("\n got %s\nwant %s", wantOf(lines[i]), tt.lines[i])
				}
			}
			var skipped []string
			for _, s := range f.Skipped {
				skipped = append(skipped, fmt.Sprintf("%d: %s", s.Line, s.Reason))
			}
			if g, w := fmt.Sprint(skipped), fmt.Sprint(tt.skipped); g != w {
				t.Errorf("skipped %s, want %s", g, w)
			}
			// The preview shows the same skipped lines the import skips.
			var previewed []string
			for _, s := range p.Skipped {
				previewed = append(previewed, fmt.Sprintf("%d: %s", s.Line, s.Reason))
			}
			if g, w := fmt.Sprint(previewed), fmt.Sprint(tt.skipped); g != w {
				t.Errorf("preview skipped %s, want %s", g, w)
			}
			if f.Outgoing != tt.outgoing || fmt.Sprint(f.Notices) != fmt.Sprint(tt.notices) || f.Format != FormatCSV {
				t.Errorf("format %s, outgoing %d, notices %q; want CSV, %d, %q", f.Format, f.Outgoing, f.Notices, tt.outgoing, tt.notices)
			}
		})
	}
	// Every fixture has its case: a new one must say what it produces.
	files, _ := filepath.Glob("testdata/csv/*")
	for _, path := range files {
		if !seen[filepath.Base(path)] {
			t.Errorf("%s has no expectations here", path)
		}
	}
}

// debitMark is written into the text of every debit row of the fixtures.
const debitMark = "DEBIT-MARK"

// TestCSVNoDebitBecomesAPayment walks every CSV fixture: mapped as suggested,
// no row written as money out becomes a line, and every one of them is
// counted as outgoing.
func TestCSVNoDebitBecomesAPayment(t *testing.T) {
	files, err := filepath.Glob("testdata/csv/*")
	if err != nil || len(files) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, path := range files {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(path) //nolint:gosec // a file under testdata/
			if err != nil {
				t.Fatal(err)
			}
			debits := strings.Count(string(data), debitMark) // ASCII in every encoding used
			if debits == 0 {
				t.Fatalf("%s has no row marked %s", name, debitMark)
			}
			_, _, f, lines := openFixture(t, "csv/"+name)
			for _, l := range lines {
				if strings.Contains(l.Text, debitMark) {
					t.Errorf("line %d is a debit but became a payment: %s", l.No, show(l))
				}
			}
			if f.Outgoing != debits {
				t.Errorf("%d lines counted outgoing, the file has %d debits", f.Outgoing, debits)
			}
		})
	}
}

func TestCSVDirectionAndLayoutErrors(t *testing.T) {
	yes, no := true, false
	const ing = "Datum,Omschrijving,Af Bij,Bedrag\n"
	dir := Mapping{Date: "Datum", Amount: "Bedrag", Direction: "Af Bij", FixedCurrency: "EUR", Text: []string{"Omschrijving"}}
	tests := []struct {
		name string
		csv  string
		m    Mapping
		want string // the error, or the lines' amounts when accepted
	}{{
		name: "an unknown and an empty direction are refused, naming line, column and value",
		csv:  ing + "20240301,a,Bij,\"10,00\"\n20240302,b,X,\"11,00\"\n20240303,c,,\"12,00\"\n",
		m:    dir,
		want: `line 3, direction: column 3 (Af Bij) is "X", which says neither money in nor out; Tally reads ` + directionsUnderstood +
			`; line 4, direction: column 3 (Af Bij) is empty, so the row does not say whether "12,00" is money in or out; the file must say it with ` + directionsUnderstood,
	}, {
		name: "a negative amount said to be money in",
		csv:  ing + "20240301,a,Bij,\"-10,00\"\n",
		m:    dir,
		want: `line 2, amount: "-10,00" is negative but column 3 (Af Bij) says "Bij" (money in); the sign and the direction disagree`,
	}, {
		name: "case and accents do not matter; debits and zero are skipped",
		csv:  "Date;Sens;Montant\n2024-03-01;CRÉDIT;10,00\n2024-03-02;débit;11,00\n2024-03-03;;0,00\n2024-03-04;cr.;12,00\n",
		m:    Mapping{Date: "Date", Amount: "Montant", Direction: "Sens", FixedCurrency: "EUR"},
		want: "10 12",
	}, {
		name: "an unsigned amount with the direction column left out is refused",
		csv:  ing + "20240301,a,Bij,\"10,00\"\n20240302,b,Af,\"11,00\"\n",
		m:    Mapping{Date: "Datum", Amount: "Bedrag", FixedCurrency: "EUR"},
		want: `mapping.direction: column 3 (Af Bij) says whether each row is money in or out ("Af" on line 3), but the amounts have no sign; choose it as the direction column, or every payment out would be imported as money received`,
	}, {
		name: "signed amounts need no direction column",
		csv:  ing + "20240301,a,Bij,\"10,00\"\n20240302,b,Af,\"-11,00\"\n",
		m:    Mapping{Date: "Datum", Amount: "Bedrag", FixedCurrency: "EUR"},
		want: "10",
	}, {
		name: "a direction with credit and debit columns",
		csv:  "Date,In,Out,D\n",
		m:    Mapping{Date: "Date", Credit: "In", Debit: "Out", Direction: "D", FixedCurrency: "EUR"},
		want: `mapping.direction: a direction column goes with one amount column; with credit and debit columns the columns already say in or out`,
	}, {
		name: "a bad row in the middle is an error, not a footnote",
		csv:  "Datum;Betrag\n01.03.2024;1,00\nSumme;2,00\n02.03.2024;3,00\n",
		m:    Mapping{Date: "Datum", Amount: "Betrag", FixedCurrency: "EUR"},
		want: `line 3, date: "Summe" is not a date; write it like 2024-03-31 or 31.03.2024, or set the date format in the mapping`,
	}, {
		name: "a stray quote names the column by its header",
		csv:  "Datum;Text;Konto;Betrag\n01.03.2024;a;DE1;1,00\n02.03.2024;b;DE2;2,0\"0\n",
		m:    Mapping{Date: "Datum", Amount: "Betrag", FixedCurrency: "EUR"},
		want: `line 3: a quote (") in column 4 (Betrag) is inside a cell that is not quoted; quote the cell and write the quote twice`,
	}, {
		name: "a header-less file: the first row is a payment",
		csv:  "01.03.2024;Anna;5,00\n02.03.2024;Ben;6,00\n",
		m:    Mapping{Date: "column 1", Amount: "COLUMN 3", FixedCurrency: "EUR"},
		want: "5 6",
	}, {
		name: "a header-less file named by header",
		csv:  "01.03.2024;Anna;5,00\n02.03.2024;Ben;6,00\n",
		m:    Mapping{Date: "Datum", Amount: "Column 3", FixedCurrency: "EUR"},
		want: `mapping.date: the file has no header row, so there is no column "Datum"; name its columns Column 1 to Column 3`,
	}, {
		name: "a column past the last",
		csv:  "01.03.2024;Anna;5,00\n",
		m:    Mapping{Date: "Column 1", Amount: "Column 9", FixedCurrency: "EUR"},
		want: `mapping.amount: the file has 3 columns, so there is no "Column 9"`,
	}, {
		name: "a header forced off reads the first row as data",
		csv:  "Datum;Name;Betrag\n01.03.2024;Anna;5,00\n",
		m:    Mapping{Date: "Column 1", Amount: "Column 3", FixedCurrency: "EUR", HasHeader: &no},
		want: `line 1, amount: "Betrag" is not a number; this file uses a decimal comma (line 2: "5,00"), so write it like 1.234,56`,
	}, {
		name: "a header forced on",
		csv:  "01.03.2024;Anna;5,00\n02.03.2024;Ben;6,00\n",
		m:    Mapping{Date: "01.03.2024", Amount: "5,00", FixedCurrency: "EUR", HasHeader: &yes},
		want: "6",
	}, {
		name: "the second of two columns of one name, by its label",
		csv:  "Datum;Betrag;Währung;Betrag;Währung\n01.03.2024;1,00;EUR;1,10;USD\n",
		m:    Mapping{Date: "Datum", Amount: "Betrag (column 4)", Currency: "währung (column 5)"},
		want: "1.1 USD",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines, err := ParseCSV(strings.NewReader(tt.csv), tt.m)
			got := errorText(t, lines, err)
			if err == nil {
				var amounts []string
				for _, l := range lines {
					amounts = append(amounts, l.Amount.String())
				}
				got = strings.Join(amounts, " ")
				if strings.Contains(tt.want, "USD") && len(lines) == 1 {
					got += " " + lines[0].Currency
				}
			}
			if got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestCSVFootnotesAndPreview(t *testing.T) {
	const csv = "Konto;DE44500105175407324931\nSaldo;1.234,56\n\nBuchungstag;Betrag;Text\n01.03.2024;5,00;a\n02.03.2024;-6,00;b\n;;\nEndsaldo;1.233,56;\nTotal\n"
	p, err := PreviewCSV(strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(p.Headers, len(p.Rows), p.HasHeader); got != "[Buchungstag Betrag Text] 2 true" {
		t.Errorf("preview %s", got)
	}
	want := "[{1 Konto;DE44500105175407324931 above the header: account details} {2 Saldo;1.234,56 above the header: account details} " +
		"{8 Endsaldo;1.233,56; after the data: not a transaction} {9 Total after the data: not a transaction}]"
	if got := fmt.Sprint(p.Skipped); got != want {
		t.Errorf("preview skipped\n got %s\nwant %s", got, want)
	}
	if m := SuggestMappingFor(p); m.Date != "Buchungstag" || m.Amount != "Betrag" || m.FixedCurrency != "" {
		t.Errorf("suggested %+v; want the booking date, the amount and no currency (the import fills in the merchant's)", m)
	}
	f, err := OpenCSV(strings.NewReader(csv), Mapping{Date: "Buchungstag", Amount: "Betrag", FixedCurrency: "EUR"})
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(f.Skipped); got != want || f.Lines() != 1 || f.Outgoing != 1 {
		t.Errorf("file: %d lines, %d outgoing, skipped\n got %s\nwant %s", f.Lines(), f.Outgoing, got, want)
	}
}

// A bank's own balance and total lines carry a date and an amount like a
// payment; read as one, a closing balance would become money received.
// They are skipped wherever they stand, and listed.
func TestCSVBalanceLinesAreNotPayments(t *testing.T) {
	csv := "Datum;Text;Betrag;Währung\n" +
		"01.03.2024;Anfangssaldo;3.000,00;EUR\n" +
		"02.03.2024;RF44 INV2 0240 31 Rechnung März;1.190,00;EUR\n" +
		"15.03.2024;Saldo per 15.03.2024;4.190,00;EUR\n" +
		"20.03.2024;Total;4.190,00;EUR\n" +
		"28.03.2024;Rechnung 117 Teilzahlung;250,00;EUR\n" +
		"31.03.2024;Endsaldo;4.440,00;EUR\n"
	f, err := OpenCSV(strings.NewReader(csv), Mapping{Date: "Datum", Amount: "Betrag", Currency: "Währung", Text: []string{"Text"}})
	if err != nil {
		t.Fatal(err)
	}
	lines, err := f.all()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, l := range lines {
		got = append(got, l.Amount.String()+" "+l.Text)
	}
	if want := []string{"1190 RF44 INV2 0240 31 Rechnung März", "250 Rechnung 117 Teilzahlung"}; !slices.Equal(got, want) {
		t.Errorf("payments = %q, want %q", got, want)
	}
	var skipped []int
	for _, s := range f.Skipped {
		if s.Reason != skipBalance {
			t.Errorf("line %d skipped as %q, want %q", s.Line, s.Reason, skipBalance)
		}
		skipped = append(skipped, s.Line)
	}
	if want := []int{2, 4, 5, 7}; !slices.Equal(skipped, want) {
		t.Errorf("skipped lines = %v, want %v", skipped, want)
	}
}

// A column named "Af Bij" is the direction even when a value in it is
// unknown: the suggestion takes it and the import refuses that line, rather
// than the unknown row reading as money in.
func TestCSVDirectionByNameWithAnUnknownValue(t *testing.T) {
	csv := "Datum;Betrag;Af Bij\n01-12-2026;10,00;Bij\n02-12-2026;5,00;Weg\n03-12-2026;7,00;Af\n"
	p, err := PreviewCSV(strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	m := SuggestMappingFor(p)
	if m.Direction != "Af Bij" {
		t.Fatalf("suggested direction %q, want the Af Bij column", m.Direction)
	}
	m.FixedCurrency = "EUR"
	_, err = OpenCSV(strings.NewReader(csv), m)
	if err == nil || !strings.Contains(err.Error(), "line 3") || !strings.Contains(err.Error(), `"Weg"`) {
		t.Fatalf("err = %v; want line 3's unknown direction named", err)
	}
}
