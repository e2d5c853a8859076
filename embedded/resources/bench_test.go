package resources

import (
	"fmt"
	"strings"
	"testing"
)

// fragmentedPorts returns "[31000-31000, 31002-31002, ...]" with n ranges,
// like the fragment(createRange(31000, 32000), n) helper of Mesos's
// benchmarks.
func fragmentedPorts(n int) string {
	parts := make([]string, n)
	for i := range n {
		p := 31000 + 2*i
		parts[i] = fmt.Sprintf("%d-%d", p, p)
	}
	return "[" + strings.Join(parts, ",") + "]"
}

// agentShapes are typical agent totals and task-sized allocations.
var agentShapes = []struct {
	name        string
	total, task string
}{
	{"scalars", "cpus:24;mem:4096;disk:4096", "cpus:16;mem:2014;disk:1024"},
	{"ports=1", "cpus:24;mem:4096;disk:4096;ports:[31000-32000]", "cpus:16;mem:2014;disk:1024;ports:[31000-31000]"},
	{"ports=100", "cpus:24;mem:4096;disk:4096;ports:[31000-32000]", "cpus:16;mem:2014;disk:1024;ports:" + fragmentedPorts(100)},
}

func BenchmarkAdd(b *testing.B) {
	for _, s := range agentShapes {
		b.Run(s.name, func(b *testing.B) {
			total, task := MustParse(s.total), MustParse(s.task)
			b.ReportAllocs()
			for b.Loop() {
				acc := total.Clone()
				acc.Add(task)
			}
		})
	}
}

func BenchmarkAddInPlace(b *testing.B) {
	for _, s := range agentShapes {
		b.Run(s.name, func(b *testing.B) {
			acc, task := MustParse(s.total).Clone(), MustParse(s.task)
			b.ReportAllocs()
			for b.Loop() {
				acc.Add(task)
				acc.Subtract(task)
			}
		})
	}
}

func BenchmarkSubtract(b *testing.B) {
	for _, s := range agentShapes {
		b.Run(s.name, func(b *testing.B) {
			total, task := MustParse(s.total), MustParse(s.task)
			b.ReportAllocs()
			for b.Loop() {
				_ = total.Minus(task)
			}
		})
	}
}

func BenchmarkContains(b *testing.B) {
	for _, s := range agentShapes {
		b.Run(s.name, func(b *testing.B) {
			total, task := MustParse(s.total), MustParse(s.task)
			b.ReportAllocs()
			for b.Loop() {
				if !total.Contains(task) {
					b.Fatal("not contained")
				}
			}
		})
	}
}

func BenchmarkScalarQuantities(b *testing.B) {
	for _, s := range agentShapes {
		b.Run(s.name, func(b *testing.B) {
			task := MustParse(s.task)
			var q Quantities
			b.ReportAllocs()
			for b.Loop() {
				q.AddScalarsOf(task)
				q.Subtract(q)
			}
		})
	}
}

func BenchmarkParse(b *testing.B) {
	inputs := []struct{ name, text string }{
		{"agent", "cpus:24;mem:4096;disk:4096;ports:[31000-32000]"},
		{"roles", "cpus(a):4;mem(a):1024;cpus:20;mem:3072;disk(a/b):100;disk:4000;ports:[31000-32000]"},
		{"ports=100", "cpus:16;mem:2014;disk:1024;ports:" + fragmentedPorts(100)},
		{"json", `[{"name":"cpus","type":"SCALAR","scalar":{"value":24}},{"name":"mem","type":"SCALAR","scalar":{"value":4096}},{"name":"ports","type":"RANGES","ranges":{"range":[{"begin":31000,"end":32000}]}}]`},
	}
	for _, in := range inputs {
		b.Run(in.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Parse(in.text, DefaultRole); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
