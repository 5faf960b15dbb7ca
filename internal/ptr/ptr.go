// Package ptr reads the optional values ent and gqlgen hand around as
// pointers.
package ptr

// Val is *p, or T's zero value when p is nil: an unset optional field
// reads as empty.
func Val[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}
