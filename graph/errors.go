package graph

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/tally-invoicing/tally/ent"
	"github.com/tally-invoicing/tally/internal/auth"
	"github.com/tally-invoicing/tally/internal/fault"
	"github.com/tally-invoicing/tally/internal/ratelimit"
	"github.com/tally-invoicing/tally/internal/tenant"
)

// PresentError turns any resolver error into what a client may see:
// classified errors keep their message and get extensions.code (and
// extensions.field for validation); anything else is logged and shown as a
// generic INTERNAL error, so no SQL or stack detail ever leaks. A rate
// limit's refusal also gets extensions.retryAfter (seconds) and makes the
// HTTP response a 429 with Retry-After.
func PresentError(ctx context.Context, err error) *gqlerror.Error {
	gerr := graphql.DefaultErrorPresenter(ctx, err)
	var already *gqlerror.Error
	if errors.As(err, &already) && already.Extensions != nil && already.Extensions["code"] != nil {
		return gerr // gqlgen's own parse and validation errors
	}
	f := classify(err)
	if f == nil && already != nil && argumentError(ctx) {
		// An argument that gqlgen or entgql could not decode (a cursor, an
		// out-of-range Int) or a pagination rule: the client's input is wrong.
		msg := already.Message
		if u := errors.Unwrap(already); u != nil {
			msg = u.Error()
		}
		f = fault.Invalid("", "invalid value: "+msg)
	}
	if f == nil && already != nil && graphql.GetFieldContext(ctx) == nil && !graphql.HasOperationContext(ctx) {
		// Before any operation exists: gqlgen could not read the request
		// (a body that is not JSON, variables that are not an object). Its
		// message quotes the body, which may hold a password: neither show
		// nor log it.
		f = fault.Invalid("", "the request body is not a GraphQL request: send {\"query\": \"...\", \"variables\": {...}} as JSON")
	}
	if f == nil && errors.Is(err, context.Canceled) {
		// The client hung up; nobody will read this answer.
		slog.DebugContext(ctx, "graphql resolver stopped: client went away", "path", gerr.Path.String())
		f = fault.New(fault.CodeInternal, "the request was cancelled")
	}
	if f == nil {
		slog.ErrorContext(ctx, "graphql resolver failed", "path", gerr.Path.String(), "err", err)
		f = fault.New(fault.CodeInternal, "internal error; it has been logged")
	}
	if f.Code == fault.CodeValidation && f.Field == "" && len(gerr.Path) > 1 {
		// An argument that failed to decode (a Decimal, say) carries its
		// input path: ["setInvoiceItems", "items", 0, "quantity"].
		c := *f
		c.Field = inputField(argumentPath(gerr.Path[1:]))
		f = &c
	}
	gerr.Message = f.Message
	if f.Field != "" && f.Code == fault.CodeValidation {
		gerr.Message = f.Field + ": " + f.Message
	}
	gerr.Extensions = map[string]any{"code": string(f.Code)}
	if f.Field != "" {
		gerr.Extensions["field"] = f.Field
	}
	var limited *ratelimit.Error
	if errors.As(err, &limited) {
		gerr.Extensions["retryAfter"] = ratelimit.Seconds(limited.RetryAfter)
		auth.RetryAfter(ctx, limited.RetryAfter)
	}
	return gerr
}

func classify(err error) *fault.Error {
	if f, ok := fault.As(err); ok {
		return f
	}
	switch {
	case ent.IsNotFound(err):
		return fault.New(fault.CodeNotFound, "no object with this id")
	case errors.Is(err, tenant.ErrNoViewer):
		return fault.New(fault.CodeUnauthenticated, auth.SignInRequired)
	case ent.IsValidationError(err):
		var ve *ent.ValidationError
		errors.As(err, &ve)
		// ent wraps a field validator's error with the entity's name; the
		// validator's own words are the ones a client can act on.
		msg := ve.Unwrap().Error()
		if inner := errors.Unwrap(ve.Unwrap()); inner != nil {
			msg = inner.Error()
		}
		return fault.Invalid(lowerCamel(ve.Name), "value is not allowed: "+msg)
	}
	return nil
}

// lowerCamel turns an ent column name (payer_name) into the API's field
// name (payerName).
func lowerCamel(s string) string {
	parts := strings.Split(s, "_")
	for i := 1; i < len(parts); i++ {
		if parts[i] != "" {
			parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
		}
	}
	return strings.Join(parts, "")
}

// argumentPath drops a leading "input" argument: fields of an operation's
// input object are named on their own (name, not input.name), as the domain
// packages name them.
func argumentPath(path ast.Path) ast.Path {
	if len(path) > 1 {
		if n, ok := path[0].(ast.PathName); ok && n == "input" {
			return path[1:]
		}
	}
	return path
}

// inputField writes an input path the way validation errors name fields:
// items[0].quantity.
func inputField(path ast.Path) string {
	var b strings.Builder
	for _, el := range path {
		switch v := el.(type) {
		case ast.PathIndex:
			fmt.Fprintf(&b, "[%d]", int(v))
		case ast.PathName:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(string(v))
		}
	}
	return b.String()
}

// argumentError reports whether the field in ctx failed while its arguments
// were decoded (gqlgen sets fc.Args only once they decoded). gqlgen wraps
// every error with its path, so being wrapped says nothing about whose
// fault an error is: a resolver's database error is wrapped just the same.
func argumentError(ctx context.Context) bool {
	fc := graphql.GetFieldContext(ctx)
	return fc != nil && fc.Args == nil && len(fc.Field.Arguments) > 0
}
