package marathon_test

import (
	"errors"
	"fmt"

	"github.com/mesoscope/mesoscope/embedded/marathon"
	"github.com/mesoscope/mesoscope/embedded/mesos"
)

// An app definition with fields this scheduler does not support is
// refused with every problem named, as Marathon's 422 does.
func ExampleDecodeApp() {
	_, err := marathon.DecodeApp([]byte(`{"id": "/web", "cmd": "python3 -m http.server $PORT0", "cpus": 0,
	  "container": {"type": "DOCKER", "docker": {"image": "python:3"}}}`))
	var ve *marathon.ValidationError
	if errors.As(err, &ve) {
		for _, v := range ve.Details {
			fmt.Println(v.Path, v.Errors)
		}
	}
	app, err := marathon.DecodeApp([]byte(`{"id": "web", "cmd": "sleep 600", "constraints": [["hostname", "UNIQUE"]]}`))
	fmt.Println(app.ID, app.Instances, app.CPUs, app.Mem, app.Constraints[0], err)
	// Output:
	// /container ["container" is not supported by this scheduler]
	// /cpus [got 0, expected 0.001 or more]
	// /web 1 1 128 hostname:UNIQUE <nil>
}

// The decline funnel of /v2/queue: each unmatched offer is charged to its
// first reason in funnel order, and each step's processed count is what
// the earlier steps let through.
func ExampleFunnelSteps() {
	for _, s := range marathon.FunnelSteps(10, map[marathon.Reason]int{marathon.UnfulfilledConstraint: 3, marathon.InsufficientMemory: 7}) {
		if s.Processed > 0 {
			fmt.Printf("%-32s processed %2d declined %d\n", s.Reason, s.Processed, s.Declined)
		}
	}
	// Output:
	// UnfulfilledRole                  processed 10 declined 0
	// UnfulfilledConstraint            processed 10 declined 3
	// NoCorrespondingReservationFound  processed  7 declined 0
	// AgentMaintenance                 processed  7 declined 0
	// InsufficientCpus                 processed  7 declined 0
	// InsufficientMemory               processed  7 declined 7
}

// GROUP_BY spreads instances over an attribute's values.
func ExampleConstraint_Meets() {
	c := marathon.MustParseConstraint("rack", "GROUP_BY", "2")
	rack := func(host, r string) *marathon.Site {
		return &marathon.Site{Hostname: host, Attributes: []mesos.Attribute{{Name: "rack", Type: mesos.ValueText, Text: &mesos.Text{Value: r}}}}
	}
	placed := []*marathon.Site{rack("a", "r1"), rack("b", "r1")}
	fmt.Println("third on r1:", c.Meets(rack("c", "r1"), placed, 4))
	fmt.Println("first on r2:", c.Meets(rack("d", "r2"), placed, 4))
	// Output:
	// third on r1: false
	// first on r2: true
}
