package inspector

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
)

// MesoscopeAPI is the prefix of the endpoints only mesoscope's master serves.
const MesoscopeAPI = "/mesoscope/v1"

// The extras the inspector knows. MesoscopeProcesses is served by every mesoscope
// runtime and doubles as the presence probe; MesoscopeAllocator?framework_id=ID
// returns the allocator's on-demand explanation of one framework.
const (
	MesoscopeProcesses = MesoscopeAPI + "/processes"
	MesoscopeAllocator = MesoscopeAPI + "/allocator"
)

// Keys of Client.absent for what the probes found.
const (
	mesoscopeAbsentKey         = "mesoscope"
	mesoscopeProbeDoneKey      = "mesoscope-probed"
	mesoscopeEndpointAbsentKey = "mesoscope-absent:"
)

// Mesoscope GETs an extra endpoint under /mesoscope/v1. Once the presence probe
// has found no mesoscope, calls fail fast with ErrNotSupported, so real Mesos
// masters see one probe per client; a missing single endpoint is remembered too.
func (c *Client) Mesoscope(ctx context.Context, path string) ([]byte, error) {
	if !strings.HasPrefix(path, MesoscopeAPI) {
		path = MesoscopeAPI + "/" + strings.TrimPrefix(path, "/")
	}
	if !c.HasMesoscope(ctx) || c.isAbsent(mesoscopeEndpointAbsentKey+pathOnly(path)) {
		return nil, fmt.Errorf("mesoscope %s: %w", path, ErrNotSupported)
	}
	data, err := c.get(ctx, path, true)
	if err != nil {
		if errors.Is(err, ErrNotSupported) && pathOnly(path) != MesoscopeAllocator {
			// The allocator answers 404 for an unknown framework id; only
			// other endpoints are remembered as missing.
			c.markAbsent(mesoscopeEndpointAbsentKey + pathOnly(path))
		}
		return nil, fmt.Errorf("mesoscope %s: %w", path, err)
	}
	return data, nil
}

func pathOnly(p string) string {
	path, _, _ := strings.Cut(p, "?")
	return path
}

// HasMesoscope reports whether the master serves mesoscope's extras, probing
// /mesoscope/v1/processes once per client.
func (c *Client) HasMesoscope(ctx context.Context) bool {
	if c.isAbsent(mesoscopeAbsentKey) {
		return false
	}
	if c.isAbsent(mesoscopeProbeDoneKey) {
		return true
	}
	_, err := c.get(ctx, MesoscopeProcesses, true)
	switch {
	case err == nil:
		c.markAbsent(mesoscopeProbeDoneKey) // probed and present
		return true
	case errors.Is(err, ErrNotSupported), errors.Is(err, ErrNotMesos):
		c.markAbsent(mesoscopeAbsentKey)
	}
	return false
}

// ExplainAllocation implements AllocatorExplainer with the allocator's recorded
// state on mesoscope's master. It answers for a framework given by id; role and
// app questions, and any real Mesos master, give ErrNotSupported.
func (c *Client) ExplainAllocation(ctx context.Context, q Query) (*Explanation, error) {
	if q.Framework == "" || q.App != "" {
		return nil, fmt.Errorf("explain allocation: only frameworks: %w", ErrNotSupported)
	}
	if !c.HasMesoscope(ctx) {
		return nil, fmt.Errorf("explain allocation: %w", ErrNotSupported)
	}
	data, err := c.Mesoscope(ctx, MesoscopeAllocator+"?"+url.Values{"framework_id": {q.Framework}}.Encode())
	if err != nil {
		return nil, fmt.Errorf("explain allocation: %w", err)
	}
	return decodeAllocatorExplanation(data, q.Role)
}

// MesoscopeProcessStats fetches /mesoscope/v1/processes and merges its
// per-process statistics (oldest pending event's age, events handled, busy time)
// into actors.
func (c *Client) MesoscopeProcessStats(ctx context.Context, actors []Actor) error {
	data, err := c.Mesoscope(ctx, MesoscopeProcesses)
	if err != nil {
		return err
	}
	procs, err := decodeMesoscopeProcesses(data)
	if err != nil {
		return err
	}
	mergeMesoscopeProcesses(actors, procs)
	return nil
}

var _ AllocatorExplainer = (*Client)(nil)
