package statement

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Banks export in UTF-8, in UTF-16 (Excel's "Unicode text"), or — many
// German and French banks — in Windows-1252 or ISO-8859-15. The CSV reader
// turns all of them into UTF-8; XML files declare theirs.

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
)

// decodeText returns data as UTF-8 without a byte order mark. Text that is
// neither marked UTF-16 nor valid UTF-8 is read as Windows-1252.
func decodeText(data []byte) string {
	switch {
	case bytes.HasPrefix(data, bomUTF8):
		data = data[len(bomUTF8):]
	case bytes.HasPrefix(data, bomUTF16LE):
		return decodeUTF16(data[2:], false)
	case bytes.HasPrefix(data, bomUTF16BE):
		return decodeUTF16(data[2:], true)
	}
	if utf8.Valid(data) {
		return string(data)
	}
	var b strings.Builder
	b.Grow(len(data) + len(data)/8)
	for _, c := range data {
		b.WriteRune(cp1252[c])
	}
	return b.String()
}

func decodeUTF16(data []byte, bigEndian bool) string {
	units := make([]uint16, len(data)/2)
	for i := range units {
		if bigEndian {
			units[i] = uint16(data[2*i])<<8 | uint16(data[2*i+1])
		} else {
			units[i] = uint16(data[2*i+1])<<8 | uint16(data[2*i])
		}
	}
	return string(utf16.Decode(units))
}

// cp1252 maps Windows-1252 bytes to runes. It is Latin-1 except for
// 0x80–0x9F, where Windows put the euro sign and typographic quotes.
var cp1252 = func() (t [256]rune) {
	for i := range t {
		t[i] = rune(i)
	}
	for i, r := range []rune{
		'€', 0x81, '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', 0x8D, 'Ž', 0x8F,
		0x90, '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', 0x9D, 'ž', 'Ÿ',
	} {
		t[0x80+i] = r
	}
	return t
}()

// iso885915 is Latin-1 with the euro sign and a few letters in place of
// rarely used symbols.
var iso885915 = func() (t [256]rune) {
	for i := range t {
		t[i] = rune(i)
	}
	t[0xA4], t[0xA6], t[0xA8], t[0xB4] = '€', 'Š', 'š', 'Ž'
	t[0xB8], t[0xBC], t[0xBD], t[0xBE] = 'ž', 'Œ', 'œ', 'Ÿ'
	return t
}()

// charsetReader lets encoding/xml read the single-byte encodings banks
// declare in the XML prolog.
func charsetReader(label string, input io.Reader) (io.Reader, error) {
	switch strings.ToLower(strings.TrimSpace(label)) {
	case "utf-8", "utf8", "us-ascii", "ascii":
		return input, nil
	case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "windows-1252", "cp1252":
		// Latin-1 files do not use 0x80–0x9F, so one table serves both.
		return &byteDecoder{src: input, table: &cp1252}, nil
	case "iso-8859-15", "iso8859-15", "latin-9", "latin9":
		return &byteDecoder{src: input, table: &iso885915}, nil
	}
	return nil, fmt.Errorf("the XML is encoded as %q; ask the bank for UTF-8", label)
}

// byteDecoder turns a single-byte encoding into UTF-8 as it streams.
type byteDecoder struct {
	src     io.Reader
	table   *[256]rune
	in      [1024]byte
	pending []byte // encoded output that did not fit the caller's buffer
}

func (d *byteDecoder) Read(p []byte) (int, error) {
	if len(d.pending) == 0 {
		n, err := d.src.Read(d.in[:])
		if n == 0 {
			return 0, err
		}
		out := make([]byte, 0, 2*n)
		for _, c := range d.in[:n] {
			out = utf8.AppendRune(out, d.table[c])
		}
		d.pending = out
	}
	n := copy(p, d.pending)
	d.pending = d.pending[n:]
	return n, nil
}
