package ptr

import "testing"

func TestVal(t *testing.T) {
	s := "INV-000001"
	if got := Val(&s); got != s {
		t.Errorf("Val(&s) = %q, want %q", got, s)
	}
	if got := Val[string](nil); got != "" {
		t.Errorf("Val(nil) = %q, want empty", got)
	}
	if got := Val[int64](nil); got != 0 {
		t.Errorf("Val(nil int64) = %d, want 0", got)
	}
}
