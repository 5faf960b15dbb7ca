package graph

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
)

// The inline list marshaller answers like gqlgen's concurrent one: each
// element in order, with its index in the error path of a failed element,
// which becomes null without taking its neighbours with it.
func TestMarshalSliceInline(t *testing.T) {
	quiet := func(context.Context, any) error { return errors.New("internal system error") }
	ctx := graphql.WithResponseContext(context.Background(), graphql.DefaultErrorPresenter, quiet)
	names := []string{"Design", "Hosting", "Support"}
	ret := marshalSliceInline(ctx, len(names), false, func(ctx context.Context, i int) graphql.Marshaler {
		if names[i] == "Hosting" {
			panic("boom")
		}
		if got := *graphql.GetFieldContext(ctx).Index; got != i {
			t.Errorf("element %d saw index %d", i, got)
		}
		return graphql.MarshalString(names[i])
	})
	var buf bytes.Buffer
	ret.MarshalGQL(&buf)
	if got, want := buf.String(), `["Design",null,"Support"]`; got != want {
		t.Fatalf("marshalled %s, want %s", got, want)
	}
	errs := graphql.GetErrors(ctx)
	if len(errs) != 1 || errs[0].Path.String() != "[1]" {
		t.Fatalf("errors %v, want one at index 1", errs)
	}
}

// A list is marshalled inline unless its selection reaches a field that may
// wait on I/O, however the query spells it.
func TestSelectionMayBlock(t *testing.T) {
	schema := NewExecutableSchema(Config{Resolvers: &Resolver{}}).Schema()
	for query, want := range map[string]bool{
		`{ invoices(first: 5) { edges { node { id total items { name amount } customer { name } } } } }`:       false,
		`{ invoices(first: 5) { edges { node { id overdue events { type } payments { amount } } } } }`:         false,
		`{ invoices(first: 5) { edges { node { id previewHTML } } } }`:                                         true,
		`{ invoices(first: 5) { edges { node { ...Preview } } } } fragment Preview on Invoice { previewHTML }`: true,
		`{ invoices(first: 5) { edges { node { ... on Invoice { previewHTML } } } } }`:                         true,
		`{ invoices(first: 5) { edges { ... on InvoiceEdge { node { customer { credit { amount } } } } } } }`:  true,
		`{ customers(first: 5) { edges { node { name } } } }`:                                                  false,
		`{ customers(first: 5) { edges { node { name credit { amount } } } } }`:                                true,
	} {
		doc, errs := gqlparser.LoadQueryWithRules(schema, query, nil)
		if errs != nil {
			t.Fatalf("%s: %v", query, errs)
		}
		root := doc.Operations[0].SelectionSet[0].(*ast.Field)
		edges := root.SelectionSet[0].(*ast.Field)
		if got := selectionMayBlock(edges.SelectionSet); got != want {
			t.Errorf("%s: may block = %v, want %v", query, got, want)
		}
	}
}
