package tracer

import (
	"errors"
	"reflect"
	"runtime"
	"strconv"
	"testing"

	"github.com/mesoscope/mesoscope/embedded/process"
)

type coded struct{ process.Base }

func (c *coded) handle(process.PID, struct{}) {}

// where returns the file and line runtime reports for the function f.
func where(f any) (string, string, int) {
	pc := reflect.ValueOf(f).Pointer()
	fn := runtime.FuncForPC(pc)
	file, line := fn.FileLine(pc)
	return fn.Name(), file, line
}

// Dispatch spans carry the Go handler: a method value (as process.Install is usually
// given) resolves to the method itself, not its "-fm" wrapper, and closures to
// themselves.
func TestCodeAttributes(t *testing.T) {
	tr, rec := newTestTracer(t)
	rt := newRuntime(t, tr, nil)
	c := &coded{}
	closure := func(process.PID, struct{}) {}
	process.Install(&c.Base, "method", c.handle)
	process.Install(&c.Base, "closure", closure)
	pid, err := rt.Spawn("coded", c)
	if err != nil {
		t.Fatal(err)
	}
	rt.Send(pid, "method", struct{}{})
	rt.Send(pid, "closure", struct{}{})
	rt.Settle()
	flush(t, tr)

	mName, mFile, mLine := where((*coded).handle)
	cName, cFile, cLine := where(closure)
	tests := []struct {
		span, function, file string
		line                 int
	}{
		{"coded method", mName, mFile, mLine},
		{"coded closure", cName, cFile, cLine},
	}
	for _, tt := range tests {
		s := spanNamed(t, rec.Ended(), tt.span)
		got := [3]string{attr(s, AttrCodeFunction), attr(s, AttrCodeFile), attr(s, AttrCodeLine)}
		want := [3]string{tt.function, tt.file, strconv.Itoa(tt.line)}
		if got != want {
			t.Errorf("span %q code.* = %q, want %q", tt.span, got, want)
		}
	}
}

// Without a readable executable, a method value still names its method, without a
// file and line; an unknown PC names nothing.
func TestCodeLocsFallback(t *testing.T) {
	c := newCodeLocs()
	c.exe = func() (string, error) { return "", errors.New("no executable") }
	h := &coded{}
	fm := reflect.ValueOf(h.handle).Pointer()
	name, _, _ := where((*coded).handle)
	got, ok := c.resolve(fm)
	if want := (codeLoc{function: name}); !ok || got != want {
		t.Errorf("resolve(method value) = %+v, %v; want %+v, true", got, ok, want)
	}
	if c.loadErr == nil {
		t.Errorf("loadErr = nil, want the executable's error")
	}
	if got, ok := c.resolve(0); ok {
		t.Errorf("resolve(0) = %+v, true; want nothing", got)
	}
	c.exe = func() (string, error) { return "/dev/null", nil }
	c.loaded = false
	if _, err := c.load(); err == nil {
		t.Errorf("load(/dev/null) = nil error, want one")
	}
}
