package process_test

import (
	"context"
	"fmt"

	"github.com/mesoscope/mesoscope/embedded/process"
)

// Ponger answers every "ping" with a "pong", like any libprocess process that installs a
// message handler.
type Ponger struct {
	process.Base
}

func Example() {
	rt, err := process.New(process.Config{Workers: 2})
	if err != nil {
		panic(err)
	}
	defer rt.Stop(context.Background())

	ponger := &Ponger{}
	process.Install(&ponger.Base, "ping", func(from process.PID, n int) {
		ponger.Send(from, "pong", n+1)
	})
	pongerPID, _ := rt.Spawn("ponger", ponger)

	type pinger struct{ process.Base }
	p := &pinger{}
	got := make(chan int, 1)
	process.Install(&p.Base, "pong", func(from process.PID, n int) { got <- n })
	pingerPID, _ := rt.Spawn("pinger", p)

	// Dispatch runs a function on the process; its future completes with the result.
	process.Do(rt, pingerPID, "start", func() { p.Send(pongerPID, "ping", 41) })
	fmt.Println("pong:", <-got)

	n, _ := process.Dispatch(rt, pongerPID, "whoami", func() (string, error) {
		return ponger.Self().ID, nil
	}).Await(context.Background())
	fmt.Println("dispatched to:", n)
	// Output:
	// pong: 42
	// dispatched to: ponger
}
