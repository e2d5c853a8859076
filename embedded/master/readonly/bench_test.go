package readonly

import (
	"fmt"
	"testing"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/operator"
)

// loop runs f b.N times and reports the process CPU time per op
// ("cpu-ns/op"): on a shared machine wall time includes waiting for a CPU.
func loop(b *testing.B, f func()) {
	b.ReportAllocs()
	start := processCPU()
	n := 0
	for b.Loop() {
		f()
		n++
	}
	if n > 0 {
		b.ReportMetric(float64(processCPU()-start)/float64(n), "cpu-ns/op")
	}
}

var benchSizes = []struct{ agents, tasks int }{
	{100, 1000},
	{1000, 10000},
	{10000, 100000},
}

// BenchmarkState renders /master/state (v0) and GET_STATE (v1) into a
// reused buffer, as a master serving repeated requests would, and (v1
// reflect) the same GET_STATE built as operator values and encoded by
// embedded/mesos (encoding/json): the baseline the hand-written writers
// replace.
func BenchmarkState(b *testing.B) {
	for _, size := range benchSizes {
		b.Run(fmt.Sprintf("agents=%d,tasks=%d", size.agents, size.tasks), func(b *testing.B) {
			s := bigSnapshot(b, size.agents, size.tasks)
			b.Run("v0", func(b *testing.B) {
				buf := AppendState(nil, s)
				b.SetBytes(int64(len(buf)))
				loop(b, func() { buf = AppendState(buf[:0], s) })
			})
			b.Run("v1", func(b *testing.B) {
				buf := AppendGetState(nil, s)
				b.SetBytes(int64(len(buf)))
				loop(b, func() { buf = AppendGetState(buf[:0], s) })
			})
			b.Run("v0 fresh", func(b *testing.B) {
				loop(b, func() { _ = State(s) })
			})
			b.Run("v1 fresh", func(b *testing.B) {
				loop(b, func() { _ = GetState(s) })
			})
			b.Run("v1 reflect", func(b *testing.B) {
				if size.tasks > 10000 && testing.Short() {
					b.Skip("slow baseline; run without -short")
				}
				loop(b, func() {
					resp := &operator.Response{Type: operator.ResponseGetState, GetState: refGetState(s)}
					if _, err := mesos.Marshal(resp); err != nil {
						b.Fatal(err)
					}
				})
			})
		})
	}
}

// BenchmarkStateSummary renders /master/state-summary.
func BenchmarkStateSummary(b *testing.B) {
	s := bigSnapshot(b, 10000, 100000)
	b.Run("agents=10000,tasks=100000", func(b *testing.B) {
		buf := AppendStateSummary(nil, s)
		b.SetBytes(int64(len(buf)))
		b.ReportAllocs()
		for b.Loop() {
			buf = AppendStateSummary(buf[:0], s)
		}
	})
}

// BenchmarkTask renders one task in both forms.
func BenchmarkTask(b *testing.B) {
	task := bigSnapshot(b, 1, 1).Frameworks[0].Tasks[0]
	b.Run("v0", func(b *testing.B) {
		b.ReportAllocs()
		var buf []byte
		for b.Loop() {
			buf = appendV0Task(buf[:0], task)
		}
	})
	b.Run("v1", func(b *testing.B) {
		b.ReportAllocs()
		var buf []byte
		for b.Loop() {
			buf = appendV1Task(buf[:0], task)
		}
	})
	b.Run("v1 reflect", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := mesos.Marshal(task); err != nil {
				b.Fatal(err)
			}
		}
	})
}
