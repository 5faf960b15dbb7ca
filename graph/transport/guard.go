package transport

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"entgo.io/contrib/entgql"
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
	// Complexity caps the estimated work of an operation: each field costs
	// its weight (@cost in the schema, else 1), and a connection multiplies
	// its selection by its page size (first or last), a list sized by a
	// list argument (nodes(ids:)) by that argument's length, any other
	// list by ListEstimate.
	Complexity int
	// ListEstimate is how many elements a list without paging counts as.
	ListEstimate int
	// MergePairs caps the field comparisons validation may make (fields
	// sharing a response name in one selection set are compared pairwise);
	// it is checked before validation, see overlapCheck.
	MergePairs int
}

// DefaultLimits are generous for the dashboard and any reasonable partner
// query (TestDashboardOperationsUnderLimits holds every dashboard operation
// under them with its page sizes at MaxPageSize), and far below what a
// hostile query needs.
func DefaultLimits() Limits {
	return Limits{Tokens: 5000, Depth: 12, Aliases: 50, RootFields: 20, Complexity: 25000, ListEstimate: 10, MergePairs: 20000}
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
	roots := 0
	for _, sel := range oc.Operation.SelectionSet {
		if _, ok := sel.(*ast.Field); ok {
			roots++
		}
	}
	m := newMeasure(ctx, oc.Doc, oc.Variables, g.limits)
	s := m.selection(oc.Operation.SelectionSet)
	switch {
	case m.err != nil:
		return m.err
	case m.over || s.cost > g.limits.Complexity:
		// The walk stopped once over the limit: s.cost is what it had
		// counted by then, a lower bound.
		return limitError("complexity", g.limits.Complexity, s.cost, "ask for smaller pages (first/last), fewer nested lists or fewer expensive fields (the partner guide lists their weights)")
	case s.height > g.limits.Depth:
		return limitError("depth", g.limits.Depth, s.height, "nest fewer fields")
	case s.aliases > g.limits.Aliases:
		return limitError("aliases", g.limits.Aliases, s.aliases, "send several requests instead")
	case roots > g.limits.RootFields:
		return limitError("root fields", g.limits.RootFields, roots, "send several requests instead")
	}
	return nil
}

// rootFields reports whether an operation's top level asks for
// introspection (__schema or __type) and whether it asks for anything else.
// (__typename is neither: clients need it for unions.) Each fragment is
// looked into once, however often it is spread.
func rootFields(set ast.SelectionSet) (introspection, other bool) {
	seen := map[string]bool{}
	var walk func(ast.SelectionSet)
	walk = func(set ast.SelectionSet) {
		for _, sel := range set {
			switch s := sel.(type) {
			case *ast.Field:
				i := s.Name == "__schema" || s.Name == "__type"
				introspection = introspection || i
				other = other || (!i && s.Name != "__typename")
			case *ast.InlineFragment:
				walk(s.SelectionSet)
			case *ast.FragmentSpread:
				if s.Definition != nil && !seen[s.Name] {
					seen[s.Name] = true
					walk(s.Definition.SelectionSet)
				}
			}
		}
	}
	walk(set)
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

func limitError(limit string, maxAllowed, actual int, hint string) *gqlerror.Error {
	return &gqlerror.Error{
		Message:    fmt.Sprintf("query %s is %d, over the limit of %d; %s", limit, actual, maxAllowed, hint),
		Extensions: map[string]any{"code": CodeQueryLimit, "limit": limit, "max": maxAllowed, "actual": actual},
	}
}

// measure walks an operation, counting depth, aliases and cost, and
// checking every connection's arguments and every list argument's length.
//
// Its work is linear in the document: each fragment is measured once and
// its summary reused wherever it is spread, so a fragment spread twice in
// each of 24 nested fragments costs 24 walks, not 2^24. The figures
// themselves still count the expanded operation (a fragment spread twice
// costs twice), with saturating arithmetic; the walk stops as soon as the
// cost is over the limit or the request is cancelled.
type measure struct {
	ctx    context.Context
	vars   map[string]any
	limits Limits
	err    *gqlerror.Error
	// over is set once the cost passed limits.Complexity: the operation is
	// refused whatever the rest of it holds.
	over bool
	// defs indexes the document's fragments by name.
	defs map[string]*ast.FragmentDefinition
	// fragments holds each fragment's summary once measured; a fragment
	// being measured maps to the zero summary, so a cycle (which
	// validation refuses anyway) adds nothing.
	fragments map[string]summary
	// fields and walks count field visits and fragment walks, to honour
	// ctx now and then and to let tests check that work is linear.
	fields, walks int
}

// summary is what a selection set contributes to an operation: its cost,
// its height (selection levels down to its deepest leaf), and the aliases
// it holds once fragments are expanded.
type summary struct {
	cost, height, aliases int
}

func newMeasure(ctx context.Context, doc *ast.QueryDocument, vars map[string]any, limits Limits) *measure {
	m := &measure{ctx: ctx, vars: vars, limits: limits,
		defs: make(map[string]*ast.FragmentDefinition, len(doc.Fragments)), fragments: map[string]summary{}}
	for _, f := range doc.Fragments {
		m.defs[f.Name] = f
	}
	return m
}

func (m *measure) stopped() bool { return m.err != nil || m.over }

// selection measures a selection set.
func (m *measure) selection(set ast.SelectionSet) summary {
	var s summary
	for _, sel := range set {
		if m.stopped() {
			return s
		}
		var c summary
		switch sel := sel.(type) {
		case *ast.Field:
			c = m.field(sel)
		case *ast.InlineFragment:
			c = m.selection(sel.SelectionSet)
		case *ast.FragmentSpread:
			c = m.fragment(sel.Name)
		}
		s.cost = satAdd(s.cost, c.cost)
		s.aliases = satAdd(s.aliases, c.aliases)
		s.height = max(s.height, c.height)
		if s.cost > m.limits.Complexity {
			m.over = true
		}
	}
	return s
}

// fragment measures a named fragment the first time it is spread and
// returns the same summary every later time.
func (m *measure) fragment(name string) summary {
	if s, ok := m.fragments[name]; ok {
		return s
	}
	m.fragments[name] = summary{}
	def := m.defs[name]
	if def == nil {
		return summary{}
	}
	m.walks++
	s := m.selection(def.SelectionSet)
	m.fragments[name] = s
	return s
}

// ctxEvery is how many fields are measured between looks at the context.
const ctxEvery = 256

func (m *measure) field(f *ast.Field) summary {
	m.fields++
	if m.fields%ctxEvery == 0 && m.ctx.Err() != nil {
		m.err = &gqlerror.Error{Message: "the request was cancelled", Extensions: map[string]any{"code": string(fault.CodeInternal)}}
		return summary{}
	}
	s := summary{cost: weight(f.Definition), height: 1}
	if f.Alias != "" && f.Alias != f.Name {
		s.aliases = 1
	}
	n := m.multiplier(f)
	if m.err != nil || len(f.SelectionSet) == 0 {
		return s
	}
	children := m.selection(f.SelectionSet)
	s.cost = satAdd(s.cost, satMul(n, children.cost))
	s.height += children.height
	s.aliases = satAdd(s.aliases, children.aliases)
	return s
}

// multiplier is how many times a field's selection is resolved: a
// connection's page size, a list's length when a list argument gives it
// (nodes(ids:)), Limits.ListEstimate for any other list, else 1.
func (m *measure) multiplier(f *ast.Field) int {
	def := f.Definition
	if def == nil || def.Type == nil {
		return 1
	}
	if strings.HasSuffix(def.Type.Name(), "Connection") && def.Arguments.ForName("first") != nil {
		return m.connection(f)
	}
	if def.Type.Elem == nil {
		return 1
	}
	if f.ObjectDefinition != nil && strings.HasSuffix(f.ObjectDefinition.Name, "Connection") {
		return 1 // a connection's edges are its page, counted above
	}
	size, sized := -1, false
	args := f.ArgumentMap(m.vars)
	for _, a := range def.Arguments {
		if a.Type == nil || a.Type.Elem == nil {
			continue
		}
		list, ok := args[a.Name].([]any)
		if !ok {
			continue
		}
		if len(list) > MaxPageSize {
			m.err = limitError(f.Name+" "+a.Name, MaxPageSize, len(list), "send several requests instead")
			return 0
		}
		size, sized = max(size, len(list)), true
	}
	if sized {
		return max(size, 1)
	}
	if n, ok := directiveInt(def, listSizeDirective, "max"); ok {
		return max(n, 1)
	}
	return m.limits.ListEstimate
}

// connection checks a connection's arguments and returns its page size.
// first or last is required, at most MaxPageSize, as GitHub's API does;
// not both, since a page cannot be counted from both ends at once; and a
// cursor must be one this server gave out.
func (m *measure) connection(f *ast.Field) int {
	args := f.ArgumentMap(m.vars)
	name := f.Alias
	if name == "" {
		name = f.Name
	}
	size, given := -1, []string{}
	for _, arg := range []string{"first", "last"} {
		v, ok := args[arg]
		if !ok || v == nil {
			continue
		}
		given = append(given, arg)
		n, ok := asInt(v)
		if !ok || n < 0 || n > MaxPageSize {
			m.err = invalid(arg, fmt.Sprintf("%s.%s: %s must be between 0 and %d", name, arg, arg, MaxPageSize))
			return 0
		}
		size = max(size, int(n))
	}
	switch {
	case len(given) == 0:
		m.err = invalid("first", fmt.Sprintf("%s: give first or last (at most %d) to page through a connection", name, MaxPageSize))
		return 0
	case len(given) == 2:
		m.err = invalid("last", fmt.Sprintf("%s: give first or last, not both; page forward with first and after, backward with last and before", name))
		return 0
	}
	for _, arg := range []string{"after", "before"} {
		v, ok := args[arg]
		if !ok || v == nil {
			continue
		}
		var c entgql.Cursor[string]
		if err := c.UnmarshalGQL(v); err != nil {
			m.err = invalid(arg, fmt.Sprintf("%s.%s: the cursor is not one this server gave out; pass a pageInfo.endCursor or startCursor back as it came", name, arg))
			return 0
		}
	}
	return max(size, 1)
}

func invalid(field, message string) *gqlerror.Error {
	return &gqlerror.Error{Message: message, Extensions: map[string]any{"code": string(fault.CodeValidation), "field": field}}
}

// weight is what resolving a field costs by itself, as its definition
// declares with @cost(weight:) in the schema; 1 (a column read) otherwise.
func weight(def *ast.FieldDefinition) int {
	if n, ok := directiveInt(def, costDirective, "weight"); ok {
		return n
	}
	return 1
}

// directiveInt reads a non-negative Int argument of a directive applied to
// a field's definition.
func directiveInt(def *ast.FieldDefinition, directive, arg string) (int, bool) {
	if def == nil {
		return 0, false
	}
	d := def.Directives.ForName(directive)
	if d == nil {
		return 0, false
	}
	if a := d.Arguments.ForName(arg); a != nil && a.Value != nil {
		if n, err := strconv.Atoi(a.Value.Raw); err == nil && n >= 0 {
			return n, true
		}
	}
	return 0, false
}

// costDirective declares a field's weight in the schema (schema.graphqls);
// listSizeDirective the most elements a list field holds.
const (
	costDirective     = "cost"
	listSizeDirective = "listSize"
)

// saturated is where the cost arithmetic stops growing: far above any
// limit, far below overflow.
const saturated = 1 << 40

func satAdd(a, b int) int { return min(a+b, saturated) }

func satMul(a, b int) int {
	if a != 0 && b > saturated/a {
		return saturated
	}
	return min(a*b, saturated)
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
