package readonly

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/scheduler"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// fixturesDir is where the real Mesos payloads live.
const fixturesDir = "/work/shared/fixtures/mesos"

var (
	lineComment   = regexp.MustCompile(`(?m)^\s*//.*$`)
	trailingComma = regexp.MustCompile(`,(\s*[}\]])`)
	placeholder   = regexp.MustCompile(`\{\s*\.\.\.\s*\}`)
)

// loadFixture reads a fixture, repairing the documented defects of the
// .jsonc documentation examples (fixtures README: "{{", trailing commas,
// the "{...}" placeholder, which becomes {}). It skips the test when the
// fixtures are absent.
func loadFixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(fixturesDir, name))
	if os.IsNotExist(err) {
		t.Skipf("fixture %s not found", name)
	}
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Ext(name) == ".jsonc" {
		data = lineComment.ReplaceAll(data, nil)
		data = bytes.TrimSpace(data)
		data = bytes.TrimPrefix(data, []byte("{{"))
		if data[0] != '{' {
			data = append([]byte{'{'}, data...)
		}
		data = trailingComma.ReplaceAll(data, []byte("$1"))
		data = placeholder.ReplaceAllLiteral(data, []byte("{}"))
	}
	if !json.Valid(data) {
		t.Fatalf("fixture %s is not valid JSON", name)
	}
	return data
}

// decode unmarshals JSON into a generic value, failing the test on error.
func decode(t testing.TB, data []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("decode %.120q: %v", data, err)
	}
	return v
}

func ptr[T any](v T) *T { return &v }

// at is a fixed instant for deterministic output.
var at = time.Unix(1576452102, 469807200)

func mustResources(t testing.TB, text string) resources.Resources {
	t.Helper()
	rs, err := resources.Parse(text, "*")
	if err != nil {
		t.Fatalf("resources.Parse(%q): %v", text, err)
	}
	return rs
}

// allocated returns rs allocated to role.
func allocated(rs resources.Resources, role string) resources.Resources {
	rs = rs.Clone()
	rs.Allocate(role)
	return rs
}

// testTask builds a task in state st with one status per state in
// history, the last with a container status.
func testTask(t testing.TB, fid, aid, id string, st mesos.TaskState, history ...mesos.TaskState) *mesos.Task {
	rs := allocated(mustResources(t, "cpus:0.5;mem:128;ports:[31000-31001]"), "web")
	task := &mesos.Task{
		Name:        "task " + id,
		TaskID:      mesos.TaskID{Value: id},
		FrameworkID: mesos.FrameworkID{Value: fid},
		ExecutorID:  nil,
		AgentID:     mesos.AgentID{Value: aid},
		State:       st,
		Resources:   mesos.ResourcesOf(rs),
		Labels:      &mesos.Labels{Labels: []mesos.Label{{Key: "app", Value: ptr("web")}, {Key: "flag"}}},
	}
	for i, h := range history {
		s := mesos.TaskStatus{
			TaskID:     task.TaskID,
			State:      h,
			Source:     mesos.SourcePtr(mesos.SourceExecutor),
			AgentID:    &mesos.AgentID{Value: aid},
			ExecutorID: &mesos.ExecutorID{Value: id},
			Timestamp:  1576452140.25 + float64(i),
			UUID:       []byte{byte(i), 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
		}
		if i == len(history)-1 {
			s.ContainerStatus = &mesos.ContainerStatus{
				ContainerID:  &mesos.ContainerID{Value: "c-" + id},
				NetworkInfos: []mesos.NetworkInfo{{IPAddresses: []mesos.IPAddress{{IPAddress: "10.0.2.121"}}}},
			}
			task.StatusUpdateState = mesos.StatePtr(h)
			task.StatusUpdateUUID = s.UUID
		}
		task.Statuses = append(task.Statuses, s)
	}
	return task
}

// testSnapshot builds a small snapshot resembling the fixtures: two
// agents (one with a reservation, attributes and a drain), a MULTI_ROLE
// framework with active, unreachable and completed tasks, an offer and an
// executor, a v0 framework, a completed framework, and three roles.
func testSnapshot(t testing.TB) *Snapshot {
	t.Helper()
	const (
		fw1 = "00efdea9-7551-4e15-83fe-5b8cd36d2216-0000"
		fw2 = "00efdea9-7551-4e15-83fe-5b8cd36d2216-0001"
		fw3 = "00efdea9-7551-4e15-83fe-5b8cd36d2216-0002"
		a1  = "00efdea9-7551-4e15-83fe-5b8cd36d2216-S0"
		a2  = "00efdea9-7551-4e15-83fe-5b8cd36d2216-S1"
	)
	master := mesos.MasterInfo{
		ID: "00efdea9-7551-4e15-83fe-5b8cd36d2216", IP: 33882122, Port: 5050,
		PID: "master@10.0.5.2:5050", Hostname: "10.0.5.2", Version: "1.11.0",
		Address:      &mesos.Address{Hostname: "10.0.5.2", IP: "10.0.5.2", Port: 5050},
		Domain:       &mesos.DomainInfo{FaultDomain: &mesos.FaultDomain{Region: mesos.NamedInfo{Name: "aws/us-west-2"}, Zone: mesos.NamedInfo{Name: "aws/us-west-2d"}}},
		Capabilities: []mesos.MasterCapability{{Type: mesos.MasterAgentUpdate}, {Type: mesos.MasterAgentDraining}},
	}
	total1 := mustResources(t, "cpus:4;mem:8192;disk:1024;ports:[31000-32000];cpus(web):2;mem(web):1024")
	agent1 := &Agent{
		Info: mesos.AgentInfo{
			Hostname: "10.0.2.242", Port: 5051, ID: &mesos.AgentID{Value: a1},
			Resources: mesos.ResourcesOf(total1),
			Attributes: []mesos.Attribute{
				{Name: "rack", Type: mesos.ValueText, Text: &mesos.Text{Value: "r1"}},
				{Name: "weight", Type: mesos.ValueScalar, Scalar: &mesos.Scalar{Value: 3}},
			},
			Domain: master.Domain,
		},
		PID: "slave(1)@10.0.2.242:5051", Version: "1.11.0",
		Capabilities:     []mesos.AgentCapability{{Type: mesos.AgentMultiRole}, {Type: mesos.AgentHierarchicalRole}, {Type: mesos.AgentReservationRefinement}},
		RegisteredTime:   at.Add(37 * time.Second),
		ReregisteredTime: at.Add(40 * time.Second),
		Active:           true,
		Total:            total1,
		Allocated:        allocated(mustResources(t, "cpus:1;mem:256;ports:[31000-31003]"), "web"),
		Offered:          allocated(mustResources(t, "cpus:1;mem:1024"), "web"),
	}
	total2 := mustResources(t, "cpus:2;mem:4096;disk:512;gpus:1")
	agent2 := &Agent{
		Info: mesos.AgentInfo{
			Hostname: "10.0.6.50", Port: 5051, ID: &mesos.AgentID{Value: a2}, Resources: mesos.ResourcesOf(total2),
		},
		PID: "slave(1)@10.0.6.50:5051", Version: "1.11.0",
		RegisteredTime:          at.Add(31 * time.Second),
		Deactivated:             true,
		DrainInfo:               &mesos.DrainInfo{State: mesos.DrainDraining, Config: mesos.DrainConfig{MaxGracePeriod: &mesos.DurationInfo{Nanoseconds: 10e9}}},
		EstimatedDrainStartTime: at.Add(time.Minute),
		Total:                   total2,
	}
	running := testTask(t, fw1, a1, "web.1", mesos.TaskRunning, mesos.TaskStarting, mesos.TaskRunning)
	staging := testTask(t, fw1, a1, "web.2", mesos.TaskStaging)
	unreachable := testTask(t, fw1, a2, "web.3", mesos.TaskUnreachable, mesos.TaskRunning, mesos.TaskUnreachable)
	finished := testTask(t, fw1, a1, "web.0", mesos.TaskFinished, mesos.TaskRunning, mesos.TaskFinished)
	finished.ExecutorID = &mesos.ExecutorID{Value: "exec-1"}
	finished.User = "nobody"
	finished.Container = &mesos.ContainerInfo{Type: mesos.ContainerMesos, Hostname: "web-0"}
	staging.Discovery = &mesos.DiscoveryInfo{Visibility: mesos.VisibilityExternal, Name: "web",
		Ports: &mesos.Ports{Ports: []mesos.Port{{Number: 31000, Protocol: "tcp"}}}}
	staging.HealthCheck = &mesos.HealthCheck{Type: mesos.HealthCheckHTTP, HTTP: &mesos.HTTPCheckInfo{Port: 31000, Path: "/health", Protocol: mesos.ProtocolIPv4},
		DelaySeconds: ptr(15.0), IntervalSeconds: ptr(10.0), TimeoutSeconds: ptr(20.0), ConsecutiveFailures: ptr[uint32](3), GracePeriodSeconds: ptr(10.0)}
	running.Statuses[1].Healthy = ptr(true)
	offer := &mesos.Offer{
		ID: mesos.OfferID{Value: "o-1"}, FrameworkID: mesos.FrameworkID{Value: fw1},
		AgentID: mesos.AgentID{Value: a1}, Hostname: "10.0.2.242",
		Resources:      mesos.ResourcesOf(agent1.Offered),
		AllocationInfo: &resources.AllocationInfo{Role: "web"},
	}
	web := &Framework{
		Info: mesos.FrameworkInfo{
			User: "root", Name: "marathon", ID: &mesos.FrameworkID{Value: fw1},
			FailoverTimeout: 604800, Checkpoint: true, Roles: []string{"web"},
			Hostname: "10.0.6.201", Principal: "marathon", WebuiURL: "http://10.0.6.201:8080",
			Capabilities: []mesos.FrameworkCapability{{Type: mesos.FrameworkMultiRole}, {Type: mesos.FrameworkPartitionAware}},
			Labels:       &mesos.Labels{Labels: []mesos.Label{{Key: "team", Value: ptr("infra")}}},
		},
		Active: true, Connected: true,
		RegisteredTime: at.Add(38 * time.Second), ReregisteredTime: at.Add(39 * time.Second),
		Tasks:            []*mesos.Task{running, staging},
		UnreachableTasks: []*mesos.Task{unreachable},
		CompletedTasks:   []*mesos.Task{finished},
		Offers:           []*mesos.Offer{offer},
		Executors: []Executor{{AgentID: a1, Info: mesos.ExecutorInfo{
			Type: mesos.ExecutorCustom, ExecutorID: mesos.ExecutorID{Value: "exec-1"},
			FrameworkID: &mesos.FrameworkID{Value: fw1}, Name: "web executor",
			Command: &mesos.CommandInfo{Value: ptr("./executor"), Shell: ptr(true),
				URIs:        []mesos.CommandURI{{Value: "http://x/executor.tgz", Extract: ptr(true)}},
				Environment: &mesos.Environment{Variables: []mesos.EnvironmentVariable{{Name: "JAVA_HOME", Value: ptr("jre"), Type: ptr(mesos.VariableValue)}}}},
			Labels:    &mesos.Labels{Labels: []mesos.Label{{Key: "kind", Value: ptr("custom")}}},
			Resources: mesos.ResourcesOf(allocated(mustResources(t, "cpus:0.1;mem:32"), "web")),
		}}},
		Allocated: agent1.Allocated,
		Offered:   agent1.Offered,
	}
	metronome := &Framework{
		Info: mesos.FrameworkInfo{
			User: "root", Name: "metronome", ID: &mesos.FrameworkID{Value: fw2},
			Capabilities: []mesos.FrameworkCapability{{Type: mesos.FrameworkGPUResources}},
		},
		PID:    "scheduler-7c776c29@10.0.6.201:15201",
		Active: true, Connected: true,
		RegisteredTime: at.Add(38 * time.Second), ReregisteredTime: at.Add(38 * time.Second),
		OfferConstraints: &scheduler.OfferConstraints{},
	}
	done := &Framework{
		Info:             mesos.FrameworkInfo{User: "root", Name: "batch", ID: &mesos.FrameworkID{Value: fw3}, Role: "batch"},
		RegisteredTime:   at.Add(10 * time.Second),
		ReregisteredTime: at.Add(10 * time.Second),
		UnregisteredTime: at.Add(20 * time.Second),
	}
	s := &Snapshot{
		Info: master, Version: "1.11.0",
		Build: mesos.VersionInfo{
			BuildDate: "2020-11-19 12:00:00", BuildTime: 1605787200, BuildUser: "mesoscope",
			GitSHA: "d8f627f1eadb50f611cae634186200bc8ec15bda",
		},
		StartTime: at, ElectedTime: at.Add(5 * time.Second), Leader: &master,
		Cluster: "mesoscope",
		Flags: FlagsOf(map[string]string{
			"allocation_interval": "1secs", "cluster": "mesoscope", "log_dir": "/var/log/mesos",
			"external_log_file": "/var/log/mesos/master.log",
			"port":              "5050", "work_dir": "/var/lib/mesos",
		}),
		Agents:              []*Agent{agent1, agent2},
		RecoveredAgents:     []mesos.AgentInfo{{Hostname: "10.0.0.9", Port: 5051, ID: &mesos.AgentID{Value: "00efdea9-7551-4e15-83fe-5b8cd36d2216-S9"}, Resources: mesos.ResourcesOf(mustResources(t, "cpus:1;mem:512"))}},
		UnreachableAgents:   1,
		Frameworks:          []*Framework{web, metronome},
		CompletedFrameworks: []*Framework{done},
		Roles: []Role{
			{Name: "*", Weight: 1},
			{Name: "batch", Weight: 1},
			{
				Name: "web", Weight: 2.5, Frameworks: []string{fw1},
				Allocated: web.Allocated, Offered: web.Offered, Reserved: total1.Reserved("web"),
				Consumed: web.Allocated.Quantities(),
				Quota:    &Quota{Guarantee: resources.MustQuantities("cpus:1;mem:512"), Limit: resources.MustQuantities("cpus:4")},
			},
		},
		Now: at.Add(time.Hour),
	}
	Summarize(s)
	return s
}

// bigSnapshot builds a cluster of the given size for the benchmarks:
// agents with 8 cpus and ports, 100 frameworks, tasks spread round-robin
// with two statuses each (the last with a container status).
func bigSnapshot(tb testing.TB, nAgents, nTasks int) *Snapshot {
	tb.Helper()
	s := testSnapshot(tb)
	s.Agents = make([]*Agent, nAgents)
	total := mustResources(tb, "cpus:8;mem:32768;disk:102400;ports:[31000-32000]")
	for i := range s.Agents {
		id := fmt.Sprintf("00efdea9-7551-4e15-83fe-5b8cd36d2216-S%d", i)
		s.Agents[i] = &Agent{
			Info: mesos.AgentInfo{Hostname: fmt.Sprintf("10.0.%d.%d", i/250, i%250), ID: &mesos.AgentID{Value: id},
				Resources:  mesos.ResourcesOf(total),
				Attributes: []mesos.Attribute{{Name: "rack", Type: mesos.ValueText, Text: &mesos.Text{Value: fmt.Sprintf("r%d", i%40)}}}},
			PID: fmt.Sprintf("slave(1)@10.0.%d.%d:5051", i/250, i%250), Version: "1.11.0",
			Capabilities:   []mesos.AgentCapability{{Type: mesos.AgentMultiRole}, {Type: mesos.AgentHierarchicalRole}},
			RegisteredTime: at, Active: true, Total: total,
			Allocated: allocated(mustResources(tb, "cpus:2;mem:512;ports:[31000-31009]"), "web"),
		}
	}
	const nFrameworks = 100
	s.Frameworks = make([]*Framework, nFrameworks)
	for i := range s.Frameworks {
		fid := fmt.Sprintf("00efdea9-7551-4e15-83fe-5b8cd36d2216-%04d", i)
		s.Frameworks[i] = &Framework{
			Info: mesos.FrameworkInfo{User: "root", Name: fmt.Sprintf("framework-%d", i), ID: &mesos.FrameworkID{Value: fid},
				Roles: []string{"web"}, Capabilities: []mesos.FrameworkCapability{{Type: mesos.FrameworkMultiRole}}},
			Active: true, Connected: true, RegisteredTime: at, ReregisteredTime: at,
		}
	}
	template := testTask(tb, "", "", "", mesos.TaskRunning, mesos.TaskStarting, mesos.TaskRunning)
	for i := range nTasks {
		f := s.Frameworks[i%nFrameworks]
		a := s.Agents[i%nAgents]
		t := *template
		t.TaskID = mesos.TaskID{Value: fmt.Sprintf("app-%d.%08x-0000-4000-8000-%012x", i%500, i, i)}
		t.Name = fmt.Sprintf("app-%d", i%500)
		t.FrameworkID = *f.Info.ID
		t.AgentID = *a.Info.ID
		t.Statuses = append([]mesos.TaskStatus(nil), template.Statuses...)
		for j := range t.Statuses {
			t.Statuses[j].TaskID = t.TaskID
			t.Statuses[j].AgentID = a.Info.ID
		}
		f.Tasks = append(f.Tasks, &t)
	}
	s.Roles = s.Roles[:1]
	return s
}
