package walkthroughs

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var rewrite = flag.Bool("rewrite", false, "rewrite the expected outputs in tours/*.txt")

// TestWalkthroughs replays every tour in every language and fails when a command's
// output differs from the one recorded in the script (run with -rewrite to record
// the new outputs, then review the diff).
func TestWalkthroughs(t *testing.T) {
	for _, name := range TourNames() {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join("tours", name+".txt")
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			script, err := ParseScript(name, data)
			if err != nil {
				t.Fatal(err)
			}
			var first map[*Command]string
			for _, lang := range Langs() {
				outputs := playAll(t, script, lang)
				if first == nil {
					first = outputs
					continue
				}
				for c, out := range outputs {
					if first[c] != out {
						t.Errorf("%s: output in %s differs from the one in %s:\n%s\nwant\n%s", c.Pos, lang, Langs()[0], out, first[c])
					}
				}
			}
			if *rewrite {
				if err := os.WriteFile(path, script.Rewrite(first), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			for i := range script.Steps {
				for _, c := range script.Steps[i].Commands() {
					if got := first[c]; got != c.Expected {
						t.Errorf("%s: %s: output\n%s\nwant\n%s", c.Pos, c.Text, got, c.Expected)
					}
				}
			}
		})
	}
}

// playAll plays every step of a tour in one language and returns the outputs.
func playAll(t *testing.T, script *Script, lang Lang) map[*Command]string {
	t.Helper()
	p := NewPlayer(script, PlayerOptions{Lang: lang, Shim: testShim})
	defer func() {
		if err := p.Close(); err != nil {
			t.Errorf("Close() = %v, want nil", err)
		}
	}()
	for i := range script.Steps {
		text, err := p.Step(i)
		if err != nil {
			t.Fatalf("Step(%d) = %v", i, err)
		}
		title := script.Steps[i].Title[lang]
		if !strings.Contains(text, title) {
			t.Errorf("%s step %d in %s does not show its title %q", script.Name, i+1, lang, title)
		}
	}
	return p.Outputs()
}
