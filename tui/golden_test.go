package tui

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/mesoscope/mesoscope/inspector"
)

// allNeeds asks the poller for everything, as if every view were open.
func allNeeds(explain string) needs {
	return needs{agents: true, cycles: true, spans: true, explain: explain}
}

// Every view, drawn on a 120×36 SimulationScreen from a bundle of the demo
// (mesoscope's master: allocation cycles, spans, dispatch statistics), from a
// real Mesos 1.2 master's payloads (none of those), and from a synthetic
// cluster (hierarchical roles, quota, outstanding offers, queued events).
func TestGoldenScreens(t *testing.T) {
	demo := readModel(t, demoClient(t), allNeeds("analytics-waiting"))
	real := readModel(t, realMesosBundle(t), allNeeds("marathon"))
	synth := readModel(t, synthClient(t, synthSpec{agents: 5, frameworks: 4, tasks: 16, actors: 6, offers: 3}), allNeeds("role:eng/batch"))
	tests := []struct {
		name  string
		m     *model
		steps string
	}{
		{"demo.pulse", demo, ""},
		{"demo.actors", demo, ":actors\n"},
		{"demo.actor", demo, ":actors\n/^master$\n\n"},
		{"demo.drf", demo, ":drf\n"},
		{"demo.role", demo, ":drf\n\n"},
		{"demo.agents", demo, ":agents\n"},
		{"demo.agent", demo, ":agents\n\n"},
		{"demo.containers", demo, ":ct\n"},
		{"demo.container", demo, ":ct\n\n"},
		{"demo.frameworks", demo, ":fw\n"},
		{"demo.framework", demo, ":fw\n\n"},
		{"demo.tasks", demo, ":tasks\n"},
		{"demo.task", demo, ":tasks\njj\n"},
		{"demo.offers", demo, ":offers\n"},
		{"demo.events", demo, ":events\n"},
		{"demo.traces", demo, ":traces\nNg"},
		{"demo.trace", demo, ":traces\nNg\n"},
		{"demo.why", demo, ":why analytics-waiting\n"},
		{"demo.help", demo, ":tasks\n?"},
		{"demo.aliases", demo, ":aliases\n"},
		{"demo.tasks-filter", demo, ":tasks\n/web\n"},
		{"demo.tasks-filter-inverse", demo, ":tasks\n/!RUNNING\n"},
		{"demo.tasks-sort-state", demo, ":tasks\nS"},
		{"real.pulse", real, ""},
		{"real.drf", real, ":drf\n"},
		{"real.frameworks", real, ":fw\n"},
		{"real.tasks", real, ":tasks\n"},
		{"real.containers", real, ":ct\n"},
		{"real.traces", real, ":traces\n"},
		{"real.actors", real, ":actors\n"},
		{"real.why", real, ":why marathon\n"},
		{"synth.pulse", synth, ""},
		{"synth.drf", synth, ":drf\n"},
		{"synth.actors", synth, ":actors\n"},
		{"synth.actor", synth, ":actors\n\n"},
		{"synth.agents", synth, ":agents\n"},
		{"synth.offers", synth, ":offers\n"},
		{"synth.offer", synth, ":offers\n\n"},
		{"synth.frameworks", synth, ":fw\n"},
		{"synth.tasks", synth, ":tasks\n"},
		{"synth.why", synth, ":why role:eng/batch\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, tt.m)
			if tt.name == "demo.events" {
				feedEvents(t, h.hub)
				h.u.changed()
			}
			h.keys(tt.steps)
			golden(t, tt.name+".txt", h.screen())
		})
	}
}

// feedEvents adds the operator event fixtures (Mesos's documented examples)
// to the hub as if the stream had delivered them.
func feedEvents(t *testing.T, hb *hub) {
	t.Helper()
	names, err := filepath.Glob(filepath.Join("testdata", "events", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(names)
	at := time.Date(2026, 11, 26, 6, 9, 0, 0, time.UTC)
	hb.setStream(streamSubscribed, "")
	for i, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		e, err := inspector.DecodeEvent(data)
		if err != nil {
			t.Fatalf("DecodeEvent(%s) = %v", name, err)
		}
		hb.addEvent(streamEvent{at: at.Add(time.Duration(i) * time.Second), ev: e})
	}
}
