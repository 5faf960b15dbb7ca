package transport

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// CodeMethodNotAllowed is the extensions.code of an operation sent with an
// HTTP method that may not carry it: a mutation over GET.
const CodeMethodNotAllowed = "METHOD_NOT_ALLOWED"

// getQuery is the GraphQL-over-HTTP GET transport: queries only, in the URL
// (query, operationName, variables, extensions). It answers like postJSON:
// the same media types, statuses and error shape, and a mutation gets 405
// with Allow: POST, since GET must not change anything.
type getQuery struct{}

var _ graphql.Transport = getQuery{}

func (getQuery) Supports(r *http.Request) bool {
	return r.Method == http.MethodGet && r.Header.Get("Upgrade") == ""
}

func (getQuery) Do(w http.ResponseWriter, r *http.Request, exec graphql.GraphExecutor) {
	ctx := r.Context()
	contentType := responseMediaType(r.Header.Get("Accept"))
	w.Header().Set("Content-Type", contentType)
	start := graphql.Now()
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		refuse(w, http.StatusBadRequest, "VALIDATION", "the URL's query string could not be read; send query, operationName and variables URL-encoded", nil)
		return
	}
	params := graphql.RawParams{Query: q.Get("query"), OperationName: q.Get("operationName"), Headers: r.Header}
	for name, dst := range map[string]*map[string]any{"variables": &params.Variables, "extensions": &params.Extensions} {
		v := q.Get(name)
		if v == "" {
			continue
		}
		dec := json.NewDecoder(strings.NewReader(v))
		dec.UseNumber() // Int variables stay exact
		if err := dec.Decode(dst); err != nil {
			refuse(w, http.StatusBadRequest, "VALIDATION", name+" must be a JSON object", map[string]any{"field": name})
			return
		}
	}
	params.ReadTime = graphql.TraceTiming{Start: start, End: graphql.Now()}

	oc, errs := exec.CreateOperationContext(ctx, &params)
	if errs != nil {
		w.WriteHeader(statusForErrors(errs, contentType))
		writeRequestError(w, exec.DispatchError(graphql.WithOperationContext(ctx, oc), errs))
		return
	}
	if oc.Operation.Operation != ast.Query {
		w.Header().Set("Allow", "POST")
		w.WriteHeader(http.StatusMethodNotAllowed)
		writeRequestError(w, &graphql.Response{Errors: gqlerror.List{{
			Message:    "a " + string(oc.Operation.Operation) + " must be sent with POST; GET carries queries only",
			Extensions: map[string]any{"code": CodeMethodNotAllowed},
		}}})
		return
	}
	responses, ctx := exec.DispatchOperation(ctx, oc)
	writeResponse(w, responses(ctx))
}
