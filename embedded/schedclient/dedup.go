package schedclient

import (
	"context"

	"github.com/mesoscope/mesoscope/embedded/mesos"
)

// DefaultDedupTerminalTasks is how many tasks in a terminal state the
// deduplicator remembers (Config.DedupTerminalTasks): a retry of a task's
// last update can still arrive after the task ended, until the agent has the
// acknowledgement.
const DefaultDedupTerminalTasks = 1 << 16

// dedup turns Mesos's at-least-once delivery of status updates into
// exactly-once delivery to the framework (Config.DeduplicateUpdates).
//
// Mesos retries an update until the framework's acknowledgement reaches the
// agent (the status update manager, src/slave/task_status_update_manager.cpp,
// resends the head of each task's stream every 10 s, doubling); an
// acknowledgement that is lost with a master or an agent makes the same
// update, with the same uuid, arrive again. A task's stream has one update in
// flight at a time, and the agent sends the next only once the previous one
// is acknowledged, so a retry is always of the last update the framework
// acknowledged for that task: remembering that one uuid per task is enough.
//
// Only retries of updates the framework acknowledged through this client are
// suppressed, whatever became of that ACKNOWLEDGE call: if it failed (the
// master was down), the client acknowledges the retry itself. An update the
// framework has seen but not acknowledged is delivered again: the retry is how
// a framework that lost it gets another chance.
type dedup struct {
	acked    map[string]ackedUpdate // task ID → its last acknowledged update
	terminal []string               // tasks whose last acknowledged update is terminal, oldest first
	limit    int                    // how many terminal tasks to remember
	dropped  int64                  // retries suppressed
}

// ackedUpdate is what dedup remembers of a task's last acknowledged update.
type ackedUpdate struct {
	uuid     string
	terminal bool
}

func newDedup(limit int) *dedup {
	return &dedup{acked: map[string]ackedUpdate{}, limit: limit}
}

// acknowledged records that the framework acknowledged s. Callers hold c.mu.
func (d *dedup) acknowledged(s *mesos.TaskStatus) {
	task := s.TaskID.Value
	prev, known := d.acked[task]
	terminal := s.State.IsTerminal()
	d.acked[task] = ackedUpdate{uuid: string(s.UUID), terminal: terminal}
	if terminal && !(known && prev.terminal) {
		d.terminal = append(d.terminal, task)
		if len(d.terminal) > d.limit {
			old := d.terminal[0]
			d.terminal = d.terminal[1:]
			if a, ok := d.acked[old]; ok && a.terminal {
				delete(d.acked, old)
			}
		}
	}
}

// retry reports whether s is a retry of the update last acknowledged for its
// task. Callers hold c.mu.
func (d *dedup) retry(s *mesos.TaskStatus) bool {
	if len(s.UUID) == 0 {
		return false // not retried by Mesos: answers to RECONCILE, master-generated updates
	}
	a, ok := d.acked[s.TaskID.Value]
	return ok && a.uuid == string(s.UUID)
}

// suppressRetry is Run's check before handing an UPDATE to the framework:
// with DeduplicateUpdates, a retry of an update acknowledged through this
// client is acknowledged again (the first acknowledgement did not reach the
// agent) and not handed on. It reports whether the update was suppressed.
func (c *Client) suppressRetry(ctx context.Context, s *mesos.TaskStatus) bool {
	if c.dedup == nil {
		return false
	}
	c.mu.Lock()
	retry := c.dedup.retry(s)
	if retry {
		c.dedup.dropped++
	}
	c.mu.Unlock()
	if !retry {
		return false
	}
	c.log.Info("schedclient: status update retried by Mesos; acknowledging it again, not handing it on",
		keyTask, s.TaskID.Value, "state", s.State.String())
	if err := c.Acknowledge(ctx, s); err != nil {
		c.log.Warn("schedclient: acknowledge retried update", keyTask, s.TaskID.Value, keyErr, err)
	}
	return true
}

// DuplicateUpdates returns how many retried status updates the client has
// kept from the framework (Config.DeduplicateUpdates); 0 without it.
func (c *Client) DuplicateUpdates() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.dedup == nil {
		return 0
	}
	return c.dedup.dropped
}
