package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tally-invoicing/tally/internal/database/dbtest"
	"github.com/tally-invoicing/tally/internal/reference"
)

// mt940 is an ING-style MT940 export of today: a bank header, then one
// statement with the given :61:/:86: lines, its balances made to add up.
func mt940(opening, credits, debits float64, body ...string) []byte {
	day := time.Now().UTC().Format("060102")
	closing := opening + credits - debits
	amount := func(v float64) string { return strings.Replace(fmt.Sprintf("%.2f", v), ".", ",", 1) }
	lines := []string{"0000 01INGBNL2AXXXX00001", "0000 01INGBNL2AXXXX00001", "940 00",
		":20:P" + day + "000000001", ":25:NL69INGB0123456789EUR", ":28C:00000",
		":60F:C" + day + "USD" + amount(opening)}
	lines = append(lines, body...)
	lines = append(lines, ":62F:C"+day+"USD"+amount(closing), "-", "")
	return []byte(strings.Join(lines, "\r\n"))
}

type statementPreview struct {
	Format             string
	Headers            []string
	Incoming, Outgoing int
	Skipped            []struct{ Line int }
	Payments           []struct {
		Line                                            int
		Amount, Currency, Text, PayerName, PayerAccount string
	}
	Notices, Problems []string
	Mapping           struct {
		Date, FixedCurrency string
		HasHeader           bool
	}
}

const previewOp = `mutation($file: Upload!, $format: StatementFormat, $mapping: StatementMappingInput) {
	previewStatement(file: $file, format: $format, mapping: $mapping) {
		format headers incoming outgoing skipped { line } notices problems
		payments { line amount currency text payerName payerAccount }
		mapping { date fixedCurrency hasHeader } } }`

func (c *client) preview(name string, content []byte, vars map[string]any) (statementPreview, []gqlError) {
	c.t.Helper()
	r := c.upload(previewOp, vars, name, content)
	var out struct{ PreviewStatement statementPreview }
	if len(r.Errors) == 0 {
		_ = json.Unmarshal(r.Data, &out)
	}
	return out.PreviewStatement, r.Errors
}

type fullImportResult struct {
	Lines, Created, AlreadyImported, Matched, Partial, Unmatched, Outgoing int
	Notices                                                                []string
}

const detectImportOp = `mutation($file: Upload!, $format: StatementFormat, $mapping: StatementMappingInput) {
	importStatement(file: $file, format: $format, mapping: $mapping) { lines created alreadyImported matched partial unmatched outgoing notices } }`

func (c *client) importDetected(name string, content []byte, vars map[string]any) (fullImportResult, []gqlError) {
	c.t.Helper()
	r := c.upload(detectImportOp, vars, name, content)
	var out struct{ ImportStatement fullImportResult }
	if len(r.Errors) == 0 {
		_ = json.Unmarshal(r.Data, &out)
	}
	return out.ImportStatement, r.Errors
}

func TestImportStatementFormats(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		c := ta.signUp(t, "MT940 Shop")
		cust := c.createCustomer("Hafen GmbH", "buchhaltung@hafen.example")
		a, bb := c.bill(cust, "1250.00"), c.bill(cust, "99.90")
		day := time.Now().UTC().Format("060102")

		// Cut the German remittance text at 27 characters, as the bank does.
		remit := "SVWZ+Rechnung " + reference.Format(a.Reference)
		var sub strings.Builder
		for i, n := 0, 20; i < len(remit); i, n = i+27, n+1 {
			fmt.Fprintf(&sub, "?%d%s", n, remit[i:min(i+27, len(remit))])
		}
		file := mt940(5000, 1250+99.90+12, 20,
			":61:"+day+"C1250,00NTRFNONREF//00000000002001",
			":86:166?00SEPA-GUTSCHRIFT"+sub.String()+"?31DE89370400440532013000?32Hafen GmbH",
			":61:"+day+"C99,90NTRFNONREF//00000000002002",
			":86:/TRTP/SEPA OVERBOEKING/IBAN/NL44RABO0123456789/BIC/RABONL2U/NAME/Hafen GmbH/REMI/"+bb.Number+"/EREF/NOTPROVIDED",
			":61:"+day+"C12,00NTRFNONREF//00000000002003",
			":86:Spende",
			":61:"+day+"D20,00NTRFNONREF//00000000002004",
			":86:/TRTP/SEPA OVERBOEKING/NAME/Bank/REMI/Kosten",
		)

		// The preview tells the format and shows what the import will record.
		p, errs := c.preview("export.sta", file, map[string]any{})
		if errs != nil {
			t.Fatalf("preview: %+v", errs)
		}
		if p.Format != "MT940" || p.Incoming != 3 || p.Outgoing != 1 || len(p.Problems) != 0 || len(p.Headers) != 0 {
			t.Fatalf("preview = %+v, want MT940 with 3 incoming, 1 outgoing, no problems", p)
		}
		if len(p.Skipped) != 4 || p.Skipped[0].Line != 1 || p.Skipped[3].Line != 17 {
			t.Errorf("skipped = %+v, want the 3 header lines and the trailer (line 17)", p.Skipped)
		}
		want := []string{
			"8 1250.00 USD SVWZ+Rechnung " + reference.Format(a.Reference) + " Hafen GmbH DE89370400440532013000",
			"10 99.90 USD " + bb.Number + " Hafen GmbH NL44RABO0123456789",
			"12 12.00 USD Spende  ",
		}
		var got []string
		for _, pay := range p.Payments {
			got = append(got, fmt.Sprintf("%d %s %s %s %s %s", pay.Line, pay.Amount, pay.Currency, pay.Text, pay.PayerName, pay.PayerAccount))
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("payments:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}

		// Imported without naming the format: exactly the three credits.
		res, errs := c.importDetected("export.sta", file, map[string]any{})
		if errs != nil {
			t.Fatalf("import: %+v", errs)
		}
		if res.Lines != 3 || res.Created != 3 || res.Matched != 2 || res.Unmatched != 1 || res.Outgoing != 1 || res.AlreadyImported != 0 {
			t.Fatalf("import = %+v, want 3 created (2 matched, 1 unmatched) and 1 outgoing", res)
		}
		for _, inv := range []issued{a, bb} {
			if st := c.invoiceState(inv.ID); st.Status != "PAID" {
				t.Errorf("%s is %s after the import, want PAID", inv.Number, st.Status)
			}
		}
		var cols struct {
			Collections struct {
				Edges []struct {
					Node struct{ Amount, PayerName, Status string }
				}
			}
		}
		c.do(`{ collections(first: 10) { edges { node { amount payerName status } } } }`, nil, &cols)
		var amounts []string
		for _, e := range cols.Collections.Edges {
			amounts = append(amounts, e.Node.Amount+" "+e.Node.Status)
		}
		slices.Sort(amounts)
		if strings.Join(amounts, ", ") != "12.00 UNMATCHED, 1250.00 MATCHED, 99.90 MATCHED" {
			t.Errorf("collections = %s, want the three credits and no debit", strings.Join(amounts, ", "))
		}

		// The same file again, declared this time, creates nothing.
		res, errs = c.importDetected("export.sta", file, map[string]any{"format": "MT940"})
		if errs != nil || res.Created != 0 || res.AlreadyImported != 3 {
			t.Fatalf("re-import = %+v %v, want 3 already imported", res, errs)
		}

		// Declared as another format: refused on format, naming the real one.
		for _, declared := range []string{"CSV", "CAMT053"} {
			_, errs = c.importDetected("export.sta", file, map[string]any{"format": declared, "mapping": map[string]any{"date": "Date", "amount": "Amount"}})
			if len(errs) != 1 || errs[0].Extensions["code"] != "VALIDATION" || errs[0].Extensions["field"] != "format" ||
				errs[0].Message != "format: this file is an MT940 statement; import it as MT940 (or leave format out)" {
				t.Errorf("declared %s: errors = %+v, want VALIDATION on format naming MT940", declared, errs)
			}
			_, errs = c.preview("export.sta", file, map[string]any{"format": declared})
			if len(errs) != 1 || errs[0].Extensions["field"] != "format" {
				t.Errorf("preview declared %s: errors = %+v, want VALIDATION on format", declared, errs)
			}
		}

		// No statement at all: refused on file.
		for name, content := range map[string][]byte{"empty.csv": {}, "statement.pdf": []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")} {
			_, errs = c.preview(name, content, map[string]any{})
			if len(errs) != 1 || errs[0].Extensions["code"] != "VALIDATION" || errs[0].Extensions["field"] != "file" {
				t.Errorf("preview of %s: errors = %+v, want VALIDATION on file", name, errs)
			}
		}

		// A statement that does not add up is a problem in the preview, and
		// refused by the import.
		broken := mt940(5000, 1, 0, ":61:"+day+"C10,00NTRFNONREF//X-1")
		p, errs = c.preview("broken.sta", broken, map[string]any{})
		if errs != nil || len(p.Problems) != 1 || !strings.Contains(p.Problems[0], "line 9, :62F: closing balance: statement :20:P") || len(p.Payments) != 0 {
			t.Errorf("preview of a statement that does not add up = %+v %v, want one problem naming line 9", p, errs)
		}
		_, errs = c.importDetected("broken.sta", broken, map[string]any{})
		if len(errs) != 1 || errs[0].Extensions["field"] != "file" || !strings.Contains(errs[0].Message, "a difference of 9.00") {
			t.Errorf("import of a statement that does not add up: %+v, want VALIDATION on file with the difference", errs)
		}

		// A CSV without a currency column is read in the merchant's default
		// currency, and the preview and the import say so.
		csv := []byte("Date,Amount,Memo\n" + time.Now().UTC().Format("2006-01-02") + ",7.50,tip\n")
		notice := "The file has no currency column; amounts are read as USD, your default currency."
		p, errs = c.preview("tips.csv", csv, map[string]any{})
		if errs != nil || p.Format != "CSV" || len(p.Payments) != 1 || p.Payments[0].Currency != "USD" || strings.Join(p.Notices, "|") != notice || !p.Mapping.HasHeader || p.Mapping.FixedCurrency != "" {
			t.Errorf("CSV preview = %+v %v, want one USD payment, the notice, and no fixed currency in the mapping", p, errs)
		}
		res, errs = c.importDetected("tips.csv", csv, map[string]any{"mapping": map[string]any{"date": "Date", "amount": "Amount", "text": []string{"Memo"}}})
		if errs != nil || res.Created != 1 || strings.Join(res.Notices, "|") != notice {
			t.Errorf("CSV import = %+v %v, want 1 created with the notice", res, errs)
		}
	})
}
