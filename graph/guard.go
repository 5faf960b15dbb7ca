package graph

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/tally-invoicing/tally/internal/fault"
	"github.com/tally-invoicing/tally/internal/tenant"
)

// Limits bound what one GraphQL operation may ask for, so that no single
// request can make the server do unbounded work. Each is checked after the
// query is parsed and validated and before anything is resolved.
type Limits struct {
	// Tokens caps the parser's work; it is checked while parsing, so a huge
	// query (10,000 aliases) is refused before validation looks at it.
	Tokens int
	// Depth is the deepest selection nesting allowed.
	Depth int
	// Aliases is how many aliased fields an operation may contain.
	Aliases int
	// RootFields is how many fields the operation may select at its top level.
	RootFields int
	// Complexity caps the estimated number of values an operation resolves:
	// each field counts 1, and a connection multiplies its selection by its
	// page size (first or last), a plain list by ListEstimate.
	Complexity int
	// ListEstimate is how many elements a list without paging counts as.
	ListEstimate int
}

// DefaultLimits are generous for the dashboard and any reasonable partner
// query (the dashboard's largest query scores under 3,000), and far below
// what a hostile query needs.
func DefaultLimits() Limits {
	return Limits{Tokens: 5000, Depth: 12, Aliases: 50, RootFields: 20, Complexity: 25000, ListEstimate: 10}
}

// MaxPageSize caps first/last so that one request cannot ask for a table.
const MaxPageSize = 100

// CodeQueryLimit is the extensions.code of an operation refused by a Limit.
const CodeQueryLimit = string(fault.CodeQueryLimit)

// guard is the gqlgen extension that enforces API key scopes and Limits on
// every operation, over HTTP and websockets alike.
type guard struct {
	limits Limits
	// introspection is allowed in development only.
	introspection bool
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = guard{}

func (guard) ExtensionName() string                   { return "TallyGuard" }
func (guard) Validate(graphql.ExecutableSchema) error { return nil }
func (g guard) MutateOperationContext(ctx context.Context, oc *graphql.OperationContext) *gqlerror.Error {
	if err := checkScope(ctx, oc.Operation.Operation); err != nil {
		return err
	}
	if introspection, other := rootFields(oc.Operation.SelectionSet); introspection {
		if !g.introspection {
			return &gqlerror.Error{
				Message:    "introspection is off on production servers; the schema is in the partner documentation",
				Extensions: map[string]any{"code": string(fault.CodeForbidden)},
			}
		}
		if !other {
			// Development tools (GraphiQL, codegen) ask for the whole schema
			// in one deep query; it costs the size of the schema, no more.
			return nil
		}
	}
	m := measure{vars: oc.Variables, doc: oc.Doc, limits: g.limits}
	roots := 0
	for _, sel := range oc.Operation.SelectionSet {
		if _, ok := sel.(*ast.Field); ok {
			roots++
		}
	}
	cost := m.selection(oc.Operation.SelectionSet, 1)
	switch {
	case m.err != nil:
		return m.err
	case m.depth > g.limits.Depth:
		return limitError("depth", g.limits.Depth, m.depth, "nest fewer fields")
	case m.aliases > g.limits.Aliases:
		return limitError("aliases", g.limits.Aliases, m.aliases, "send several requests instead")
	case roots > g.limits.RootFields:
		return limitError("root fields", g.limits.RootFields, roots, "send several requests instead")
	case cost > g.limits.Complexity:
		return limitError("complexity", g.limits.Complexity, cost, "ask for smaller pages (first/last) or fewer nested lists")
	}
	return nil
}

// rootFields reports whether an operation's top level asks for
// introspection (__schema or __type) and whether it asks for anything else.
// (__typename is neither: clients need it for unions.)
func rootFields(set ast.SelectionSet) (introspection, other bool) {
	for _, sel := range set {
		var i, o bool
		switch s := sel.(type) {
		case *ast.Field:
			i = s.Name == "__schema" || s.Name == "__type"
			o = !i && s.Name != "__typename"
		case *ast.InlineFragment:
			i, o = rootFields(s.SelectionSet)
		case *ast.FragmentSpread:
			if s.Definition != nil {
				i, o = rootFields(s.Definition.SelectionSet)
			}
		}
		introspection, other = introspection || i, other || o
	}
	return introspection, other
}

// checkScope refuses operations an API key's scopes do not cover: queries
// and subscriptions need READ, mutations WRITE.
func checkScope(ctx context.Context, op ast.Operation) *gqlerror.Error {
	v := tenant.FromContext(ctx)
	if v == nil {
		return nil // resolvers answer UNAUTHENTICATED where a viewer is needed
	}
	need := tenant.ScopeRead
	if op == ast.Mutation {
		need = tenant.ScopeWrite
	}
	if v.Allows(need) {
		return nil
	}
	return &gqlerror.Error{
		Message:    fmt.Sprintf("this API key lacks the %s scope needed for a %s; create a key with %s", strings.ToUpper(need), op, strings.ToUpper(need)),
		Extensions: map[string]any{"code": string(fault.CodeForbidden)},
	}
}

func limitError(limit string, max, actual int, hint string) *gqlerror.Error {
	return &gqlerror.Error{
		Message:    fmt.Sprintf("query %s is %d, over the limit of %d; %s", limit, actual, max, hint),
		Extensions: map[string]any{"code": CodeQueryLimit, "limit": limit, "max": max, "actual": actual},
	}
}

// measure walks an operation once, counting depth, aliases and cost, and
// checking every connection's page size.
type measure struct {
	vars    map[string]any
	doc     *ast.QueryDocument
	limits  Limits
	depth   int
	aliases int
	err     *gqlerror.Error
	// seen guards against fragment cycles (validation refuses them, but the
	// walk must not rely on it).
	seen map[string]bool
}

// selection returns the cost of resolving set at the given depth.
func (m *measure) selection(set ast.SelectionSet, depth int) int {
	if m.err != nil || depth > m.limits.Depth+1 {
		// Deep enough to refuse; stop walking.
		m.depth = max(m.depth, depth)
		return 0
	}
	cost := 0
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			cost += m.field(s, depth)
		case *ast.InlineFragment:
			cost += m.selection(s.SelectionSet, depth)
		case *ast.FragmentSpread:
			if m.seen == nil {
				m.seen = map[string]bool{}
			}
			if m.seen[s.Name] {
				continue
			}
			m.seen[s.Name] = true
			if f := m.doc.Fragments.ForName(s.Name); f != nil {
				cost += m.selection(f.SelectionSet, depth)
			}
			delete(m.seen, s.Name)
		}
	}
	return cost
}

func (m *measure) field(f *ast.Field, depth int) int {
	if f.Alias != "" && f.Alias != f.Name {
		m.aliases++
	}
	if len(f.SelectionSet) == 0 {
		m.depth = max(m.depth, depth)
		return 1
	}
	children := m.selection(f.SelectionSet, depth+1)
	if f.Definition == nil || f.Definition.Type == nil {
		return 1 + children
	}
	if strings.HasSuffix(f.Definition.Type.Name(), "Connection") && f.Definition.Arguments.ForName("first") != nil {
		return 1 + m.page(f)*children
	}
	inConnection := f.ObjectDefinition != nil && strings.HasSuffix(f.ObjectDefinition.Name, "Connection")
	if f.Definition.Type.Elem != nil && !inConnection { // a connection's edges are its page, counted above
		return 1 + m.limits.ListEstimate*children
	}
	return 1 + children
}

// page checks a connection's first/last (one of them is required, at most
// MaxPageSize, as GitHub's API does) and returns the page size.
func (m *measure) page(f *ast.Field) int {
	args := f.ArgumentMap(m.vars)
	size := -1
	for _, name := range []string{"first", "last"} {
		v, ok := args[name]
		if !ok || v == nil {
			continue
		}
		n, ok := asInt(v)
		if !ok || n < 0 || n > MaxPageSize {
			m.err = &gqlerror.Error{
				Message:    fmt.Sprintf("%s.%s: %s must be between 0 and %d", f.Alias, name, name, MaxPageSize),
				Extensions: map[string]any{"code": string(fault.CodeValidation), "field": name},
			}
			return 0
		}
		size = max(size, int(n))
	}
	if size < 0 {
		m.err = &gqlerror.Error{
			Message:    fmt.Sprintf("%s: give first or last (at most %d) to page through a connection", f.Alias, MaxPageSize),
			Extensions: map[string]any{"code": string(fault.CodeValidation), "field": "first"},
		}
		return 0
	}
	return max(size, 1)
}

func asInt(v any) (int64, bool) {
	switch n := v.(type) {
	case int64:
		return n, true
	case int:
		return int64(n), true
	case json.Number:
		i, err := n.Int64()
		return i, err == nil
	case float64:
		return int64(n), float64(int64(n)) == n
	}
	return 0, false
}
