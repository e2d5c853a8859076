package walkthroughs

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// maxProgressBytes bounds the progress file.
const maxProgressBytes = 1 << 20

// Progress remembers, per tour, the last step shown, in a small JSON file under the
// user's configuration directory, so `mesoscope walk NAME --from N` can be suggested.
type Progress struct {
	// Path is the file.
	Path string
}

// progressFile is the file's JSON shape.
type progressFile struct {
	Tours map[string]int `json:"tours"`
}

// DefaultProgressPath returns $XDG_CONFIG_HOME/mesoscope/walk.json, or
// $HOME/.config/mesoscope/walk.json when XDG_CONFIG_HOME is unset or relative (as the
// XDG base directory specification asks). getenv is os.Getenv in production.
func DefaultProgressPath(getenv func(string) string) (string, error) {
	dir := getenv("XDG_CONFIG_HOME")
	if dir == "" || !filepath.IsAbs(dir) {
		home := getenv("HOME")
		if home == "" {
			return "", errors.New("walkthroughs: progress: neither XDG_CONFIG_HOME nor HOME is set")
		}
		dir = filepath.Join(home, ".config")
	}
	return filepath.Join(dir, "mesoscope", "walk.json"), nil
}

// Load returns the last step shown of a tour, or 0.
func (p Progress) Load(tour string) (int, error) {
	f, err := p.read()
	if err != nil {
		return 0, err
	}
	return f.Tours[tour], nil
}

// Save records the last step shown of a tour.
func (p Progress) Save(tour string, step int) error {
	f, err := p.read()
	if err != nil {
		f = progressFile{} // a damaged file is replaced
	}
	if f.Tours == nil {
		f.Tours = map[string]int{}
	}
	f.Tours[tour] = step
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return fmt.Errorf("walkthroughs: progress: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(p.Path), 0o755); err != nil {
		return fmt.Errorf("walkthroughs: progress: %w", err)
	}
	tmp := p.Path + ".tmp"
	if err := os.WriteFile(tmp, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("walkthroughs: progress: %w", err)
	}
	if err := os.Rename(tmp, p.Path); err != nil {
		return fmt.Errorf("walkthroughs: progress: %w", err)
	}
	return nil
}

func (p Progress) read() (progressFile, error) {
	var f progressFile
	st, err := os.Stat(p.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return f, nil
	}
	if err != nil {
		return f, fmt.Errorf("walkthroughs: progress: %w", err)
	}
	if st.Size() > maxProgressBytes {
		return f, fmt.Errorf("walkthroughs: progress: %s is %d bytes, more than %d", p.Path, st.Size(), maxProgressBytes)
	}
	data, err := os.ReadFile(p.Path)
	if err != nil {
		return f, fmt.Errorf("walkthroughs: progress: %w", err)
	}
	if err := json.Unmarshal(data, &f); err != nil {
		return progressFile{}, fmt.Errorf("walkthroughs: progress: %s: %w", p.Path, err)
	}
	for k, v := range f.Tours {
		if v < 0 {
			delete(f.Tours, k)
		}
	}
	return f, nil
}

// LangFromEnv picks the narration language from the locale: Japanese when LC_ALL,
// LC_MESSAGES or LANG (the first one set) starts with "ja", English otherwise.
func LangFromEnv(getenv func(string) string) Lang {
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if s := getenv(v); s != "" {
			if strings.HasPrefix(s, "ja") {
				return Japanese
			}
			return English
		}
	}
	return English
}
