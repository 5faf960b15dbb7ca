package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf16"
)

// setAuthor returns pdf with its document information dictionary replaced by
// a copy that has /Author author. It appends an incremental update (ISO
// 32000-1, 7.5.6): a new Info object, a cross-reference section for it and a
// trailer whose /Prev points at the old one. Not one byte Chromium wrote
// changes, and the cost is a scan of the file's tail.
//
// It reads what Skia, Chromium's PDF back end, writes: a classic
// cross-reference table, no encryption. Anything else is an error, so a
// Chromium that changed format fails the tests instead of losing the Author.
func setAuthor(pdf []byte, author string) ([]byte, error) {
	xrefAt, err := lastStartxref(pdf)
	if err != nil {
		return nil, err
	}
	tr, err := readTrailer(pdf, xrefAt)
	if err != nil {
		return nil, err
	}
	if _, ok := tr.get("Encrypt"); ok {
		return nil, errors.New("pdf: set author: encrypted PDF")
	}
	size, err := tr.int("Size")
	if err != nil {
		return nil, err
	}
	root, ok := tr.get("Root")
	if !ok {
		return nil, errors.New("pdf: set author: trailer has no /Root")
	}

	var info dict
	if ref, ok := tr.get("Info"); ok {
		num, err := refNumber(ref)
		if err != nil {
			return nil, err
		}
		at, err := objectOffset(pdf, xrefAt, num)
		if err != nil {
			return nil, err
		}
		if info, err = readObjectDict(pdf, at, num); err != nil {
			return nil, err
		}
	}
	info = info.with("Author", pdfString(author))

	out := bytes.NewBuffer(make([]byte, 0, len(pdf)+512))
	out.Write(pdf)
	if !bytes.HasSuffix(pdf, []byte("\n")) && !bytes.HasSuffix(pdf, []byte("\r")) {
		out.WriteByte('\n')
	}
	objAt := out.Len()
	fmt.Fprintf(out, "%d 0 obj\n", size)
	info.writeTo(out)
	out.WriteString("\nendobj\n")
	newXref := out.Len()
	// One subsection with the one new object; each entry is exactly 20
	// bytes, ending in space and line feed.
	fmt.Fprintf(out, "xref\n%d 1\n%010d 00000 n \n", size, objAt)
	newTrailer := dict{
		{"Size", []byte(strconv.Itoa(size + 1))},
		{"Root", root},
		{"Info", fmt.Appendf(nil, "%d 0 R", size)},
		{"Prev", []byte(strconv.Itoa(xrefAt))},
	}
	if id, ok := tr.get("ID"); ok {
		newTrailer = append(newTrailer, entry{"ID", id})
	}
	out.WriteString("trailer\n")
	newTrailer.writeTo(out)
	fmt.Fprintf(out, "\nstartxref\n%d\n%%%%EOF\n", newXref)
	return out.Bytes(), nil
}

// lastStartxref returns the offset after the file's last "startxref".
func lastStartxref(pdf []byte) (int, error) {
	tail := pdf[max(0, len(pdf)-1024):]
	i := bytes.LastIndex(tail, []byte("startxref"))
	if i < 0 {
		return 0, errors.New("pdf: set author: no startxref")
	}
	s := newScanner(tail[i+len("startxref"):])
	tok, ok := s.token()
	if !ok {
		return 0, errors.New("pdf: set author: no offset after startxref")
	}
	n, err := strconv.Atoi(string(tok))
	if err != nil || n < 0 || n >= len(pdf) {
		return 0, fmt.Errorf("pdf: set author: bad startxref %q", tok)
	}
	return n, nil
}

// readTrailer reads the trailer dictionary that follows the cross-reference
// table at xrefAt.
func readTrailer(pdf []byte, xrefAt int) (dict, error) {
	if !bytes.HasPrefix(pdf[xrefAt:], []byte("xref")) {
		return nil, errors.New("pdf: set author: not a classic cross-reference table (xref stream?)")
	}
	i := bytes.Index(pdf[xrefAt:], []byte("trailer"))
	if i < 0 {
		return nil, errors.New("pdf: set author: no trailer")
	}
	s := newScanner(pdf[xrefAt+i+len("trailer"):])
	return s.dict()
}

// objectOffset finds object num in the cross-reference table at xrefAt, or in
// the earlier ones its trailer's /Prev chain leads to.
func objectOffset(pdf []byte, xrefAt, num int) (int, error) {
	for range 32 { // a bound on /Prev loops in a broken file
		s := newScanner(pdf[xrefAt+len("xref"):])
		for {
			first, ok := s.token()
			if !ok {
				return 0, errors.New("pdf: set author: truncated xref")
			}
			if string(first) == "trailer" {
				break
			}
			start, err1 := strconv.Atoi(string(first))
			tok, _ := s.token()
			count, err2 := strconv.Atoi(string(tok))
			if err1 != nil || err2 != nil || count < 0 {
				return 0, errors.New("pdf: set author: bad xref subsection")
			}
			s.skipSpace()
			if num >= start && num < start+count {
				e := s.rest()
				at := (num - start) * 20
				if len(e) < at+20 {
					return 0, errors.New("pdf: set author: truncated xref")
				}
				row := e[at : at+20]
				if row[17] != 'n' {
					return 0, fmt.Errorf("pdf: set author: object %d is free", num)
				}
				off, err := strconv.Atoi(string(row[:10]))
				if err != nil || off >= len(pdf) {
					return 0, fmt.Errorf("pdf: set author: bad offset for object %d", num)
				}
				return off, nil
			}
			if !s.skip(count * 20) {
				return 0, errors.New("pdf: set author: truncated xref")
			}
		}
		tr, err := s.dict()
		if err != nil {
			return 0, err
		}
		prev, err := tr.int("Prev")
		if err != nil || prev >= len(pdf) || !bytes.HasPrefix(pdf[prev:], []byte("xref")) {
			return 0, fmt.Errorf("pdf: set author: object %d not in xref", num)
		}
		xrefAt = prev
	}
	return 0, errors.New("pdf: set author: /Prev chain too long")
}

// readObjectDict reads "num gen obj << ... >>" at offset at.
func readObjectDict(pdf []byte, at, num int) (dict, error) {
	s := newScanner(pdf[at:])
	n, _ := s.token()
	_, _ = s.token() // generation
	kw, _ := s.token()
	if string(n) != strconv.Itoa(num) || string(kw) != "obj" {
		return nil, fmt.Errorf("pdf: set author: object %d not at offset %d", num, at)
	}
	return s.dict()
}

// refNumber returns the object number of an indirect reference "12 0 R".
func refNumber(ref []byte) (int, error) {
	f := bytes.Fields(ref)
	if len(f) != 3 || string(f[2]) != "R" {
		return 0, fmt.Errorf("pdf: set author: %q is not a reference", ref)
	}
	return strconv.Atoi(string(f[0]))
}

// pdfString encodes s as a PDF text string: a literal string when it is
// printable ASCII, UTF-16BE with a byte order mark as a hex string otherwise.
func pdfString(s string) []byte {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			ascii = false
			break
		}
	}
	if ascii {
		b := []byte{'('}
		for i := 0; i < len(s); i++ {
			if c := s[i]; c == '(' || c == ')' || c == '\\' {
				b = append(b, '\\')
			}
			b = append(b, s[i])
		}
		return append(b, ')')
	}
	b := []byte("<FEFF")
	for _, u := range utf16.Encode([]rune(s)) {
		b = fmt.Appendf(b, "%04X", u)
	}
	return append(b, '>')
}

// entry is one key of a dictionary and its value, kept as the raw bytes of
// the file.
type entry struct {
	key   string // without the slash
	value []byte
}

// dict is a PDF dictionary in file order.
type dict []entry

func (d dict) get(key string) ([]byte, bool) {
	for _, e := range d {
		if e.key == key {
			return e.value, true
		}
	}
	return nil, false
}

func (d dict) int(key string) (int, error) {
	v, ok := d.get(key)
	if !ok {
		return 0, fmt.Errorf("pdf: set author: no /%s", key)
	}
	n, err := strconv.Atoi(string(v))
	if err != nil || n < 0 {
		return 0, fmt.Errorf("pdf: set author: bad /%s %q", key, v)
	}
	return n, nil
}

// with returns a copy of d where key has value, replacing an earlier one.
func (d dict) with(key string, value []byte) dict {
	out := make(dict, 0, len(d)+1)
	for _, e := range d {
		if e.key != key {
			out = append(out, e)
		}
	}
	return append(out, entry{key, value})
}

func (d dict) writeTo(b *bytes.Buffer) {
	b.WriteString("<<")
	for i, e := range d {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteByte('/')
		b.WriteString(e.key)
		b.WriteByte(' ')
		b.Write(e.value)
	}
	b.WriteString(">>")
}

// scanner reads PDF tokens: just enough of ISO 32000-1, 7.2 and 7.3 to walk
// a dictionary whose values may be strings, names, numbers, references,
// arrays and nested dictionaries.
type scanner struct {
	b []byte
	i int
}

func newScanner(b []byte) *scanner { return &scanner{b: b} }

func (s *scanner) rest() []byte { return s.b[s.i:] }

func (s *scanner) skip(n int) bool {
	if s.i+n > len(s.b) {
		return false
	}
	s.i += n
	return true
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

func isDelim(c byte) bool {
	return bytes.IndexByte([]byte("()<>[]{}/%"), c) >= 0
}

// skipSpace skips white space and comments.
func (s *scanner) skipSpace() {
	for s.i < len(s.b) {
		switch c := s.b[s.i]; {
		case isSpace(c):
			s.i++
		case c == '%':
			for s.i < len(s.b) && s.b[s.i] != '\n' && s.b[s.i] != '\r' {
				s.i++
			}
		default:
			return
		}
	}
}

// token returns the next regular token (a number, keyword or name without
// its slash), or a one-character delimiter.
func (s *scanner) token() ([]byte, bool) {
	s.skipSpace()
	if s.i >= len(s.b) {
		return nil, false
	}
	start := s.i
	if isDelim(s.b[s.i]) {
		s.i++
		if s.b[start] == '/' {
			for s.i < len(s.b) && !isSpace(s.b[s.i]) && !isDelim(s.b[s.i]) {
				s.i++
			}
		}
		return s.b[start:s.i], true
	}
	for s.i < len(s.b) && !isSpace(s.b[s.i]) && !isDelim(s.b[s.i]) {
		s.i++
	}
	return s.b[start:s.i], true
}

// dict reads "<< /Key value ... >>".
func (s *scanner) dict() (dict, error) {
	s.skipSpace()
	if !bytes.HasPrefix(s.rest(), []byte("<<")) {
		return nil, errors.New("pdf: set author: expected <<")
	}
	s.i += 2
	var d dict
	for {
		s.skipSpace()
		if bytes.HasPrefix(s.rest(), []byte(">>")) {
			s.i += 2
			return d, nil
		}
		key, ok := s.token()
		if !ok || key[0] != '/' || len(key) < 2 {
			return nil, errors.New("pdf: set author: expected a /Name key")
		}
		v, err := s.value()
		if err != nil {
			return nil, err
		}
		d = append(d, entry{string(key[1:]), v})
	}
}

// value returns the raw bytes of the next object; "12 0 R" is one value.
func (s *scanner) value() ([]byte, error) {
	s.skipSpace()
	start := s.i
	if err := s.skipObject(); err != nil {
		return nil, err
	}
	// An indirect reference: two integers and R.
	save := s.i
	if g, ok := s.token(); ok && isDigits(g) {
		if r, ok := s.token(); ok && string(r) == "R" && isDigits(s.b[start:save]) {
			return s.b[start:s.i], nil
		}
	}
	s.i = save
	return s.b[start:s.i], nil
}

func isDigits(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// skipObject moves past one direct object.
func (s *scanner) skipObject() error {
	s.skipSpace()
	if s.i >= len(s.b) {
		return errors.New("pdf: set author: unexpected end")
	}
	switch {
	case bytes.HasPrefix(s.rest(), []byte("<<")):
		_, err := s.dict()
		return err
	case s.b[s.i] == '<': // hex string
		j := bytes.IndexByte(s.rest(), '>')
		if j < 0 {
			return errors.New("pdf: set author: unterminated hex string")
		}
		s.i += j + 1
		return nil
	case s.b[s.i] == '(': // literal string: balanced parentheses, \ escapes
		depth := 0
		for ; s.i < len(s.b); s.i++ {
			switch s.b[s.i] {
			case '\\':
				s.i++
			case '(':
				depth++
			case ')':
				if depth--; depth == 0 {
					s.i++
					return nil
				}
			}
		}
		return errors.New("pdf: set author: unterminated string")
	case s.b[s.i] == '[':
		s.i++
		for {
			s.skipSpace()
			if s.i >= len(s.b) {
				return errors.New("pdf: set author: unterminated array")
			}
			if s.b[s.i] == ']' {
				s.i++
				return nil
			}
			if err := s.skipObject(); err != nil {
				return err
			}
		}
	default:
		tok, ok := s.token()
		if !ok || (len(tok) == 1 && isDelim(tok[0])) {
			return fmt.Errorf("pdf: set author: unexpected %q", tok)
		}
		return nil
	}
}
