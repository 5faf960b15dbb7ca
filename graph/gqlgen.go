//go:build ignore

// gqlgen.go runs gqlgen (graph/generated.go, graph/model) from gqlgen.yml,
// then marshals the lists of plain objects inline. Run through `make
// generate`, after ent/entc.go.
//
// gqlgen marshals every element of a list of objects in a goroutine of its
// own, so that elements whose fields call resolvers (which may do I/O) run
// in parallel. For an object none of whose fields, nor any of its children's,
// calls a resolver or a method taking a context — a line item: name,
// quantity, prices — there is nothing to wait for, and the goroutines, their
// stack growth and scheduling are pure cost: a page of 50 invoices spawned
// about 150 of them for its line items alone. After gqlgen has written
// generated.go, the marshal functions of those lists are pointed at
// marshalSliceInline (graph/marshal.go), which does the same in the calling
// goroutine. Lists of anything that may do I/O keep gqlgen's concurrency.
package main

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/format"
	"go/parser"
	"go/token"
	"log"
	"os"
	"sort"

	"github.com/99designs/gqlgen/api"
	"github.com/99designs/gqlgen/codegen"
	"github.com/99designs/gqlgen/codegen/config"
	gqlast "github.com/vektah/gqlparser/v2/ast"
)

func main() {
	cfg, err := config.LoadConfigFromDefaultLocations()
	if err != nil {
		log.Fatalf("gqlgen config: %v", err)
	}
	lists := &plainLists{}
	if err := api.Generate(cfg, api.AddPlugin(lists)); err != nil {
		log.Fatalf("gqlgen: %v", err)
	}
	if err := lists.rewrite(cfg.Exec.Filename); err != nil {
		log.Fatalf("inline plain lists: %v", err)
	}
}

// plainLists finds, while gqlgen builds its data, the marshal functions of
// lists whose elements are plain objects.
type plainLists struct {
	funcs map[string]bool // marshal function name -> inline it
}

func (*plainLists) Name() string { return "plainlists" }

// GenerateCode runs before gqlgen writes its files; it only looks.
func (p *plainLists) GenerateCode(data *codegen.Data) error {
	plain := map[string]bool{}
	var isPlain func(o *codegen.Object, seen map[string]bool) bool
	isPlain = func(o *codegen.Object, seen map[string]bool) bool {
		if v, ok := plain[o.Name]; ok {
			return v
		}
		if seen[o.Name] {
			return false // a cycle: be conservative
		}
		seen[o.Name] = true
		ok := true
		for _, f := range o.Fields {
			if f.IsConcurrent() || f.TypeReference == nil || f.TypeReference.Definition == nil {
				ok = false
				break
			}
			switch f.TypeReference.Definition.Kind {
			case gqlast.Object:
				child := data.Objects.ByName(f.TypeReference.Definition.Name)
				if child == nil || !isPlain(child, seen) {
					ok = false
				}
			case gqlast.Interface, gqlast.Union:
				ok = false
			}
			if !ok {
				break
			}
		}
		plain[o.Name] = ok
		return ok
	}
	p.funcs = map[string]bool{}
	for _, ref := range data.ReferencedTypes {
		if !ref.IsSlice() || ref.Definition == nil || ref.Definition.Kind != gqlast.Object {
			continue
		}
		o := data.Objects.ByName(ref.Definition.Name)
		if o == nil {
			continue // introspection types live in gqlgen's own package
		}
		if isPlain(o, map[string]bool{}) {
			p.funcs[ref.MarshalFunc()] = true
		}
	}
	return nil
}

// rewrite points the plain lists' marshal functions in file at
// marshalSliceInline.
func (p *plainLists) rewrite(file string) error {
	src, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, src, parser.ParseComments)
	if err != nil {
		return err
	}
	var offsets []int // of each "graphql.MarshalSliceConcurrently" to replace
	found := map[string]bool{}
	for _, decl := range f.Decls {
		fn, ok := decl.(*ast.FuncDecl)
		if !ok || fn.Recv == nil || !p.funcs[fn.Name.Name] {
			continue
		}
		ast.Inspect(fn.Body, func(n ast.Node) bool {
			sel, ok := n.(*ast.SelectorExpr)
			if ok && sel.Sel.Name == "MarshalSliceConcurrently" {
				if x, ok := sel.X.(*ast.Ident); ok && x.Name == "graphql" {
					offsets = append(offsets, fset.Position(sel.Pos()).Offset)
					found[fn.Name.Name] = true
				}
			}
			return true
		})
	}
	for name := range p.funcs {
		if !found[name] {
			// gqlgen changed how it writes list marshallers: stop rather
			// than silently keep the goroutines.
			return fmt.Errorf("no graphql.MarshalSliceConcurrently call in %s; update graph/gqlgen.go", name)
		}
	}
	sort.Ints(offsets)
	const from, to = "graphql.MarshalSliceConcurrently", "marshalSliceInline"
	var out bytes.Buffer
	last := 0
	for _, off := range offsets {
		out.Write(src[last:off])
		out.WriteString(to)
		last = off + len(from)
	}
	out.Write(src[last:])
	formatted, err := format.Source(out.Bytes())
	if err != nil {
		return err
	}
	return os.WriteFile(file, formatted, 0o644)
}
