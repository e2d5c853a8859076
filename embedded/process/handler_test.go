package process

import (
	"context"
	"net/http/httptest"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/mesoscope/mesoscope/embedded/observe"
)

// handlerObserver records, per event name, the function Dispatch.Handler names at
// DispatchBegin and at DispatchEnd.
type handlerObserver struct {
	observe.Nop
	mu         sync.Mutex
	begin, end map[string]string
}

func (o *handlerObserver) Needs() observe.Needs { return observe.NeedDispatch }

func funcName(pc uintptr) string {
	if pc == 0 {
		return ""
	}
	return runtime.FuncForPC(pc).Name()
}

func (o *handlerObserver) DispatchBegin(d *observe.Dispatch) {
	if d.Process != "h" {
		return
	}
	o.mu.Lock()
	o.begin[d.Name] = funcName(d.Handler)
	o.mu.Unlock()
}

func (o *handlerObserver) DispatchEnd(d *observe.Dispatch) {
	if d.Process != "h" {
		return
	}
	o.mu.Lock()
	o.end[d.Name] = funcName(d.Handler)
	o.mu.Unlock()
}

type handlerProc struct{ Base }

func (p *handlerProc) onMessage(PID, string)           {}
func (p *handlerProc) deferred(int)                    {}
func (p *handlerProc) state(*Request) Response         { return OK(nil, "") }
func (p *handlerProc) slow(*Request) *Future[Response] { return NewFuture(OK(nil, "")) }

// TestDispatchHandler checks that observers get the Go function behind each kind of
// event: the installed handler, the dispatched function (not the runtime's wrapper),
// the deferred function, and the route's function (not RouteFunc's adapter).
func TestDispatchHandler(t *testing.T) {
	obs := &handlerObserver{begin: map[string]string{}, end: map[string]string{}}
	rt := newTestRuntime(t, Config{Workers: 1, Observer: obs})
	p := &handlerProc{}
	Install(&p.Base, "method", p.onMessage)
	Install(&p.Base, "closure", func(PID, string) {})
	p.RouteFunc("/state", "", p.state)
	p.Route("/slow", "", p.slow)
	pid := mustSpawn(t, rt, "h", p)
	srv := httptest.NewServer(rt)
	defer srv.Close()

	rt.Send(pid, "method", "x")
	rt.Send(pid, "closure", "x")
	Do(rt, pid, "do", func() {})
	if _, err := Dispatch(rt, pid, "dispatch", func() (int, error) { return 1, nil }).Await(context.Background()); err != nil {
		t.Fatal(err)
	}
	Defer(&p.Base, "defer", p.deferred)(1)
	rt.Clock().Pause()
	Delay(rt, time.Second, pid, "delay", func() {})
	rt.Clock().Advance(time.Second)
	for _, path := range []string{"/h/state", "/h/slow"} {
		res, err := srv.Client().Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	rt.Settle()

	const pkg = "github.com/mesoscope/mesoscope/embedded/process."
	tests := []struct {
		event, want string
		atBegin     bool
	}{
		{"method", pkg + "(*handlerProc).onMessage-fm", true},
		{"closure", pkg + "TestDispatchHandler.func1", true},
		{"do", pkg + "TestDispatchHandler.func2", true},
		{"dispatch", pkg + "TestDispatchHandler.func3", true},
		{"defer", pkg + "(*handlerProc).deferred-fm", true},
		{"delay", pkg + "TestDispatchHandler.func4", true},
		{"GET /h/state", pkg + "(*handlerProc).state-fm", false},
		{"GET /h/slow", pkg + "(*handlerProc).slow-fm", false},
	}
	obs.mu.Lock()
	defer obs.mu.Unlock()
	for _, tt := range tests {
		name := tt.event
		if got := obs.end[name]; got != tt.want {
			t.Errorf("Dispatch.Handler at DispatchEnd of %q = %q, want %q", name, got, tt.want)
		}
		if got := obs.begin[name]; tt.atBegin && got != tt.want {
			t.Errorf("Dispatch.Handler at DispatchBegin of %q = %q, want %q", name, got, tt.want)
		}
	}
}

// TestDispatchHandlerCostsNothing pins that recording the handler allocates nothing.
func TestDispatchHandlerCostsNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation counts are noisy with -short's parallel load")
	}
	obs := &handlerObserver{begin: map[string]string{}, end: map[string]string{}}
	rt := newTestRuntime(t, Config{Workers: 1, Observer: obs})
	p := &handlerProc{}
	Install(&p.Base, "method", p.onMessage)
	pid := mustSpawn(t, rt, "other", p) // not "h": the observer records nothing
	send := func() { rt.Send(pid, "method", "x"); rt.Settle() }
	send()
	if avg := testing.AllocsPerRun(200, send); avg >= 1 {
		t.Errorf("allocations per observed message = %v, want < 1", avg)
	}
}
