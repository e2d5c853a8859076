package inspector

import (
	"fmt"
	"runtime"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// cpuTime returns the process's user+system CPU time. The benchmarks report it per
// op next to ns/op because wall time on a machine shared with other jobs says more
// about the neighbours than about the code.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// syntheticState builds a /master/state in the v0 shape of Mesos 1.9 (as in the
// bun.ok fixture) with the given number of agents and tasks spread over 100
// frameworks in 20 roles.
func syntheticState(agents, tasks int) []byte {
	const frameworks, roles = 100, 20
	b := make([]byte, 0, agents*1300+tasks*700+1<<20)
	b = append(b, `{"version":"1.9.1","git_sha":"d8f627f1eadb50f611cae634186200bc8ec15bda","build_date":"2019-11-23 00:00:34","build_time":1574467234.0,"start_time":1576452102.4698071,"elected_time":1576452107.792428,"id":"00efdea9-7551-4e15-83fe-5b8cd36d2216","pid":"master@10.0.5.2:5050","hostname":"10.0.5.2","activated_slaves":`...)
	b = strconv.AppendInt(b, int64(agents), 10)
	b = append(b, `,"deactivated_slaves":0.0,"unreachable_slaves":0.0,"leader":"master@10.0.5.2:5050","cluster":"bench","flags":{"allocation_interval":"1secs","min_allocatable_resources":"cpus:0.01;mem:32"},"slaves":[`...)
	for i := range agents {
		if i > 0 {
			b = append(b, ',')
		}
		ip := fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255)
		b = fmt.Appendf(b, `{"id":"00efdea9-7551-4e15-83fe-5b8cd36d2216-S%d","hostname":"%s","port":5051,"attributes":{"rack":"r%d","public_ip":"false"},`+
			`"domain":{"fault_domain":{"region":{"name":"aws/us-west-2"},"zone":{"name":"aws/us-west-2d"}}},"pid":"slave(1)@%s:5051","registered_time":1576452139.997941,`+
			`"resources":{"disk":75853.0,"mem":65536.0,"gpus":0.0,"cpus":32.0,"ports":"[1025-2180, 2182-3887, 3889-5049, 5052-8079, 8082-8180, 8182-32000]"},`+
			`"used_resources":{"disk":0.0,"mem":2560.0,"gpus":0.0,"cpus":5.0,"ports":"[31000-31009]"},"offered_resources":{"disk":0.0,"mem":0.0,"gpus":0.0,"cpus":0.0},`+
			`"reserved_resources":{"role-%d":{"disk":1000.0,"mem":1024.0,"gpus":0.0,"cpus":2.0}},"unreserved_resources":{"disk":74853.0,"mem":64512.0,"gpus":0.0,"cpus":30.0,"ports":"[1025-2180, 2182-3887, 3889-5049, 5052-8079, 8082-8180, 8182-32000]"},`+
			`"active":true,"deactivated":false,"version":"1.9.1","capabilities":["MULTI_ROLE","HIERARCHICAL_ROLE","RESERVATION_REFINEMENT","RESOURCE_PROVIDER","RESIZE_VOLUME","AGENT_OPERATION_FEEDBACK","AGENT_DRAINING"]}`,
			i, ip, i%40, ip, i%roles)
	}
	b = append(b, `],"recovered_slaves":[],"frameworks":[`...)
	perFw := tasks / frameworks
	for f := range frameworks {
		if f > 0 {
			b = append(b, ',')
		}
		fid := fmt.Sprintf("00efdea9-7551-4e15-83fe-5b8cd36d2216-%04d", f)
		b = fmt.Appendf(b, `{"id":"%s","name":"fw-%d","pid":"scheduler-%d@10.0.6.201:15101","used_resources":{"disk":0.0,"mem":%d.0,"gpus":0.0,"cpus":%d.0},`+
			`"offered_resources":{"disk":0.0,"mem":0.0,"gpus":0.0,"cpus":0.0},"capabilities":["PARTITION_AWARE","MULTI_ROLE"],"hostname":"10.0.6.201","webui_url":"",`+
			`"active":true,"connected":true,"recovered":false,"user":"root","failover_timeout":604800.0,"checkpoint":true,"registered_time":1576452131.008822,`+
			`"unregistered_time":0.0,"principal":"p%d","resources":{"disk":0.0,"mem":0.0,"gpus":0.0,"cpus":0.0},"roles":["role-%d"],"tasks":[`,
			fid, f, f, perFw*256, perFw/2, f, f%roles)
		for j := range perFw {
			n := f*perFw + j
			if j > 0 {
				b = append(b, ',')
			}
			agent := n % agents
			b = fmt.Appendf(b, `{"id":"app-%d.%08x-5d1f-11e5-88f7-56b91e7a505b","name":"app-%d","framework_id":"%s","executor_id":"","slave_id":"00efdea9-7551-4e15-83fe-5b8cd36d2216-S%d",`+
				`"state":"TASK_RUNNING","resources":{"cpus":0.5,"disk":0.0,"gpus":0.0,"mem":256.0,"ports":"[%d-%d]"},"role":"role-%d",`+
				`"statuses":[{"state":"TASK_STARTING","timestamp":1576452200.123456},{"state":"TASK_RUNNING","timestamp":1576452201.654321,`+
				`"container_status":{"container_id":{"value":"%08x-98f1-4fc3-a260-f92c116fc926"},"network_infos":[{"ip_addresses":[{"protocol":"IPv4","ip_address":"12.0.%d.%d"}]}]}}]}`,
				n%1000, n, n%1000, fid, agent, 31000+j%10, 31000+j%10, f%roles, n, n>>8&255, n&255)
		}
		b = append(b, `],"unreachable_tasks":[],"completed_tasks":[],"offers":[],"executors":[]}`...)
	}
	b = append(b, `],"completed_frameworks":[],"orphan_tasks":[],"unregistered_frameworks":[]}`...)
	return b
}

var benchSizes = []struct{ agents, tasks int }{{1000, 10000}, {10000, 100000}}

// BenchmarkDecodeState decodes and indexes a synthetic /master/state. It reports
// the JSON size and bytes allocated per byte of JSON (target ≤ 4) next to the
// usual ns/op (target ≤ 1 s at 10,000 agents and 100,000 tasks).
func BenchmarkDecodeState(b *testing.B) {
	for _, size := range benchSizes {
		b.Run(fmt.Sprintf("agents=%d,tasks=%d", size.agents, size.tasks), func(b *testing.B) {
			data := syntheticState(size.agents, size.tasks)
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			cpu0 := cpuTime()
			b.ResetTimer()
			for b.Loop() {
				st, err := DecodeState(data)
				if err != nil {
					b.Fatal(err)
				}
				ix := NewIndex(NewSnapshot("bench", st, nil, nil))
				ix.indexTasks() // the benchmark covers the full index
				if len(ix.snap.Tasks) != size.tasks {
					b.Fatalf("tasks = %d, want %d", len(ix.snap.Tasks), size.tasks)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N)/1e6, "cpu-ms/op")
			runtime.ReadMemStats(&after)
			perOp := float64(after.TotalAlloc-before.TotalAlloc) / float64(b.N)
			b.ReportMetric(float64(len(data))/(1<<20), "json-MiB")
			b.ReportMetric(perOp/float64(len(data)), "alloc/json")
		})
	}
}

// BenchmarkExplain explains one framework on the synthetic state (index build
// included; target ≤ 200 ms at 10,000 agents and 100,000 tasks).
func BenchmarkExplain(b *testing.B) {
	for _, size := range benchSizes {
		b.Run(fmt.Sprintf("agents=%d,tasks=%d", size.agents, size.tasks), func(b *testing.B) {
			st, err := DecodeState(syntheticState(size.agents, size.tasks))
			if err != nil {
				b.Fatal(err)
			}
			snap := NewSnapshot("bench", st, nil, Metrics{"allocator/mesos/roles/role-7/shares/dominant": 0.1})
			q := Query{Framework: "fw-7", Demand: &Demand{Resources: Resources{CPUs: 40}}}
			b.ReportAllocs()
			cpu0 := cpuTime()
			for b.Loop() {
				e, err := Explain(snap, q, nil)
				if err != nil || e.Causes[0].Code != CauseInsufficient {
					b.Fatalf("Explain() = %+v, %v", e, err)
				}
			}
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N)/1e6, "cpu-ms/op")
		})
	}
}
