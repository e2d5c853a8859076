package walkthroughs

import (
	"strings"
	"testing"
)

// runLines runs command lines on a fresh session and returns their outputs.
func runLines(t *testing.T, lines ...string) []string {
	t.Helper()
	s := NewSession(Options{})
	defer func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close() = %v", err)
		}
	}()
	var outs []string
	for _, l := range lines {
		name, args, err := parseArgs(l)
		if err != nil {
			t.Fatalf("parseArgs(%q) = %v", l, err)
		}
		outs = append(outs, s.Run(&Command{Name: name, Args: args, Text: l}))
	}
	return outs
}

// TestSessionErrors checks that bad commands and commands out of order give a clear
// "error:" output naming the command, never a panic.
func TestSessionErrors(t *testing.T) {
	tests := []struct {
		name  string
		lines []string
		want  string // substring of the last output
	}{
		{"unknown", []string{"frobnicate"}, `error: unknown command "frobnicate"`},
		{"spawn before runtime", []string{"spawn a"}, `error: spawn: no runtime yet`},
		{"runtime twice", []string{"runtime", "runtime"}, "error: runtime: already started"},
		{"bad workers", []string{"runtime workers=x"}, `error: runtime: workers="x": want an integer`},
		{"too many workers", []string{"runtime workers=5000"}, "error: runtime: process: workers 5000"},
		{"spawn twice", []string{"runtime", "spawn a", "spawn a"}, "error: spawn a: already spawned"},
		{"send unknown", []string{"runtime", "send b ping"}, `error: send: no actor "b"`},
		{"send bad", []string{"runtime", "spawn a", "send a pong"}, "error: send: want"},
		{"release unblocked", []string{"runtime", "spawn a", "release a"}, "error: release a: not blocked"},
		{"block twice", []string{"runtime workers=2", "spawn a", "block a", "block a"}, "error: block a: already blocked"},
		{"block all", []string{"runtime workers=1", "spawn a b", "block a", "block b"}, "error: block b: every worker is already held"},
		{"advance while blocked", []string{"runtime", "spawn a", "block a", "advance 1s"}, "error: advance: an actor is blocked"},
		{"dispatch no name", []string{"runtime", "spawn a", "dispatch a add 1"}, "error: dispatch: want as=NAME"},
		{"dispatch bad number", []string{"runtime", "spawn a", "dispatch a add x as=f"}, `error: dispatch: add "x"`},
		{"unknown future", []string{"runtime", "future f"}, `error: future: no future "f"`},
		{"terminate bad inject", []string{"runtime", "spawn a", "terminate a inject=maybe"}, `error: terminate: inject="maybe": want true or false`},
		{"advance without clock", []string{"advance 1s"}, "error: advance: no clock yet"},
		{"advance bad duration", []string{"runtime", "advance soon"}, `error: advance "soon": want a positive duration`},
		{"sorter missing", []string{"sort"}, "error: sort: no sorter yet"},
		{"bad resources", []string{"sorter", "add-agent s1 cpus:x"}, "error: add-agent s1: resources"},
		{"agent twice", []string{"sorter", "add-agent s1 cpus:1", "add-agent s1 cpus:1"}, "error: add-agent s1: "},
		{"bad weight", []string{"sorter", "weight a -1"}, "error: weight a: "},
		{"allocated unknown client", []string{"sorter", "add-agent s1 cpus:1", "allocated x cpus:1"}, "error: allocated x: "},
		{"fill without tasks", []string{"sorter", "add-agent s1 cpus:1", "fill"}, "error: fill: want CLIENT=TASK"},
		{"alloc before allocator", []string{"alloc-agent a1 cpus:1"}, "error: alloc-agent: no allocator yet"},
		{"recover never offered", []string{"allocator", "alloc-recover f a1 cpus:1"}, "error: alloc-recover: framework f was never offered anything"},
		{"offers before master", []string{"offers"}, "error: offers: no master yet"},
		{"decline before subscribe", []string{"master", "decline"}, `error: decline: no framework yet`},
		{"master bad timeout", []string{"master offer_timeout=soon"}, `error: master: offer_timeout="soon"`},
		{"agent bad resources", []string{"master", "agent a1 cpus:-1"}, "error: agent a1: "},
		{"metrics without prefix", []string{"master", "metrics"}, "error: metrics: want one or more"},
		{"master bad heartbeat", []string{"master heartbeat_interval=x"}, `error: master: heartbeat_interval="x"`},
		{"agent bad attributes", []string{"master", "agent a1 cpus:1 attributes=:"}, "error: agent a1: "},
		// containerizer
		{"launch before containerizer", []string{"launch c1 shell=true"}, "error: launch: no containerizer yet"},
		{"containerizer twice", []string{"containerizer", "containerizer"}, "error: containerizer: already started"},
		{"containerizer bad grace", []string{"containerizer grace=soon"}, `error: containerizer: grace="soon"`},
		{"launch shell and argv", []string{"containerizer", "launch c1 shell=true argv=/bin/true"}, "error: launch: want exactly one of"},
		{"launch unknown artifact", []string{"containerizer", "launch c1 shell=true fetch=nope"}, "error: launch: fetch=nope: unknown artifact"},
		{"launch bad grace", []string{"containerizer", "launch c1 shell=true grace=-1s"}, `error: launch: grace="-1s"`},
		{"unknown artifact", []string{"containerizer", "artifact nope"}, "error: artifact nope: unknown"},
		{"wait-output unknown", []string{"containerizer", "wait-output c9 x"}, "error: wait-output c9: no such container"},
		{"sandbox unknown", []string{"containerizer", "sandbox c9"}, "error: sandbox c9: no such container"},
		{"wait unknown", []string{"containerizer", "wait c9"}, "wait c9: unknown container (Mesos's None)"},
		{"destroy unknown", []string{"containerizer", "destroy c9 wait"}, "destroy c9: unknown container"},
		{"containers none", []string{"containerizer", "containers"}, "no containers"},
		// the Marathon-like scheduler
		{"marathon before master", []string{"marathon"}, "error: marathon: no master yet"},
		{"deploy before marathon", []string{"master", "deploy /a"}, "error: deploy: no marathon yet"},
		{"queue before marathon", []string{"queue"}, "error: queue: no marathon yet"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			outs := runLines(t, tc.lines...)
			if got := outs[len(outs)-1]; !strings.Contains(got, tc.want) {
				t.Errorf("Run(%q) = %q, want it to contain %q", tc.lines[len(tc.lines)-1], got, tc.want)
			}
		})
	}
}

// TestDeclineNothing: a framework that holds no offer cannot decline.
func TestDeclineNothing(t *testing.T) {
	outs := runLines(t, "master", "subscribe fw", "decline")
	if got, want := outs[2], "error: decline: the framework holds no offer"; got != want {
		t.Errorf("decline with no offers = %q, want %q", got, want)
	}
	if !strings.Contains(outs[1], "SUBSCRIBED framework walk-0000") {
		t.Errorf("subscribe = %q, want SUBSCRIBED", outs[1])
	}
}

// TestMarathonErrors: the scheduler's commands refuse bad input clearly (one
// scheduler for all cases: starting one takes a moment).
func TestMarathonErrors(t *testing.T) {
	outs := runLines(t,
		"master heartbeat_interval=24h",
		"agent a1 cpus:2;mem:1024",
		"marathon",
		"marathon",
		"deploy web",
		"deploy /a cpus=x",
		"deploy /a min_health=2",
		"deploy /a wait=soon",
		"cancel d9",
		"why",
		"queue",
		"deployments",
		"tasks",
		"delete /nope",
	)
	want := []string{
		"", "", "", "error: marathon: already started",
		"error: deploy: want \"deploy /APP-ID key=value...\"",
		`error: deploy: cpus="x": want a number`,
		`error: deploy: "2": want a number between 0 and 1`,
		`error: deploy: wait="soon": want wait=done`,
		"error: cancel: no deployment d9",
		"error: why: want \"why /APP-ID\"",
		"/v2/queue: nothing is waiting to launch",
		"/v2/deployments: none in progress",
		"/v2/tasks: no tasks",
		"DELETE /v2/apps/nope?force=true → 404 Not Found",
	}
	for i, w := range want {
		if w != "" && !strings.Contains(outs[i], w) {
			t.Errorf("output %d = %q, want it to contain %q", i, outs[i], w)
		}
	}
	if !strings.Contains(outs[2], "SUPPRESS") {
		t.Errorf("marathon = %q, want its SUPPRESS", outs[2])
	}
}
