package walkthroughs

import (
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const miniScript = `# a comment
#tour en: Mini
#tour ja: ミニ

#en An intro.
#ja 導入。

#step en: First
#step ja: 最初
#en One line
#en continues.
#en
#en A second paragraph.
#ja 一行目
#ja 続き。

spawn a b
----
spawned a
spawned b

where process.spawn
----
x

#step en: Second
#step ja: 二番目
#en Text.
#ja 本文。

processes raw key="a b"
----
----
with

blank line
----
----

where process.resume
----
`

func TestParseScript(t *testing.T) {
	s, err := ParseScript("mini", []byte(miniScript))
	if err != nil {
		t.Fatalf("ParseScript() error = %v", err)
	}
	if diff := cmp.Diff(map[Lang]string{English: "Mini", Japanese: "ミニ"}, s.Title); diff != "" {
		t.Errorf("Title (-want +got):\n%s", diff)
	}
	if got, want := len(s.Steps), 2; got != want {
		t.Fatalf("len(Steps) = %d, want %d", got, want)
	}
	first := s.Steps[0]
	if diff := cmp.Diff(map[Lang]string{English: "First", Japanese: "最初"}, first.Title); diff != "" {
		t.Errorf("Steps[0].Title (-want +got):\n%s", diff)
	}
	wantParas := map[Lang][][]string{
		English:  {{"One line", "continues."}, {"A second paragraph."}},
		Japanese: {{"一行目", "続き。"}},
	}
	if diff := cmp.Diff(wantParas, first.Items[0].Narration.Paragraphs); diff != "" {
		t.Errorf("Steps[0] narration (-want +got):\n%s", diff)
	}
	cmds := first.Commands()
	if got := cmds[0]; got.Name != "spawn" || got.Expected != "spawned a\nspawned b" || got.Pos != "mini.txt:17" {
		t.Errorf("Steps[0].Commands()[0] = %+v, want spawn with two lines at mini.txt:17", got)
	}
	second := s.Steps[1].Commands()[0]
	wantArgs := []Arg{{Key: "raw"}, {Key: "key", Value: "a b", HasValue: true}}
	if diff := cmp.Diff(wantArgs, second.Args); diff != "" {
		t.Errorf("args (-want +got):\n%s", diff)
	}
	if got, want := second.Expected, "with\n\nblank line"; got != want {
		t.Errorf("fenced Expected = %q, want %q", got, want)
	}
	if s.Steps[1].Commands()[1].Expected != "" {
		t.Errorf("empty output at end of file = %q, want empty", s.Steps[1].Commands()[1].Expected)
	}
}

func TestParseScriptErrors(t *testing.T) {
	head := "#tour en: T\n#tour ja: T\n"
	step := "#step en: S\n#step ja: S\n#en e\n#ja j\n"
	tests := []struct {
		name, script, want string
	}{
		{"no titles", "#step en: S\n", `no "#tour en:" title`},
		{"no steps", head, "no steps"},
		{"command before step", head + "where x\n----\n", "before the first #step"},
		{"no separator", head + step + "where x\nmore\n", `want "----"`},
		{"unclosed fence", head + step + "where x\n----\n----\nout\n", "not closed"},
		{"missing ja", head + "#step en: S\n#step ja: S\n#en only english\nwhere x\n----\n", "no ja lines beside it"},
		{"missing en title", head + "#step ja: S\n#en e\n#ja j\nwhere x\n----\n", "has no en title"},
		{"no where", head + step + "spawn a\n----\n", `no "where" command`},
		{"no narration", head + "#step en: S\n#step ja: S\nwhere x\n----\n", "has no narration"},
		{"bad directive", head + "#step fr: S\n", `want "#step <en|ja>: <title>"`},
		{"empty title", head + "#step en:   \n", "empty title"},
		{"tour twice", head + "#tour en: again\n", "given twice"},
		{"tour late", head + step + "where x\n----\n\n#tour en: late\n", "after the first step"},
		{"unterminated quote", head + step + "where \"x\n----\n", "unterminated quote"},
		{"empty key", head + step + "where =x\n----\n", "empty key"},
		{"bad utf8", "\xff", "not UTF-8"},
		{"two intros", head + "#en a\n#ja b\n\nwhere\n----\n", "before the first #step"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseScript("bad", []byte(tc.script))
			if err == nil {
				t.Fatalf("ParseScript(%q) = nil error, want one containing %q", tc.script, tc.want)
			}
			if !errors.Is(err, ErrSyntax) {
				t.Errorf("ParseScript(%q) error = %v, want it to wrap ErrSyntax", tc.script, err)
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "walkthroughs: parse bad") {
				t.Errorf("ParseScript(%q) error = %q, want it to start with the operation and contain %q", tc.script, err, tc.want)
			}
		})
	}
}

func TestRewrite(t *testing.T) {
	s, err := ParseScript("mini", []byte(miniScript))
	if err != nil {
		t.Fatal(err)
	}
	if got := string(s.Rewrite(nil)); got != miniScript {
		t.Errorf("Rewrite(nil) changed the script:\n%s\nwant\n%s", got, miniScript)
	}
	cmds := append(s.Steps[0].Commands(), s.Steps[1].Commands()...)
	outputs := map[*Command]string{
		cmds[0]: "one",
		cmds[1]: "two\n\nthree", // now needs a fence
		cmds[2]: "plain",        // no longer needs one
		cmds[3]: "  indented",
	}
	again, err := ParseScript("mini", s.Rewrite(outputs))
	if err != nil {
		t.Fatalf("ParseScript(Rewrite()) error = %v", err)
	}
	var got []string
	for i := range again.Steps {
		for _, c := range again.Steps[i].Commands() {
			got = append(got, c.Expected)
		}
	}
	want := []string{"one", "two\n\nthree", "plain", "  indented"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("outputs after Rewrite (-want +got):\n%s", diff)
	}
}

func TestParseLang(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    Lang
		wantErr bool
	}{{"en", English, false}, {"ja", Japanese, false}, {"fr", "", true}, {"", "", true}} {
		got, err := ParseLang(tc.in)
		if got != tc.want || (err != nil) != tc.wantErr {
			t.Errorf("ParseLang(%q) = %q, %v, want %q (error %t)", tc.in, got, err, tc.want, tc.wantErr)
		}
	}
}

// TestTours checks that every shipped tour parses, has 8 to 20 steps, and that every
// "where" names a known pointer.
func TestTours(t *testing.T) {
	tours, err := Tours()
	if err != nil {
		t.Fatalf("Tours() error = %v", err)
	}
	if got := len(tours); got != len(TourNames()) {
		t.Fatalf("len(Tours()) = %d, want %d", got, len(TourNames()))
	}
	for _, tour := range tours {
		if tour.Steps < 8 || tour.Steps > 20 {
			t.Errorf("tour %s has %d steps, want 8 to 20", tour.Name, tour.Steps)
		}
	}
	if _, err := LoadTour("nope"); !errors.Is(err, ErrUnknownTour) {
		t.Errorf("LoadTour(%q) error = %v, want ErrUnknownTour", "nope", err)
	}
}
