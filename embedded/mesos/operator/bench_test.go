package operator

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// getState builds a GET_STATE response of a cluster with the given number
// of agents and tasks (tasks spread over agents and 10 frameworks, each
// with two statuses), resources in ENDPOINT format as a master writes
// them.
func getState(agents, tasks int) *Response {
	total := mesos.ResourcesOf(resources.MustParse("cpus:16;mem:65536;disk:1048576;ports:[31000-32000]")).WithFormat(resources.FormatEndpoint)
	taskRes := mesos.ResourcesOf(resources.MustParse("cpus:0.5;mem:512")).WithFormat(resources.FormatEndpoint)
	const cluster = "6d1a7c2e-1d1f-4bb6-9a8e-0c3f6c2b1a55"
	st := &GetState{
		GetAgents:     &GetAgents{Agents: make([]Agent, agents)},
		GetFrameworks: &GetFrameworks{},
		GetExecutors:  &GetExecutors{},
		GetTasks:      &GetTasks{Tasks: make([]mesos.Task, tasks)},
	}
	for i := range agents {
		id := mesos.AgentID{Value: fmt.Sprintf("%s-S%d", cluster, i)}
		st.GetAgents.Agents[i] = Agent{
			AgentInfo:      mesos.AgentInfo{Hostname: fmt.Sprintf("agent-%d.example.com", i), Port: 5051, ID: &id, Resources: total},
			Active:         true,
			Version:        "1.11.0",
			PID:            fmt.Sprintf("slave(1)@10.0.%d.%d:5051", i/250, i%250),
			RegisteredTime: &mesos.TimeInfo{Nanoseconds: 1470820172046531840 + int64(i)},
			TotalResources: total,
			Capabilities:   []mesos.AgentCapability{{Type: mesos.AgentMultiRole}, {Type: mesos.AgentHierarchicalRole}, {Type: mesos.AgentReservationRefinement}},
		}
	}
	for f := range 10 {
		st.GetFrameworks.Frameworks = append(st.GetFrameworks.Frameworks, Framework{
			FrameworkInfo: mesos.FrameworkInfo{User: "root", Name: fmt.Sprintf("fw-%d", f), ID: &mesos.FrameworkID{Value: fmt.Sprintf("%s-%04d", cluster, f)}, Role: "*"},
			Active:        true, Connected: true, Recovered: new(bool),
		})
	}
	for i := range tasks {
		agentID := mesos.AgentID{Value: fmt.Sprintf("%s-S%d", cluster, i%max(agents, 1))}
		taskID := mesos.TaskID{Value: fmt.Sprintf("app-%d.%08x", i/100, i)}
		exec := mesos.ExecutorID(taskID)
		status := func(s mesos.TaskState, ts float64) mesos.TaskStatus {
			return mesos.TaskStatus{TaskID: taskID, State: s, Source: mesos.SourcePtr(mesos.SourceExecutor), AgentID: &agentID,
				ExecutorID: &exec, Timestamp: ts, UUID: []byte(fmt.Sprintf("%016d", i)),
				ContainerStatus: &mesos.ContainerStatus{NetworkInfos: []mesos.NetworkInfo{{IPAddresses: []mesos.IPAddress{{IPAddress: "10.0.0.1"}}}}}}
		}
		st.GetTasks.Tasks[i] = mesos.Task{
			Name: taskID.Value, TaskID: taskID, FrameworkID: mesos.FrameworkID{Value: fmt.Sprintf("%s-%04d", cluster, i%10)},
			ExecutorID: &exec, AgentID: agentID, State: mesos.TaskRunning, Resources: taskRes,
			Statuses:          []mesos.TaskStatus{status(mesos.TaskStarting, 1470820172.07), status(mesos.TaskRunning, 1470820172.09)},
			StatusUpdateState: mesos.StatePtr(mesos.TaskRunning), StatusUpdateUUID: []byte(fmt.Sprintf("%016d", i)),
		}
	}
	return &Response{Type: ResponseGetState, GetState: st}
}

func BenchmarkGetState(b *testing.B) {
	for _, size := range []struct{ agents, tasks int }{{1000, 10000}} {
		r := getState(size.agents, size.tasks)
		data, err := json.Marshal(r)
		if err != nil {
			b.Fatal(err)
		}
		name := fmt.Sprintf("agents=%d/tasks=%d", size.agents, size.tasks)
		b.Run("encode/"+name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := json.Marshal(r); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("decode/"+name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := DecodeResponse(data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestGetStateRoundTrip(t *testing.T) {
	r := getState(3, 7)
	data, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeResponse(data)
	if err != nil {
		t.Fatal(err)
	}
	again, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	if string(again) != string(data) {
		t.Errorf("round trip = %s, want %s", again, data)
	}
	if n := len(got.GetState.GetTasks.Tasks); n != 7 {
		t.Errorf("decoded %d tasks, want 7", n)
	}
}
