package agent

import (
	"fmt"
	"io"

	"github.com/mesoscope/mesoscope/embedded/mesos"
)

// Recover rebuilds a checkpointing stream from its task.updates records after an
// agent restart (TaskStatusUpdateManagerProcess::recover and
// TaskStatusUpdateStream::replay): each update is received again and, when acks
// holds its UUID, acknowledged again — the acknowledgement pops the head of the
// stream, as it did when it was first written. Nothing is checkpointed while
// replaying. As in Mesos, an acknowledgement pops the head and the acknowledged
// update decides whether the stream terminated. A stream whose terminal update was acknowledged is terminated: it is not
// kept (terminated is true). Otherwise the stream keeps its unacknowledged updates,
// head first, which the manager forwards once resumed; open is called once to reopen
// task.updates for appending. Recover does not forward anything itself: the agent
// recovers paused and resumes after (re-)registering.
func (m *UpdateManager) Recover(key StreamKey, updates []mesos.StatusUpdate, acks map[[16]byte]bool,
	open func() (io.WriteCloser, error)) (terminated bool, err error) {
	if open == nil {
		return false, fmt.Errorf("agent: recover status update stream for task %s of framework %s: only checkpointed streams are recovered",
			key.TaskID, key.FrameworkID)
	}
	if _, ok := m.streams[key]; ok {
		return false, fmt.Errorf("agent: recover status update stream for task %s of framework %s: the stream exists",
			key.TaskID, key.FrameworkID)
	}
	s := &updateStream{key: key, checkpoint: true, seen: map[[16]byte]bool{}}
	for _, u := range updates {
		if len(u.UUID) != 16 {
			return false, fmt.Errorf("agent: recover status update stream for task %s of framework %s: update %s has a %d-byte 'uuid'",
				key.TaskID, key.FrameworkID, describeUpdate(u), len(u.UUID))
		}
		id := [16]byte(u.UUID)
		if _, dup := s.seen[id]; dup {
			continue // written twice (an executor's retry after a crash): handled once
		}
		s.seen[id] = false
		s.pending = append(s.pending, u)
		if !acks[id] || s.len() == 0 {
			continue
		}
		s.seen[id] = true
		if !s.terminated {
			s.terminated = u.Status.State.IsTerminal()
		}
		s.pop()
	}
	if s.terminated {
		return true, nil
	}
	w, err := open()
	s.w, s.err = w, err
	m.streams[key] = s
	if err != nil {
		return false, fmt.Errorf("agent: recover status update stream for task %s of framework %s: %w", key.TaskID, key.FrameworkID, err)
	}
	return false, nil
}
