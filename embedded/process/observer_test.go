package process

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/mesoscope/mesoscope/embedded/observe"
)

// recordingObserver keeps one line per hook.
type recordingObserver struct {
	needs observe.Needs
	mu    sync.Mutex
	lines []string
	waits []int64
}

func (o *recordingObserver) Needs() observe.Needs { return o.needs }
func (o *recordingObserver) add(s string) {
	o.mu.Lock()
	o.lines = append(o.lines, s)
	o.mu.Unlock()
}
func (o *recordingObserver) DispatchBegin(d *observe.Dispatch) {
	if d.Process != "target" {
		return
	}
	d.Span = "span-" + d.Name
	o.add(fmt.Sprintf("begin %s %s %s from=%q", d.Process, d.Kind, d.Name, d.From))
	o.mu.Lock()
	o.waits = append(o.waits, d.Enqueued, d.Begin)
	o.mu.Unlock()
}
func (o *recordingObserver) DispatchEnd(d *observe.Dispatch) {
	if d.Process != "target" {
		return
	}
	o.add(fmt.Sprintf("end %s %v end>=begin:%v", d.Name, d.Span, d.End >= d.Begin))
}
func (o *recordingObserver) MessageSend(parent *observe.Dispatch, m *observe.Message) {
	p := "-"
	if parent != nil {
		p = fmt.Sprint(parent.Span)
	}
	o.add(fmt.Sprintf("send %s %s parent=%s", m.Kind, m.Name, p))
}
func (o *recordingObserver) Event(parent *observe.Dispatch, e observe.Event) {
	v, _ := e.Get("offer")
	o.add(fmt.Sprintf("event %s offer=%s parent=%v", e.Type, v, parent.Span))
}

func TestObserverHooks(t *testing.T) {
	obs := &recordingObserver{needs: observe.NeedAll}
	rt := newTestRuntime(t, Config{Workers: 1, Observer: obs})
	target := &struct{ Base }{}
	sink := mustSpawn(t, rt, "sink", newRecorder())
	Install(&target.Base, "offer", func(from PID, s string) {
		target.Event("offer.created", observe.Attr{Key: "offer", Value: s})
		target.Send(sink, "note", s)
	})
	pid := mustSpawn(t, rt, "target", target)
	rt.Send(pid, "offer", "O1")
	rt.Settle()
	if _, err := Dispatch(rt, pid, "read", func() (int, error) { return 0, nil }).Await(context.Background()); err != nil {
		t.Fatal(err)
	}
	rt.Settle()
	obs.mu.Lock()
	defer obs.mu.Unlock()
	want := []string{
		"send MESSAGE offer parent=-",
		`begin target MESSAGE offer from=""`,
		"event offer.created offer=O1 parent=span-offer",
		"send MESSAGE note parent=span-offer",
		"end offer span-offer end>=begin:true",
		"send DISPATCH read parent=-",
		`begin target DISPATCH read from=""`,
		"end read span-read end>=begin:true",
	}
	if !equal(obs.lines, want) {
		t.Errorf("hooks:\n%v\nwant\n%v", join(obs.lines), join(want))
	}
	for i := 0; i+1 < len(obs.waits); i += 2 {
		if obs.waits[i] == 0 || obs.waits[i+1] < obs.waits[i] {
			t.Errorf("dispatch %d: enqueued=%d begin=%d, want 0 < enqueued <= begin", i/2, obs.waits[i], obs.waits[i+1])
		}
	}
}

// TestObserverNeedsRespected: hooks not asked for are never called, and with no
// NeedTimes no clock is read.
func TestObserverNeedsRespected(t *testing.T) {
	obs := &recordingObserver{needs: observe.NeedDispatch}
	rt := newTestRuntime(t, Config{Workers: 1, Observer: obs})
	target := &struct{ Base }{}
	Install(&target.Base, "x", func(PID, struct{}) { target.Event("ignored") })
	pid := mustSpawn(t, rt, "target", target)
	rt.Send(pid, "x", struct{}{})
	rt.Settle()
	obs.mu.Lock()
	defer obs.mu.Unlock()
	want := []string{`begin target MESSAGE x from=""`, "end x span-x end>=begin:true"}
	if !equal(obs.lines, want) {
		t.Errorf("hooks = %v, want %v", obs.lines, want)
	}
	if len(obs.waits) != 2 || obs.waits[0] != 0 || obs.waits[1] != 0 {
		t.Errorf("times recorded without NeedTimes: %v", obs.waits)
	}
}

// TestObserverSendsAndTimes: sends from outside any dispatch reach MessageSend only
// with NeedOutsideSends, and each time hook fills in only what it names.
func TestObserverSendsAndTimes(t *testing.T) {
	base := observe.NeedDispatch | observe.NeedMessages
	tests := []struct {
		name         string
		needs        observe.Needs
		wantOutside  bool
		wantEnqueued bool
		wantBegin    bool
	}{
		{"messages", base, false, false, false},
		{"outside sends", base | observe.NeedOutsideSends, true, false, false},
		{"queue times", base | observe.NeedQueueTimes, false, true, false},
		{"all times", base | observe.NeedTimes, false, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obs := &recordingObserver{needs: tt.needs}
			rt := newTestRuntime(t, Config{Workers: 1, Observer: obs})
			target := &struct{ Base }{}
			sink := mustSpawn(t, rt, "sink", newRecorder())
			Install(&target.Base, "x", func(PID, struct{}) { target.Send(sink, "note", "n") })
			pid := mustSpawn(t, rt, "target", target)
			rt.Send(pid, "x", struct{}{})
			rt.Settle()
			obs.mu.Lock()
			defer obs.mu.Unlock()
			gotOutside := false
			for _, l := range obs.lines {
				if l == "send MESSAGE x parent=-" {
					gotOutside = true
				}
			}
			if gotOutside != tt.wantOutside {
				t.Errorf("outside send observed = %v, want %v (hooks %v)", gotOutside, tt.wantOutside, obs.lines)
			}
			if !slices.Contains(obs.lines, "send MESSAGE note parent=span-x") {
				t.Errorf("hooks %v: the handler's send was not observed", obs.lines)
			}
			if len(obs.waits) != 2 {
				t.Fatalf("waits = %v, want one dispatch of target", obs.waits)
			}
			if got := obs.waits[0] != 0; got != tt.wantEnqueued {
				t.Errorf("Enqueued set = %v (%d), want %v", got, obs.waits[0], tt.wantEnqueued)
			}
			if got := obs.waits[1] != 0; got != tt.wantBegin {
				t.Errorf("Begin set = %v (%d), want %v", got, obs.waits[1], tt.wantBegin)
			}
		})
	}
}

// headerOnly gives sends of "traced" a header and asks for dispatch hooks only
// around events that carry one.
type headerOnly struct{ recordingObserver }

func (o *headerOnly) MessageSend(parent *observe.Dispatch, m *observe.Message) {
	if m.Name == "traced" {
		m.Header = observe.Header{"ctx": "1"}
	}
	o.recordingObserver.MessageSend(parent, m)
}

// TestHeaderDispatchHooks: with NeedHeaderDispatch the hooks run around events that
// carry a header only, and a send during an event without hooks sees no span.
func TestHeaderDispatchHooks(t *testing.T) {
	obs := &headerOnly{recordingObserver{needs: observe.NeedHeaderDispatch | observe.NeedMessages | observe.NeedOutsideSends}}
	rt := newTestRuntime(t, Config{Workers: 1, Observer: obs})
	target := &struct{ Base }{}
	sink := mustSpawn(t, rt, "sink", newRecorder())
	Install(&target.Base, "plain", func(PID, struct{}) { target.Send(sink, "note", "a") })
	Install(&target.Base, "traced", func(PID, struct{}) { target.Send(sink, "note", "b") })
	pid := mustSpawn(t, rt, "target", target)
	rt.Send(pid, "plain", struct{}{})
	rt.Settle()
	rt.Send(pid, "traced", struct{}{})
	rt.Settle()
	obs.mu.Lock()
	defer obs.mu.Unlock()
	want := []string{
		"send MESSAGE plain parent=-",
		"send MESSAGE note parent=<nil>", // no hooks around plain: no span
		"send MESSAGE traced parent=-",
		`begin target MESSAGE traced from=""`,
		"send MESSAGE note parent=span-traced",
		"end traced span-traced end>=begin:true",
	}
	if !equal(obs.lines, want) {
		t.Errorf("hooks:\n%v\nwant\n%v", join(obs.lines), join(want))
	}
}

func TestProcessStats(t *testing.T) {
	rt := newTestRuntime(t, Config{Workers: 2, StampQueues: true})
	r := newRecorder()
	pid := mustSpawn(t, rt, "rec", r)
	rt.Send(pid, "note", "a")
	rt.Send(pid, "block", struct{}{})
	<-r.blocked
	rt.Send(pid, "note", "b")
	rt.Send(pid, "note", "c")
	Do(rt, pid, "tick", func() {})
	s := statFor(t, rt, "rec")
	close(r.release)
	if s.Depth != 3 || s.Queued["MESSAGE"] != 2 || s.Queued["DISPATCH"] != 1 || s.Names["note"] != 2 || s.Names["tick"] != 1 {
		t.Errorf("stats while blocked = %+v, want depth 3 (2 MESSAGE note, 1 DISPATCH tick)", s)
	}
	if s.OldestAgeSeconds == nil || *s.OldestAgeSeconds < 0 {
		t.Errorf("OldestAgeSeconds = %v, want a non-negative age with StampQueues", s.OldestAgeSeconds)
	}
	rt.Settle()
	got := statFor(t, rt, "rec")
	if got.Handled["MESSAGE"] != 4 || got.Handled["DISPATCH"] != 1 || got.Depth != 0 {
		t.Errorf("after release: handled = %v depth = %d, want 4 MESSAGE, 1 DISPATCH, depth 0", got.Handled, got.Depth)
	}
	if got.BusySeconds <= 0 {
		t.Errorf("BusySeconds = %v, want > 0: StampQueues times handlers (one blocked)", got.BusySeconds)
	}
	events := map[string]uint64{}
	var blockBusy float64
	for _, e := range got.Events {
		events[e.Type+" "+e.Name] = e.Handled
		if e.Name == "block" {
			blockBusy = e.BusySeconds
		}
	}
	if want := map[string]uint64{"DISPATCH initialize": 1, "MESSAGE note": 3, "MESSAGE block": 1, "DISPATCH tick": 1}; !maps.Equal(events, want) {
		t.Errorf("Events = %v, want %v", events, want)
	}
	if blockBusy <= 0 {
		t.Errorf("busy time of the blocked handler = %v, want > 0", blockBusy)
	}
}

func join(ss []string) string {
	out := ""
	for _, s := range ss {
		out += "  " + s + "\n"
	}
	return out
}

func TestInitializeIsObservedAsADispatch(t *testing.T) {
	obs := &recordingObserver{needs: observe.NeedDispatch | observe.NeedMessages}
	rt := newTestRuntime(t, Config{Workers: 1, Observer: obs})
	sink := mustSpawn(t, rt, "sink", newRecorder())
	target := &initSender{to: sink}
	mustSpawn(t, rt, "target", target)
	rt.Settle()
	obs.mu.Lock()
	defer obs.mu.Unlock()
	want := []string{
		`begin target DISPATCH initialize from=""`,
		"send MESSAGE note parent=span-initialize",
		"end initialize span-initialize end>=begin:true",
	}
	var got []string
	for _, l := range obs.lines {
		if strings.Contains(l, "target") || strings.Contains(l, "parent=span-initialize") || strings.HasPrefix(l, "end initialize") {
			got = append(got, l)
		}
	}
	if !equal(got, want) {
		t.Errorf("hooks = %v, want %v", got, want)
	}
}

// initSender sends one message from Initialize.
type initSender struct {
	Base
	to PID
}

func (s *initSender) Initialize() { s.Send(s.to, "note", "hello") }

// Per-event statistics keep at most maxEventNames names; the rest are "(other)".
func TestEventStatsBounded(t *testing.T) {
	var s eventStats
	for i := range maxEventNames + 44 {
		s.add(MessageEvent, fmt.Sprintf("m%d", i), 10)
	}
	snap := s.snapshot()
	if len(snap) != maxEventNames+1 {
		t.Fatalf("%d entries, want %d names and (other)", len(snap), maxEventNames)
	}
	for _, e := range snap {
		if e.Name == "(other)" && e.Handled != 44 {
			t.Errorf("(other) handled %d, want 44", e.Handled)
		}
	}
}
