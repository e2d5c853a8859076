package walkthroughs

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// ErrNotFound is wrapped when a Mesos file or function cannot be found.
var ErrNotFound = errors.New("not found")

// maxSourceBytes bounds a Mesos source file read for an excerpt (master.cpp is about
// 400 KB).
const maxSourceBytes = 8 << 20

// Excerpt is a few lines of a Mesos source file.
type Excerpt struct {
	// File is the path relative to the Mesos root.
	File string
	// Start is the 1-based number of the first line.
	Start int
	// Lines are the lines, without newlines.
	Lines []string
}

// String renders the excerpt with line numbers.
func (e Excerpt) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s:%d", e.File, e.Start)
	for i, l := range e.Lines {
		fmt.Fprintf(&b, "\n%6d | %s", e.Start+i, strings.ReplaceAll(l, "\t", "  "))
	}
	return b.String()
}

// FindExcerpt reads the pointer's file from a Mesos source tree at root and returns
// n lines starting at the definition of its function: the first occurrence of its
// match text that is not in a comment, not followed by more of an identifier, and not
// a declaration ending in ";".
func FindExcerpt(root string, p Pointer, n int) (Excerpt, error) {
	path := filepath.Join(root, filepath.FromSlash(p.MesosFile))
	st, err := os.Stat(path)
	if err != nil {
		return Excerpt{}, fmt.Errorf("walkthroughs: excerpt %s: %w", p.Key, err)
	}
	if st.Size() > maxSourceBytes {
		return Excerpt{}, fmt.Errorf("walkthroughs: excerpt %s: %s is %d bytes, more than %d", p.Key, p.MesosFile, st.Size(), maxSourceBytes)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return Excerpt{}, fmt.Errorf("walkthroughs: excerpt %s: %w", p.Key, err)
	}
	ex, ok := findDefinition(string(data), p.match(), n)
	if !ok {
		return Excerpt{}, fmt.Errorf("walkthroughs: excerpt %s: %q in %s: %w", p.Key, p.match(), p.MesosFile, ErrNotFound)
	}
	ex.File = p.MesosFile
	return ex, nil
}

// findDefinition locates match in text as described at FindExcerpt.
func findDefinition(text, match string, n int) (Excerpt, bool) {
	if match == "" {
		return Excerpt{}, false
	}
	text = strings.ReplaceAll(text, "\r\n", "\n")
	for from := 0; from < len(text); {
		i := strings.Index(text[from:], match)
		if i < 0 {
			return Excerpt{}, false
		}
		at := from + i
		from = at + len(match)
		if from < len(text) && isIdent(text[from]) && isIdent(match[len(match)-1]) {
			continue // "Master::offer" inside "Master::offerTimeout"
		}
		lineStart := strings.LastIndexByte(text[:at], '\n') + 1
		prefix := strings.TrimSpace(text[lineStart:at])
		if strings.HasPrefix(prefix, "//") || strings.HasPrefix(prefix, "*") || strings.HasPrefix(prefix, "/*") {
			continue
		}
		lineEnd := strings.IndexByte(text[at:], '\n')
		line := text[at:]
		if lineEnd >= 0 {
			line = text[at : at+lineEnd]
		}
		if strings.HasSuffix(strings.TrimSpace(line), ";") {
			continue // a declaration or a call
		}
		start := strings.Count(text[:lineStart], "\n") + 1
		lines := strings.Split(text[lineStart:], "\n")
		if len(lines) > n {
			lines = lines[:n]
		}
		return Excerpt{Start: start, Lines: lines}, true
	}
	return Excerpt{}, false
}

func isIdent(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
