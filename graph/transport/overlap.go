package transport

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
)

// overlapCheck refuses, before validation, documents on which validation
// itself would be slow. The spec's OverlappingFieldsCanBeMerged rule
// compares every pair of fields that share a response name in a selection
// set, and their sub-selections pair by pair, so one field repeated 2,000
// times in a 20 KB query is millions of comparisons. overlapCheck counts
// those pairs in time linear in the document and refuses the document past
// Limits.MergePairs; the guard's own limits come after validation.
type overlapCheck struct {
	limits Limits
	// cache is the executor's query cache: a document found there has
	// been validated already.
	cache *lru.LRU[*ast.QueryDocument]
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = overlapCheck{}

func (overlapCheck) ExtensionName() string                   { return "TallyOverlapCheck" }
func (overlapCheck) Validate(graphql.ExecutableSchema) error { return nil }

func (o overlapCheck) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	if p.Query == "" {
		return nil
	}
	if _, ok := o.cache.Get(ctx, p.Query); ok {
		return nil
	}
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: p.Query}, o.limits.Tokens)
	if err != nil {
		return nil // the executor parses again and reports the error
	}
	if n := mergePairs(doc, o.limits.MergePairs); n > o.limits.MergePairs {
		return limitError("field repetition", o.limits.MergePairs, n, "select each field once in a selection set instead of repeating it")
	}
	return nil
}

// mergePairs estimates the comparisons field merging makes on doc, stopping
// once past limit. Fields that share a response name in one selection set
// (inline fragments included) are compared pairwise, and so are the
// sub-selections of those fields, as one merged group; named fragments are
// compared with the fields and fragments beside them. Every selection set
// is visited once, in the group of its field.
func mergePairs(doc *ast.QueryDocument, limit int) int {
	total := 0
	for _, op := range doc.Operations {
		total = satAdd(total, mergeGroup([]ast.SelectionSet{op.SelectionSet}, limit-total))
	}
	for _, f := range doc.Fragments {
		if total > limit {
			break
		}
		total = satAdd(total, mergeGroup([]ast.SelectionSet{f.SelectionSet}, limit-total))
	}
	return total
}

func mergeGroup(group []ast.SelectionSet, limit int) int {
	byName := map[string][]*ast.Field{}
	var order []string
	spreads, fields := 0, 0
	var flatten func(ast.SelectionSet)
	flatten = func(set ast.SelectionSet) {
		for _, sel := range set {
			switch s := sel.(type) {
			case *ast.Field:
				key := s.Alias
				if key == "" {
					key = s.Name
				}
				if byName[key] == nil {
					order = append(order, key)
				}
				byName[key] = append(byName[key], s)
				fields++
			case *ast.InlineFragment:
				flatten(s.SelectionSet)
			case *ast.FragmentSpread:
				spreads++ // repeats too: each is paired with the others
			}
		}
	}
	for _, set := range group {
		flatten(set)
	}
	pairs := satAdd(satMul(spreads, fields), satMul(spreads, spreads))
	for _, key := range order {
		n := len(byName[key])
		pairs = satAdd(pairs, satMul(n, n-1)/2)
	}
	for _, key := range order {
		if pairs > limit {
			return pairs
		}
		var sub []ast.SelectionSet
		for _, fd := range byName[key] {
			if len(fd.SelectionSet) > 0 {
				sub = append(sub, fd.SelectionSet)
			}
		}
		if len(sub) > 0 {
			pairs = satAdd(pairs, mergeGroup(sub, limit-pairs))
		}
	}
	return pairs
}
