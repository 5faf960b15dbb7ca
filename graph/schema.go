package graph

import (
	"context"
	"slices"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/tally-invoicing/tally/graph/scalar"
)

// NewSchema is the executable schema that r resolves, as clients see it:
// the generated schema without hiddenDirectives, with @multiline applied.
// Serve it with graph/transport.
func NewSchema(r *Resolver) graphql.ExecutableSchema {
	return NewExecutableSchema(Config{Resolvers: r, Schema: servedSchema(), Directives: DirectiveRoot{
		Multiline: func(ctx context.Context, _ any, next graphql.Resolver) (any, error) {
			return next(scalar.WithMultiline(ctx))
		},
	}})
}

// hiddenDirectives steer code generation (gqlgen's @goField and @goModel)
// or the operation guard (@cost); no query may use them, so clients are not
// told about them.
var hiddenDirectives = []string{"goField", "goModel", "cost"}

// servedSchema is the schema as clients see it through validation and
// introspection: the generated one without hiddenDirectives. Fields keep
// the directives applied to them, which the guard reads and introspection
// never shows.
func servedSchema() *ast.Schema {
	full := NewExecutableSchema(Config{}).Schema()
	s := *full
	s.Directives = make(map[string]*ast.DirectiveDefinition, len(full.Directives))
	for name, d := range full.Directives {
		if !slices.Contains(hiddenDirectives, name) {
			s.Directives[name] = d
		}
	}
	return &s
}
