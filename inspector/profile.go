package inspector

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/google/pprof/profile"
)

// Defaults of ProfileOptions.
const (
	DefaultProfileDuration = 30 * time.Second
	DefaultProfileInterval = 500 * time.Millisecond
	// MaxProfileSamples bounds how many times ProfileActors polls.
	MaxProfileSamples = 100_000
)

// Sample types of an actor profile.
const (
	ProfileQueued  = "queued_events"
	ProfileHandled = "handled_events"
	ProfileBusy    = "busy"
)

// ProfileOptions configure ProfileActors.
type ProfileOptions struct {
	// Duration is how long to sample (DefaultProfileDuration when zero);
	// Interval the spacing of samples (DefaultProfileInterval when zero).
	// ProfileActors polls at 0, Interval, 2·Interval, … up to Duration.
	Duration, Interval time.Duration
	// Samples, when positive, is the number of polls instead of
	// Duration/Interval + 1. A bundle holds one moment, so profiling one
	// takes Samples: 1.
	Samples int
	// Sleep waits d or until ctx is done; nil uses a timer. Tests inject one
	// that returns at once.
	Sleep func(ctx context.Context, d time.Duration) error
}

// ProfileActors polls /__processes__ (and /mesoscope/v1/processes when the
// master serves it) every Interval for Duration and folds what it saw into a
// pprof profile whose stacks are process → event type → message name (leaf;
// "METHOD path" for HTTP events, no third frame for other types).
//
// Sample types: "queued_events/count" sums the pending events seen at each
// poll (libprocess's ProcessBase::events queue, 3rdparty/libprocess/src/
// process.cpp ProcessManager::__processes__), so a message that sits
// in a queue for five polls counts five. From mesoscope's extras only:
// "handled_events/count" and "busy/nanoseconds" are the increase between the
// first and last poll, per process → event type → name when the runtime gives
// them per event (/mesoscope/v1/processes "events"), else per process → type
// (handled) and per process (busy); a counter that went down (the process was
// respawned) contributes nothing.
func ProfileActors(ctx context.Context, c *Client, opt ProfileOptions) (*profile.Profile, error) {
	if opt.Duration == 0 {
		opt.Duration = DefaultProfileDuration
	}
	if opt.Interval == 0 {
		opt.Interval = DefaultProfileInterval
	}
	if opt.Duration < 0 || opt.Interval < 0 || opt.Samples < 0 {
		return nil, fmt.Errorf("profile actors: duration %v, interval %v and samples %d must not be negative", opt.Duration, opt.Interval, opt.Samples)
	}
	n := int64(opt.Duration/opt.Interval) + 1
	if opt.Samples > 0 {
		n = int64(opt.Samples)
	}
	if n > MaxProfileSamples {
		return nil, fmt.Errorf("profile actors: %d samples (duration %v / interval %v) exceed %d", n, opt.Duration, opt.Interval, MaxProfileSamples)
	}
	sleep := opt.Sleep
	if sleep == nil {
		sleep = sleepCtx
	}
	b := newProfileBuilder()
	start := c.now()
	var first, last []mesoscopeProcess
	extras := c.HasMesoscope(ctx)
	for i := range n {
		if i > 0 {
			if err := sleep(ctx, opt.Interval); err != nil {
				return nil, fmt.Errorf("profile actors: %w", err)
			}
		}
		actors, err := c.Processes(ctx)
		if err != nil {
			return nil, fmt.Errorf("profile actors: sample %d: %w", i, err)
		}
		for _, a := range actors {
			b.addQueued(a)
		}
		if extras {
			data, err := c.Mesoscope(ctx, MesoscopeProcesses)
			if err == nil {
				var procs []mesoscopeProcess
				procs, err = decodeMesoscopeProcesses(data)
				if err == nil {
					if first == nil {
						first = procs
					}
					last = procs
				}
			}
			if err != nil && !errors.Is(err, ErrNotSupported) {
				return nil, fmt.Errorf("profile actors: sample %d: %w", i, err)
			}
		}
	}
	b.addDeltas(first, last)
	p := b.build()
	p.TimeNanos = start.UnixNano()
	p.DurationNanos = c.now().Sub(start).Nanoseconds()
	p.Period = opt.Interval.Nanoseconds()
	p.PeriodType = &profile.ValueType{Type: "poll", Unit: "nanoseconds"}
	p.Comments = []string{"mesoscope actor profile of " + c.Master()}
	p.DefaultSampleType = ProfileQueued
	if extras && first != nil {
		p.SampleType = append(p.SampleType,
			&profile.ValueType{Type: ProfileHandled, Unit: "count"},
			&profile.ValueType{Type: ProfileBusy, Unit: "nanoseconds"})
	} else {
		for _, s := range p.Sample {
			s.Value = s.Value[:1]
		}
	}
	if err := p.CheckValid(); err != nil {
		return nil, fmt.Errorf("profile actors: %w", err)
	}
	return p, nil
}

// WriteProfile writes p gzipped in the pprof protobuf format.
func WriteProfile(w io.Writer, p *profile.Profile) error {
	if err := p.Write(w); err != nil {
		return fmt.Errorf("write profile: %w", err)
	}
	return nil
}

// profileBuilder accumulates values by stack (frames leaf last, joined by \x00).
type profileBuilder struct {
	values map[string]*[3]int64
}

func newProfileBuilder() *profileBuilder { return &profileBuilder{values: map[string]*[3]int64{}} }

func (b *profileBuilder) add(v int, n int64, frames ...string) {
	if n == 0 {
		return
	}
	k := strings.Join(frames, "\x00")
	p := b.values[k]
	if p == nil {
		p = new([3]int64)
		b.values[k] = p
	}
	p[v] += n
}

func (b *profileBuilder) addQueued(a Actor) {
	for typ, n := range a.Counts {
		var byName map[string]int
		switch typ {
		case EventMessage:
			byName = a.Messages
		case EventHTTP:
			byName = a.HTTP
		}
		named := 0
		for name, m := range byName {
			b.add(0, int64(m), a.ID, typ, name)
			named += m
		}
		b.add(0, int64(n-named), a.ID, typ)
	}
}

func (b *profileBuilder) addDeltas(first, last []mesoscopeProcess) {
	before := make(map[string]mesoscopeProcess, len(first))
	for _, p := range first {
		before[p.id] = p
	}
	for _, p := range last {
		old := before[p.id]
		if p.events != nil {
			// Per event (process → type → name): the leaves carry everything, so
			// no value is counted twice at the process or type level.
			for k, st := range p.events {
				typ, name, _ := strings.Cut(k, "\x00")
				prev := old.events[k]
				frames := []string{p.id, typ}
				if name != "" {
					frames = append(frames, name)
				}
				if st.handled > prev.handled {
					b.add(1, int64(st.handled-prev.handled), frames...)
				}
				if d := (st.busy - prev.busy).Nanoseconds(); d > 0 {
					b.add(2, d, frames...)
				}
			}
			continue
		}
		for typ, n := range p.handled {
			if d := int64(n) - int64(old.handled[typ]); d > 0 {
				b.add(1, d, p.id, typ)
			}
		}
		if d := (p.busy - old.busy).Nanoseconds(); d > 0 {
			b.add(2, d, p.id)
		}
	}
}

func (b *profileBuilder) build() *profile.Profile {
	p := &profile.Profile{SampleType: []*profile.ValueType{{Type: ProfileQueued, Unit: "count"}}}
	funcs := map[string]*profile.Function{}
	locs := map[string]*profile.Location{}
	loc := func(name string) *profile.Location {
		if l, ok := locs[name]; ok {
			return l
		}
		f := &profile.Function{ID: uint64(len(p.Function) + 1), Name: name, SystemName: name}
		p.Function = append(p.Function, f)
		funcs[name] = f
		l := &profile.Location{ID: uint64(len(p.Location) + 1), Line: []profile.Line{{Function: f}}}
		p.Location = append(p.Location, l)
		locs[name] = l
		return l
	}
	for _, k := range slices.Sorted(maps.Keys(b.values)) {
		frames := strings.Split(k, "\x00")
		s := &profile.Sample{Value: append([]int64(nil), b.values[k][:]...)}
		for i := len(frames) - 1; i >= 0; i-- {
			s.Location = append(s.Location, loc(frames[i]))
		}
		p.Sample = append(p.Sample, s)
	}
	return p
}
