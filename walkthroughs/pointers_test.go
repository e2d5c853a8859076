package walkthroughs

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// mesosSource returns a Mesos 1.11.0 source tree to check pointers against:
// $MESOS_SRC, else /work/mesos-1.11.0, or "" when neither exists.
func mesosSource() string {
	for _, dir := range []string{os.Getenv("MESOS_SRC"), "/work/mesos-1.11.0"} {
		if dir == "" {
			continue
		}
		if st, err := os.Stat(filepath.Join(dir, "src", "master", "master.cpp")); err == nil && !st.IsDir() {
			return dir
		}
	}
	return ""
}

// TestPointersGo checks every pointer's Go side: the file exists in this module and
// declares the function or method.
func TestPointersGo(t *testing.T) {
	seen := map[string]bool{}
	files := map[string]*ast.File{}
	for _, p := range Pointers() {
		if seen[p.Key] {
			t.Errorf("pointer key %q appears twice", p.Key)
		}
		seen[p.Key] = true
		f := files[p.GoFile]
		if f == nil {
			var err error
			f, err = parser.ParseFile(token.NewFileSet(), filepath.Join("..", filepath.FromSlash(p.GoFile)), nil, parser.SkipObjectResolution)
			if err != nil {
				t.Errorf("pointer %s: %v", p.Key, err)
				continue
			}
			files[p.GoFile] = f
		}
		pkg, recv, name, err := splitGoName(p.Go)
		if err != nil {
			t.Errorf("pointer %s: %v", p.Key, err)
			continue
		}
		if f.Name.Name != pkg {
			t.Errorf("pointer %s: %s is package %s, want %s", p.Key, p.GoFile, f.Name.Name, pkg)
		}
		if !declares(f, recv, name) {
			t.Errorf("pointer %s: %s does not declare %s", p.Key, p.GoFile, p.Go)
		}
	}
}

// splitGoName splits "pkg.Func", "pkg.(*T).M" or "pkg.T.M".
func splitGoName(s string) (pkg, recv, name string, err error) {
	pkg, rest, ok := strings.Cut(s, ".")
	if !ok {
		return "", "", "", &os.PathError{Op: "split", Path: s, Err: os.ErrInvalid}
	}
	if i := strings.LastIndexByte(rest, '.'); i >= 0 {
		recv, name = rest[:i], rest[i+1:]
		recv = strings.TrimSuffix(strings.TrimPrefix(recv, "(*"), ")")
		return pkg, recv, name, nil
	}
	return pkg, "", rest, nil
}

// declares reports whether f declares func name, or method name on type recv (pointer
// or value receiver, generic or not).
func declares(f *ast.File, recv, name string) bool {
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Name.Name != name {
			continue
		}
		if recv == "" {
			if fd.Recv == nil {
				return true
			}
			continue
		}
		if fd.Recv == nil || len(fd.Recv.List) != 1 {
			continue
		}
		if receiverType(fd.Recv.List[0].Type) == recv {
			return true
		}
	}
	return false
}

func receiverType(e ast.Expr) string {
	switch x := e.(type) {
	case *ast.StarExpr:
		return receiverType(x.X)
	case *ast.IndexExpr:
		return receiverType(x.X)
	case *ast.IndexListExpr:
		return receiverType(x.X)
	case *ast.Ident:
		return x.Name
	}
	return ""
}

// TestPointersMesos checks every pointer's Mesos side against a Mesos 1.11.0 checkout:
// the file exists and contains the function's definition.
func TestPointersMesos(t *testing.T) {
	root := mesosSource()
	if root == "" {
		t.Skip("no Mesos 1.11.0 source tree (set MESOS_SRC, or unpack it at /work/mesos-1.11.0): Mesos pointers not checked")
	}
	for _, p := range Pointers() {
		if p.Project != "" {
			// Marathon's source is not at hand: the path is part of the reviewed table.
			if !strings.HasPrefix(p.MesosFile, "src/main/scala/mesosphere/") || !strings.HasSuffix(p.MesosFile, ".scala") {
				t.Errorf("pointer %s: %s is not a path in mesosphere/marathon's source", p.Key, p.MesosFile)
			}
			continue
		}
		ex, err := FindExcerpt(root, p, 3)
		if err != nil {
			t.Errorf("pointer %s: %v", p.Key, err)
			continue
		}
		if !strings.Contains(strings.Join(ex.Lines, "\n"), strings.SplitN(p.match(), "\n", 2)[0]) {
			t.Errorf("pointer %s: excerpt %s does not show %q", p.Key, ex, p.match())
		}
	}
}

// TestPointersUsed checks that every "where" in the tours names a pointer of the table
// and that every pointer is shown by some tour.
func TestPointersUsed(t *testing.T) {
	used := map[string]bool{}
	for _, name := range TourNames() {
		s, err := LoadTour(name)
		if err != nil {
			t.Fatal(err)
		}
		for i := range s.Steps {
			for _, c := range s.Steps[i].Commands() {
				if c.Name != "where" {
					continue
				}
				for _, k := range bareArgs(c) {
					if _, ok := LookupPointer(k); !ok {
						t.Errorf("%s: where %s: not in Pointers()", c.Pos, k)
					}
					used[k] = true
				}
			}
		}
	}
	for _, k := range pointerKeys() {
		if !used[k] {
			t.Errorf("pointer %s is not shown by any tour", k)
		}
	}
}

func TestWhereCmd(t *testing.T) {
	got, err := whereCmd(&Command{Name: "where", Args: []Arg{{Key: "process.spawn"}}})
	want := "mesoscope  process.(*Runtime).Spawn  (embedded/process/runtime.go)\nMesos      ProcessManager::spawn  (3rdparty/libprocess/src/process.cpp)"
	if err != nil || got != want {
		t.Errorf("whereCmd(process.spawn) = %q, %v, want %q", got, err, want)
	}
	if _, err := whereCmd(&Command{Name: "where", Args: []Arg{{Key: "nope"}}}); err == nil || !strings.Contains(err.Error(), "unknown pointer") {
		t.Errorf("whereCmd(nope) error = %v, want unknown pointer", err)
	}
	if _, err := whereCmd(&Command{Name: "where"}); err == nil {
		t.Error("whereCmd() with no keys = nil error, want one")
	}
}
