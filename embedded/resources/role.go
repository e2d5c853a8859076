package resources

import (
	"fmt"
	"strings"
)

// DefaultRole is Mesos's "*" role: unreserved resources and frameworks
// that do not name a role.
const DefaultRole = "*"

// roleInvalidChars models INVALID_CHARACTERS in src/common/roles.cpp:
// tab, line feed, vertical tab, form feed, carriage return, space and DEL.
const roleInvalidChars = "\x09\x0a\x0b\x0c\x0d\x20\x7f"

// ValidateRole checks a role name with the rules of roles::validate
// (src/common/roles.cpp): "*" is valid; otherwise no leading, trailing or
// doubled '/', and no path component that is ".", "..", "*", starts with
// '-' or contains whitespace or DEL. The error text is Mesos's message.
func ValidateRole(role string) error {
	if role == DefaultRole {
		return nil
	}
	if strings.HasPrefix(role, "/") {
		return fmt.Errorf("role '%s' cannot start with a slash", role)
	}
	if strings.HasSuffix(role, "/") {
		return fmt.Errorf("role '%s' cannot end with a slash", role)
	}
	if strings.Contains(role, "//") {
		return fmt.Errorf("role '%s' cannot contain two adjacent slashes", role)
	}
	if role == "" {
		return fmt.Errorf("role names cannot be the empty string")
	}
	for component := range strings.SplitSeq(role, "/") {
		switch component {
		case ".":
			return fmt.Errorf("role '%s' cannot include '.' as a component", role)
		case "..":
			return fmt.Errorf("role '%s' cannot include '..' as a component", role)
		case "*":
			return fmt.Errorf("role '%s' cannot include '*' as a component", role)
		}
		if strings.HasPrefix(component, "-") {
			return fmt.Errorf("role component '%s' is invalid because it starts with a dash", component)
		}
		if strings.ContainsAny(component, roleInvalidChars) {
			return fmt.Errorf("role component '%s' is invalid because it contains backspace or whitespace", component)
		}
	}
	return nil
}

// IsStrictSubroleOf reports whether left is a proper descendant of right
// in the role tree ("a/b" of "a"), as roles::isStrictSubroleOf.
func IsStrictSubroleOf(left, right string) bool {
	return len(left) > len(right) && left[len(right)] == '/' &&
		strings.HasPrefix(left, right)
}

// RoleAncestors returns the ancestors of role from nearest to farthest
// ("a/b/c" → ["a/b", "a"]), as roles::ancestors.
func RoleAncestors(role string) []string {
	var out []string
	for i := len(role) - 1; i >= 0; i-- {
		if role[i] == '/' {
			out = append(out, role[:i])
		}
	}
	return out
}
