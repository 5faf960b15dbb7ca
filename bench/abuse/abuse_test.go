package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/tally-invoicing/tally/internal/collect/statement"
)

// The attack documents must be what issue #12 describes, and valid
// GraphQL: a syntax error would be refused cheaply for the wrong reason.
func TestAttackDocuments(t *testing.T) {
	fan := fragmentFanOut(24)
	if len(fan) >= 1024 {
		t.Errorf("fan-out document is %d bytes, want under 1 KB", len(fan))
	}
	doc, err := parser.ParseQuery(&ast.Source{Input: fan})
	if err != nil {
		t.Fatalf("fan-out: %v", err)
	}
	if len(doc.Fragments) != 24 || !strings.Contains(fan, "fragment F0 on Query { ...F1 ...F1 }") || !strings.Contains(fan, "fragment F23 on Query { __typename }") {
		t.Errorf("fan-out has %d fragments: %s", len(doc.Fragments), fan)
	}
	for name, q := range map[string]string{"aliases": aliases(3), "depth": deepQuery()} {
		if _, err := parser.ParseQuery(&ast.Source{Input: q}); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// The statement is one the importer reads to the end: no VALIDATION
// refusal on the first rows, and every row an outgoing payment, so the
// attack measures reading and parsing rather than database writes.
func TestStatementCSV(t *testing.T) {
	const size, lines = 1 << 20, 4000
	csv := statementCSV(size, lines)
	if len(csv) > size || len(csv) < size*9/10 {
		t.Errorf("statement is %d bytes, want just under %d", len(csv), size)
	}
	if n := bytes.Count(csv, []byte("\n")); n != lines+1 {
		t.Errorf("%d lines, want %d rows and a header", n, lines)
	}
	got, err := statement.ParseCSV(bytes.NewReader(csv), statement.Mapping{
		Date: "Date", Amount: "Amount", Currency: "Currency", Text: []string{"Text"}, PayerName: "Name",
	})
	if err != nil || len(got) != 0 {
		t.Fatalf("ParseCSV = %d lines, %v; want 0 incoming payments and no error", len(got), err)
	}
}

func TestErrorCode(t *testing.T) {
	for body, want := range map[string]string{
		`{"errors":[{"message":"x","extensions":{"code":"QUERY_LIMIT"}}]}`:                                      "QUERY_LIMIT",
		`{"errors":[{"message":"x"}],"data":null}`:                                                              "NO_CODE",
		`{"data":{"viewer":{"merchant":{"name":"a"}}}}`:                                                         "",
		`not a GraphQL request`:                                                                                 "NOT_JSON",
		`{"errors":[{"extensions":{"code":"RATE_LIMITED"}}],"data":{"x":"` + strings.Repeat("y", 2<<20) + `"}}`: "RATE_LIMITED",
		`{"data":{"x":"` + strings.Repeat("y", 2<<20) + `"}}`:                                                   "",
	} {
		if got, err := errorCode(strings.NewReader(body)); err != nil || got != want {
			t.Errorf("errorCode(%.60s) = %q, %v; want %q", body, got, err, want)
		}
	}
}

func TestPercentile(t *testing.T) {
	var d []time.Duration
	for i := 1; i <= 200; i++ {
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	if p := percentile(d, 0.99); p != 198*time.Millisecond {
		t.Errorf("p99 of 1..200 ms = %v, want 198ms", p)
	}
	if p := percentile(d[:1], 0.99); p != time.Millisecond {
		t.Errorf("p99 of one = %v", p)
	}
}
