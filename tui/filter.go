package tui

import (
	"fmt"
	"regexp"
	"strings"
)

// filter is a compiled `/` filter: a case-insensitive regular expression, or
// with a leading "!" its inverse (k9s's "/!fred"). Text that is not a valid
// expression matches as a plain substring, so typing "web[" mid-word still
// narrows the list instead of showing nothing.
type filter struct {
	text    string
	re      *regexp.Regexp
	literal string // lowercased, when re is nil
	invert  bool
	// err says why the text was taken literally.
	err error
}

// maxFilterLen bounds a filter's text: regexp compilation is linear in it, but
// a pasted megabyte should not stall the renderer.
const maxFilterLen = 1024

// compileFilter compiles a filter; "" (or a lone "!") gives nil, which matches
// everything.
func compileFilter(text string) *filter {
	if len(text) > maxFilterLen {
		text = text[:maxFilterLen]
	}
	f := &filter{text: text}
	expr := text
	if strings.HasPrefix(expr, "!") {
		f.invert = true
		expr = strings.TrimPrefix(expr, "!")
	}
	expr = strings.TrimSpace(expr)
	if expr == "" {
		return nil
	}
	re, err := regexp.Compile("(?i)" + expr)
	if err != nil {
		f.literal = strings.ToLower(expr)
		f.err = fmt.Errorf("filter %q: not a regular expression, matching it as text: %w", text, err)
		return f
	}
	f.re = re
	return f
}

// match reports whether s passes the filter.
func (f *filter) match(s string) bool {
	if f == nil {
		return true
	}
	return f.hit(s) != f.invert
}

// hit reports whether s matches the filter's text, ignoring the inversion.
func (f *filter) hit(s string) bool {
	if f.re != nil {
		return f.re.MatchString(s)
	}
	return strings.Contains(strings.ToLower(s), f.literal)
}
