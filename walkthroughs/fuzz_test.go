package walkthroughs

import (
	"slices"
	"strings"
	"testing"
)

// FuzzParseScript: ParseScript never panics, and a script it accepts survives a
// Rewrite with its own outputs: the same steps, commands and outputs parse back.
func FuzzParseScript(f *testing.F) {
	f.Add([]byte(miniScript))
	f.Add([]byte(playerScript))
	for _, name := range TourNames() {
		if data, err := toursFS.ReadFile("tours/" + name + ".txt"); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseScript("fuzz", data)
		if err != nil {
			return
		}
		again, err := ParseScript("fuzz", s.Rewrite(nil))
		if err != nil {
			t.Fatalf("ParseScript(Rewrite(nil)) = %v for %q", err, data)
		}
		if got, want := commandsOf(again), commandsOf(s); !slices.Equal(got, want) {
			t.Fatalf("Rewrite(nil) changed the commands:\n%q\nwant\n%q", got, want)
		}
		for i := range s.Steps {
			if got, want := again.ViewOf(i), s.ViewOf(i); got != want {
				t.Fatalf("Rewrite(nil) changed the view of step %d: %q, want %q", i+1, got, want)
			}
		}
	})
}

// commandsOf lists every command line and expected output of a script.
func commandsOf(s *Script) []string {
	var out []string
	for i := range s.Steps {
		for _, c := range s.Steps[i].Commands() {
			out = append(out, c.Text, c.Expected)
		}
	}
	return out
}

// FuzzFindDefinition: findDefinition never panics, and what it finds starts on the
// line it reports.
func FuzzFindDefinition(f *testing.F) {
	f.Add("void Master::offer(\n  a)\n{\n}\n", "Master::offer", 3)
	f.Add("// Master::offer\nvoid Master::offerTimeout()\n", "Master::offer", 1)
	f.Add("x;\ny(\n", "y", 0)
	f.Fuzz(func(t *testing.T, text, match string, n int) {
		if n < 0 || n > 100 {
			return
		}
		ex, ok := findDefinition(text, match, n)
		if !ok {
			return
		}
		lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
		if ex.Start < 1 || ex.Start > len(lines) {
			t.Fatalf("findDefinition(%q, %q) start %d outside 1..%d", text, match, ex.Start, len(lines))
		}
		if len(ex.Lines) > 0 && ex.Lines[0] != lines[ex.Start-1] {
			t.Fatalf("findDefinition(%q, %q) first line %q, want line %d %q", text, match, ex.Lines[0], ex.Start, lines[ex.Start-1])
		}
	})
}
