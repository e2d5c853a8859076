package containerizer

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/mesoscope/mesoscope/embedded/observe"
	"github.com/mesoscope/mesoscope/embedded/process"
)

// eventRecorder keeps the runtime's point events.
type eventRecorder struct {
	observe.Nop
	mu     sync.Mutex
	events []observe.Event
}

func (r *eventRecorder) Needs() observe.Needs { return observe.NeedEvents }
func (r *eventRecorder) Event(_ *observe.Dispatch, e observe.Event) {
	r.mu.Lock()
	r.events = append(r.events, e)
	r.mu.Unlock()
}

func TestProcessLaunchReportsEveryStateAsEvents(t *testing.T) {
	forLaunchers(t, func(t *testing.T) {
		rec := &eventRecorder{}
		rt, err := process.New(process.Config{Workers: 2, Observer: rec})
		if err != nil {
			t.Fatal(err)
		}
		defer rt.Stop(context.Background())
		p, err := SpawnProcess(rt, Config{
			WorkDir: t.TempDir(), Isolation: []string{"posix/cpu", "posix/mem"},
			Logger: slog.New(slog.DiscardHandler), Shim: testShim,
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := p.Self().ID; got != "mesos-containerizer(1)" {
			t.Errorf("process id = %q, want mesos-containerizer(1)", got)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		id := ContainerID{Value: "c1"}
		res, err := p.Launch(id, shell("exit 3")).Await(ctx)
		if err != nil || res != LaunchSuccess {
			t.Fatalf("Launch = %v, %v", res, err)
		}
		term, err := p.Wait(id).Await(ctx)
		if err != nil || term == nil {
			t.Fatalf("Wait = %v, %v", term, err)
		}
		if ws, ok := term.WaitStatus(); !ok || ws.ExitStatus() != 3 {
			t.Errorf("termination = %+v, want exit status 3", term)
		}
		rt.Settle()

		rec.mu.Lock()
		defer rec.mu.Unlock()
		var states []string
		terminated := 0
		for _, e := range rec.events {
			switch e.Type {
			case "container.state":
				if c, _ := e.Get("mesos.container_id"); c != "c1" {
					continue
				}
				if len(states) == 0 {
					from, _ := e.Get("mesos.container_state_from")
					states = append(states, from)
				}
				to, _ := e.Get("mesos.container_state")
				states = append(states, to)
			case "container.terminated":
				terminated++
				if c, _ := e.Get("mesos.container_id"); c != "c1" {
					t.Errorf("container.terminated mesos.container_id = %q, want c1", c)
				}
				if _, ok := e.Get("mesos.task_state"); !ok {
					t.Errorf("container.terminated attributes = %v, want mesos.task_state", e.Attrs)
				}
			}
		}
		want := []string{"STARTING", "PROVISIONING", "PREPARING", "ISOLATING", "FETCHING", "RUNNING", "DESTROYING"}
		if len(states) != len(want) {
			t.Fatalf("states from events = %v, want %v", states, want)
		}
		for i := range want {
			if states[i] != want[i] {
				t.Fatalf("states from events = %v, want %v", states, want)
			}
		}
		if terminated != 1 {
			t.Errorf("container.terminated events = %d, want 1", terminated)
		}
	})
}
