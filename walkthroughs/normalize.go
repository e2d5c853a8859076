package walkthroughs

import (
	"regexp"
	"strings"
	"time"
)

// timestamp matches the RFC 3339 times the renderers print (inspector.FormatTime,
// allocator.Describe).
var timestamp = regexp.MustCompile(`\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})`)

// normalize makes a command's output independent of when the tour runs: every
// timestamp becomes its offset from the start of the tour's world ("T+1.5s"), and
// trailing spaces go (they would not survive an editor).
func (s *Session) normalize(out string) string {
	if len(s.repl) > 0 {
		out = strings.NewReplacer(s.repl...).Replace(out)
	}
	if s.labels != nil {
		out = s.labels.replace(out)
	}
	if !s.t0.IsZero() {
		out = timestamp.ReplaceAllStringFunc(out, func(m string) string {
			t, err := time.Parse(time.RFC3339Nano, m)
			if err != nil {
				return m
			}
			// Offsets are truncated to milliseconds from the world's start truncated to
			// milliseconds: a runtime's paused clock starts at an arbitrary instant, and
			// some renderers (Marathon's) print milliseconds only.
			return formatOffset(t.Sub(s.t0.Truncate(time.Millisecond)).Truncate(time.Millisecond))
		})
	}
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t")
	}
	return strings.Join(lines, "\n")
}

// formatOffset renders a duration from the start of the world: "T+0s", "T+1.5s",
// "T-2s".
func formatOffset(d time.Duration) string {
	if d < 0 {
		return "T-" + (-d).String()
	}
	return "T+" + d.String()
}
