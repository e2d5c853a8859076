package process

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/mesoscope/mesoscope/embedded/observe"
)

// headerObserver gives every send made in a dispatch the header tp=<that dispatch's
// name>, and records the tp each dispatch of "target" received.
type headerObserver struct {
	needs observe.Needs
	mu    sync.Mutex
	got   map[string]string // target's dispatch name → tp it carried
}

func (o *headerObserver) Needs() observe.Needs { return o.needs }
func (o *headerObserver) DispatchBegin(d *observe.Dispatch) {
	d.Span = d.Name
	if d.Process != "target" {
		return
	}
	o.mu.Lock()
	o.got[d.Name] = d.Header["tp"]
	o.mu.Unlock()
}
func (o *headerObserver) DispatchEnd(*observe.Dispatch) {}
func (o *headerObserver) MessageSend(parent *observe.Dispatch, m *observe.Message) {
	if parent == nil {
		return
	}
	m.Header = observe.Header{"tp": fmt.Sprint(parent.Span)}
}
func (o *headerObserver) Event(*observe.Dispatch, observe.Event) {}

// A dispatch made through Carry from a goroutine, after the handler that called Carry
// returned, carries that handler's header; Carry outside a handler, or with an observer
// that does not want messages, carries none.
func TestCarry(t *testing.T) {
	for _, tc := range []struct {
		name  string
		needs observe.Needs
		want  map[string]string
	}{
		{"messages observed", observe.NeedAll, map[string]string{"fromGoroutine": "start", "fromOutside": "", "direct": "start"}},
		{"messages not observed", observe.NeedDispatch, map[string]string{"fromGoroutine": "", "fromOutside": "", "direct": ""}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			obs := &headerObserver{needs: tc.needs, got: map[string]string{}}
			rt := newTestRuntime(t, Config{Workers: 2, Observer: obs})
			target := mustSpawn(t, rt, "target", &struct{ Base }{})
			origin := &struct{ Base }{}
			originPID := mustSpawn(t, rt, "origin", origin)

			var carried *Carried
			if _, err := Dispatch(rt, originPID, "start", func() (struct{}, error) {
				carried = Carry(&origin.Base)
				Do(&origin.Base, target, "direct", func() {})
				return struct{}{}, nil
			}).Await(context.Background()); err != nil {
				t.Fatal(err)
			}
			done := make(chan struct{})
			go func() { // a goroutine of the origin's, after its handler returned
				defer close(done)
				Do(carried, target, "fromGoroutine", func() {})
				Do(Carry(&origin.Base), target, "fromOutside", func() {})
			}()
			<-done
			rt.Settle()

			obs.mu.Lock()
			defer obs.mu.Unlock()
			for name, want := range tc.want {
				got, ok := obs.got[name]
				if !ok {
					t.Errorf("dispatch %q never ran on target", name)
					continue
				}
				if got != want {
					t.Errorf("dispatch %q carried tp=%q, want %q", name, got, want)
				}
			}
		})
	}
}
