package wallet

import (
	"fmt"

	"github.com/tally-invoicing/tally/internal/fault"
)

// problem is an error a merchant can act on. errors.Is matches its kind
// (ErrInvalidAddress, ErrUnsupported), and it is also a fault validation
// error, so the GraphQL layer shows the message instead of hiding it.
type problem struct {
	kind error
	msg  string
}

func invalid(kind error, format string, args ...any) error {
	return &problem{kind: kind, msg: fmt.Sprintf(format, args...)}
}

func (p *problem) Error() string { return p.msg }

func (p *problem) Unwrap() []error { return []error{p.kind, fault.Invalid("", p.msg)} }
