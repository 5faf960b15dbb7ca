package graph

import (
	"context"
	"strings"

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
