package drf_test

import (
	"fmt"

	"github.com/mesoscope/mesoscope/embedded/allocator/drf"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// The role sorter of a cluster with one agent and two roles: the role
// with the lower dominant share is offered resources first.
func Example() {
	s := drf.New(drf.Config{})
	_ = s.AddAgent("agent-1", resources.MustQuantities("cpus:9;mem:18432"))
	for _, role := range []string{"analytics", "web"} {
		_ = s.Add(role)
		_ = s.Activate(role)
	}
	_ = s.Allocated("web", "agent-1", resources.MustParse("cpus:3;mem:1024"))
	_ = s.Allocated("analytics", "agent-1", resources.MustParse("cpus:1;mem:4096"))

	fmt.Println(s.Sort())
	for _, c := range s.Snapshot().Clients {
		fmt.Printf("%s share=%.3f count=%d\n", c.Client, c.Share, c.AllocationCount)
	}
	fmt.Println(drf.DominantShareMetric("allocator/mesos/roles/", "web"))
	// Output:
	// [analytics web]
	// analytics share=0.222 count=1
	// web share=0.333 count=1
	// allocator/mesos/roles/web/shares/dominant
}
