package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"
	"sync"
	"time"
)

// bodyTimeouts bound how long a client may take to send a request body,
// so that a client trickling a byte at a time cannot hold a connection
// and its handler open. http.Server.ReadHeaderTimeout covers the headers;
// these start when the handler does.
type bodyTimeouts struct {
	// Body is the time allowed for an ordinary body (a GraphQL request, a
	// checkout form, a webhook): they are a few kilobytes.
	Body time.Duration
	// Upload is the time allowed for a multipart upload (a statement of
	// up to 50 MB), as long as it also keeps to UploadRate.
	Upload time.Duration
	// UploadRate is the slowest an upload may arrive, in bytes a second,
	// once its first Body has passed: a trickle is cut off then rather
	// than after Upload.
	UploadRate int64
}

func defaultBodyTimeouts() bodyTimeouts {
	return bodyTimeouts{Body: 15 * time.Second, Upload: 2 * time.Minute, UploadRate: 32 << 10}
}

// withBodyDeadlines sets a read deadline on the connection for the
// request's body. net/http clears it when the body ends (it then reads in
// the background to notice a client hanging up), so a handler may work for
// longer than the deadline. A body that misses its deadline gets 408 and
// the connection is closed. Requests without a body, and websocket
// upgrades, are left alone: a websocket lives for hours.
func withBodyDeadlines(t bodyTimeouts, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Body == nil || r.Body == http.NoBody || r.Header.Get("Upgrade") != "" {
			next.ServeHTTP(w, r)
			return
		}
		b := &deadlineBody{body: r.Body, rc: http.NewResponseController(w), start: time.Now(), max: t.Body}
		if mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mediaType == "multipart/form-data" {
			b.max, b.grace, b.rate = t.Upload, t.Body, t.UploadRate
		}
		if err := b.rc.SetReadDeadline(b.deadline()); err != nil {
			next.ServeHTTP(w, r) // a connection without deadlines (a test recorder)
			return
		}
		r.Body = b
		tw := &timeoutWriter{ResponseWriter: w, body: b, limit: b.max}
		next.ServeHTTP(tw, r)
		tw.finish()
	})
}

// deadlineBody is a request body read under a deadline. With a rate, the
// deadline moves out as bytes arrive: grace, plus the time the bytes read
// so far would take at rate, up to max.
type deadlineBody struct {
	body  io.ReadCloser
	rc    *http.ResponseController
	start time.Time
	max   time.Duration
	grace time.Duration
	rate  int64

	mu       sync.Mutex
	n        int64
	done     bool // read to its end; net/http has cleared the deadline
	timedOut bool
}

func (b *deadlineBody) deadline() time.Time {
	d := b.max
	if b.rate > 0 {
		d = min(b.max, b.grace+time.Duration(b.n)*time.Second/time.Duration(b.rate))
	}
	return b.start.Add(d)
}

func (b *deadlineBody) Read(p []byte) (int, error) {
	n, err := b.body.Read(p)
	b.mu.Lock()
	defer b.mu.Unlock()
	b.n += int64(n)
	switch {
	case b.done:
	case errors.Is(err, os.ErrDeadlineExceeded):
		b.timedOut = true
	case err != nil:
		b.done = true
	case b.rate > 0 && n > 0:
		_ = b.rc.SetReadDeadline(b.deadline())
	}
	return n, err
}

func (b *deadlineBody) Close() error { return b.body.Close() }

func (b *deadlineBody) expired() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.timedOut
}

// timeoutWriter answers 408 in place of whatever the handler says about a
// body that did not arrive in time (typically that it is not valid JSON).
type timeoutWriter struct {
	http.ResponseWriter
	body     *deadlineBody
	limit    time.Duration
	answered bool // the 408 is written
	passed   bool // the handler's own answer went through
}

// Unwrap lets http.ResponseController reach the connection.
func (w *timeoutWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *timeoutWriter) intercept() bool {
	if w.passed {
		return false
	}
	if w.answered || w.body.expired() {
		w.answer()
		return true
	}
	w.passed = true
	return false
}

func (w *timeoutWriter) WriteHeader(code int) {
	if !w.intercept() {
		w.ResponseWriter.WriteHeader(code)
	}
}

func (w *timeoutWriter) Write(p []byte) (int, error) {
	if w.intercept() {
		return len(p), nil
	}
	return w.ResponseWriter.Write(p)
}

// finish answers 408 for a handler that gave up on a late body without
// writing anything.
func (w *timeoutWriter) finish() {
	if !w.passed && w.body.expired() {
		w.answer()
	}
}

func (w *timeoutWriter) answer() {
	if w.answered {
		return
	}
	w.answered = true
	h := w.ResponseWriter.Header()
	h.Del("Content-Length")
	h.Set("Content-Type", "application/json")
	h.Set("Connection", "close")
	w.ResponseWriter.WriteHeader(http.StatusRequestTimeout)
	secs := int(w.limit.Seconds())
	_ = json.NewEncoder(w.ResponseWriter).Encode(map[string]any{"errors": []map[string]any{{
		"message":    fmt.Sprintf("the request body did not arrive in time (within %d s, and for uploads at a steady rate); send it again", secs),
		"extensions": map[string]any{"code": "QUERY_LIMIT", "limit": "body read time", "max": secs},
	}}})
}
