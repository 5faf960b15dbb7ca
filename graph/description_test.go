package graph

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
)

// builtinScalars are GraphQL's own scalars; the spec describes them.
var builtinScalars = map[string]bool{"String": true, "Int": true, "Float": true, "Boolean": true, "ID": true}

// descriptionExceptions are schema elements that cannot carry a
// description with the tools the schema is written with. Each key is a
// coordinate as missingDescriptions prints it, "Type", "Type.field",
// "Type.field(arg)" or "Enum.VALUE"; a key ending in ".*" covers every
// value of an enum. The test fails when an exception is no longer needed,
// so the list only ever shrinks.
//
// There are none: where entgql (graph/ent.graphql) writes no description
// (entity types, enum values, connection edges), the schema hook in
// ent/entc.go fills it in from ent/schemadoc and the edges' Comments.
var descriptionExceptions = map[string]string{}

// missingDescriptions walks every type of the schema that is not built in
// and returns one line per type, field, argument, input field or enum
// value without a description, and the exceptions it used.
func missingDescriptions(s *ast.Schema) (missing []string, used map[string]bool) {
	used = map[string]bool{}
	check := func(coord, desc string) {
		if strings.TrimSpace(desc) != "" {
			return
		}
		if _, ok := descriptionExceptions[coord]; ok {
			used[coord] = true
			return
		}
		if typ, _, ok := strings.Cut(coord, "."); ok {
			if _, ok := descriptionExceptions[typ+".*"]; ok && !strings.ContainsAny(coord, "()") {
				used[typ+".*"] = true
				return
			}
		}
		missing = append(missing, coord+": no description")
	}
	names := make([]string, 0, len(s.Types))
	for name := range s.Types {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		def := s.Types[name]
		if strings.HasPrefix(name, "__") || builtinScalars[name] {
			continue
		}
		check(name, def.Description)
		for _, f := range def.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue // __typename, __schema, __type
			}
			coord := name + "." + f.Name
			check(coord, f.Description)
			for _, a := range f.Arguments {
				check(fmt.Sprintf("%s(%s)", coord, a.Name), a.Description)
			}
		}
		for _, v := range def.EnumValues {
			check(name+"."+v.Name, v.Description)
		}
	}
	return missing, used
}

func TestDescriptionsEverywhere(t *testing.T) {
	s := NewExecutableSchema(Config{Resolvers: &Resolver{}}).Schema()
	missing, used := missingDescriptions(s)
	if len(missing) > 0 {
		t.Errorf("%d schema elements have no description (graph/*.graphqls, or Comment(...) in ent/schema for graph/ent.graphql):\n%s",
			len(missing), strings.Join(missing, "\n"))
	}
	var stale []string
	for coord := range descriptionExceptions {
		if !used[coord] {
			stale = append(stale, coord)
		}
	}
	sort.Strings(stale)
	if len(stale) > 0 {
		t.Errorf("these description exceptions are no longer needed; remove them from descriptionExceptions:\n%s", strings.Join(stale, "\n"))
	}
}

// TestDescriptionCheckFindsGaps makes sure the walk itself sees every kind
// of element, so a passing TestDescriptionsEverywhere means something.
func TestDescriptionCheckFindsGaps(t *testing.T) {
	s := &ast.Schema{Types: map[string]*ast.Definition{
		"String": {Kind: ast.Scalar, Name: "String"},
		"__Type": {Kind: ast.Object, Name: "__Type"},
		"Thing": {Kind: ast.Object, Name: "Thing", Fields: ast.FieldList{
			{Name: "size", Arguments: ast.ArgumentDefinitionList{{Name: "unit"}}},
			{Name: "__typename"},
		}},
		"ThingInput": {Kind: ast.InputObject, Name: "ThingInput", Description: "d", Fields: ast.FieldList{{Name: "name"}}},
		"Colour":     {Kind: ast.Enum, Name: "Colour", Description: "d", EnumValues: ast.EnumValueList{{Name: "RED"}}},
	}}
	missing, _ := missingDescriptions(s)
	want := []string{
		"Colour.RED: no description",
		"Thing: no description",
		"Thing.size: no description",
		"Thing.size(unit): no description",
		"ThingInput.name: no description",
	}
	if strings.Join(missing, "\n") != strings.Join(want, "\n") {
		t.Fatalf("missing =\n%s\nwant\n%s", strings.Join(missing, "\n"), strings.Join(want, "\n"))
	}
}
