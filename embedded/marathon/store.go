package marathon

import (
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"
)

// Store keeps the scheduler's state across restarts, as ZooKeeper does
// for Marathon: the framework id (to fail over to the same framework),
// the apps, their instances and the deployments in progress. Save is
// called on the scheduler's goroutine with the whole state; it must not
// retain data.
type Store interface {
	// Load returns the last saved state, or nil, nil if there is none.
	Load() ([]byte, error)
	// Save replaces the saved state.
	Save(data []byte) error
}

// MemStore is a Store in memory, shared by the Marathons of one process
// (tests fail a scheduler over to another with it).
type MemStore struct {
	mu   sync.Mutex
	data []byte
}

// Load returns a copy of the saved state.
func (m *MemStore) Load() ([]byte, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return slices.Clone(m.data), nil
}

// Save keeps a copy of data.
func (m *MemStore) Save(data []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.data = slices.Clone(data)
	return nil
}

// FileStore is a Store in one file, replaced atomically on each save.
type FileStore struct {
	Path string
}

// Load reads the file; a missing file is no state.
func (f FileStore) Load() ([]byte, error) {
	b, err := os.ReadFile(f.Path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("marathon: load state: %w", err)
	}
	return b, nil
}

// Save writes data to a temporary file next to Path and renames it.
func (f FileStore) Save(data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(f.Path), filepath.Base(f.Path)+".tmp*")
	if err != nil {
		return fmt.Errorf("marathon: save state: %w", err)
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return fmt.Errorf("marathon: save state: %w", err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("marathon: save state: %w", err)
	}
	if err := os.Rename(tmp.Name(), f.Path); err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("marathon: save state: %w", err)
	}
	return nil
}

// savedState is what a Store holds.
type savedState struct {
	FrameworkID string        `json:"frameworkId,omitempty"`
	Apps        []*App        `json:"apps"`
	Deleted     []string      `json:"deleted,omitempty"`
	Instances   []*Instance   `json:"instances"`
	Deployments []*deployment `json:"deployments"`
	SavedAt     time.Time     `json:"savedAt"`
}

// save encodes the core's persistent state.
func (c *core) save(now time.Time) ([]byte, error) {
	s := savedState{FrameworkID: c.frameworkID, Instances: c.sortedInstances(), Deployments: c.deployments, SavedAt: now}
	for _, id := range slices.Sorted(maps.Keys(c.apps)) {
		s.Apps = append(s.Apps, c.apps[id])
	}
	s.Deleted = append(s.Deleted, slices.Sorted(maps.Keys(c.deleted))...)
	b, err := json.Marshal(&s)
	if err != nil {
		return nil, fmt.Errorf("marathon: save state: %w", err)
	}
	return b, nil
}

// restore loads a saved state into an empty core.
func (c *core) restore(data []byte) error {
	var s savedState
	if err := json.Unmarshal(data, &s); err != nil {
		return fmt.Errorf("marathon: restore state: %w", err)
	}
	c.frameworkID = s.FrameworkID
	for _, a := range s.Apps {
		if a == nil || a.ID == "" {
			return fmt.Errorf("marathon: restore state: an app without id")
		}
		for i := range a.Constraints {
			if err := a.Constraints[i].validate(); err != nil {
				return fmt.Errorf("marathon: restore state: app %s: %w", a.ID, err)
			}
		}
		a.normalize(false)
		c.apps[a.ID] = a
		for _, p := range a.PortDefinitions {
			if p.Port != 0 && !a.RequirePorts {
				c.ports[p.Port] = a.ID
			}
		}
	}
	for _, id := range s.Deleted {
		c.deleted[id] = true
	}
	for _, i := range s.Instances {
		if i == nil || i.ID == "" || c.apps[i.AppID] == nil {
			continue
		}
		c.indexInstance(i)
		if i.Cond == Scheduled {
			i.Cond = Provisioned
			c.setCond(i, Scheduled, i.Since)
		}
		c.updateWatch(i)
	}
	for _, d := range s.Deployments {
		if d == nil || c.apps[d.AppID] == nil {
			continue
		}
		// The action in progress starts over (DeploymentActor restarts
		// the current step after a failover).
		d.Started = false
		d.Replace = nil
		c.deployments = append(c.deployments, d)
	}
	return nil
}
