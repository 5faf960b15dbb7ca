package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tally-invoicing/tally/internal/collect/statement"
	"github.com/tally-invoicing/tally/internal/database/dbtest"
)

// Every bank export the statement package is tested with, imported through
// the API as a merchant would (format detected, the suggested mapping for
// a CSV), makes exactly the collections its reader reads: the credits. The
// readers' own tests prove no debit, reversal or pending entry is among
// them (TestNoDebitBecomesALine, TestCSVNoDebitBecomesAPayment); this one
// proves the import stores those and nothing else, on both databases, and
// refuses whole what a reader refuses.
func TestEveryBankExportImportsItsCreditsOnly(t *testing.T) {
	var files []string
	for _, glob := range []string{"csv/*", "mt940/*", "camt/*.xml", "*.xml", "*.csv"} {
		found, err := filepath.Glob(filepath.Join("..", "internal", "collect", "statement", "testdata", glob))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, found...)
	}
	if len(files) < 25 {
		t.Fatalf("found %d fixtures; the globs are wrong", len(files))
	}
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		for _, name := range files {
			t.Run(filepath.Base(name), func(t *testing.T) {
				data, err := os.ReadFile(name) //nolint:gosec // a fixture of the statement package
				if err != nil {
					t.Fatal(err)
				}
				want, ok := readerLines(t, data)
				c := ta.signUp(t, "Fixture Shop")
				if !ok {
					// A file its reader refuses (a future date, no
					// statement) is refused by the import too, with
					// nothing stored; its reader's test checks the words.
					if _, errs := c.importDetected(filepath.Base(name), data, map[string]any{}); len(errs) == 0 || errs[0].Extensions["code"] != "VALIDATION" {
						t.Fatalf("import of a file its reader refuses: errors %+v, want VALIDATION", errs)
					}
					var n struct{ Collections struct{ TotalCount int } }
					c.do(`{ collections(first: 1) { totalCount } }`, nil, &n)
					if n.Collections.TotalCount != 0 {
						t.Fatalf("a refused file left %d collections", n.Collections.TotalCount)
					}
					return
				}
				const mappingFields = `date amount credit debit currency fixedCurrency text payerName payerAccount externalID dateFormat decimalComma direction hasHeader`
				var prev struct {
					PreviewStatement struct {
						Format   string
						Problems []string
						Mapping  map[string]any
					}
				}
				r := c.upload(`mutation($file: Upload!) { previewStatement(file: $file) { format problems mapping { `+mappingFields+` } } }`,
					map[string]any{}, filepath.Base(name), data)
				if len(r.Errors) > 0 {
					t.Fatalf("preview: %+v", r.Errors)
				}
				if err := json.Unmarshal(r.Data, &prev); err != nil {
					t.Fatal(err)
				}
				p := prev.PreviewStatement
				if len(p.Problems) > 0 {
					t.Fatalf("the preview of a file its reader reads lists problems: %q", p.Problems)
				}
				vars := map[string]any{}
				if p.Format == "CSV" {
					vars["mapping"] = p.Mapping
				}
				res, errs := c.importDetected(filepath.Base(name), data, vars)
				if errs != nil {
					t.Fatalf("import: %+v", errs)
				}
				if res.Created != len(want) || res.Lines != len(want) {
					t.Fatalf("import made %d collections of %d lines; the reader reads %d credits", res.Created, res.Lines, len(want))
				}
				var got struct {
					Collections struct {
						Edges []struct {
							Node struct{ Amount, ExternalID, Text string }
						}
					}
				}
				c.do(`{ collections(first: 100) { edges { node { amount externalID text } } } }`, nil, &got)
				var ids []string
				for _, e := range got.Collections.Edges {
					ids = append(ids, e.Node.ExternalID)
					if strings.Contains(e.Node.Text, "DEBIT-MARK") {
						t.Errorf("a debit became a collection: %s %q", e.Node.Amount, e.Node.Text)
					}
				}
				slices.Sort(ids)
				if !slices.Equal(ids, want) {
					t.Errorf("collections %q,\nwant the reader's credits %q", ids, want)
				}
			})
		}
	})
}

// readerLines is the external ids of the payments the statement package
// reads from data, with the mapping it suggests for a CSV; ok is false
// when the reader refuses the file.
func readerLines(t *testing.T, data []byte) (ids []string, ok bool) {
	t.Helper()
	format := statement.Detect(data[:min(len(data), 8<<10)])
	var m *statement.Mapping
	if format == statement.FormatCSV {
		p, err := statement.PreviewCSV(bytes.NewReader(data))
		if err != nil {
			return nil, false
		}
		s := statement.SuggestMappingFor(p)
		if s.Currency == "" && s.FixedCurrency == "" {
			s.FixedCurrency = "USD" // what the import takes from the merchant
		}
		m = &s
	}
	f, err := statement.Open(bytes.NewReader(data), format, m)
	if err != nil {
		return nil, false
	}
	err = f.Each(1000, func(lines []statement.Line) error {
		for _, l := range lines {
			ids = append(ids, l.ExternalID)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(ids)
	return ids, true
}
