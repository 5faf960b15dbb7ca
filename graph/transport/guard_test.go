package transport

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"
	"github.com/vektah/gqlparser/v2/validator"

	"github.com/tally-invoicing/tally/graph"
)

// servedSchema is the schema the guard sees behind the handler.
func servedSchema() *ast.Schema { return graph.NewSchema(&graph.Resolver{}).Schema() }

// operation parses and validates query against the served schema, as the
// executor does before the guard sees it.
func operation(t *testing.T, query string, vars map[string]any) *graphql.OperationContext {
	t.Helper()
	doc, err := parser.ParseQuery(&ast.Source{Input: query})
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	if errs := validator.ValidateWithRules(servedSchema(), doc, nil); len(errs) > 0 {
		t.Fatalf("validate: %v\n%s", errs, query)
	}
	return &graphql.OperationContext{Doc: doc, Operation: doc.Operations[0], Variables: vars}
}

// The cost walk measures each fragment once, however often it is spread,
// and still counts what the expanded operation would resolve.
func TestMeasureIsLinearInFragments(t *testing.T) {
	for _, levels := range []int{4, 12} {
		oc := operation(t, fanOut(levels), nil)
		m := newMeasure(context.Background(), oc.Doc, nil, DefaultLimits())
		s := m.selection(oc.Operation.SelectionSet)
		if want := 1 << (levels - 1); s.cost != want {
			t.Errorf("%d levels: cost %d, want %d (the expanded count)", levels, s.cost, want)
		}
		if m.walks != levels || m.fields != 1 {
			t.Errorf("%d levels: %d fragment walks and %d field visits, want %d and 1", levels, m.walks, m.fields, levels)
		}
	}
	// Past the limit the walk stops; the fragments below were each walked once.
	oc := operation(t, fanOut(40), nil)
	m := newMeasure(context.Background(), oc.Doc, nil, DefaultLimits())
	m.selection(oc.Operation.SelectionSet)
	if !m.over || m.walks > 40 {
		t.Errorf("40 levels: over=%v after %d fragment walks, want refused after at most 40", m.over, m.walks)
	}
}

// A cancelled request stops the walk.
func TestMeasureHonoursContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var b strings.Builder
	b.WriteString("{")
	for i := range 300 {
		fmt.Fprintf(&b, " a%d: __typename", i)
	}
	b.WriteString("}")
	oc := operation(t, b.String(), nil)
	m := newMeasure(ctx, oc.Doc, nil, DefaultLimits())
	m.selection(oc.Operation.SelectionSet)
	if m.err == nil || m.fields > ctxEvery {
		t.Fatalf("after cancel: err %v after %d fields, want an error within %d", m.err, m.fields, ctxEvery)
	}
}

// The weights are declared in the schema with @cost, and the guard uses
// them: a page of previews is refused, a small one is not.
func TestExpensiveFieldsWeighed(t *testing.T) {
	want := map[string]int{
		"Invoice.previewHTML":       1000,
		"CheckoutSession.qrCode":    100,
		"Mutation.startCheckout":    1000,
		"Mutation.sendInvoice":      1000,
		"Mutation.issueInvoice":     1000,
		"Mutation.createCreditNote": 1000,
		"CreditNote.previewHTML":    1000,
		"Mutation.previewStatement": 1000,
		"Mutation.importStatement":  1000,
		// #17's bulk actions: up to 100 invoices each.
		"Mutation.sendInvoiceReminders": 1000,
		"Mutation.deleteInvoiceDrafts":  100,
	}
	got := map[string]int{}
	for _, typ := range servedSchema().Types {
		for _, f := range typ.Fields {
			if w := weight(f); w != 1 {
				got[typ.Name+"."+f.Name] = w
			}
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("weighted fields %v, want %v", got, want)
	}
	g := guard{limits: DefaultLimits()}
	page := func(n int) string {
		return fmt.Sprintf("{ invoices(first: %d) { edges { node { id previewHTML } } } }", n)
	}
	if err := g.MutateOperationContext(context.Background(), operation(t, page(100), nil)); err == nil || err.Extensions["limit"] != "complexity" {
		t.Fatalf("a page of 100 previews: %v, want refused for complexity", err)
	}
	if err := g.MutateOperationContext(context.Background(), operation(t, page(20), nil)); err != nil {
		t.Fatalf("a page of 20 previews: %v", err)
	}
}

// A list argument sizes its list: nodes(ids:) with 30 ids costs 30 times
// its selection, whether the ids are written in the query or sent as a
// variable, and more than MaxPageSize ids are refused.
func TestListArgumentsSizeTheirList(t *testing.T) {
	g := guard{limits: DefaultLimits()}
	ids := func(n int) []any {
		out := make([]any, n)
		for i := range out {
			out[i] = "inv_x"
		}
		return out
	}
	q := "query($ids: [ID!]!) { nodes(ids: $ids) { ... on Invoice { previewHTML } } }"
	if err := g.MutateOperationContext(context.Background(), operation(t, q, map[string]any{"ids": ids(30)})); err == nil || err.Extensions["limit"] != "complexity" {
		t.Fatalf("30 previews by variable: %v, want refused for complexity", err)
	}
	literal := `{ nodes(ids: ["inv_x"` + strings.Repeat(`, "inv_x"`, 29) + `]) { ... on Invoice { previewHTML } } }`
	if err := g.MutateOperationContext(context.Background(), operation(t, literal, nil)); err == nil || err.Extensions["limit"] != "complexity" {
		t.Fatalf("30 previews by literal: %v, want refused for complexity", err)
	}
	err := g.MutateOperationContext(context.Background(), operation(t, "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", map[string]any{"ids": ids(101)}))
	if err == nil || err.Extensions["code"] != CodeQueryLimit || err.Extensions["limit"] != "nodes ids" || err.Extensions["max"] != MaxPageSize || err.Extensions["actual"] != 101 {
		t.Fatalf("101 ids: %v, want QUERY_LIMIT nodes ids max 100 actual 101", err)
	}
	if err := g.MutateOperationContext(context.Background(), operation(t, "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", map[string]any{"ids": ids(100)})); err != nil {
		t.Fatalf("100 ids: %v", err)
	}
}

// Every operation the dashboard sends stays under every limit, with its
// page-size variables at their largest.
func TestDashboardOperationsUnderLimits(t *testing.T) {
	re := regexp.MustCompile("(?s)graphql\\(`(.*?)`\\)")
	var sources []string
	root := os.DirFS(filepath.Join("..", "..", "frontend", "src"))
	err := fs.WalkDir(root, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == "gql" {
			return filepath.SkipDir
		}
		if d.IsDir() || !(strings.HasSuffix(path, ".ts") || strings.HasSuffix(path, ".tsx")) {
			return nil
		}
		b, err := fs.ReadFile(root, path)
		if err != nil {
			return err
		}
		for _, m := range re.FindAllSubmatch(b, -1) {
			sources = append(sources, string(m[1]))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	all, err := parser.ParseQuery(&ast.Source{Input: strings.Join(sources, "\n")})
	if err != nil {
		t.Fatalf("parse the dashboard's operations: %v", err)
	}
	if len(all.Operations) < 20 {
		t.Fatalf("found %d dashboard operations; has the frontend moved?", len(all.Operations))
	}
	g := guard{limits: DefaultLimits()}
	var heaviest struct {
		name string
		cost int
	}
	for _, op := range all.Operations {
		if op.Operation == ast.Subscription {
			continue
		}
		// Each operation with the fragments it spreads.
		doc := &ast.QueryDocument{Operations: ast.OperationList{op}}
		var need func(ast.SelectionSet)
		need = func(set ast.SelectionSet) {
			for _, sel := range set {
				switch s := sel.(type) {
				case *ast.Field:
					need(s.SelectionSet)
				case *ast.InlineFragment:
					need(s.SelectionSet)
				case *ast.FragmentSpread:
					if doc.Fragments.ForName(s.Name) == nil {
						f := all.Fragments.ForName(s.Name)
						doc.Fragments = append(doc.Fragments, f)
						need(f.SelectionSet)
					}
				}
			}
		}
		need(op.SelectionSet)
		if errs := validator.ValidateWithRules(servedSchema(), doc, nil); len(errs) > 0 {
			t.Errorf("%s: %v", op.Name, errs)
			continue
		}
		vars := map[string]any{}
		for _, v := range op.VariableDefinitions {
			if v.Type.Name() == "Int" {
				vars[v.Variable] = int64(MaxPageSize)
			}
		}
		oc := &graphql.OperationContext{Doc: doc, Operation: op, Variables: vars}
		if pairs := mergePairs(doc, g.limits.MergePairs); pairs > g.limits.MergePairs {
			t.Errorf("%s: %d field comparisons, over %d", op.Name, pairs, g.limits.MergePairs)
		}
		if err := g.MutateOperationContext(context.Background(), oc); err != nil {
			t.Errorf("%s: %v", op.Name, err)
		}
		m := newMeasure(context.Background(), doc, vars, g.limits)
		if s := m.selection(op.SelectionSet); s.cost > heaviest.cost {
			heaviest.name, heaviest.cost = op.Name, s.cost
		}
	}
	t.Logf("%d operations; the heaviest, %s, costs %d", len(all.Operations), heaviest.name, heaviest.cost)
}
