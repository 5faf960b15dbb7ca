// Package static serves built front-end files (the embedded dashboard) with
// the compressed copies the build wrote next to them: for a file x, x.br
// (brotli) and x.gz (gzip), made once by frontend/precompress.js at the
// strongest settings, so no request pays for compression.
//
// The copy is chosen by the request's Accept-Encoding (q-values honoured;
// on a tie brotli, then gzip, then the file as it is) and sent with
// Content-Encoding and Vary: Accept-Encoding. Everything else is
// net/http.ServeContent's: HEAD, Content-Length, If-None-Match against the
// ETag (a hash of the bytes sent, so each copy has its own), and Range. A
// request with a Range header always gets the file as it is: ranges of the
// unencoded bytes are what resuming clients and media players expect.
package static

import (
	"crypto/sha256"
	"encoding/base64"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Encodings the build writes, with the suffix of their copies, in order of
// preference when the client accepts several equally.
var encodings = []struct{ name, suffix string }{
	{"br", ".br"},
	{"gzip", ".gz"},
}

// Files serves the files of an fs.FS. It is safe for concurrent use.
type Files struct {
	fsys  fs.FS
	files sync.Map // name -> *file, filled on first request
}

// file is what Files knows about one servable name.
type file struct {
	contentType string
	variants    []variant // the file as it is first, then its compressed copies
}

type variant struct {
	encoding string // "" for the file as it is
	path     string
	size     int64
	etag     string
}

// New serves the files in fsys.
func New(fsys fs.FS) *Files {
	return &Files{fsys: fsys}
}

// Has reports whether name (slash-separated, without a leading slash) is a
// regular file that Serve can send. Directories are not, nor are the
// compressed copies of another file.
func (f *Files) Has(name string) bool {
	_, ok := f.lookup(name)
	return ok
}

// Serve answers a GET or HEAD request with the file name (which must satisfy
// Has, or the answer is 404), with the given Cache-Control.
func (f *Files) Serve(w http.ResponseWriter, r *http.Request, name, cacheControl string) {
	fl, ok := f.lookup(name)
	if !ok {
		http.NotFound(w, r)
		return
	}
	h := w.Header()
	if len(fl.variants) > 1 {
		// Caches must key on Accept-Encoding, whichever copy this answer is.
		h.Add("Vary", "Accept-Encoding")
	}
	v := fl.variants[0]
	if r.Header.Get("Range") == "" {
		v = fl.variants[choose(r.Header.Get("Accept-Encoding"), fl.variants)]
	}
	content, err := f.fsys.Open(v.path)
	if err != nil {
		http.Error(w, "file not readable", http.StatusInternalServerError)
		return
	}
	defer func() { _ = content.Close() }()
	seeker, ok := content.(io.ReadSeeker)
	if !ok {
		data, err := io.ReadAll(content)
		if err != nil {
			http.Error(w, "file not readable", http.StatusInternalServerError)
			return
		}
		seeker = strings.NewReader(string(data))
	}
	h.Set("Content-Type", fl.contentType)
	h.Set("Cache-Control", cacheControl)
	h.Set("ETag", v.etag)
	if v.encoding != "" {
		h.Set("Content-Encoding", v.encoding)
		// ServeContent leaves the length out once Content-Encoding is set
		// (for handlers that compress as they write); these bytes are final.
		h.Set("Content-Length", strconv.FormatInt(v.size, 10))
	}
	// No modification time: embedded files have none, and the ETag is better.
	http.ServeContent(w, r, name, time.Time{}, seeker)
}

// lookup finds name and its compressed copies, hashing each for its ETag,
// once per name.
func (f *Files) lookup(name string) (*file, bool) {
	if cached, ok := f.files.Load(name); ok {
		return cached.(*file), true
	}
	fl := f.scan(name)
	if fl == nil {
		// Misses are not remembered: anyone can ask for any path.
		return nil, false
	}
	f.files.Store(name, fl) // the tree is read-only: what was found stays true
	return fl, true
}

func (f *Files) scan(name string) *file {
	if !fs.ValidPath(name) || name == "." {
		return nil
	}
	for _, e := range encodings {
		if base, ok := strings.CutSuffix(name, e.suffix); ok && f.isRegular(base) {
			return nil // a copy of base, served only as base
		}
	}
	if !f.isRegular(name) {
		return nil
	}
	plain := f.read(name)
	if plain == nil {
		return nil
	}
	contentType := mime.TypeByExtension(path.Ext(name))
	fl := &file{contentType: contentType, variants: []variant{*plain}}
	if contentType == "" {
		// Without a known type ServeContent would sniff the bytes, which
		// for a compressed copy would be the wrong bytes to sniff.
		fl.contentType = "application/octet-stream"
		return fl
	}
	for _, e := range encodings {
		if !f.isRegular(name + e.suffix) {
			continue
		}
		if v := f.read(name + e.suffix); v != nil {
			v.encoding = e.name
			fl.variants = append(fl.variants, *v)
		}
	}
	return fl
}

func (f *Files) isRegular(p string) bool {
	info, err := fs.Stat(f.fsys, p)
	return err == nil && info.Mode().IsRegular()
}

// read returns the variant for the file p, nil if it cannot be read.
func (f *Files) read(p string) *variant {
	data, err := fs.ReadFile(f.fsys, p)
	if err != nil {
		return nil
	}
	sum := sha256.Sum256(data)
	return &variant{path: p, size: int64(len(data)), etag: `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`}
}
