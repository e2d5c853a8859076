package containerizer

import (
	"context"
	"fmt"
)

// Update implements Containerizer. Unknown and destroying containers are
// ignored, as in Mesos.
func (m *Mesos) Update(ctx context.Context, id ContainerID, r Resources) error {
	if id.HasParent() {
		return fmt.Errorf("containerizer: update %s: nested containers cannot be updated", id)
	}
	m.mu.Lock()
	ct := m.tab.get(id)
	if ct == nil || ct.state == Destroying {
		m.mu.Unlock()
		return nil
	}
	ct.resources = r
	m.mu.Unlock()
	for _, iso := range m.isolators {
		if err := iso.Update(ctx, id, r); err != nil {
			return fmt.Errorf("containerizer: update %s: %w", id, err)
		}
	}
	return nil
}

// Usage implements Containerizer: the isolators' statistics merged, plus
// the limits derived from the resources (MesosContainerizerProcess::usage
// and the agent's cpus_limit/mem_limit_bytes).
func (m *Mesos) Usage(ctx context.Context, id ContainerID) (ResourceStatistics, error) {
	m.mu.Lock()
	ct := m.tab.get(id)
	if ct == nil {
		m.mu.Unlock()
		return ResourceStatistics{}, fmt.Errorf("containerizer: usage %s: %w", id, ErrUnknownContainer)
	}
	r := ct.resources
	m.mu.Unlock()
	var s ResourceStatistics
	for _, iso := range m.isolators {
		if id.HasParent() && !iso.SupportsNesting() {
			continue
		}
		u, err := iso.Usage(ctx, id)
		if err != nil {
			m.log.Warn("Skipping resource statistic for container", "container", id.String(), "isolator", iso.Name(), "err", err)
			continue
		}
		if reportsCPUTimes(iso.Name()) && u != (ResourceStatistics{}) {
			u.HasCPUTimes = true
		}
		s.merge(u)
	}
	s.Timestamp = float64(m.clock.Now().UnixNano()) / 1e9
	if r.CPUs > 0 {
		s.CPUsSoftLimit = r.CPUs
		s.CPUsLimit = r.CPUs
	}
	if b := r.MemBytes(); b > 0 {
		s.MemSoftLimitBytes = b
		s.MemLimitBytes = b
	}
	if r.Disk > 0 {
		s.DiskLimitBytes = uint64(r.Disk * 1024 * 1024)
	}
	return s, nil
}

// Status implements Containerizer.
func (m *Mesos) Status(ctx context.Context, id ContainerID) (ContainerStatus, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	ct := m.tab.get(id)
	if ct == nil {
		return ContainerStatus{}, fmt.Errorf("containerizer: status %s: %w", id, ErrUnknownContainer)
	}
	return ContainerStatus{ContainerID: ct.id.clone(), ExecutorPID: uint32(ct.pid)}, nil
}

// Containers implements Containerizer.
func (m *Mesos) Containers(ctx context.Context) ([]ContainerID, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.tab.ids(), nil
}

// Snapshot is a deep copy of one container's state, for inspection
// (/mesoscope/v1 extras): it is safe to keep and marshal. A completed
// container (destroyed; see Completed) keeps the state it was removed in,
// DESTROYING, with its full History, and carries its Termination.
type Snapshot struct {
	ContainerID ContainerID     `json:"container_id"`
	State       State           `json:"state"`
	History     History         `json:"history"`
	Directory   string          `json:"directory"`
	PID         int             `json:"pid,omitempty"`
	Recovered   bool            `json:"recovered,omitempty"`
	Config      ContainerConfig `json:"config"`
	// Completed is true once the container was destroyed.
	Completed bool `json:"completed,omitempty"`
	// Termination is why a completed container ended (what Wait returns);
	// nil for a live one.
	Termination *Termination `json:"termination,omitempty"`
}

// snapshotLocked copies ct; m.mu is held.
func (ct *container) snapshotLocked() Snapshot {
	return Snapshot{
		ContainerID: ct.id.clone(),
		State:       ct.state,
		History:     append(History(nil), ct.history...),
		Directory:   ct.directory,
		PID:         ct.pid,
		Recovered:   ct.recovered,
		Config:      ct.config.clone(),
	}
}

// Snapshot returns every live container's state, sorted by ID.
func (m *Mesos) Snapshot() []Snapshot {
	m.mu.Lock()
	defer m.mu.Unlock()
	ids := m.tab.ids()
	out := make([]Snapshot, 0, len(ids))
	for _, id := range ids {
		out = append(out, m.tab.get(id).snapshotLocked())
	}
	return out
}

// Completed returns the snapshots of the last destroyed containers (at most
// 1024, the terminations Wait still answers for), oldest destroy first. Each
// is taken as the container left the table: state DESTROYING, the whole
// History, Completed set and its Termination. Mesos keeps no such record
// (only the agent's completed executors); it serves /mesoscope/v1/containers.
func (m *Mesos) Completed() []Snapshot {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Snapshot, 0, len(m.order))
	for _, key := range m.order {
		s, ok := m.finished[key]
		if !ok {
			continue
		}
		s.ContainerID = s.ContainerID.clone()
		s.History = append(History(nil), s.History...)
		s.Config = s.Config.clone()
		t := *s.Termination
		if t.Status != nil {
			st := *t.Status
			t.Status = &st
		}
		s.Termination = &t
		out = append(out, s)
	}
	return out
}
