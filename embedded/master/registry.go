package master

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/mesoscope/mesoscope/embedded/mesos"
)

// DefaultAgentReregisterTimeout is --agent_reregister_timeout: how long a
// restarted master waits for the agents of its registry before marking the
// missing ones unreachable (MIN_AGENT_REREGISTER_TIMEOUT, also the default).
const DefaultAgentReregisterTimeout = 10 * time.Minute

// registryFile is the registry under --work_dir.
const registryFile = "registry.log"

// maxRegistryRecord bounds one record of the registry log.
const maxRegistryRecord = 4 << 20

// registryOp is one record of the registry log: what Mesos's registrar
// stores as Registry operations (src/master/registry_operations.cpp:
// AdmitSlave, MarkSlaveUnreachable, MarkSlaveReachable, MarkSlaveGone,
// RemoveSlave), as JSON lines.
type registryOp struct {
	Op    string           `json:"op"` // admit, unreachable, gone, remove
	Agent *mesos.AgentInfo `json:"agent,omitempty"`
	ID    string           `json:"id,omitempty"`
	Time  int64            `json:"time_ns,omitempty"`
}

// registry is the master's durable record of agents (the registrar with a
// file instead of the replicated log). Operations append to a log that is
// compacted when the master starts; a goroutine syncs it to disk every
// second, and Close syncs it once more.
type registry struct {
	path string
	mu   sync.Mutex
	f    *os.File
	w    *bufio.Writer
	done chan struct{}
	wg   sync.WaitGroup
}

// registryState is what a registry holds.
type registryState struct {
	admitted    map[string]mesos.AgentInfo
	unreachable map[string]time.Time
	gone        map[string]time.Time
}

// openRegistry recovers the registry under dir (creating it) and compacts
// its log.
func openRegistry(dir string) (*registry, registryState, error) {
	st := registryState{admitted: map[string]mesos.AgentInfo{}, unreachable: map[string]time.Time{}, gone: map[string]time.Time{}}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, st, fmt.Errorf("master: registry: %w", err)
	}
	path := filepath.Join(dir, registryFile)
	if f, err := os.Open(path); err == nil {
		err := replayRegistry(f, &st)
		f.Close()
		if err != nil {
			return nil, st, fmt.Errorf("master: registry %s: %w", path, err)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, st, fmt.Errorf("master: registry: %w", err)
	}
	// Compact: write the recovered state to a new log, then rename it in.
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o644)
	if err != nil {
		return nil, st, fmt.Errorf("master: registry: %w", err)
	}
	r := &registry{path: path, f: f, w: bufio.NewWriter(f), done: make(chan struct{})}
	for _, id := range sortedKeys(st.admitted) {
		info := st.admitted[id]
		r.append(registryOp{Op: "admit", Agent: &info})
	}
	for _, id := range sortedKeys(st.unreachable) {
		r.append(registryOp{Op: "unreachable", ID: id, Time: st.unreachable[id].UnixNano()})
	}
	for _, id := range sortedKeys(st.gone) {
		r.append(registryOp{Op: "gone", ID: id, Time: st.gone[id].UnixNano()})
	}
	if err := r.sync(); err != nil {
		f.Close()
		return nil, st, err
	}
	if err := os.Rename(tmp, path); err != nil {
		f.Close()
		return nil, st, fmt.Errorf("master: registry: %w", err)
	}
	r.wg.Add(1)
	go r.syncLoop()
	return r, st, nil
}

// replayRegistry applies the log's records in order; a torn last record
// (the master died while writing it) is ignored, any other bad record is
// an error naming its line.
func replayRegistry(rd io.Reader, st *registryState) error {
	sc := bufio.NewScanner(rd)
	sc.Buffer(make([]byte, 64<<10), maxRegistryRecord)
	line := 0
	var pending error
	for sc.Scan() {
		line++
		if pending != nil {
			return pending
		}
		var op registryOp
		if err := json.Unmarshal(sc.Bytes(), &op); err != nil {
			pending = fmt.Errorf("record %d: %w", line, err)
			continue
		}
		if err := st.apply(op); err != nil {
			return fmt.Errorf("record %d: %w", line, err)
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	return nil // a bad last record is a torn write
}

func (st *registryState) apply(op registryOp) error {
	switch op.Op {
	case "admit":
		if op.Agent == nil || op.Agent.ID == nil || op.Agent.ID.Value == "" {
			return errors.New("admit without an agent id")
		}
		id := op.Agent.ID.Value
		st.admitted[id] = *op.Agent
		delete(st.unreachable, id)
	case "unreachable":
		if op.ID == "" {
			return errors.New("unreachable without an id")
		}
		delete(st.admitted, op.ID)
		st.unreachable[op.ID] = time.Unix(0, op.Time)
	case "gone":
		if op.ID == "" {
			return errors.New("gone without an id")
		}
		delete(st.admitted, op.ID)
		delete(st.unreachable, op.ID)
		st.gone[op.ID] = time.Unix(0, op.Time)
	case "remove":
		delete(st.admitted, op.ID)
	default:
		return fmt.Errorf("unknown operation %q", op.Op)
	}
	return nil
}

// append writes one operation (on the master's queue).
func (r *registry) append(op registryOp) {
	if r == nil {
		return
	}
	data, err := json.Marshal(op)
	if err != nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.w.Write(data)
	r.w.WriteByte('\n')
}

func (r *registry) sync() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if err := r.w.Flush(); err != nil {
		return fmt.Errorf("master: registry: %w", err)
	}
	if err := r.f.Sync(); err != nil {
		return fmt.Errorf("master: registry: %w", err)
	}
	return nil
}

func (r *registry) syncLoop() {
	defer r.wg.Done()
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			_ = r.sync()
		case <-r.done:
			return
		}
	}
}

// Close syncs and closes the log.
func (r *registry) Close() error {
	if r == nil {
		return nil
	}
	close(r.done)
	r.wg.Wait()
	err := r.sync()
	if cerr := r.f.Close(); err == nil {
		err = cerr
	}
	return err
}
