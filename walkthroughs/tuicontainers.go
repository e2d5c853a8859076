package walkthroughs

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/mesoscope/mesoscope/embedded/agent"
	"github.com/mesoscope/mesoscope/embedded/master/readonly"
	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/tracer"
)

// standInAgentPID is the pid the containerizer tour's agent is listed with: the
// inspector reads an agent at its pid's process ("/slave(1)/state").
func standInAgentPID() string { return "slave(1)@" + walkAddress.String() }

// contStandIn renders the containerizer tour's world as a master with one agent
// (tourAgentID) whose containerizer is the tour's, answering what the inspector
// reads for the TUI's Containers view:
//
//   - /master/state (and state-summary, roles): the agent, active, with no
//     frameworks or tasks (the tour launches containers directly);
//   - the agent's /state (Http::state's identity fields; no frameworks) and
//     /containers (Http::__containers: framework_id, executor_id, executor_name,
//     source, container_id, status with executor_pid, statistics), from the
//     containerizer's containers, their status and usage;
//   - /mesoscope/v1/spans: for every container the tour has seen, a "container"
//     span whose events are the containerizer's transitions, each a
//     "container.state" event with the attributes embedded/containerizer's process
//     records (mesos.container_id, mesos.container_state_from, mesos.container_state,
//     mesos.container_state_time, mesos.container_state_from_duration) at the
//     transition's time, and a "container.terminated" event once it is destroyed
//     (mesos.task_state, mesos.reason, mesos.message): the seven-state history the
//     TUI's Containers view draws, in the tracer's JSON (tracer/memory.go);
//   - /mesoscope/v1/processes and /__processes__: empty (no actor runtime), so the
//     TUI knows the extras are there;
//   - /metrics/snapshot: empty (a master's metrics; the fetcher's are the agent's).
func contStandIn(s *Session, e *containerEnv) (map[string][]byte, error) {
	now := e.clock.Now()
	snap := standInMaster(s.t0, now)
	snap.Agents = append(snap.Agents, &readonly.Agent{
		Info: mesos.AgentInfo{Hostname: tourAgentID, ID: &mesos.AgentID{Value: tourAgentID}},
		PID:  standInAgentPID(), Version: "1.11.0", Active: true, RegisteredTime: s.t0,
	})
	bodies := masterBodies(snap)
	prefix := "/" + strings.SplitN(standInAgentPID(), "@", 2)[0]
	agent, err := json.Marshal(map[string]any{
		"version": "1.11.0", "id": tourAgentID, "pid": standInAgentPID(), "hostname": tourAgentID,
		"start_time": float64(s.t0.UnixNano()) / 1e9, "master_hostname": "walkthrough",
		"resources": map[string]float64{}, "attributes": map[string]any{}, "flags": map[string]string{"work_dir": "$WORK"},
		"frameworks": []any{}, "completed_frameworks": []any{},
	})
	if err != nil {
		return nil, fmt.Errorf("tui stand-in: agent state: %w", err)
	}
	bodies[prefix+"/state"] = agent
	cs, err := e.containersJSON()
	if err != nil {
		return nil, err
	}
	bodies[prefix+"/containers"] = cs
	spans, err := e.spansJSON(now)
	if err != nil {
		return nil, err
	}
	bodies["/mesoscope/v1/spans"] = spans
	bodies["/mesoscope/v1/processes"] = []byte("[]")
	bodies["/__processes__"] = []byte("[]")
	bodies["/metrics/snapshot"] = []byte("{}")
	return bodies, nil
}

// containersJSON is the agent's /containers: every container the containerizer has,
// with its status and usage when it answers for them.
func (e *containerEnv) containersJSON() ([]byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), syncTimeout)
	defer cancel()
	out := []agent.ContainerEntry{}
	for _, sn := range e.m.Snapshot() {
		c := agent.ContainerEntry{FrameworkID: sn.Config.FrameworkID, ExecutorID: sn.Config.ExecutorID,
			ExecutorName: "Command Executor (Task: " + sn.Config.ExecutorID + ")", ContainerID: sn.ContainerID.Value}
		if st, err := e.m.Status(ctx, sn.ContainerID); err == nil {
			c.Status = &st
		}
		if u, err := e.m.Usage(ctx, sn.ContainerID); err == nil {
			c.Statistics = &u
		}
		out = append(out, c)
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("tui stand-in: containers: %w", err)
	}
	return b, nil
}

// spansJSON is /mesoscope/v1/spans with one "container" span per container, in the
// order the containers first moved; a container not terminated yet ends at now.
func (e *containerEnv) spansJSON(now time.Time) ([]byte, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	var spans []*tracer.SpanData
	byID := map[string]*tracer.SpanData{}
	for _, t := range e.transitions {
		id := t.ContainerID.String()
		sp := byID[id]
		if sp == nil {
			n := len(spans) + 1
			sp = &tracer.SpanData{
				TraceID: fmt.Sprintf("%032x", n), SpanID: fmt.Sprintf("%016x", n), Name: "container",
				Service: "mesoscope-walk-containerizer", Kind: "internal",
				StartUnixNano: t.Time.Add(-t.Since).UnixNano(), EndUnixNano: now.UnixNano(),
				Attributes: map[string]string{"mesos.container_id": id},
			}
			byID[id] = sp
			spans = append(spans, sp)
		}
		sp.Events = append(sp.Events, tracer.SpanEvent{Name: "container.state", TimeUnixNano: t.Time.UnixNano(), Attributes: map[string]string{
			"mesos.container_id": id, "mesos.container_state_from": t.From.String(), "mesos.container_state": t.To.String(),
			"mesos.container_state_time": t.Time.UTC().Format(time.RFC3339Nano), "mesos.container_state_from_duration": t.Since.String(),
		}})
		sp.Attributes["mesos.container_state"] = t.To.String()
	}
	for _, d := range e.terminated {
		sp := byID[d.id]
		if sp == nil {
			continue
		}
		sp.EndUnixNano = d.at.UnixNano()
		sp.Events = append(sp.Events, tracer.SpanEvent{Name: "container.terminated", TimeUnixNano: d.at.UnixNano(), Attributes: map[string]string{
			"mesos.container_id": d.id, "mesos.task_state": string(d.term.State), "mesos.reason": string(d.term.Reason),
			"mesos.message": d.term.Message,
		}})
	}
	b, err := json.Marshal(map[string]any{"total": len(spans), "spans": spans})
	if err != nil {
		return nil, fmt.Errorf("tui stand-in: spans: %w", err)
	}
	return b, nil
}
