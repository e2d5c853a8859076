package walkthroughs

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFindDefinition(t *testing.T) {
	const src = `// Master::offer is called by the allocator.
void Master::offerTimeout(const OfferID& offerId)
{
}

void Master::offer(const FrameworkID& frameworkId);

void Master::offer(
    const FrameworkID& frameworkId)
{
  body;
}
`
	tests := []struct {
		match     string
		wantStart int
		wantFirst string
		wantOK    bool
	}{
		{"Master::offer", 8, "void Master::offer(", true}, // not the comment, not offerTimeout, not the declaration
		{"Master::offerTimeout", 2, "void Master::offerTimeout(const OfferID& offerId)", true},
		{"void Master::offer(\n    const", 8, "void Master::offer(", true}, // a match over two lines
		{"Master::decline", 0, "", false},
		{"", 0, "", false},
	}
	for _, tc := range tests {
		ex, ok := findDefinition(src, tc.match, 3)
		if ok != tc.wantOK {
			t.Errorf("findDefinition(%q) ok = %t, want %t", tc.match, ok, tc.wantOK)
			continue
		}
		if !ok {
			continue
		}
		if ex.Start != tc.wantStart || ex.Lines[0] != tc.wantFirst || len(ex.Lines) != 3 {
			t.Errorf("findDefinition(%q) = %d %q, want %d %q (3 lines)", tc.match, ex.Start, ex.Lines, tc.wantStart, tc.wantFirst)
		}
	}
}

func TestFindExcerpt(t *testing.T) {
	root := t.TempDir()
	dir := filepath.Join(root, "src", "master")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "master.cpp"), []byte("x\nvoid Master::revive(\n  a)\n{\n}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	p := Pointer{Key: "k", Mesos: "Master::revive", MesosFile: "src/master/master.cpp"}
	ex, err := FindExcerpt(root, p, 2)
	if err != nil {
		t.Fatalf("FindExcerpt() error = %v", err)
	}
	want := Excerpt{File: "src/master/master.cpp", Start: 2, Lines: []string{"void Master::revive(", "  a)"}}
	if diff := cmp.Diff(want, ex); diff != "" {
		t.Errorf("FindExcerpt() (-want +got):\n%s", diff)
	}
	if got, want := ex.String(), "src/master/master.cpp:2\n     2 | void Master::revive(\n     3 |   a)"; got != want {
		t.Errorf("Excerpt.String() = %q, want %q", got, want)
	}
	p.Mesos = "Master::decline"
	if _, err := FindExcerpt(root, p, 2); !errors.Is(err, ErrNotFound) {
		t.Errorf("FindExcerpt(missing function) error = %v, want ErrNotFound", err)
	}
	p.MesosFile = "src/nope.cpp"
	if _, err := FindExcerpt(root, p, 2); err == nil || !strings.Contains(err.Error(), "excerpt k") {
		t.Errorf("FindExcerpt(missing file) error = %v, want one naming the pointer", err)
	}
}
