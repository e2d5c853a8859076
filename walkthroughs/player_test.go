package walkthroughs

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const playerScript = `#tour en: Tiny
#tour ja: ちいさな

#step en: One
#step ja: いち
#en English one.
#ja 日本語のいち。

runtime workers=2
----
runtime at 127.0.0.1:5050 with 2 workers (libprocess would start max(8, cpus))
actor __processes__ queue 0
actor help queue 0
actor mesoscope queue 0
actor metrics queue 0

where process.new
----
mesoscope  process.New  (embedded/process/runtime.go)
Mesos      process::initialize  (3rdparty/libprocess/src/process.cpp)

#step en: Two
#step ja: に
#en English two.
#ja 日本語のに。

spawn a
----
spawned a@127.0.0.1:5050
a: initialize()

where process.spawn
----
mesoscope  process.(*Runtime).Spawn  (embedded/process/runtime.go)
Mesos      ProcessManager::spawn  (3rdparty/libprocess/src/process.cpp)

#step en: Three
#step ja: さん
#en English three.
#ja 日本語のさん。

send a ping
----
recorded output that the code no longer gives

where process.send
----
mesoscope  process.(*Base).Send  (embedded/process/base.go)
Mesos      ProcessBase::send  (3rdparty/libprocess/src/process.cpp)
`

func newTestPlayer(t *testing.T, opts PlayerOptions) *Player {
	t.Helper()
	s, err := ParseScript("tiny", []byte(playerScript))
	if err != nil {
		t.Fatal(err)
	}
	p := NewPlayer(s, opts)
	t.Cleanup(func() {
		if err := p.Close(); err != nil {
			t.Errorf("Close() = %v", err)
		}
	})
	return p
}

func TestWalk(t *testing.T) {
	tests := []struct {
		name        string
		lang        Lang
		opt         WalkOptions
		keys        string
		wantErr     error
		wantSteps   []int    // Progress calls
		wantIn      []string // substrings of the output
		wantNotIn   []string
		wantDrifted int
	}{
		{
			name: "all steps", lang: English, opt: WalkOptions{},
			wantSteps: []int{1, 2, 3},
			wantIn:    []string{"Tiny\n====", "── 1/3  One ", "English one.", "$ spawn a\n  spawned a@127.0.0.1:5050", "(this differs from the output recorded in tiny.txt:"},
			wantNotIn: []string{"日本語", "[Enter]"}, wantDrifted: 1,
		},
		{
			name: "japanese from step 2", lang: Japanese, opt: WalkOptions{From: 2},
			wantSteps: []int{2, 3},
			wantIn:    []string{"ちいさな", "(running steps 1 to 1 first…)", "── 2/3  に ", "日本語のに。", "コードの場所"},
			wantNotIn: []string{"English", "── 1/3"}, wantDrifted: 1,
		},
		{
			name: "interactive back and quit", lang: English, opt: WalkOptions{Interactive: true},
			keys:      "\nb\n\nq\n",
			wantErr:   ErrQuit,
			wantSteps: []int{1, 2, 1, 2},
			wantIn:    []string{"[Enter] next · b back · q quit > ", "(going back shows the step again"},
			wantNotIn: []string{"── 3/3"},
		},
		{
			name: "interactive to the end", lang: English, opt: WalkOptions{Interactive: true},
			keys: "\n\n", wantSteps: []int{1, 2, 3}, wantIn: []string{"(end of the tour)"}, wantDrifted: 1,
		},
		{
			name: "interactive end of input", lang: English, opt: WalkOptions{Interactive: true},
			keys: "", wantErr: ErrQuit, wantSteps: []int{1},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := newTestPlayer(t, PlayerOptions{Lang: tc.lang})
			var steps []int
			tc.opt.Progress = func(n int) { steps = append(steps, n) }
			var out strings.Builder
			err := Walk(context.Background(), p, strings.NewReader(tc.keys), &out, tc.opt)
			if !errors.Is(err, tc.wantErr) {
				t.Errorf("Walk() error = %v, want %v", err, tc.wantErr)
			}
			if !slices.Equal(steps, tc.wantSteps) {
				t.Errorf("Walk() progress = %v, want %v", steps, tc.wantSteps)
			}
			for _, s := range tc.wantIn {
				if !strings.Contains(out.String(), s) {
					t.Errorf("Walk() output does not contain %q:\n%s", s, out.String())
				}
			}
			for _, s := range tc.wantNotIn {
				if strings.Contains(out.String(), s) {
					t.Errorf("Walk() output contains %q:\n%s", s, out.String())
				}
			}
			if got := p.Drifted(); got != tc.wantDrifted {
				t.Errorf("Drifted() = %d, want %d", got, tc.wantDrifted)
			}
		})
	}
}

func TestWalkErrors(t *testing.T) {
	p := newTestPlayer(t, PlayerOptions{})
	if err := Walk(context.Background(), p, strings.NewReader(""), &strings.Builder{}, WalkOptions{From: 4}); err == nil || !strings.Contains(err.Error(), "has 3 steps") {
		t.Errorf("Walk(From: 4) error = %v, want one saying the tour has 3 steps", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Walk(ctx, p, strings.NewReader(""), &strings.Builder{}, WalkOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Walk(canceled) error = %v, want context.Canceled", err)
	}
	if _, err := p.Step(3); err == nil {
		t.Error("Step(3) of a 3-step tour = nil error, want one")
	}
}

// TestPlayerMesosSrc checks that a "where" prints the Mesos source lines under each
// pointer when a source tree is given.
func TestPlayerMesosSrc(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "3rdparty", "libprocess", "src")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	src := "// process.cpp\nbool initialize(\n    const Option<string>& delegate)\n{\n}\n"
	if err := os.WriteFile(filepath.Join(dir, "process.cpp"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	p := newTestPlayer(t, PlayerOptions{MesosSrc: root})
	text, err := p.Step(0)
	if err != nil {
		t.Fatal(err)
	}
	want := "  Mesos      process::initialize  (3rdparty/libprocess/src/process.cpp)\n    3rdparty/libprocess/src/process.cpp:2\n         2 | bool initialize("
	if !strings.Contains(text, want) {
		t.Errorf("Step(0) with MesosSrc does not contain %q:\n%s", want, text)
	}
	text, err = p.Step(1)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, "(walkthroughs: excerpt process.spawn:") {
		t.Errorf("Step(1) with a missing Mesos function does not say so:\n%s", text)
	}
}

func TestDisplayWidth(t *testing.T) {
	for _, tc := range []struct {
		s    string
		want int
	}{{"abc", 3}, {"日本", 4}, {"a―b", 3}, {"ＡＢ", 4}} {
		if got := displayWidth(tc.s); got != tc.want {
			t.Errorf("displayWidth(%q) = %d, want %d", tc.s, got, tc.want)
		}
	}
}
