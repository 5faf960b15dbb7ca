package graph

import (
	"context"
	"strings"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/ent/schema"
	"github.com/tally-invoicing/tally/internal/fault"
)

// nodeType finds an ID's table from its prefix ("inv_..." -> invoices)
// without a database round trip. Unknown IDs are simply not found.
func nodeType(_ context.Context, id string) (string, error) {
	prefix, _, ok := strings.Cut(id, "_")
	if table, known := schema.IDPrefixes[prefix]; ok && known && table != "sessions" {
		return table, nil
	}
	return "", fault.New(fault.CodeNotFound, "no object with this id")
}

// nodes loads each distinct id once and answers one entry per id asked
// for, in order: a list repeating one id costs one lookup, and whatever
// its fields render is resolved from that one object.
func nodes(ctx context.Context, ids []string, load func(context.Context, []string) ([]ent.Noder, error)) ([]ent.Noder, error) {
	unique := make([]string, 0, len(ids))
	index := make(map[string]int, len(ids))
	for _, id := range ids {
		if _, ok := index[id]; !ok {
			index[id] = len(unique)
			unique = append(unique, id)
		}
	}
	loaded, err := load(ctx, unique)
	if err != nil || len(unique) == len(ids) {
		return loaded, err
	}
	out := make([]ent.Noder, len(ids))
	for i, id := range ids {
		out[i] = loaded[index[id]]
	}
	return out, nil
}
