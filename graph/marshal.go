package graph

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

// marshalSlice marshals a list of objects: in the calling goroutine when
// nothing the query selects under the list may wait on I/O (the usual case:
// see graph/gqlgen.go), else with gqlgen's goroutine per element. Every
// generated list marshaller calls it in place of
// graphql.MarshalSliceConcurrently, with the same arguments.
func marshalSlice(ctx context.Context, length int, workerLimit int64, omitPanicHandler bool, marshalElement func(ctx context.Context, i int) graphql.Marshaler) graphql.Array {
	if length > 1 && listMayBlock(ctx) {
		return graphql.MarshalSliceConcurrently(ctx, length, workerLimit, omitPanicHandler, marshalElement)
	}
	return marshalSliceInline(ctx, length, omitPanicHandler, marshalElement)
}

// listMayBlock reports whether the selection of the list field in ctx
// reaches a field in blockingFields. Without a field to look at it answers
// yes, the safe side.
func listMayBlock(ctx context.Context) bool {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || fc.Field.Field == nil {
		return true
	}
	return selectionMayBlock(fc.Field.Selections)
}

func selectionMayBlock(set ast.SelectionSet) bool {
	for _, s := range set {
		switch s := s.(type) {
		case *ast.Field:
			if s.ObjectDefinition == nil || blockingFields[s.ObjectDefinition.Name][s.Name] || selectionMayBlock(s.SelectionSet) {
				return true
			}
		case *ast.InlineFragment:
			if selectionMayBlock(s.SelectionSet) {
				return true
			}
		case *ast.FragmentSpread:
			if s.Definition == nil || selectionMayBlock(s.Definition.SelectionSet) {
				return true
			}
		default:
			return true
		}
	}
	return false
}

// marshalSliceInline is graphql.MarshalSliceConcurrently without the
// goroutines: each element gets its own field context, and a panicking
// element becomes null with an error, as with gqlgen's.
func marshalSliceInline(ctx context.Context, length int, omitPanicHandler bool, marshalElement func(ctx context.Context, i int) graphql.Marshaler) graphql.Array {
	ret := make(graphql.Array, length)
	for i := range length {
		childCtx := graphql.WithFieldContext(ctx, &graphql.FieldContext{Index: &i})
		if omitPanicHandler {
			ret[i] = marshalElement(childCtx, i)
			continue
		}
		func() {
			defer func() {
				if r := recover(); r != nil {
					graphql.AddError(childCtx, graphql.Recover(childCtx, r))
					ret[i] = graphql.Null
				}
			}()
			ret[i] = marshalElement(childCtx, i)
		}()
	}
	return ret
}
