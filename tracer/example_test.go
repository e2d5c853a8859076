package tracer_test

import (
	"context"
	"fmt"
	"time"

	"github.com/mesoscope/mesoscope/embedded/process"
	"github.com/mesoscope/mesoscope/tracer"
)

type greeter struct{ process.Base }

// Example installs a tracer on a runtime, publishes its drop counter as a libprocess
// metric, and reads the spans back from the in-memory exporter.
func Example() {
	tr, err := tracer.New(
		tracer.WithEnv(func(string) string { return "" }), // ignore OTEL_* here
		tracer.WithServiceName("mesoscope-master"),
		tracer.WithSampler("parentbased_always_on", ""),
	)
	if err != nil {
		panic(err)
	}
	rt, err := process.New(process.Config{Observer: tr})
	if err != nil {
		panic(err)
	}
	if err := tr.Attach(rt); err != nil {
		panic(err)
	}
	// Overflow is counted; publish it next to the runtime's own metrics.
	if err := rt.Metrics().NewPullGauge("tracer/spans_dropped", rt.PID("metrics"),
		func() float64 { return float64(tr.Stats().Dropped) }); err != nil {
		panic(err)
	}
	g := &greeter{}
	process.Install(&g.Base, "hello", func(process.PID, string) {})
	pid, err := rt.Spawn("greeter(1)", g)
	if err != nil {
		panic(err)
	}
	rt.Send(pid, "hello", "world")
	rt.Settle()
	fmt.Println("dropped:", rt.Metrics().Snapshot(time.Second)["tracer/spans_dropped"])

	rt.Stop(context.Background())
	if err := tr.Shutdown(context.Background()); err != nil {
		panic(err)
	}
	for _, s := range tr.Memory().Spans() {
		if s.Name == "greeter hello" {
			fmt.Println(s.Service, s.Name, s.Attributes[tracer.AttrProcessID], s.Attributes[tracer.AttrEventType])
		}
	}
	// Output:
	// dropped: 0
	// mesoscope-master greeter hello greeter(1) MESSAGE
}

// ExampleTracer_FollowMaster traces a Mesos master that does not trace itself, as
// `mesoscope trace --master` does, until the context is done.
func ExampleTracer_FollowMaster() {
	tr, err := tracer.New(tracer.WithServiceName("mesoscope-trace"), tracer.WithOTLP("http://127.0.0.1:4317", "grpc"))
	if err != nil {
		panic(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := tr.FollowMaster(ctx, tracer.FollowConfig{Master: "http://127.0.0.1:5050"}); err != nil {
		panic(err)
	}
	if err := tr.Shutdown(context.Background()); err != nil { // exports the spans still buffered
		panic(err)
	}
}
