package enum

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// FieldError is a decoding error with the JSON path of the offending field.
type FieldError struct {
	Field string // JSON path, e.g. "accept.operations.type"
	Msg   string // what is wrong, e.g. `unknown Offer.Operation.Type "FOO"`
	Err   error  // the encoding/json error
}

// Error implements error.
func (e *FieldError) Error() string { return e.Field + ": " + e.Msg }

// Unwrap returns the encoding/json error.
func (e *FieldError) Unwrap() error { return e.Err }

// DecodeError rewrites an encoding/json error into one that names the JSON
// field first ("accept.operations.type: unknown Offer.Operation.Type
// \"FOO\"") and keeps the original error reachable with errors.As.
func DecodeError(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		msg := te.Value
		if !strings.HasPrefix(msg, "unknown ") {
			msg = fmt.Sprintf("cannot use JSON %s as %s", te.Value, te.Type)
		}
		return &FieldError{Field: te.Field, Msg: msg, Err: err}
	}
	return err
}
