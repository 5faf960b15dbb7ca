package graph

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/99designs/gqlgen/graphql"
)

// The inline list marshaller answers like gqlgen's concurrent one: each
// element in order, with its index in the error path of a failed element,
// which becomes null without taking its neighbours with it.
func TestMarshalSliceInline(t *testing.T) {
	quiet := func(context.Context, any) error { return errors.New("internal system error") }
	ctx := graphql.WithResponseContext(context.Background(), graphql.DefaultErrorPresenter, quiet)
	names := []string{"Design", "Hosting", "Support"}
	ret := marshalSliceInline(ctx, len(names), 0, false, func(ctx context.Context, i int) graphql.Marshaler {
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
