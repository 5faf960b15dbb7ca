package transport

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"os"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"

	"github.com/tally-invoicing/tally/internal/collect/statement"
	"github.com/tally-invoicing/tally/internal/fault"
	"github.com/tally-invoicing/tally/internal/ratelimit"
	"github.com/tally-invoicing/tally/internal/tenant"
)

// MaxUploadSize bounds a statement upload, a little above what the
// statement parser accepts, so the parser names the limit.
const MaxUploadSize = 51 << 20

// uploadMemory is how much of one uploaded file is kept in memory; the
// rest of a larger file goes to a temporary file.
const uploadMemory = 1 << 20

// multipartUpload is the GraphQL multipart request transport (statement
// uploads), as gqlgen's transport.MultipartForm but with memory bounded
// whatever the request declares: gqlgen keeps a file in memory whenever
// the Content-Length is small or absent, so a chunked 50 MB upload was
// held whole. Here a file past uploadMemory is spilled to a temporary file
// removed when the request ends, and a file over statement.MaxFileSize, or
// a body over MaxUploadSize, is refused with 413 QUERY_LIMIT.
//
// A merchant has one upload in flight at a time: a second is refused
// with 409 CONFLICT before its file is read, so a burst of large uploads
// costs the server one body, not all of them (the import itself admits
// one per merchant too, but only once the body has arrived).
type multipartUpload struct {
	inFlight *ratelimit.InFlight // per merchant
}

var _ graphql.Transport = multipartUpload{}

func (multipartUpload) Supports(r *http.Request) bool {
	if r.Method != http.MethodPost || r.Header.Get("Upgrade") != "" {
		return false
	}
	mediaType, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mediaType == "multipart/form-data"
}

func (t multipartUpload) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	ctx := r.Context()
	w.Header().Set("Content-Type", "application/json")
	start := graphql.Now()
	// httpPolicy caps the body too; this keeps the transport safe alone.
	r.Body = http.MaxBytesReader(w, r.Body, MaxUploadSize)
	if t.inFlight != nil {
		key := "" // signed out: refused by the operation, one at a time until then
		if v := tenant.FromContext(ctx); v != nil {
			key = v.MerchantID
		}
		leave, err := t.inFlight.Enter(key)
		if err != nil {
			// Full duplex: net/http would otherwise try to read the body
			// before sending the answer's header.
			rc := http.NewResponseController(w)
			_ = rc.EnableFullDuplex()
			refuse(w, http.StatusConflict, string(fault.CodeConflict),
				"another upload for this merchant is still in progress; wait for it to finish, then send this one", nil)
			// The answer goes out now; the rest of the body is read and
			// dropped (capped, and under the body deadline) so that the
			// client, still sending, sees the answer rather than a reset
			// connection. Dropping costs a read, not a file and a parse.
			_ = rc.Flush()
			_, _ = io.Copy(io.Discard, r.Body)
			return
		}
		defer leave()
	}
	defer r.Body.Close()
	bad := func(format string, args ...any) {
		refuse(w, http.StatusUnprocessableEntity, "VALIDATION", fmt.Sprintf(format, args...)+" (see the GraphQL multipart request spec)", nil)
	}
	mr, err := r.MultipartReader()
	if err != nil {
		bad("the multipart body cannot be read: %v", err)
		return
	}
	var params graphql.RawParams
	part, err := mr.NextPart()
	if err != nil || part.FormName() != "operations" {
		bad(`the first part must be "operations"`)
		return
	}
	if err := jsonDecode(part, &params); err != nil {
		if !tooLarge(w, err) {
			bad(`the "operations" part is not a JSON GraphQL request`)
		}
		return
	}
	part, err = mr.NextPart()
	if err != nil || part.FormName() != "map" {
		bad(`the second part must be "map"`)
		return
	}
	paths := map[string][]string{}
	if err := json.NewDecoder(part).Decode(&paths); err != nil {
		bad(`the "map" part is not a JSON object of file keys to variable paths`)
		return
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			if tooLarge(w, err) {
				return
			}
			bad("a part cannot be read: %v", err)
			return
		}
		key := part.FormName()
		to := paths[key]
		if len(to) == 0 {
			bad("the file part %q is not in the map", key)
			return
		}
		delete(paths, key)
		file, size, err := keep(part)
		if err != nil {
			if !tooLarge(w, err) {
				bad("the file %q cannot be read: %v", key, err)
			}
			return
		}
		if f, ok := file.(*os.File); ok {
			defer removeTemp(f)
		}
		for _, path := range to {
			up := graphql.Upload{File: file, Size: size, Filename: part.FileName(), ContentType: part.Header.Get("Content-Type")}
			if err := params.AddUpload(up, key, path); err != nil {
				bad("%s", err.Message)
				return
			}
		}
	}
	for key := range paths {
		bad("the map names the file %q but no part carries it", key)
		return
	}
	params.Headers = r.Header
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}

	oc, errs := exec.CreateOperationContext(ctx, &params)
	if errs != nil {
		if errcode.GetErrorKind(errs) == errcode.KindProtocol {
			w.WriteHeader(http.StatusUnprocessableEntity)
		}
		_ = json.NewEncoder(w).Encode(exec.DispatchError(graphql.WithOperationContext(ctx, oc), errs))
		return
	}
	responses, ctx := exec.DispatchOperation(ctx, oc)
	_ = json.NewEncoder(w).Encode(responses(ctx))
}

// errFileTooLarge is a file part over statement.MaxFileSize.
var errFileTooLarge = errors.New("upload: file too large")

// keep stores one file part: in memory up to uploadMemory, else in a
// temporary file, refusing one over statement.MaxFileSize.
func keep(part io.Reader) (io.ReadSeeker, int64, error) {
	limited := io.LimitReader(part, statement.MaxFileSize+1)
	head, err := io.ReadAll(io.LimitReader(limited, uploadMemory+1))
	if err != nil {
		return nil, 0, err
	}
	if len(head) <= uploadMemory {
		return bytes.NewReader(head), int64(len(head)), nil
	}
	f, err := os.CreateTemp("", "tally-upload-")
	if err != nil {
		return nil, 0, err
	}
	size, err := io.Copy(f, io.MultiReader(bytes.NewReader(head), limited))
	if err == nil && size > statement.MaxFileSize {
		err = errFileTooLarge
	}
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		removeTemp(f)
		return nil, 0, err
	}
	return f, size, nil
}

// removeTemp closes and deletes a file spoolUpload made with os.CreateTemp;
// neither can fail in a way the request could act on.
func removeTemp(f *os.File) {
	_ = f.Close()
	_ = os.Remove(f.Name()) //nolint:gosec // G703: the name os.CreateTemp chose, not the client's file name
}

// tooLarge answers 413 QUERY_LIMIT when err is an upload over a size
// limit, and reports whether it did.
func tooLarge(w http.ResponseWriter, err error) bool {
	var body *http.MaxBytesError
	switch {
	case errors.As(err, &body):
		refuse(w, http.StatusRequestEntityTooLarge, CodeQueryLimit, fmt.Sprintf("the request body is over the limit of %d bytes", body.Limit),
			map[string]any{"limit": "body size", "max": body.Limit})
	case errors.Is(err, errFileTooLarge):
		refuse(w, http.StatusRequestEntityTooLarge, CodeQueryLimit,
			fmt.Sprintf("the file is larger than %d MB; split the statement into smaller periods", statement.MaxFileSize>>20),
			map[string]any{"limit": "upload size", "max": statement.MaxFileSize})
	default:
		return false
	}
	return true
}

func jsonDecode(r io.Reader, v any) error {
	dec := json.NewDecoder(r)
	dec.UseNumber() // Int variables stay exact
	return dec.Decode(v)
}
