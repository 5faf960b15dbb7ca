//go:build ignore

// entc.go generates the ent client and the GraphQL schema (ent.graphql) from
// ent/schema, with the additions in ent/template. Run through `make generate`.
package main

import (
	"log"
	"strings"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/entc"
	"entgo.io/ent/entc/gen"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/tally-invoicing/tally/ent/schemadoc"
)

func main() {
	ex, err := entgql.NewExtension(
		entgql.WithConfigPath("gqlgen.yml"),
		entgql.WithSchemaGenerator(),
		entgql.WithSchemaPath("graph/ent.graphql"),
		entgql.WithNodeDescriptor(false),
		entgql.WithSchemaHook(describe),
	)
	if err != nil {
		log.Fatalf("creating entgql extension: %v", err)
	}
	err = entc.Generate("./ent/schema", &gen.Config{
		Features: []gen.Feature{
			gen.FeatureIntercept,
			gen.FeatureUpsert,
			gen.FeatureLock,
			gen.FeatureModifier,
		},
	}, entc.Extensions(ex), entc.TemplateDir("./ent/template"))
	if err != nil {
		log.Fatalf("running ent codegen: %v", err)
	}
}

// describe fills in the descriptions entgql has no annotation for: entity
// types and enum values (from ent/schemadoc), the values of the generated
// <Type>OrderField enums, and connection edges whose ent Comment entgql
// drops.
func describe(g *gen.Graph, s *ast.Schema) error {
	for name, d := range schemadoc.TypeDescriptions {
		if t := s.Types[name]; t != nil && t.Description == "" {
			t.Description = d
		}
	}
	for name, values := range schemadoc.EnumValueDescriptions {
		t := s.Types[name]
		if t == nil {
			continue
		}
		for _, v := range t.EnumValues {
			if d, ok := values[v.Name]; ok && v.Description == "" {
				v.Description = d
			}
		}
	}
	for name, t := range s.Types {
		if strings.HasSuffix(name, "OrderField") && t.Kind == ast.Enum {
			for _, v := range t.EnumValues {
				if v.Description == "" {
					v.Description = "Order by " + strings.ToLower(strings.ReplaceAll(v.Name, "_", " ")) + "."
				}
			}
		}
	}
	for _, n := range g.Nodes {
		t := s.Types[n.Name]
		if t == nil {
			continue
		}
		for _, e := range n.Edges {
			sf := e.StructField()
			if f := t.Fields.ForName(strings.ToLower(sf[:1]) + sf[1:]); f != nil && f.Description == "" {
				f.Description = e.Comment()
			}
		}
	}
	return nil
}
