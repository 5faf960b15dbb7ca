package main

import "fmt"

// autoMatch sets the merchant's auto-match confidence.
func (c *client) autoMatch(percent int) {
	c.t.Helper()
	c.do(`mutation($c: Int!) { updateMerchant(input: {autoMatchConfidence: $c}) { id } }`, map[string]any{"c": percent}, nil)
	var out struct{ Viewer struct{ Merchant struct{ AutoMatchConfidence int } } }
	c.do(`{ viewer { merchant { autoMatchConfidence } } }`, nil, &out)
	if got := out.Viewer.Merchant.AutoMatchConfidence; got != percent {
		c.t.Fatalf("autoMatchConfidence = %d after setting it, want %d", got, percent)
	}
}

var _ = fmt.Sprint
