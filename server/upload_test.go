package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tally-invoicing/tally/internal/collect"
	"github.com/tally-invoicing/tally/internal/database/dbtest"
)

// uploadRequest builds a multipart importStatement request whose file is
// read from file, with no Content-Length when chunked.
func (c *client) uploadRequest(file io.Reader, chunked bool) *http.Request {
	c.t.Helper()
	pr, pw := io.Pipe()
	w := multipart.NewWriter(pw)
	go func() {
		ops, _ := json.Marshal(map[string]any{"query": importOp, "variables": map[string]any{"file": nil, "format": "CSV",
			"mapping": map[string]any{"date": "Date", "amount": "Amount", "currency": "Currency"}}})
		_ = w.WriteField("operations", string(ops))
		_ = w.WriteField("map", `{"0": ["variables.file"]}`)
		part, _ := w.CreateFormFile("0", "statement.csv")
		if _, err := io.Copy(part, file); err != nil {
			pw.CloseWithError(err)
			return
		}
		pw.CloseWithError(w.Close())
	}()
	var body io.Reader = pr
	if !chunked {
		var buf bytes.Buffer
		if _, err := io.Copy(&buf, pr); err != nil {
			c.t.Fatal(err)
		}
		body = &buf
	}
	req, _ := http.NewRequest(http.MethodPost, c.url, body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("GraphQL-Require-Preflight", "1")
	return req
}

func (c *client) sendUpload(req *http.Request) (*http.Response, gqlResponse) {
	c.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out gqlResponse
	if err := json.Unmarshal(raw, &out); err != nil {
		c.t.Fatalf("HTTP %d %s", resp.StatusCode, raw)
	}
	return resp, out
}

func (c *client) merchantID() string {
	c.t.Helper()
	var v struct {
		Viewer struct{ Merchant struct{ ID string } }
	}
	c.do(`{ viewer { merchant { id } } }`, nil, &v)
	return v.Viewer.Merchant.ID
}

// TestStatementImportsAreAdmittedOneAtATime: while a merchant's import
// runs, its next one is refused with CONFLICT; while the server runs as
// many imports as it allows, another merchant's is refused with
// RATE_LIMITED, 429 and a retry hint. Both work once the first ends.
func TestStatementImportsAreAdmittedOneAtATime(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		a, other := ta.signUp(t, "Busy Importer"), ta.signUp(t, "Second Importer")
		ta.app.collect.Imports = collect.NewImportGate(1)
		csv := "Date,Amount,Currency\n2026-11-03,10.00,USD\n"

		// An import of a's is running (its request is being read or matched).
		leave, err := ta.app.collect.Imports.Enter(a.merchantID())
		if err != nil {
			t.Fatal(err)
		}
		resp, r := a.sendUpload(a.uploadRequest(strings.NewReader(csv), false))
		if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "CONFLICT" ||
			r.Errors[0].Message != "a statement import is already running for this merchant; wait for it to finish" {
			t.Fatalf("second import of the same merchant: HTTP %d %+v, want CONFLICT saying one is running", resp.StatusCode, r.Errors)
		}
		resp, r = other.sendUpload(other.uploadRequest(strings.NewReader(csv), false))
		if len(r.Errors) != 1 || r.Errors[0].Extensions["code"] != "RATE_LIMITED" || r.Errors[0].Extensions["retryAfter"] != float64(15) {
			t.Fatalf("import beyond the server's limit: HTTP %d %+v, want RATE_LIMITED with retryAfter 15", resp.StatusCode, r.Errors)
		}
		if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "15" {
			t.Errorf("import beyond the server's limit: HTTP %d, Retry-After %q; want 429, 15", resp.StatusCode, resp.Header.Get("Retry-After"))
		}

		leave()
		for _, c := range []*client{a, other} {
			if res, errs := c.importStatement("CSV", "s.csv", []byte(csv), map[string]any{"date": "Date", "amount": "Amount", "currency": "Currency"}); len(errs) > 0 || res.Created != 1 {
				t.Errorf("import once the first ended: %+v %+v, want 1 created", res, errs)
			}
		}
	})
}

// bigCSV is an endless statement: a header, then the same row.
type bigCSV struct{ n, max int }

func (b *bigCSV) Read(p []byte) (int, error) {
	if b.n >= b.max {
		return 0, io.EOF
	}
	const row = "2026-11-03,10.00,USD\n"
	src := row
	if b.n == 0 {
		src = "Date,Amount,Currency\n"
	}
	n := copy(p, strings.Repeat(src, max(1, len(p)/len(src))))
	b.n += n
	return n, nil
}

// TestUploadOverTheSizeLimitIs413: a statement over 50 MB is refused with
// 413 QUERY_LIMIT whether or not the request declares its length.
func TestUploadOverTheSizeLimitIs413(t *testing.T) {
	ta := startApp(t, dbtest.Backend{Name: "sqlite", URL: dbtest.SQLite(t)})
	c := ta.signUp(t, "Big Uploader")
	for _, tt := range []struct {
		name    string
		size    int
		chunked bool
		limit   string
	}{
		{"chunked file over 50 MB", 50<<20 + 1000, true, "upload size"},
		{"declared body over the limit", 60 << 20, false, "body size"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			resp, r := c.sendUpload(c.uploadRequest(&bigCSV{max: tt.size}, tt.chunked))
			if resp.StatusCode != http.StatusRequestEntityTooLarge || len(r.Errors) != 1 ||
				r.Errors[0].Extensions["code"] != "QUERY_LIMIT" || r.Errors[0].Extensions["limit"] != tt.limit {
				t.Fatalf("HTTP %d %+v, want 413 QUERY_LIMIT (limit %q)", resp.StatusCode, r.Errors, tt.limit)
			}
		})
	}
}

// TestSecondUploadIsRefusedBeforeItsBody: while one of a merchant's uploads
// is still arriving, the next is answered 409 CONFLICT at once, without the
// server waiting for its file (which never ends here), so a burst of large
// uploads costs the server one body. Another merchant uploads meanwhile.
func TestSecondUploadIsRefusedBeforeItsBody(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, b dbtest.Backend) {
		ta := startApp(t, b)
		a, other := ta.signUp(t, "Burst Uploader"), ta.signUp(t, "Calm Uploader")
		csv := "Date,Amount,Currency\n2026-11-03,10.00,USD\n"
		mapping := map[string]any{"date": "Date", "amount": "Amount", "currency": "Currency"}

		// An upload that sends its head and the start of its file, then
		// stalls; it returns the server's answer, or an error if none
		// comes while the body is unfinished.
		stalled := func(c *client) (*http.Response, error) {
			conn, err := net.Dial("tcp", strings.TrimPrefix(ta.srv.URL, "http://"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = conn.Close() })
			ops, _ := json.Marshal(map[string]any{"query": importOp, "variables": map[string]any{"file": nil, "format": "CSV", "mapping": mapping}})
			head := "--B\r\nContent-Disposition: form-data; name=\"operations\"\r\n\r\n" + string(ops) +
				"\r\n--B\r\nContent-Disposition: form-data; name=\"map\"\r\n\r\n{\"0\": [\"variables.file\"]}" +
				"\r\n--B\r\nContent-Disposition: form-data; name=\"0\"; filename=\"s.csv\"\r\n\r\n" + csv
			if _, err := fmt.Fprintf(conn, "POST /query HTTP/1.1\r\nHost: tally\r\nAuthorization: Bearer %s\r\nGraphQL-Require-Preflight: 1\r\n"+
				"Content-Type: multipart/form-data; boundary=B\r\nTransfer-Encoding: chunked\r\n\r\n%x\r\n%s\r\n", c.token, len(head), head); err != nil {
				return nil, err
			}
			_ = conn.SetReadDeadline(time.Now().Add(3 * time.Second))
			return http.ReadResponse(bufio.NewReader(conn), nil)
		}
		go func() { _, _ = stalled(a) }() // the first, held open until the test ends
		// The second may reach the server before the first: then it holds
		// the merchant's slot itself and gets no answer. The one after it
		// must be refused at once.
		var resp *http.Response
		for attempt := range 2 {
			r, err := stalled(a)
			if err == nil && r.StatusCode == http.StatusConflict {
				resp = r
				break
			}
			if attempt == 1 {
				t.Fatalf("upload while another is in flight: %v (no answer while its file is unfinished); want 409 CONFLICT before its file is read", err)
			}
		}
		var out gqlResponse
		if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || len(out.Errors) != 1 ||
			out.Errors[0].Extensions["code"] != "CONFLICT" || !strings.Contains(out.Errors[0].Message, "another upload") {
			t.Fatalf("second upload: %v %+v, want CONFLICT saying another upload is in progress", err, out.Errors)
		}
		if res, errs := other.importStatement("CSV", "s.csv", []byte(csv), mapping); len(errs) > 0 || res.Created != 1 {
			t.Errorf("another merchant's upload meanwhile: %+v %+v, want 1 created", res, errs)
		}
	})
}
