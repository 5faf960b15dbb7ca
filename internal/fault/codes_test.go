package fault

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// dashboardErrors holds the dashboard's ErrorCode type, the codes its error
// handling knows.
const dashboardErrors = "../../frontend/src/lib/errors.ts"

// TestDashboardKnowsEveryCode keeps the dashboard's ErrorCode union and
// Codes the same set, so a code added on either side is noticed.
func TestDashboardKnowsEveryCode(t *testing.T) {
	src, err := os.ReadFile(dashboardErrors)
	if err != nil {
		t.Fatal(err)
	}
	union := regexp.MustCompile(`(?s)export type ErrorCode =(.*?);`).FindSubmatch(src)
	if union == nil {
		t.Fatalf("%s: no `export type ErrorCode = ...;` union found", dashboardErrors)
	}
	var client []string
	for _, m := range regexp.MustCompile(`'([A-Z_]+)'`).FindAllSubmatch(union[1], -1) {
		client = append(client, string(m[1]))
	}
	if len(client) == 0 {
		t.Fatalf("%s: ErrorCode lists no codes", dashboardErrors)
	}
	var server []string
	for _, c := range Codes {
		server = append(server, string(c))
		if !slices.Contains(client, string(c)) {
			t.Errorf("the server sends %s but the dashboard's ErrorCode (%s) lacks it: add | '%s'", c, dashboardErrors, c)
		}
	}
	for _, c := range client {
		if !slices.Contains(server, c) {
			t.Errorf("the dashboard's ErrorCode (%s) has %s, which the server never sends (fault.Codes: %s)", dashboardErrors, c, strings.Join(server, ", "))
		}
	}
}

// TestCodesListsEveryConstant fails when a Code constant is declared but
// left out of Codes, which the dashboard check above relies on.
func TestCodesListsEveryConstant(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "fault.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, decl := range f.Decls {
		gen, ok := decl.(*ast.GenDecl)
		if !ok || gen.Tok != token.CONST {
			continue
		}
		for _, spec := range gen.Specs {
			vs := spec.(*ast.ValueSpec)
			if id, ok := vs.Type.(*ast.Ident); !ok || id.Name != "Code" {
				continue
			}
			for i, name := range vs.Names {
				lit, ok := vs.Values[i].(*ast.BasicLit)
				if !ok {
					continue
				}
				if code := Code(strings.Trim(lit.Value, `"`)); !slices.Contains(Codes, code) {
					t.Errorf("%s (%s) is missing from fault.Codes", name.Name, code)
				}
			}
		}
	}
}
