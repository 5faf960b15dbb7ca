package statement

import (
	"bytes"
	"errors"
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

// textEncoding is how a CSV file is encoded, as decodeText would decide.
type textEncoding int

const (
	encUTF8 textEncoding = iota
	encWindows1252
	encUTF16LE
	encUTF16BE
)

// sniffText decides a file's encoding the way decodeText does, reading src
// from its start to its end in small pieces. start is where the text
// begins, after a byte order mark.
func sniffText(src io.Reader) (enc textEncoding, start int64, err error) {
	buf := make([]byte, 64<<10)
	n, err := io.ReadFull(src, buf[:3])
	head := buf[:n]
	switch {
	case bytes.HasPrefix(head, bomUTF16LE):
		return encUTF16LE, 2, nil
	case bytes.HasPrefix(head, bomUTF16BE):
		return encUTF16BE, 2, nil
	case bytes.HasPrefix(head, bomUTF8):
		start, n = 3, 0
	}
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return 0, 0, fmt.Errorf("read statement: %w", err)
	}
	// Check UTF-8 a piece at a time, carrying a character cut at the end
	// of one piece over to the next.
	for {
		m, rerr := src.Read(buf[n:])
		n += m
		cut := n
		if rerr == nil {
			for i := n - 1; i >= max(0, n-utf8.UTFMax+1); i-- {
				if utf8.RuneStart(buf[i]) {
					if !utf8.FullRune(buf[i:n]) {
						cut = i
					}
					break
				}
			}
		}
		if !utf8.Valid(buf[:cut]) {
			return encWindows1252, start, nil
		}
		n = copy(buf, buf[cut:n])
		if errors.Is(rerr, io.EOF) {
			return encUTF8, start, nil
		}
		if rerr != nil {
			return 0, 0, fmt.Errorf("read statement: %w", rerr)
		}
	}
}

// decoder turns src, positioned where the text starts, into UTF-8.
func (e textEncoding) decoder(src io.Reader) io.Reader {
	switch e {
	case encWindows1252:
		return &byteDecoder{src: src, table: &cp1252}
	case encUTF16LE, encUTF16BE:
		return &utf16Decoder{src: src, bigEndian: e == encUTF16BE}
	}
	return src
}

// utf16Decoder is decodeUTF16 as a stream: a trailing odd byte is dropped
// and an unpaired surrogate becomes U+FFFD, as utf16.Decode does.
type utf16Decoder struct {
	src       io.Reader
	bigEndian bool
	in        [4096]byte
	have      int      // bytes of in not yet decoded
	units     []uint16 // a high surrogate waiting for its pair
	pending   []byte
	err       error
}

func (d *utf16Decoder) Read(p []byte) (int, error) {
	for len(d.pending) == 0 {
		if d.err != nil {
			return 0, d.err
		}
		n, err := d.src.Read(d.in[d.have:])
		d.have += n
		d.err = err
		pairs := d.have / 2
		units := d.units
		for i := range pairs {
			if d.bigEndian {
				units = append(units, uint16(d.in[2*i])<<8|uint16(d.in[2*i+1]))
			} else {
				units = append(units, uint16(d.in[2*i+1])<<8|uint16(d.in[2*i]))
			}
		}
		d.have = copy(d.in[:], d.in[2*pairs:d.have])
		d.units = nil
		if k := len(units); k > 0 && d.err == nil && utf16.IsSurrogate(rune(units[k-1])) && units[k-1] < 0xDC00 {
			d.units = []uint16{units[k-1]}
			units = units[:k-1]
		}
		out := make([]byte, 0, 3*len(units))
		for _, r := range utf16.Decode(units) {
			out = utf8.AppendRune(out, r)
		}
		d.pending = out
	}
	n := copy(p, d.pending)
	d.pending = d.pending[n:]
	return n, nil
}
