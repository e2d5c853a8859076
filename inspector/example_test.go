package inspector_test

import (
	"fmt"

	"github.com/mesoscope/mesoscope/inspector"
)

// Decode a v0 /master/state and describe what it holds.
func ExampleDecodeState() {
	st, err := inspector.DecodeState([]byte(`{"slaves":[{"id":"S0","hostname":"a1","port":5051,"active":true,
		"resources":{"cpus":4,"mem":4096,"disk":0,"ports":"[31000-32000]"},"used_resources":{"cpus":1,"mem":1024}}]}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(inspector.DescribeAgent(st.Agents[0]))
	// Output:
	// agent S0 a1:5051 active
	//   total        cpus:4;mem:4096;disk:0;ports:[31000-32000]
	//   used         cpus:1;mem:1024;disk:0
	//   offered      cpus:0;mem:0;disk:0
	//   unreserved   cpus:4;mem:4096;disk:0;ports:[31000-32000]
	//   free         cpus:3;mem:3072;disk:0;ports:[31000-32000]
}

// Ask why a framework gets no offers for a task of 2 cpus.
func ExampleExplain() {
	st, _ := inspector.DecodeState([]byte(`{
		"slaves":[{"id":"S0","hostname":"a1","active":true,"resources":{"cpus":1,"mem":4096}}],
		"frameworks":[{"id":"F0","name":"web","role":"web","active":true,"connected":true}]}`))
	snap := inspector.NewSnapshot("example", st, nil, nil)
	e, _ := inspector.Explain(snap, inspector.Query{
		Framework: "web",
		Demand:    &inspector.Demand{Resources: inspector.Resources{CPUs: 2}},
	}, nil)
	fmt.Println(e.Summary)
	fmt.Println(e.Sources[0])
	// Output:
	// Framework web (F0) is waiting because no agent has cpus:2 free for role web: cpus short on 1 of 1 agents.
	// best-effort
}

func ExampleDescribeOffer() {
	r, _ := inspector.ParseResources("cpus:2;mem:1024")
	fmt.Println(inspector.DescribeOffer(inspector.Offer{ID: "O3", AgentID: "S1", FrameworkID: "F0", Role: "web", Resources: r}))
	// Output:
	// offer O3 agent S1 → framework F0 role web: cpus:2;mem:1024;disk:0
}
