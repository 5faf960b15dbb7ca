package statement

import (
	"bytes"
	"fmt"
	"io"
)

// Detect tells a statement's format from the first few kilobytes of its
// content, whatever the file is called.
//
// TODO(#15 formats): bank headers before MT940's :20:, camt.052/.054
// namespaces; this first version knows only what Import knew.
func Detect(head []byte) Format {
	t := bytes.TrimLeft(head, "\xef\xbb\xbf \t\r\n")
	switch {
	case bytes.HasPrefix(t, []byte("<")):
		return FormatCAMT053
	case bytes.HasPrefix(t, []byte(":20:")):
		return FormatMT940
	}
	return FormatCSV
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
	case FormatCAMT053:
		return OpenCAMT053(src)
	}
	return nil, fmt.Errorf("statement: %s is not read yet", f)
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
