package pdf

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// minimalPDF builds a one-page PDF laid out like Skia's: Info first, a classic
// cross-reference table, a trailer with /Info.
func minimalPDF(info string) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	var offsets []int
	obj := func(body string) {
		offsets = append(offsets, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", len(offsets), body)
	}
	obj(info)
	obj("<</Type /Catalog /Pages 3 0 R>>")
	obj("<</Type /Pages /Kids [4 0 R] /Count 1>>")
	obj("<</Type /Page /Parent 3 0 R /MediaBox [0 0 595 842]>>")
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, o := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<</Size %d\n/Root 2 0 R\n/Info 1 0 R>>\nstartxref\n%d\n%%%%EOF", len(offsets)+1, xref)
	return b.Bytes()
}

// readInfo reads the Info dictionary the way a reader does: last trailer,
// /Info, its object through the cross-reference chain.
func readInfo(t *testing.T, pdf []byte) dict {
	t.Helper()
	at, err := lastStartxref(pdf)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := readTrailer(pdf, at)
	if err != nil {
		t.Fatal(err)
	}
	ref, _ := tr.get("Info")
	num, err := refNumber(ref)
	if err != nil {
		t.Fatal(err)
	}
	off, err := objectOffset(pdf, at, num)
	if err != nil {
		t.Fatal(err)
	}
	d, err := readObjectDict(pdf, off, num)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestSetAuthor(t *testing.T) {
	const info = `<</Title (Invoice \(copy\) \\ 1)
/Creator <FEFF00480069>
/Producer (Skia/PDF m156)
/Nested <</A [1 0 R (x) <00>]>>>>`
	tests := []struct {
		author  string
		wantRaw string
		want    string // as pdfinfo prints it
	}{
		{"Acme Ltd", "(Acme Ltd)", "Acme Ltd"},
		{`Paren (x) and \ slash`, `(Paren \(x\) and \\ slash)`, `Paren (x) and \ slash`},
		{"Zoë", "<FEFF005A006F00EB>", "Zoë"},
		{"請求書 🧾", "<FEFF8ACB6C4266F80020D83EDDFE>", "請求書 🧾"},
	}
	for _, tt := range tests {
		t.Run(tt.author, func(t *testing.T) {
			orig := minimalPDF(info)
			out, err := setAuthor(orig, tt.author)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(out, orig) {
				t.Fatal("the original bytes changed; want an append-only update")
			}
			d := readInfo(t, out)
			if got, _ := d.get("Author"); string(got) != tt.wantRaw {
				t.Errorf("/Author: got %s, want %s", got, tt.wantRaw)
			}
			if got, _ := d.get("Title"); string(got) != `(Invoice \(copy\) \\ 1)` {
				t.Errorf("/Title: got %s, want it copied unchanged", got)
			}
			if got, _ := d.get("Nested"); string(got) != "<</A [1 0 R (x) <00>]>>" {
				t.Errorf("/Nested: got %s", got)
			}

			// Again, on top of the update: the /Prev chain is followed.
			again, err := setAuthor(out, "Second")
			if err != nil {
				t.Fatal(err)
			}
			if got, _ := readInfo(t, again).get("Author"); string(got) != "(Second)" {
				t.Errorf("second /Author: got %s", got)
			}

			info := pdfInfo(t, out)
			if info["Author"] != tt.want || info["Title"] != `Invoice (copy) \ 1` || info["Pages"] != "1" {
				t.Errorf("pdfinfo: got Author %q Title %q Pages %q, want %q, %q, 1", info["Author"], info["Title"], info["Pages"], tt.want, `Invoice (copy) \ 1`)
			}
			if got := pdfInfo(t, again)["Author"]; got != "Second" {
				t.Errorf("pdfinfo after a second update: Author %q, want Second", got)
			}
		})
	}
}

func TestSetAuthorRefuses(t *testing.T) {
	good := minimalPDF("<</Title (x)>>")
	tests := map[string][]byte{
		"no startxref":  bytes.ReplaceAll(good, []byte("startxref"), []byte("startxxxx")),
		"xref stream":   bytes.Replace(good, []byte("xref\n0 5"), []byte("5 0 obj\n<<"), 1),
		"encrypted":     bytes.Replace(good, []byte("/Root 2 0 R"), []byte("/Root 2 0 R /Encrypt 9 0 R"), 1),
		"no root":       bytes.Replace(good, []byte("/Root 2 0 R"), []byte("/Rooo 2 0 R"), 1),
		"bad offset":    bytes.Replace(good, []byte("startxref\n"), []byte("startxref\n9"), 1),
		"truncated":     good[:len(good)/2],
		"not a PDF":     []byte("hello"),
		"empty":         nil,
		"info not dict": bytes.Replace(good, []byte("<</Title (x)>>"), []byte("(x)           "), 1),
	}
	for name, pdf := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := setAuthor(pdf, "A"); err == nil {
				t.Error("got no error")
			} else if !strings.HasPrefix(err.Error(), "pdf: set author: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
		})
	}
}

func TestSetAuthorWithoutInfo(t *testing.T) {
	pdf := bytes.Replace(minimalPDF("<<>>"), []byte("\n/Info 1 0 R"), nil, 1)
	out, err := setAuthor(pdf, "Acme")
	if err != nil {
		t.Fatal(err)
	}
	if got := pdfInfo(t, out)["Author"]; got != "Acme" {
		t.Errorf("Author: got %q, want Acme", got)
	}
}

func FuzzSetAuthor(f *testing.F) {
	f.Add(minimalPDF("<</Title (x)>>"), "Acme")
	f.Add(minimalPDF(`<</Title <FEFF> /A [(\)) <<>>]>>`), "Zoë")
	f.Fuzz(func(t *testing.T, pdf []byte, author string) {
		out, err := setAuthor(pdf, author) // must not panic
		if err == nil && !bytes.HasPrefix(out, pdf) {
			t.Fatal("the original bytes changed")
		}
	})
}
