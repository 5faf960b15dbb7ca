package statement

import (
	"errors"
	"fmt"
	"io"

	"golang.org/x/text/encoding/charmap"
)

// MT940 files are ASCII in the SWIFT network, but the files banks let
// customers download carry the payer's name and text in the bank's own
// code page: UTF-8, Windows-1252 (German, Dutch), or — Polish banks —
// Windows-1250 or ISO-8859-2 (Latin-2). A file that is not UTF-8 is read
// as Windows-1252 unless it holds bytes that are Polish letters in
// Windows-1250 or Latin-2 and rare symbols in Windows-1252 (ą ś ź Ą Ś Ź ł
// ż Ż); then the code page whose letters it holds more of wins.

// mtCharset is how an MT940 file is decoded.
type mtCharset struct {
	enc    textEncoding
	start  int64
	polish *charmap.Charmap // Windows-1250 or ISO-8859-2 instead of enc
	notice string
}

func (c mtCharset) decoder(src io.Reader) io.Reader {
	if c.polish != nil {
		return c.polish.NewDecoder().Reader(src)
	}
	return c.enc.decoder(src)
}

// Bytes that are Polish letters in one code page and rare symbols in
// Windows-1252.
var (
	only1250   = [256]bool{0xB9: true, 0x9C: true, 0x9F: true, 0xA5: true, 0x8C: true, 0x8F: true}
	onlyLatin2 = [256]bool{0xB1: true, 0xB6: true, 0xBC: true, 0xA1: true, 0xA6: true, 0xAC: true}
	bothPolish = [256]bool{0xB3: true, 0xBF: true, 0xAF: true}
)

func sniffMT940(src io.ReadSeeker) (mtCharset, error) {
	enc, start, err := sniffText(src)
	if err != nil {
		return mtCharset{}, err
	}
	cs := mtCharset{enc: enc, start: start}
	if enc != encWindows1252 {
		return cs, nil
	}
	if err := rewind(src, start); err != nil {
		return cs, err
	}
	var n1250, nLatin2, nBoth int
	buf := make([]byte, 64<<10)
	for {
		n, err := src.Read(buf)
		for _, c := range buf[:n] {
			switch {
			case only1250[c]:
				n1250++
			case onlyLatin2[c]:
				nLatin2++
			case bothPolish[c]:
				nBoth++
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return cs, fmt.Errorf("read statement: %w", err)
		}
	}
	switch {
	case n1250+nLatin2+nBoth == 0:
	case nLatin2 > n1250:
		cs.polish = charmap.ISO8859_2
		cs.notice = "The file is not UTF-8; it is read as Latin-2 (ISO-8859-2), as Polish banks write it. Check that the payers' names read right."
	default:
		cs.polish = charmap.Windows1250
		cs.notice = "The file is not UTF-8; it is read as Windows-1250, as Polish banks write it. Check that the payers' names read right."
	}
	return cs, nil
}
