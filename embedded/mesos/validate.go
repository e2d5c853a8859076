package mesos

import (
	"errors"
	"fmt"
	"strconv"
)

// ErrInvalid is wrapped by every validation error of this package and of
// its scheduler and operator subpackages (errors.Is(err, ErrInvalid)); the
// master answers such calls with 400 Bad Request.
var ErrInvalid = errors.New("mesos: invalid message")

// Limits of our own (Mesos has none at this level) that bound the work a
// single message can cause.
const (
	// MaxIDLength is NAME_MAX, the longest ID validateID accepts.
	MaxIDLength = 255
	// MaxRepeated bounds every repeated field of a call.
	MaxRepeated = 100_000
	// MaxDataBytes bounds the bytes fields of framework/executor messages.
	MaxDataBytes = 4 << 20
	// UUIDLength is the size of the raw bytes of a status update UUID
	// (id::UUID::fromBytes accepts exactly 16).
	UUIDLength = 16
)

// FieldError reports one invalid field. Field is its JSON path
// ("accept.offer_ids[2]"), Reason what is wrong ("empty value").
type FieldError struct {
	Field  string
	Reason string
}

// Error implements error.
func (e *FieldError) Error() string {
	if e.Field == "" {
		return e.Reason
	}
	return e.Field + ": " + e.Reason
}

// Is makes every FieldError match ErrInvalid.
func (e *FieldError) Is(target error) bool { return target == ErrInvalid }

// Invalid returns a FieldError for field.
func Invalid(field, format string, args ...any) *FieldError {
	return &FieldError{Field: field, Reason: fmt.Sprintf(format, args...)}
}

// In prefixes the field path of err (a *FieldError, or any error) with
// parent: In("accept", {offer_ids[2], ...}) is {accept.offer_ids[2], ...}.
func In(parent string, err error) error {
	if err == nil {
		return nil
	}
	var fe *FieldError
	if errors.As(err, &fe) {
		f := parent
		if fe.Field != "" {
			if fe.Field[0] == '[' {
				f += fe.Field
			} else {
				f += "." + fe.Field
			}
		}
		return &FieldError{Field: f, Reason: fe.Reason}
	}
	return &FieldError{Field: parent, Reason: err.Error()}
}

// Index formats "field[i]".
func Index(field string, i int) string { return field + "[" + strconv.Itoa(i) + "]" }

// Missing is the error for an absent required field, worded like Mesos's
// "Expecting 'x' to be present".
func Missing(field string) *FieldError {
	return &FieldError{Field: field, Reason: "expecting '" + lastSegment(field) + "' to be present"}
}

func lastSegment(f string) string {
	for i := len(f) - 1; i >= 0; i-- {
		if f[i] == '.' {
			return f[i+1:]
		}
	}
	return f
}

// ValidateID checks an ID value as common::validation::validateID does
// (src/common/validation.cpp): not empty, at most NAME_MAX characters, not
// "." or "..", no control characters and no path separators.
func ValidateID(field, id string) error {
	switch {
	case id == "":
		return Invalid(field, "empty value")
	case len(id) > MaxIDLength:
		return Invalid(field, "ID must not be greater than %d characters", MaxIDLength)
	case id == "." || id == "..":
		return Invalid(field, "'%s' is disallowed", id)
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if c < 0x20 || c == 0x7f || c == '/' || c == '\\' {
			return Invalid(field, "'%s' contains invalid characters", id)
		}
	}
	return nil
}

// ValidateUUID checks that b holds the 16 raw bytes of a UUID, as
// id::UUID::fromBytes requires.
func ValidateUUID(field string, b []byte) error {
	if len(b) != UUIDLength {
		return Invalid(field, "not a valid UUID: %d bytes, want %d", len(b), UUIDLength)
	}
	return nil
}

// ValidateCount checks a repeated field's length against MaxRepeated.
func ValidateCount(field string, n int) error {
	if n > MaxRepeated {
		return Invalid(field, "%d items exceed the limit of %d", n, MaxRepeated)
	}
	return nil
}

// ValidateData checks a bytes field's length against MaxDataBytes.
func ValidateData(field string, b []byte) error {
	if len(b) > MaxDataBytes {
		return Invalid(field, "%d bytes exceed the limit of %d", len(b), MaxDataBytes)
	}
	return nil
}

// knowner is an enum type.
type knowner interface {
	IsKnown() bool
	String() string
}

// ValidateEnum checks that an enum value (possibly given as a number in
// JSON) is one Mesos defines.
func ValidateEnum(field string, v knowner) error {
	if !v.IsKnown() {
		return Invalid(field, "unknown value %s", v.String())
	}
	return nil
}
