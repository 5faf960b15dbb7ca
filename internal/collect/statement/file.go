package statement

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
)

// File is a statement that has been read through and found good. It reads
// its lines again, a batch at a time, so that importing a large statement
// holds one batch in memory rather than every line of the file.
type File struct {
	lines int
	scan  func(emit func(Line) error) error

	// Format is what the file was read as.
	Format Format
	// Outgoing counts the lines skipped as money going out: debits,
	// reversals of credits, zero amounts.
	Outgoing int
	// Skipped lists the lines that are not transactions (at most 100).
	Skipped []Skipped
	// Notices are what the reader assumed, each a sentence for the merchant:
	// "Entry 4 has no booking date; the statement's date, 2024-03-31, is used."
	Notices []string
}

// Lines is how many lines the file lists.
func (f *File) Lines() int { return f.lines }

// Each reads the file again and calls fn with its lines in file order, at
// most batch at a time. The slice is reused: fn must not keep it. An error
// from fn stops the reading and is returned.
func (f *File) Each(batch int, fn func([]Line) error) error {
	buf := make([]Line, 0, max(batch, 1))
	err := f.scan(func(l Line) error {
		buf = append(buf, l)
		if len(buf) < cap(buf) {
			return nil
		}
		err := fn(buf)
		buf = buf[:0]
		return err
	})
	if err != nil || len(buf) == 0 {
		return err
	}
	return fn(buf)
}

// all is every line of f in one slice (nil when there are none).
func (f *File) all() ([]Line, error) {
	var lines []Line
	err := f.Each(1000, func(b []Line) error {
		lines = append(lines, b...)
		return nil
	})
	return lines, err
}

// seekable returns r as an io.ReadSeeker, reading it into memory (up to
// limit bytes) when it cannot seek.
func seekable(r io.Reader, limit int64) (io.ReadSeeker, error) {
	if rs, ok := r.(io.ReadSeeker); ok {
		return rs, nil
	}
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read statement: %w", err)
	}
	if int64(len(data)) > limit {
		return nil, tooLarge()
	}
	return bytes.NewReader(data), nil
}

// checkSize refuses a file over limit bytes and rewinds it.
func checkSize(src io.ReadSeeker, limit int64) error {
	size, err := src.Seek(0, io.SeekEnd)
	if err != nil {
		return fmt.Errorf("read statement: %w", err)
	}
	if size > limit {
		return tooLarge()
	}
	if _, err := src.Seek(0, io.SeekStart); err != nil {
		return fmt.Errorf("read statement: %w", err)
	}
	return nil
}

// rewind positions src at off for another pass.
func rewind(src io.ReadSeeker, off int64) error {
	if _, err := src.Seek(off, io.SeekStart); err != nil {
		return fmt.Errorf("read statement: %w", err)
	}
	return nil
}

// digest stands in for a string in the sets that span a whole file
// (external ids seen, identical lines counted), so that their memory does
// not grow with how long the strings are.
type digest [16]byte

func digestOf(s string) digest {
	sum := sha256.Sum256([]byte(s))
	return digest(sum[:16])
}

// errStop ends a pass early; it never leaves the package.
var errStop = errors.New("statement: stop reading")
