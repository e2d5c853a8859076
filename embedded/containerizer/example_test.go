package containerizer_test

import (
	"context"
	"fmt"
	"os"

	"github.com/mesoscope/mesoscope/embedded/containerizer"
)

// Example launches one command task and prints the states it walked
// through and how it ended.
func Example() {
	work, err := os.MkdirTemp("", "containerizer-example-")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(work)

	var states []containerizer.State
	m, err := containerizer.New(containerizer.Config{
		WorkDir:   work,
		Isolation: []string{"posix/cpu", "posix/mem"},
		OnTransition: func(t containerizer.Transition) {
			if len(states) == 0 {
				states = append(states, t.From)
			}
			states = append(states, t.To)
		},
	})
	if err != nil {
		panic(err)
	}
	defer m.Close()

	ctx := context.Background()
	id := containerizer.NewContainerID("hello")
	cfg := containerizer.ContainerConfig{CommandInfo: containerizer.CommandInfo{Shell: true, Value: "exit 3"}}
	if _, err := m.Launch(ctx, id, cfg); err != nil {
		panic(err)
	}
	term, err := m.Wait(ctx, id)
	if err != nil {
		panic(err)
	}
	fmt.Println(states)
	fmt.Println(term)
	// Output:
	// [STARTING PROVISIONING PREPARING ISOLATING FETCHING RUNNING DESTROYING]
	// exited with status 3
}

func ExampleState_CanTransition() {
	fmt.Println(containerizer.Fetching.CanTransition(containerizer.Running))
	fmt.Println(containerizer.Preparing.CanTransition(containerizer.Running))
	fmt.Println(containerizer.Preparing.CanTransition(containerizer.Destroying))
	// Output:
	// true
	// false
	// true
}
