package scalar

import (
	"context"
	"io"

	"github.com/99designs/gqlgen/graphql"

	"github.com/tally-invoicing/tally/internal/fault"
	"github.com/tally-invoicing/tally/internal/validate"
)

// Every String and ID the API reads passes through here, so no resolver can
// forget the rule: text is valid UTF-8 without NUL (PostgreSQL cannot store
// it) and stays on one line, unless its field is declared @multiline in the
// schema, where line breaks and tabs are allowed too. The error names no
// field; the error presenter adds the input path.

type multilineKey struct{}

// WithMultiline marks ctx as decoding a field declared @multiline.
func WithMultiline(ctx context.Context) context.Context {
	return context.WithValue(ctx, multilineKey{}, true)
}

func checkText(ctx context.Context, s string) error {
	check := validate.SingleLine
	if ml, _ := ctx.Value(multilineKey{}).(bool); ml {
		check = validate.MultiLine
	}
	if err := check(s); err != nil {
		return fault.Invalid("", err.Error())
	}
	return nil
}

// MarshalString writes a String as gqlgen does.
func MarshalString(s string) graphql.ContextMarshaler {
	return graphql.ContextWriterFunc(func(_ context.Context, w io.Writer) error {
		graphql.MarshalString(s).MarshalGQL(w)
		return nil
	})
}

// UnmarshalString reads a String and checks its text.
func UnmarshalString(ctx context.Context, v any) (string, error) {
	s, err := graphql.UnmarshalString(v)
	if err != nil {
		return "", err
	}
	if err := checkText(ctx, s); err != nil {
		return "", err
	}
	return s, nil
}

// MarshalID writes an ID as gqlgen does.
func MarshalID(s string) graphql.ContextMarshaler {
	return graphql.ContextWriterFunc(func(_ context.Context, w io.Writer) error {
		graphql.MarshalID(s).MarshalGQL(w)
		return nil
	})
}

// UnmarshalID reads an ID; ids are single-line text like any other.
func UnmarshalID(_ context.Context, v any) (string, error) {
	s, err := graphql.UnmarshalID(v)
	if err != nil {
		return "", err
	}
	if err := validate.SingleLine(s); err != nil {
		return "", fault.Invalid("", err.Error())
	}
	return s, nil
}
