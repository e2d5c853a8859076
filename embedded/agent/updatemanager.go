package agent

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/mesoscope/mesoscope/embedded/mesos"
)

// StreamKey names a status update stream: one per (framework, task).
type StreamKey struct {
	FrameworkID string
	TaskID      string
}

// Forward is what the update manager asks its owner to do: send Update to the master
// now, and call Timeout(Key, Seq) after Interval unless an acknowledgement comes first
// (TaskStatusUpdateManagerProcess::forward, which sends and delays timeout()). The
// zero Forward means there is nothing to send.
type Forward struct {
	Key      StreamKey
	Update   mesos.StatusUpdate
	Seq      uint64
	Interval time.Duration
}

// Valid reports whether f asks for a send (it is not the zero Forward).
func (f Forward) Valid() bool { return f.Seq != 0 }

// ErrUnknownStream is wrapped by Acknowledge for a stream the manager does not have
// (never created, or cleaned up after its terminal update was acknowledged).
var ErrUnknownStream = errors.New("unknown task status update stream")

// ErrDuplicateAck is wrapped by Acknowledge for an acknowledgement that does not match
// the update in flight: a duplicate, or one for an update already acknowledged.
var ErrDuplicateAck = errors.New("duplicate or unexpected task status update acknowledgement")

// UpdateManager is the agent's task status update manager as a synchronous core: it
// models TaskStatusUpdateManagerProcess and TaskStatusUpdateStream
// (src/slave/task_status_update_manager.cpp) with no process, clock or goroutine.
// The agent feeds it updates and acknowledgements and performs the Forwards it
// returns (sending, and scheduling the retry on the runtime's clock).
//
// Per (framework, task) stream: updates whose UUID was already received or
// acknowledged are ignored; only the head of the stream is in flight, forwarded at
// once if it is the only pending update and otherwise after the acknowledgement of
// the one before; an unacknowledged head is retried at the minimum interval,
// doubling to the maximum; an acknowledgement must carry the head's UUID; the
// acknowledgement of a terminal update ends the stream. Paused (the agent is
// disconnected), nothing is forwarded or retried; Resume re-forwards every head.
// Streams of checkpointing frameworks append UPDATE and ACK records to their
// task.updates file before the update or acknowledgement takes effect.
//
// An UpdateManager is not safe for concurrent use; the agent owns it.
type UpdateManager struct {
	min, max time.Duration
	paused   bool
	streams  map[StreamKey]*updateStream
}

// updateStream is TaskStatusUpdateStream.
type updateStream struct {
	key        StreamKey
	checkpoint bool
	w          io.WriteCloser       // task.updates, when checkpointing
	seen       map[[16]byte]bool    // UUIDs received; true once acknowledged
	pending    []mesos.StatusUpdate // a queue: pending[head:] wait, head first
	head       int
	terminated bool
	err        error // a failed checkpoint write poisons the stream, as in Mesos
	seq        uint64
	interval   time.Duration
	inFlight   bool
}

// NewUpdateManager returns a manager that retries at min, doubling up to max.
func NewUpdateManager(min, max time.Duration) *UpdateManager {
	return &UpdateManager{min: min, max: max, streams: map[StreamKey]*updateStream{}}
}

// Update handles a new status update (TaskStatusUpdateManagerProcess::update and
// _update). open, when non-nil, makes the stream checkpointing: it is called once,
// when the stream is created, to open the task.updates file. It returns the Forward to
// perform if the update is now the head of its stream, the zero Forward if it waits
// (or the manager is paused, or the update is a duplicate).
func (m *UpdateManager) Update(u mesos.StatusUpdate, open func() (io.WriteCloser, error)) (Forward, error) {
	key := StreamKey{FrameworkID: u.FrameworkID.Value, TaskID: u.Status.TaskID.Value}
	s := m.streams[key]
	if s == nil {
		s = &updateStream{key: key, checkpoint: open != nil, seen: map[[16]byte]bool{}}
		if open != nil {
			w, err := open()
			if err != nil {
				s.err = err
			}
			s.w = w
		}
		m.streams[key] = s
	}
	if s.checkpoint != (open != nil) {
		return Forward{}, fmt.Errorf("agent: status update %s: mismatched checkpoint value (expected checkpoint=%t actual checkpoint=%t)",
			describeUpdate(u), s.checkpoint, open != nil)
	}
	if s.err != nil {
		return Forward{}, fmt.Errorf("agent: status update %s: %w", describeUpdate(u), s.err)
	}
	if len(u.UUID) == 0 {
		return Forward{}, fmt.Errorf("agent: status update %s: missing 'uuid'", describeUpdate(u))
	}
	if len(u.UUID) != 16 {
		return Forward{}, fmt.Errorf("agent: status update %s: 'uuid' has %d bytes, want 16", describeUpdate(u), len(u.UUID))
	}
	id := [16]byte(u.UUID)
	if _, ok := s.seen[id]; ok {
		return Forward{}, nil // a duplicate, or already acknowledged by the framework
	}
	if s.checkpoint {
		c := u
		if err := s.record(UpdateRecord{Type: RecordUpdate, Update: &c}); err != nil {
			return Forward{}, fmt.Errorf("agent: status update %s: %w", describeUpdate(u), err)
		}
	}
	s.seen[id] = false
	s.pending = append(s.pending, u)
	if m.paused || s.len() != 1 {
		return Forward{}, nil
	}
	return s.forward(m.min), nil
}

// Acknowledge handles an acknowledgement (TaskStatusUpdateManagerProcess::
// acknowledgement). terminated reports that the acknowledged update was terminal and
// the stream is gone; next is the Forward of the following update, if any.
func (m *UpdateManager) Acknowledge(frameworkID, taskID string, uuid []byte) (terminated bool, next Forward, err error) {
	key := StreamKey{FrameworkID: frameworkID, TaskID: taskID}
	s := m.streams[key]
	if s == nil {
		return false, Forward{}, fmt.Errorf("agent: acknowledgement for task %s of framework %s: %w", taskID, frameworkID, ErrUnknownStream)
	}
	if s.err != nil {
		return false, Forward{}, fmt.Errorf("agent: acknowledgement for task %s of framework %s: %w", taskID, frameworkID, s.err)
	}
	if s.len() == 0 {
		return false, Forward{}, fmt.Errorf("agent: acknowledgement (UUID: %s) for task %s of framework %s: %w: nothing is pending",
			uuidString(uuid), taskID, frameworkID, ErrDuplicateAck)
	}
	head := &s.pending[s.head]
	if len(uuid) != 16 || s.seen[[16]byte(uuid)] || string(uuid) != string(head.UUID) {
		return false, Forward{}, fmt.Errorf("agent: acknowledgement (UUID: %s) for task %s of framework %s: %w: expecting %s",
			uuidString(uuid), taskID, frameworkID, ErrDuplicateAck, uuidString(head.UUID))
	}
	if err := s.record(UpdateRecord{Type: RecordAck, UUID: head.UUID}); err != nil {
		return false, Forward{}, fmt.Errorf("agent: acknowledgement for task %s of framework %s: %w", taskID, frameworkID, err)
	}
	s.seen[[16]byte(head.UUID)] = true
	if !s.terminated {
		s.terminated = head.Status.State.IsTerminal()
	}
	s.pop()
	s.inFlight = false
	s.seq++ // the retry timer of the acknowledged update is now stale
	if s.terminated {
		m.remove(s)
		return true, Forward{}, nil
	}
	if !m.paused && s.len() > 0 {
		return false, s.forward(m.min), nil
	}
	return false, Forward{}, nil
}

// Timeout is the retry timer of a Forward firing (TaskStatusUpdateManagerProcess::
// timeout): if that forward's update is still unacknowledged it is forwarded again
// with the interval doubled, capped at the maximum. A stale timer returns the zero
// Forward.
func (m *UpdateManager) Timeout(key StreamKey, seq uint64) Forward {
	s := m.streams[key]
	if m.paused || s == nil || s.seq != seq || !s.inFlight || s.len() == 0 {
		return Forward{}
	}
	return s.forward(min(s.interval*2, m.max))
}

// Pause stops forwarding and retrying (the agent is disconnected).
func (m *UpdateManager) Pause() { m.paused = true }

// Resume re-forwards the head of every stream at the minimum interval, ordered by
// framework and task ID.
func (m *UpdateManager) Resume() []Forward {
	m.paused = false
	var out []Forward
	for _, s := range m.sortedStreams() {
		if s.len() > 0 {
			out = append(out, s.forward(m.min))
		}
	}
	return out
}

// Paused reports whether the manager is paused.
func (m *UpdateManager) Paused() bool { return m.paused }

// Cleanup closes every stream of a framework (TaskStatusUpdateManagerProcess::
// cleanup): their pending updates are dropped.
func (m *UpdateManager) Cleanup(frameworkID string) {
	for _, s := range m.sortedStreams() {
		if s.key.FrameworkID == frameworkID {
			m.remove(s)
		}
	}
}

// Close closes every stream's checkpoint file and forgets all streams.
func (m *UpdateManager) Close() {
	for _, s := range m.sortedStreams() {
		m.remove(s)
	}
}

// Pending returns a copy of the unacknowledged updates of a stream, head first.
func (m *UpdateManager) Pending(frameworkID, taskID string) []mesos.StatusUpdate {
	s := m.streams[StreamKey{FrameworkID: frameworkID, TaskID: taskID}]
	if s == nil {
		return nil
	}
	return slices.Clone(s.pending[s.head:])
}

// Len returns the number of open streams.
func (m *UpdateManager) Len() int { return len(m.streams) }

func (m *UpdateManager) remove(s *updateStream) {
	if s.w != nil {
		s.w.Close()
		s.w = nil
	}
	delete(m.streams, s.key)
}

func (m *UpdateManager) sortedStreams() []*updateStream {
	out := make([]*updateStream, 0, len(m.streams))
	for _, s := range m.streams {
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b *updateStream) int {
		return cmp.Or(cmp.Compare(a.key.FrameworkID, b.key.FrameworkID), cmp.Compare(a.key.TaskID, b.key.TaskID))
	})
	return out
}

// forward marks the head in flight with a fresh timer sequence number.
func (s *updateStream) forward(interval time.Duration) Forward {
	s.seq++
	s.interval = interval
	s.inFlight = true
	return Forward{Key: s.key, Update: s.pending[s.head], Seq: s.seq, Interval: interval}
}

// len returns the number of pending updates.
func (s *updateStream) len() int { return len(s.pending) - s.head }

// pop drops the head, reusing the queue's array once it is empty.
func (s *updateStream) pop() {
	s.pending[s.head] = mesos.StatusUpdate{}
	s.head++
	if s.head == len(s.pending) {
		s.pending, s.head = s.pending[:0], 0
	}
}

// record checkpoints rec when the stream checkpoints (TaskStatusUpdateStream::handle);
// a failed write poisons the stream.
func (s *updateStream) record(rec UpdateRecord) error {
	if !s.checkpoint {
		return nil
	}
	if err := WriteRecord(s.w, rec); err != nil {
		s.err = err
		return err
	}
	return nil
}

// describeUpdate renders an update like Mesos's operator<< for StatusUpdate:
// "TASK_RUNNING (Status UUID: ...) for task t of framework f".
func describeUpdate(u mesos.StatusUpdate) string {
	return fmt.Sprintf("%s (Status UUID: %s) for task %s of framework %s",
		u.Status.State, uuidString(u.UUID), u.Status.TaskID.Value, u.FrameworkID.Value)
}
