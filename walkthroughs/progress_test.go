package walkthroughs

import (
	"os"
	"path/filepath"
	"testing"
)

func TestDefaultProgressPath(t *testing.T) {
	tests := []struct {
		env     map[string]string
		want    string
		wantErr bool
	}{
		{map[string]string{"XDG_CONFIG_HOME": "/xdg", "HOME": "/home/u"}, "/xdg/mesoscope/walk.json", false},
		{map[string]string{"XDG_CONFIG_HOME": "relative", "HOME": "/home/u"}, "/home/u/.config/mesoscope/walk.json", false},
		{map[string]string{"HOME": "/home/u"}, "/home/u/.config/mesoscope/walk.json", false},
		{map[string]string{}, "", true},
	}
	for _, tc := range tests {
		got, err := DefaultProgressPath(func(k string) string { return tc.env[k] })
		if got != filepath.FromSlash(tc.want) || (err != nil) != tc.wantErr {
			t.Errorf("DefaultProgressPath(%v) = %q, %v, want %q (error %t)", tc.env, got, err, tc.want, tc.wantErr)
		}
	}
}

func TestProgress(t *testing.T) {
	p := Progress{Path: filepath.Join(t.TempDir(), "sub", "walk.json")}
	if n, err := p.Load("drf"); n != 0 || err != nil {
		t.Errorf("Load() before any Save = %d, %v, want 0, nil", n, err)
	}
	for _, s := range []struct {
		tour string
		step int
	}{{"drf", 3}, {"offers", 9}, {"drf", 5}} {
		if err := p.Save(s.tour, s.step); err != nil {
			t.Fatalf("Save(%s, %d) = %v", s.tour, s.step, err)
		}
	}
	for tour, want := range map[string]int{"drf": 5, "offers": 9, "libprocess": 0} {
		if got, err := p.Load(tour); got != want || err != nil {
			t.Errorf("Load(%s) = %d, %v, want %d, nil", tour, got, err, want)
		}
	}
	// A damaged file is an error to Load and is replaced by Save.
	if err := os.WriteFile(p.Path, []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Load("drf"); err == nil {
		t.Error("Load(damaged file) = nil error, want one")
	}
	if err := p.Save("drf", 2); err != nil {
		t.Fatalf("Save over a damaged file = %v", err)
	}
	if got, err := p.Load("drf"); got != 2 || err != nil {
		t.Errorf("Load after repair = %d, %v, want 2, nil", got, err)
	}
}

func TestLangFromEnv(t *testing.T) {
	tests := []struct {
		env  map[string]string
		want Lang
	}{
		{map[string]string{"LANG": "ja_JP.UTF-8"}, Japanese},
		{map[string]string{"LANG": "en_US.UTF-8"}, English},
		{map[string]string{"LC_ALL": "C", "LANG": "ja_JP.UTF-8"}, English},
		{map[string]string{"LC_MESSAGES": "ja_JP", "LANG": "en_US"}, Japanese},
		{map[string]string{}, English},
	}
	for _, tc := range tests {
		if got := LangFromEnv(func(k string) string { return tc.env[k] }); got != tc.want {
			t.Errorf("LangFromEnv(%v) = %q, want %q", tc.env, got, tc.want)
		}
	}
}
