package statement

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// detectSize is how much of a file Detect needs: enough for a bank's
// header, a SWIFT envelope and an XML prolog with comments.
const detectSize = 8 << 10

// Head reads the first few kilobytes of src, what Detect and Unreadable
// look at, and rewinds it.
func Head(src io.ReadSeeker) ([]byte, error) {
	head := make([]byte, detectSize)
	n, err := io.ReadFull(src, head)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return nil, fmt.Errorf("read statement: %w", err)
	}
	if err := rewind(src, 0); err != nil {
		return nil, err
	}
	return head[:n], nil
}

// Detect tells a statement's format from the first few kilobytes of its
// content, whatever the file is called: XML by its root element's
// namespace or first child (camt.052, .053, .054); MT940 by its tags
// (:20: with :25:, :28C:, :60F: or :61:), a SWIFT envelope ("{1:", "{4:")
// or a bank's ":940:" line, wherever they start; anything else is CSV.
func Detect(head []byte) Format {
	t := bytes.TrimLeft(head, "\xef\xbb\xbf \t\r\n")
	if bytes.HasPrefix(t, []byte("<")) {
		return detectXML(t)
	}
	if isMT940(head) {
		return FormatMT940
	}
	return FormatCSV
}

// detectXML reads the root element and its first child.
func detectXML(head []byte) Format {
	d := xml.NewDecoder(bytes.NewReader(head))
	d.CharsetReader = charsetReader
	depth := 0
	for depth < 2 {
		tok, err := d.Token()
		if err != nil {
			break
		}
		start, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		depth++
		if id := messageID.FindString(start.Name.Space); id != "" {
			for _, k := range camtKinds {
				if strings.HasPrefix(id, k.id) {
					return k.format
				}
			}
		}
		for _, k := range camtKinds {
			if start.Name.Local == k.root {
				return k.format
			}
		}
	}
	// Other XML: the camt.053 reader says what it is instead.
	return FormatCAMT053
}

func isMT940(head []byte) bool {
	ref, other := false, false
	for _, raw := range bytes.Split(head, []byte("\n")) {
		line := strings.TrimLeft(stripControls(string(raw)), " \t")
		switch {
		case strings.HasPrefix(line, "{1:F") || strings.Contains(line, "{4:") || strings.HasPrefix(line, ":940:"):
			return true
		case strings.HasPrefix(line, ":20:"):
			ref = true
		case strings.HasPrefix(line, ":25:"), strings.HasPrefix(line, ":28C:"), strings.HasPrefix(line, ":28:"),
			strings.HasPrefix(line, ":60F:"), strings.HasPrefix(line, ":60M:"), strings.HasPrefix(line, ":61:"):
			other = true
		}
		if ref && other {
			return true
		}
	}
	// A file that starts with :20: is MT940 even if cut short.
	return bytes.HasPrefix(bytes.TrimLeft(head, "\xef\xbb\xbf \t\r\n\x01"), []byte(":20:"))
}

// Unreadable says why a file, by its first few kilobytes, is no statement
// in any format — empty, a PDF, a spreadsheet, binary data — or returns
// nil. The error is an *Errors, a VALIDATION fault on the file.
func Unreadable(head []byte) error {
	t := bytes.TrimLeft(head, "\xef\xbb\xbf \t\r\n")
	switch {
	case len(t) == 0:
		return fileError(nil, "the file is empty")
	case bytes.HasPrefix(t, []byte("%PDF")):
		return fileError(nil, "the file is a PDF; download the statement from the bank as CSV, MT940 or camt.053 instead")
	case bytes.HasPrefix(t, []byte("PK\x03\x04")):
		return fileError(nil, "the file is a ZIP archive or an Excel workbook (.xlsx); unpack it, or save the sheet as CSV")
	case bytes.HasPrefix(t, []byte("\xd0\xcf\x11\xe0")):
		return fileError(nil, "the file is an old Excel workbook (.xls); save the sheet as CSV")
	case bytes.HasPrefix(head, bomUTF16LE), bytes.HasPrefix(head, bomUTF16BE):
		return nil
	case binaryContent(head):
		return fileError(nil, "the file is binary data, not a bank statement; download the statement as CSV, MT940 or camt.053")
	}
	return nil
}

// binaryContent reports content that is not text: more NUL bytes than a stray
// one in a bank's cell (which CSV reading makes fit) could explain.
func binaryContent(head []byte) bool {
	nul := bytes.Count(head, []byte{0})
	return nul > 16 || nul*50 > len(head)
}

// Describe names the format for a sentence: "an MT940 statement".
func (f Format) Describe() string {
	switch f {
	case FormatCSV:
		return "a CSV export"
	case FormatMT940:
		return "an MT940 statement"
	}
	return kindOf(f).what
}

// Open reads src as a statement of format f; m is the column mapping, which
// only CSV needs.
func Open(src io.ReadSeeker, f Format, m *Mapping) (*File, error) {
	switch f {
	case FormatCSV:
		if m == nil {
			return nil, fmt.Errorf("statement: a CSV statement needs its column mapping")
		}
		return OpenCSV(src, *m)
	case FormatCAMT053, FormatCAMT052, FormatCAMT054:
		return OpenCAMT(src, f)
	case FormatMT940:
		return OpenMT940(src)
	}
	return nil, fmt.Errorf("statement: %s is not a statement format", f)
}

// CSVPreview is the top of a CSV export as the mapping step shows it.
type CSVPreview struct {
	// Headers names the columns: the header row's names, "Column 1",
	// "Column 2", ... when the file has none.
	Headers []string
	Rows    [][]string // up to 20 data rows
	// HasHeader is false when the file's first row is data.
	HasHeader bool
	// Skipped are the lines above the header and after the data that hold
	// no payment.
	Skipped []Skipped
}

// PreviewCSV reads the top of a CSV export (its first megabyte) for the
// mapping step. It finds the table as OpenCSV does: lines about the account
// above the header are skipped, a file whose first row is data gets the
// columns "Column 1", "Column 2", ..., and a name used twice is followed by
// its position ("Währung (column 5)"). Footnotes after the data are listed
// when the whole file fits.
func PreviewCSV(r io.Reader) (*CSVPreview, error) {
	return previewCSV(r)
}

// SuggestMappingFor guesses a mapping from a CSV preview: its column names
// and, for files without a header or with unusual names, its values.
func SuggestMappingFor(p *CSVPreview) Mapping {
	return suggest(p.Headers, p.Rows, p.HasHeader)
}
