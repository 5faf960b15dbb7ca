package graph

import (
	"github.com/tally-invoicing/tally/graph/model"
	"github.com/tally-invoicing/tally/internal/invoice"
)

// bulkResults is a bulk action's outcome per invoice, in the API's shape.
func bulkResults(rs []invoice.BulkResult, err error) ([]*model.BulkInvoiceResult, error) {
	if err != nil {
		return nil, err
	}
	out := make([]*model.BulkInvoiceResult, len(rs))
	for i, r := range rs {
		m := &model.BulkInvoiceResult{ID: r.ID, Ok: r.Err == nil}
		if r.Number != "" {
			m.Number = &r.Number
		}
		if r.Err != nil {
			msg, code := r.Err.Message, string(r.Err.Code)
			m.Error, m.Code = &msg, &code
		}
		out[i] = m
	}
	return out, nil
}
