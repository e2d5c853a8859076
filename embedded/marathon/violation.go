package marathon

import (
	"fmt"
	"maps"
	"slices"
	"strings"
)

// Violation is one problem of an app definition: Marathon's JSON-pointer
// path of the field and what is wrong with it.
type Violation struct {
	Path   string   `json:"path"`
	Errors []string `json:"errors"`
}

// ValidationError is an invalid or unsupported app definition, answered
// with 422 Unprocessable Entity and Marathon's {"message": "Object is not
// valid", "details": [...]} body.
type ValidationError struct {
	Details []Violation
}

// Error lists every violation: "marathon: app: /cmd: ...; /container: ...".
func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("marathon: app is not valid")
	for i, v := range e.Details {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(v.Path)
		b.WriteString(": ")
		b.WriteString(strings.Join(v.Errors, ", "))
	}
	return b.String()
}

// violations collects Violations in path order.
type violations map[string][]string

func (v violations) add(path, format string, args ...any) {
	v[path] = append(v[path], fmt.Sprintf(format, args...))
}

func (v violations) err() error {
	if len(v) == 0 {
		return nil
	}
	paths := slices.Sorted(maps.Keys(v))
	e := &ValidationError{}
	for _, p := range paths {
		e.Details = append(e.Details, Violation{Path: p, Errors: v[p]})
	}
	return e
}
