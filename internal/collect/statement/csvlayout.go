package statement

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// A bank's CSV export is a table with things around it: lines about the
// account above the header (or no header at all), totals and footnotes
// below the data. This file finds the table: the delimiter, the header row
// and where the data starts, from what the rows hold rather than from where
// they are.

// delimiters are the separators banks use, in order of preference on a tie.
var delimiters = []rune{',', ';', '\t', '|'}

// delimiterOf picks the delimiter that splits the first lines of a file into
// rows of one width most consistently. Quoting decides between candidates
// that split equally well: a wrong delimiter leaves quotes inside cells,
// which a strict reader refuses. Commas inside cells of a semicolon file
// ("1.234,56", "Miete, März") give rows of varying width and lose.
func delimiterOf(lines []string) rune {
	text := strings.Join(lines, "")
	best, bestScore := ',', [3]int{-1, 0, 0}
	for _, d := range delimiters {
		score := delimiterScore(text, d)
		if score[0] > bestScore[0] || (score[0] == bestScore[0] && (score[1] > bestScore[1] || (score[1] == bestScore[1] && score[2] > bestScore[2]))) {
			best, bestScore = d, score
		}
	}
	if bestScore[1] == 0 {
		return ','
	}
	return best
}

// delimiterScore rates d on text: whether a strict reader gets through it
// (1) or not (0), how many rows share the most common width of two cells or
// more, and that width.
func delimiterScore(text string, d rune) [3]int {
	cr := csv.NewReader(strings.NewReader(text))
	cr.Comma = d
	cr.FieldsPerRecord = -1
	clean := 1
	widths := map[int]int{}
	for {
		cells, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) && (errors.Is(pe.Err, csv.ErrQuote) || errors.Is(pe.Err, csv.ErrBareQuote)) {
				clean = 0
				// A quoted cell cut off at the end of the sample is no
				// evidence against d.
				if errors.Is(pe.Err, csv.ErrQuote) && pe.StartLine != pe.Line {
					clean = 1
				}
			}
			break
		}
		if len(cells) >= 2 {
			widths[len(cells)]++
		}
	}
	mode, freq := 0, 0
	for w, f := range widths {
		if f > freq || (f == freq && w > mode) {
			mode, freq = w, f
		}
	}
	return [3]int{clean, freq, mode}
}

// isDateCell reports a cell that reads as a plausible date, in either
// order of slash dates.
func isDateCell(s, layout string) bool {
	s = strings.TrimSpace(s)
	if s == "" || !strings.ContainsAny(s, "0123456789") {
		return false
	}
	for _, order := range []byte{'d', 'm'} {
		if t, err := parseDate(s, layout, order); err == nil && plausible(t) {
			return true
		}
	}
	return false
}

// isAmountCell reports a cell that reads as an amount with either decimal
// separator.
func isAmountCell(s string) bool {
	s = strings.TrimSpace(s)
	if !strings.ContainsAny(s, "0123456789") {
		return false
	}
	for _, dec := range []rune{',', '.'} {
		if _, err := parseAmount(s, dec); err == nil {
			return true
		}
	}
	return false
}

// typedRow reports a row that looks like a transaction: a date in one cell
// and an amount in another.
func typedRow(cells []string, layout string) bool {
	dates, amounts := map[int]bool{}, map[int]bool{}
	for i, c := range cells {
		if isDateCell(c, layout) {
			dates[i] = true
		}
		if isAmountCell(c) {
			amounts[i] = true
		}
	}
	for i := range dates {
		for j := range amounts {
			if i != j {
				return true
			}
		}
	}
	return false
}

// hasDateCell reports a row with a date in some cell.
func hasDateCell(cells []string, layout string) bool {
	for _, c := range cells {
		if isDateCell(c, layout) {
			return true
		}
	}
	return false
}

// nameLike reports a row that could be a header: its cells are text, none
// of them a date or an amount.
func nameLike(cells []string, layout string) bool {
	if filled(cells) < min(2, len(cells)) {
		return false
	}
	for _, c := range cells {
		if isDateCell(c, layout) || isAmountCell(c) {
			return false
		}
	}
	return true
}

// sameShape reports rows of one table: the same number of cells, give or
// take a trailing delimiter.
func sameShape(a, b []string) bool {
	d := len(a) - len(b)
	return d >= -1 && d <= 1
}

// tableLayout is where the table of a CSV export is among its first rows.
type tableLayout struct {
	found  bool // the rows proved a layout: typed data rows were seen
	header int  // index of the header record; -1 when the file has none
	start  int  // index of the first record that may be data
}

// findLayout finds the header by what follows it: the first rows typed
// like data (a date and an amount) that the next row confirms by its
// shape, and the row of names right above them. Without such a row above
// them the file has no header, and its first data row is a payment.
func findLayout(recs []record, dateLayout string) tableLayout {
	prev := func(i int) int {
		for i--; i >= 0; i-- {
			if !blank(recs[i].cells) {
				return i
			}
		}
		return -1
	}
	next := func(i int) int {
		for i++; i < len(recs); i++ {
			if !blank(recs[i].cells) {
				return i
			}
		}
		return -1
	}
	for d := range recs {
		cells := recs[d].cells
		if blank(cells) || !typedRow(cells, dateLayout) {
			continue
		}
		// A typed line whose next line has another shape is a summary
		// ("Saldo;31.03.2024;1.234,56") above the table, not its start.
		if n := next(d); n >= 0 && !sameShape(recs[n].cells, cells) {
			continue
		}
		// Rows above of the same shape with a date are data too, even when
		// their amount is unreadable: the parser reports them.
		p := prev(d)
		for p >= 0 && sameShape(recs[p].cells, cells) && hasDateCell(recs[p].cells, dateLayout) {
			d, p = p, prev(p)
		}
		if p >= 0 && sameShape(recs[p].cells, cells) && nameLike(recs[p].cells, dateLayout) {
			return tableLayout{found: true, header: p, start: p + 1}
		}
		return tableLayout{found: true, header: -1, start: d}
	}
	return tableLayout{header: -1}
}

// positional names a column of a header-less file, 1-based.
func positional(i int) string { return "Column " + strconv.Itoa(i+1) }

// columnLabels names the columns of a header row for the mapping step: the
// header's names, "Column N" for an empty one, and a name used more than
// once followed by its position, e.g. "Währung (column 5)".
func columnLabels(header []string) []string {
	count := map[string]int{}
	for _, h := range header {
		count[fold(h)]++
	}
	out := make([]string, len(header))
	for i, h := range header {
		h = strings.TrimSpace(h)
		switch {
		case h == "":
			out[i] = positional(i)
		case count[fold(h)] > 1:
			out[i] = fmt.Sprintf("%s (column %d)", h, i+1)
		default:
			out[i] = h
		}
	}
	return out
}

// positionalLabels names the columns of a header-less file.
func positionalLabels(width int) []string {
	out := make([]string, width)
	for i := range out {
		out[i] = positional(i)
	}
	return out
}

var (
	columnByPosition = regexp.MustCompile(`^column(\d{1,4})$`)
	labelWithColumn  = regexp.MustCompile(`^(.*)\(column(\d{1,4})\)$`)
)

// resolveColumn finds the column a mapping names: a header cell of that
// name, a label such as "Währung (column 5)" for a name used twice, or
// "Column N" when no header cell is called that. header is nil for a file
// without a header row; width is how many columns its rows have. It
// returns -1 and the reason when the name fits no column.
func resolveColumn(name string, header []string, width int) (int, string) {
	k := fold(name)
	var at []int
	for j, h := range header {
		if fold(h) == k {
			at = append(at, j)
		}
	}
	switch {
	case len(at) == 1:
		return at[0], ""
	case len(at) > 1:
		labels := columnLabels(header)
		choices := make([]string, len(at))
		for i, j := range at {
			choices[i] = strconv.Quote(labels[j])
		}
		return -1, fmt.Sprintf("the header has %d columns named %q; choose %s", len(at), name, strings.Join(choices, " or "))
	}
	if m := labelWithColumn.FindStringSubmatch(k); m != nil {
		if j, _ := strconv.Atoi(m[2]); j >= 1 && j <= len(header) && fold(header[j-1]) == m[1] {
			return j - 1, ""
		}
	}
	if m := columnByPosition.FindStringSubmatch(k); m != nil {
		if j, _ := strconv.Atoi(m[1]); j >= 1 && j <= max(width, len(header)) {
			return j - 1, ""
		}
		return -1, fmt.Sprintf("the file has %d columns, so there is no %q", max(width, len(header)), name)
	}
	if header == nil {
		return -1, fmt.Sprintf("the file has no header row, so there is no column %q; name its columns Column 1 to Column %d", name, width)
	}
	return -1, fmt.Sprintf("there is no column %q in the header (%s)", name, strings.Join(trimAll(header), ", "))
}

// namedByPosition reports a mapping name of the form "Column N".
func namedByPosition(name string) bool { return columnByPosition.MatchString(fold(name)) }

// skippedLine describes a record that holds no payment.
func skippedLine(rec record, comma rune, reason string) Skipped {
	text := strings.Join(rec.cells, string(comma))
	if utf8.RuneCountInString(text) > 200 {
		text = string([]rune(text)[:200])
	}
	return Skipped{Line: rec.line, Text: text, Reason: reason}
}

// Reasons a line is skipped, as the preview shows them.
const (
	skipAboveHeader = "above the header: account details"
	skipAboveData   = "above the data: account details"
	skipAfterData   = "after the data: not a transaction"
)

// cellAt says which cell of a record a byte offset of a csv.ParseError is
// in: text holds the record's lines from its first, and the error is at
// byte col (1-based) of the record's line-th line (0-based).
func cellAt(text string, line, col int, comma rune) int {
	cell, quoted := 0, false
	for l, s := range strings.SplitAfter(text, "\n") {
		if l > line {
			break
		}
		if l == line && col-1 < len(s) {
			s = s[:max(col-1, 0)]
		}
		for _, r := range s {
			switch {
			case r == '"':
				quoted = !quoted
			case r == comma && !quoted:
				cell++
			}
		}
	}
	return cell
}

// describeColumn names column i (0-based) for an error: "column 4
// (Betrag)", or "column 4" when the file has no names for its columns.
func describeColumn(i int, labels []string) string {
	if i >= 0 && i < len(labels) && !strings.HasPrefix(labels[i], "Column ") {
		return fmt.Sprintf("column %d (%s)", i+1, labels[i])
	}
	return fmt.Sprintf("column %d", i+1)
}
