package process

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/mesoscope/mesoscope/embedded/observe"
)

type benchMsg struct{ seq int }

// sink counts messages and closes done at target.
type sink struct {
	Base
	count  int
	target int
	done   chan struct{}
}

func newSink(target int) *sink {
	s := &sink{target: target, done: make(chan struct{})}
	Install(&s.Base, "ping", func(_ PID, m *benchMsg) {
		s.count += 1 + m.seq
		if s.count == s.target {
			close(s.done)
		}
	})
	return s
}

// emptyObserver asks for every hook and does nothing.
type emptyObserver struct{}

func (emptyObserver) Needs() observe.Needs                            { return observe.NeedAll }
func (emptyObserver) DispatchBegin(*observe.Dispatch)                 {}
func (emptyObserver) DispatchEnd(*observe.Dispatch)                   {}
func (emptyObserver) MessageSend(*observe.Dispatch, *observe.Message) {}
func (emptyObserver) Event(*observe.Dispatch, observe.Event)          {}

// dispatchOnlyObserver wants dispatch hooks but no timestamps.
type dispatchOnlyObserver struct{ emptyObserver }

func (dispatchOnlyObserver) Needs() observe.Needs { return observe.NeedDispatch }

var observers = []struct {
	name string
	obs  observe.Observer
}{
	{"observer=none", nil},
	{"observer=nop", observe.Nop{}},
	{"observer=dispatch", dispatchOnlyObserver{}},
	{"observer=all", emptyObserver{}},
}

// BenchmarkSend measures one-to-one Send throughput: one sender outside the runtime, one
// receiving process, a preallocated message.
func BenchmarkSend(b *testing.B) {
	for _, o := range observers {
		b.Run(o.name, func(b *testing.B) {
			rt := newTestRuntime(b, Config{Observer: o.obs})
			s := newSink(b.N)
			pid, err := rt.Spawn("sink", s)
			if err != nil {
				b.Fatal(err)
			}
			msg := &benchMsg{}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				rt.Send(pid, "ping", msg)
			}
			<-s.done
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds()/1e6, "Mmsg/s")
		})
	}
}

// BenchmarkFanOut sends round-robin to 1024 processes.
func BenchmarkFanOut(b *testing.B) {
	for _, o := range observers {
		b.Run(o.name, func(b *testing.B) {
			const n = 1024
			rt := newTestRuntime(b, Config{Observer: o.obs})
			var remaining atomic.Int64
			remaining.Store(int64(b.N))
			done := make(chan struct{})
			pids := make([]PID, n)
			for i := range pids {
				s := &Base{}
				Install(s, "ping", func(_ PID, m *benchMsg) {
					if remaining.Add(-1) == 0 {
						close(done)
					}
				})
				var err error
				pids[i], err = rt.Spawn(rt.GenerateID("fan"), &struct{ *Base }{s})
				if err != nil {
					b.Fatal(err)
				}
			}
			msg := &benchMsg{}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				rt.Send(pids[i&(n-1)], "ping", msg)
			}
			<-done
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds()/1e6, "Mmsg/s")
		})
	}
}

// pinger and ponger play request/response.
type pinger struct {
	Base
	peer      PID
	remaining int
	done      chan struct{}
}

type ponger struct{ Base }

// BenchmarkRoundTrip measures an actor-to-actor request/response round trip.
func BenchmarkRoundTrip(b *testing.B) {
	for _, o := range observers {
		b.Run(o.name, func(b *testing.B) {
			rt := newTestRuntime(b, Config{Observer: o.obs})
			po := &ponger{}
			Install(&po.Base, "ping", func(from PID, m *benchMsg) { po.Send(from, "pong", m) })
			ppid, _ := rt.Spawn("ponger", po)
			pi := &pinger{peer: ppid, remaining: b.N, done: make(chan struct{})}
			msg := &benchMsg{}
			Install(&pi.Base, "pong", func(_ PID, m *benchMsg) {
				pi.remaining--
				if pi.remaining == 0 {
					close(pi.done)
					return
				}
				pi.Send(pi.peer, "ping", m)
			})
			Install(&pi.Base, "start", func(_ PID, m *benchMsg) { pi.Send(pi.peer, "ping", m) })
			pid, _ := rt.Spawn("pinger", pi)
			b.ReportAllocs()
			b.ResetTimer()
			rt.Send(pid, "start", msg)
			<-pi.done
		})
	}
}

// BenchmarkDispatchAwait measures Dispatch from outside the runtime and waiting for the
// future.
func BenchmarkDispatchAwait(b *testing.B) {
	for _, o := range observers {
		b.Run(o.name, func(b *testing.B) {
			rt := newTestRuntime(b, Config{Observer: o.obs})
			s := newSink(-1)
			pid, _ := rt.Spawn("target", s)
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				f := Dispatch(rt, pid, "get", func() (int, error) { s.count++; return s.count, nil })
				if _, err := f.Await(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
