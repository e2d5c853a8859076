package containerizer

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxContainerIDLength is the longest ContainerID.value Mesos accepts
// (src/slave/constants.hpp MAX_CONTAINER_ID_LENGTH).
const MaxContainerIDLength = 242

// maxNameLength is NAME_MAX, which common::validation::validateID also applies.
const maxNameLength = 255

// ContainerID names a container. A nested container (task groups, debug
// containers) has a Parent; the root of the chain is the top-level container.
// It models include/mesos/mesos.proto ContainerID and marshals to the same JSON:
// {"value":"child","parent":{"value":"root"}}.
type ContainerID struct {
	Value  string       `json:"value"`
	Parent *ContainerID `json:"parent,omitempty"`
}

// NewContainerID returns a top-level container ID.
func NewContainerID(value string) ContainerID { return ContainerID{Value: value} }

// Child returns the ID of a container nested under id.
func (id ContainerID) Child(value string) ContainerID {
	p := id.clone()
	return ContainerID{Value: value, Parent: &p}
}

// HasParent reports whether id names a nested container.
func (id ContainerID) HasParent() bool { return id.Parent != nil }

// Root returns the top-level container of id's chain (id itself when it has
// no parent). Models src/common/protobuf_utils.cpp getRootContainerId.
func (id ContainerID) Root() ContainerID {
	for id.Parent != nil {
		id = *id.Parent
	}
	return ContainerID{Value: id.Value}
}

// Chain returns the values from the root to id, e.g. ["root","child"].
func (id ContainerID) Chain() []string {
	n := 1
	for p := id.Parent; p != nil; p = p.Parent {
		n++
	}
	out := make([]string, n)
	cur := &id
	for i := n - 1; i >= 0; i-- {
		out[i] = cur.Value
		cur = cur.Parent
	}
	return out
}

// String renders id the way Mesos does (src/common/type_utils.cpp
// operator<<): parent values and the value joined by ".", e.g. "root.child".
// This is also the container's canonical text rendering.
func (id ContainerID) String() string {
	if id.Parent == nil {
		return id.Value
	}
	return id.Parent.String() + "." + id.Value
}

// Equal reports whether id and other name the same container.
func (id ContainerID) Equal(other ContainerID) bool {
	a, b := &id, &other
	for a != nil && b != nil {
		if a.Value != b.Value {
			return false
		}
		a, b = a.Parent, b.Parent
	}
	return a == nil && b == nil
}

func (id ContainerID) clone() ContainerID {
	out := ContainerID{Value: id.Value}
	if id.Parent != nil {
		p := id.Parent.clone()
		out.Parent = &p
	}
	return out
}

// ErrInvalidContainerID is wrapped by every ContainerID validation error.
var ErrInvalidContainerID = errors.New("invalid container id")

// Validate applies Mesos's rules (src/slave/validation.cpp
// container::validateContainerId and common::validation::validateID): the
// value is non-empty, at most 242 bytes, not "." or "..", and holds no control
// characters, '/', '\\', '.' or ' '. Parents are validated recursively. We
// also require valid UTF-8, which JSON (and protobuf strings) need.
func (id ContainerID) Validate() error {
	if err := validateIDValue(id.Value); err != nil {
		return err
	}
	if id.Parent != nil {
		if err := id.Parent.Validate(); err != nil {
			return fmt.Errorf("'ContainerID.parent' is invalid: %w", err)
		}
	}
	return nil
}

func validateIDValue(v string) error {
	switch {
	case v == "":
		return fmt.Errorf("%w: ID must not be empty", ErrInvalidContainerID)
	case len(v) > maxNameLength:
		return fmt.Errorf("%w: ID must not be greater than %d characters", ErrInvalidContainerID, maxNameLength)
	case v == "." || v == "..":
		return fmt.Errorf("%w: %q is disallowed", ErrInvalidContainerID, v)
	case !utf8.ValidString(v):
		return fmt.Errorf("%w: %q is not valid UTF-8", ErrInvalidContainerID, v)
	case len(v) > MaxContainerIDLength:
		return fmt.Errorf("%w: 'ContainerID.value' %q exceeds the maximum length (%d)", ErrInvalidContainerID, v, MaxContainerIDLength)
	}
	for _, r := range v {
		if r < 0x20 || r == 0x7f || r == '/' || r == '\\' {
			return fmt.Errorf("%w: %q contains invalid characters", ErrInvalidContainerID, v)
		}
		if r == '.' || r == ' ' {
			return fmt.Errorf("%w: 'ContainerID.value' %q contains invalid characters", ErrInvalidContainerID, v)
		}
	}
	return nil
}

// ParseContainerID parses the dotted rendering produced by String.
func ParseContainerID(s string) (ContainerID, error) {
	parts := strings.Split(s, ".")
	var id *ContainerID
	for _, p := range parts {
		next := ContainerID{Value: p, Parent: id}
		id = &next
	}
	if err := id.Validate(); err != nil {
		return ContainerID{}, fmt.Errorf("containerizer: parse container id %q: %w", s, err)
	}
	return *id, nil
}

// UnmarshalJSON decodes Mesos's JSON shape and rejects an object without a value.
func (id *ContainerID) UnmarshalJSON(b []byte) error {
	type plain ContainerID
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return fmt.Errorf("containerizer: decode container id: %w", err)
	}
	if p.Value == "" {
		return fmt.Errorf("containerizer: decode container id: missing required field 'value'")
	}
	*id = ContainerID(p)
	return nil
}
