package readonly_test

import (
	"fmt"
	"net/url"
	"time"

	"github.com/mesoscope/mesoscope/embedded/master/readonly"
	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// A master renders /master/tasks from a snapshot, answering 400 when the
// query is malformed.
func ExampleTasks() {
	rs := resources.MustParse("cpus:0.5;mem:64")
	task := &mesos.Task{
		Name:        "sleep",
		TaskID:      mesos.TaskID{Value: "t1"},
		FrameworkID: mesos.FrameworkID{Value: "fw"},
		AgentID:     mesos.AgentID{Value: "a1"},
		State:       mesos.TaskRunning,
		Resources:   mesos.ResourcesOf(rs),
		Statuses:    []mesos.TaskStatus{{TaskID: mesos.TaskID{Value: "t1"}, State: mesos.TaskRunning, Timestamp: 1.5}},
	}
	snap := &readonly.Snapshot{
		Frameworks: []*readonly.Framework{{
			Info:           mesos.FrameworkInfo{User: "root", Name: "demo", ID: &mesos.FrameworkID{Value: "fw"}},
			RegisteredTime: time.Unix(1, 0),
			Tasks:          []*mesos.Task{task},
		}},
	}
	q, err := readonly.ParseTasksQuery(url.Values{"limit": {"10"}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(readonly.Tasks(snap, q)))

	_, err = readonly.ParseTasksQuery(url.Values{"limit": {"ten"}})
	fmt.Println(err)
	// Output:
	// {"tasks":[{"id":"t1","name":"sleep","framework_id":"fw","executor_id":"","slave_id":"a1","state":"TASK_RUNNING","resources":{"cpus":0.5,"disk":0.0,"gpus":0.0,"mem":64.0},"role":"","statuses":[{"state":"TASK_RUNNING","timestamp":1.5}]}]}
	// readonly: parse query: invalid query parameter "limit"="ten": must be a non-negative integer
}

// The operator event stream's small events.
func ExampleAgentRemoved() {
	fmt.Println(string(readonly.AgentRemoved("a1")))
	fmt.Println(string(readonly.Heartbeat()))
	// Output:
	// {"type":"AGENT_REMOVED","agent_removed":{"agent_id":{"value":"a1"}}}
	// {"type":"HEARTBEAT"}
}
