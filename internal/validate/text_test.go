package validate

import "testing"

func TestText(t *testing.T) {
	for _, tc := range []struct {
		in          string
		single, ok2 bool // accepted as one line, accepted as multi-line
	}{
		{"Acme Ltd", true, true},
		{"Zürich 東京 \U0001F600", true, true},
		{"\uFFFD as typed", true, true},
		{"", true, true},
		{"a\nb", false, true},
		{"a\r\nb", false, true},
		{"a\tb", false, true},
		{"a\x00b", false, false},
		{"a\xffb", false, false},
		{"a\xc3", false, false},
		{"a\x1bb", false, false},
		{"a\x7fb", false, false},
		{"a\u0085b", false, false},
		{"a\u009fb", false, false},
		{"a\u00a0b", true, true},
	} {
		if got := SingleLine(tc.in) == nil; got != tc.single {
			t.Errorf("SingleLine(%q) accepted = %v, want %v", tc.in, got, tc.single)
		}
		if got := MultiLine(tc.in) == nil; got != tc.ok2 {
			t.Errorf("MultiLine(%q) accepted = %v, want %v", tc.in, got, tc.ok2)
		}
	}
}

func TestKey(t *testing.T) {
	for in, want := range map[string]bool{
		"inv_01jd3q4x5y6z7a8b9c0d1e2f3g":   true,
		"q-Zx_9aB3cD4eF5gH6iJ7kL8mN9oP0qR": true,
		"":                                 false,
		"a\x00":                            false,
		"\xff\xfe":                         false,
		"a b":                              false,
		"a/b":                              false,
		"a\nb":                             false,
		string(make([]byte, MaxKey+1)):     false,
	} {
		if got := Key(in); got != want {
			t.Errorf("Key(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestFlattenAndClean(t *testing.T) {
	for _, tc := range []struct{ in, flat, clean string }{
		{"Acme Ltd", "Acme Ltd", "Acme Ltd"},
		{"Acme\r\nBcc: x", "Acme  Bcc: x", "Acme\r\nBcc: x"},
		{"a\x00b\tc", "a b c", "a b\tc"},
		{"a\xffb", "a\uFFFDb", "a\uFFFDb"},
	} {
		if got := Flatten(tc.in); got != tc.flat || SingleLine(got) != nil {
			t.Errorf("Flatten(%q) = %q, want %q", tc.in, got, tc.flat)
		}
		if got := Clean(tc.in); got != tc.clean || MultiLine(got) != nil {
			t.Errorf("Clean(%q) = %q, want %q", tc.in, got, tc.clean)
		}
	}
}
