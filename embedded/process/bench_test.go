package process

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/mesoscope/mesoscope/embedded/observe"
)

type benchMsg struct{ seq int }

// sink counts messages and closes done at target; with a pump set, it acknowledges every
// burst.
type sink struct {
	Base
	count  int
	target int
	done   chan struct{}
	pump   PID
}

func newSink(target int) *sink {
	s := &sink{target: target, done: make(chan struct{})}
	Install(&s.Base, "ping", func(_ PID, m *benchMsg) {
		s.count += 1 + m.seq
		if s.count%burst == 0 && !s.pump.IsZero() {
			s.Send(s.pump, "ack", struct{}{})
		}
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

// workerCounts are the runtime sizes the throughput benchmarks run at: one worker (no
// cross-core hand-off) and one per CPU.
var workerCounts = []int{1, 0}

var observers = []struct {
	name string
	obs  observe.Observer
}{
	{"observer=none", nil},
	{"observer=nop", observe.Nop{}},
	{"observer=dispatch", dispatchOnlyObserver{}},
	{"observer=all", emptyObserver{}},
}

// BenchmarkSend measures one-to-one Send throughput between two processes: a pump
// process sends b.N preallocated messages to a sink process (each runs on its own worker).
func BenchmarkSend(b *testing.B) {
	for _, workers := range workerCounts {
		for _, o := range observers {
			b.Run(fmt.Sprintf("workers=%d/%s", workers, o.name), func(b *testing.B) {
				benchSend(b, Config{Observer: o.obs, Workers: workers})
			})
		}
		// What mesoscope's master and agents run with: queue stamps and handler
		// times, with the per-event statistics of /mesoscope/v1/processes.
		b.Run(fmt.Sprintf("workers=%d/stamped", workers), func(b *testing.B) {
			benchSend(b, Config{Workers: workers, StampQueues: true})
		})
	}
}

func benchSend(b *testing.B, cfg Config) {
	{
		{
			rt := newTestRuntime(b, cfg)
			s := newSink(b.N)
			pid, err := rt.Spawn("sink", s)
			if err != nil {
				b.Fatal(err)
			}
			msg := &benchMsg{}
			pump := newPump(func(p *Base) { p.Send(pid, "ping", msg) })
			ppid, _ := rt.Spawn("pump", pump)
			Do(rt, pid, "setPump", func() { s.pump = ppid })
			rt.Settle()
			b.ReportAllocs()
			b.ResetTimer()
			rt.Send(ppid, "pump", b.N)
			<-s.done
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds()/1e6, "Mmsg/s")
		}
	}
}

// burst and window give the pump flow control, as real actors have: it sends bursts of
// burst messages and at most window bursts run ahead of the receivers' acknowledgements,
// so queues stay short (no handler floods a mailbox with millions of events).
const (
	burst  = 256
	window = 4
)

// newPump returns a process that, on "pump" with a count n, calls send n times in bursts;
// a receiver acknowledges each burst's last message with "ack" (see ackEvery).
func newPump(send func(*Base)) *struct{ Base } {
	p := &struct{ Base }{}
	var left, inflight int
	fill := func() {
		for inflight < window && left > 0 {
			for i := 0; i < burst && left > 0; i++ {
				send(&p.Base)
				left--
			}
			inflight++
		}
	}
	Install(&p.Base, "pump", func(_ PID, n int) { left = n; fill() })
	Install(&p.Base, "ack", func(PID, struct{}) { inflight--; fill() })
	return p
}

// BenchmarkPost measures one-to-one sends from outside any process (libprocess's post):
// every send looks the destination up by id.
func BenchmarkPost(b *testing.B) {
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

// BenchmarkFanOut: one process sends round-robin to 1024 processes.
func BenchmarkFanOut(b *testing.B) {
	for _, workers := range workerCounts {
		for _, o := range observers {
			b.Run(fmt.Sprintf("workers=%d/%s", workers, o.name), func(b *testing.B) {
				benchFanOut(b, Config{Observer: o.obs, Workers: workers})
			})
		}
	}
}

func benchFanOut(b *testing.B, cfg Config) {
	{
		{
			const n = 1024
			rt := newTestRuntime(b, cfg)
			var remaining atomic.Int64
			remaining.Store(int64(b.N))
			done := make(chan struct{})
			pids := make([]PID, n)
			var pumpPID PID
			for i := range pids {
				s := &Base{}
				Install(s, "ping", func(_ PID, m *benchMsg) {
					left := remaining.Add(-1)
					if left == 0 {
						close(done)
					} else if left%burst == 0 {
						s.Send(pumpPID, "ack", struct{}{})
					}
				})
				var err error
				pids[i], err = rt.Spawn(rt.GenerateID("fan"), &struct{ *Base }{s})
				if err != nil {
					b.Fatal(err)
				}
			}
			msg := &benchMsg{}
			next := 0
			pump := newPump(func(p *Base) {
				p.Send(pids[next&(n-1)], "ping", msg)
				next++
			})
			ppid, _ := rt.Spawn("pump", pump)
			pumpPID = ppid
			rt.Settle()
			b.ReportAllocs()
			b.ResetTimer()
			rt.Send(ppid, "pump", b.N)
			<-done
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds()/1e6, "Mmsg/s")
		}
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
		b.Run(o.name, func(b *testing.B) { benchRoundTrip(b, Config{Observer: o.obs}) })
	}
}

func benchRoundTrip(b *testing.B, cfg Config) {
	{
		{
			rt := newTestRuntime(b, cfg)
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
		}
	}
}

// BenchmarkDispatchAwait measures Dispatch from outside the runtime and waiting for the
// future.
func BenchmarkDispatchAwait(b *testing.B) {
	for _, o := range observers {
		b.Run(o.name, func(b *testing.B) { benchDispatchAwait(b, Config{Observer: o.obs}) })
	}
}

func benchDispatchAwait(b *testing.B, cfg Config) {
	{
		{
			rt := newTestRuntime(b, cfg)
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
		}
	}
}
