package allocator_test

import (
	"fmt"
	"time"

	"github.com/mesoscope/mesoscope/embedded/allocator"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// One cycle of the synchronous core: the framework with the lower
// dominant share gets the agent.
func ExampleCore() {
	c := allocator.NewCore(allocator.Config{Seed: 1})
	_ = c.AddFramework(allocator.FrameworkInfo{ID: "web", Roles: []string{"eng"}}, nil, true, nil)
	_ = c.AddAgent("a1", resources.MustParse("cpus:4;mem:4096"), nil)
	r := c.Allocate(time.Unix(0, 0))
	for _, fo := range r.Offers {
		for _, o := range fo.Offers {
			fmt.Println(o.FrameworkID, o.Role, o.AgentID, o.Resources.ScalarQuantities())
		}
	}
	fc, _ := r.Cycle.Framework("web", "eng")
	fmt.Println("offered on", fc.Counts.Offered, "of", r.Cycle.Candidates, "agents")
	// Output:
	// web eng a1 cpus:4; mem:4096
	// offered on 1 of 1 agents
}
