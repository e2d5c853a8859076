package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/recordio"
	"github.com/mesoscope/mesoscope/embedded/mesos/scheduler"
	"github.com/mesoscope/mesoscope/internal/netns"
)

// helperEnv marks a re-exec of this test binary that runs a mesoscope
// command (TestPartitionHelperProcess) instead of the tests.
const helperEnv = "MESOSCOPE_TEST_HELPER_COMMAND"

// TestPartitionHelperProcess is not a test: the partition test re-executes
// this binary inside a network namespace with helperEnv set and the
// arguments of a mesoscope command after "--" (`mesoscope master`, `mesoscope
// agent`), the way os/exec's tests use TestHelperProcess. It exits with the
// command's status.
func TestPartitionHelperProcess(t *testing.T) {
	if os.Getenv(helperEnv) != "1" {
		t.Skip("helper process of TestPartitionHeal; runs only when re-executed by it")
	}
	args := os.Args
	for i, a := range args {
		if a == "--" {
			args = args[i+1:]
			break
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cmd := newRootCommand()
	cmd.SetArgs(args)
	if err := cmd.ExecuteContext(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "mesoscope:", err)
		os.Exit(1)
	}
	os.Exit(0)
}

// child is a mesoscope command running as its own process in a namespace.
type child struct {
	name string
	cmd  *exec.Cmd
	log  string
	done chan struct{}
	err  error // Wait's result, after done
}

// startChild runs `mesoscope args...` (this test binary re-executed) in ns,
// logging to dir/<name>.log. It is stopped (SIGTERM, then SIGKILL) at
// cleanup, before the namespaces go.
func startChild(t *testing.T, ns *netns.Namespace, dir, name string, args ...string) *child {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	logPath := filepath.Join(dir, name+".log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer logFile.Close()
	cmd := ns.Command(context.Background(), exe, append([]string{"-test.run=^TestPartitionHelperProcess$", "--"}, args...)...)
	cmd.Env = append(os.Environ(), helperEnv+"=1")
	cmd.Stdout, cmd.Stderr = logFile, logFile
	// If this test process dies, so does the child (`ip netns exec` execs
	// it, keeping the signal); the harness's threads never exit while
	// children run, which would fire it early (Namespace.Do restores them).
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	c := &child{name: name, cmd: cmd, log: logPath, done: make(chan struct{})}
	go func() {
		c.err = cmd.Wait()
		close(c.done)
	}()
	t.Cleanup(func() {
		if err := c.stop(30 * time.Second); err != nil {
			t.Errorf("stop %s: %v", name, err)
		}
		if t.Failed() {
			t.Logf("%s's log (last 40 lines):\n%s", name, tail(c.log, 40))
		}
	})
	return c
}

// stop sends SIGTERM (the command stops gracefully, an agent killing its
// tasks) and SIGKILL after grace.
func (c *child) stop(grace time.Duration) error {
	select {
	case <-c.done:
		return nil
	default:
	}
	if err := c.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		return err
	}
	select {
	case <-c.done:
		var ee *exec.ExitError
		if c.err != nil && !errors.As(c.err, &ee) {
			return c.err
		}
		return nil
	case <-time.After(grace):
		c.cmd.Process.Kill()
		<-c.done
		return fmt.Errorf("%s did not stop within %v after SIGTERM; killed", c.name, grace)
	}
}

// tail returns the last n lines of a file.
func tail(path string, n int) string {
	data, err := os.ReadFile(path)
	if err != nil {
		return err.Error()
	}
	lines := strings.Split(strings.TrimRight(string(data), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// update is one status update as a framework received it.
type update struct {
	at     time.Time
	task   string
	agent  string
	state  mesos.TaskState
	reason string
	source string
	uuid   string // base64, "" for updates without one (master-generated)
}

func (u update) String() string {
	uuid := u.uuid
	if uuid == "" {
		uuid = "-"
	} else if len(uuid) > 8 {
		uuid = uuid[:8]
	}
	return fmt.Sprintf("%s %s %s %s agent=%s uuid=%s", u.task, u.state, u.source, u.reason, u.agent, uuid)
}

func updateOf(st *mesos.TaskStatus, at time.Time) update {
	u := update{at: at, task: st.TaskID.Value, state: st.State}
	if st.AgentID != nil {
		u.agent = st.AgentID.Value
	}
	if st.Reason != nil {
		u.reason = st.Reason.String()
	}
	if st.Source != nil {
		u.source = st.Source.String()
	}
	if len(st.UUID) > 0 {
		u.uuid = base64.StdEncoding.EncodeToString(st.UUID)
	}
	return u
}

// updateLog records the updates one framework received, in order.
type updateLog struct {
	mu      sync.Mutex
	updates []update
}

func (l *updateLog) add(u update) {
	l.mu.Lock()
	l.updates = append(l.updates, u)
	l.mu.Unlock()
}

// all returns a copy of the updates so far.
func (l *updateLog) all() []update {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]update(nil), l.updates...)
}

// since returns the updates of task received at or after from.
func (l *updateLog) since(from time.Time, task string) []update {
	var out []update
	for _, u := range l.all() {
		if u.task == task && !u.at.Before(from) {
			out = append(out, u)
		}
	}
	return out
}

// duplicates returns the updates whose uuid was received more than once:
// the agent's status update manager retries an update until it is
// acknowledged, so a framework may see one twice (at-least-once); with
// acknowledgements flowing none should be.
func (l *updateLog) duplicates() []update {
	seen := map[string]int{}
	var dups []update
	for _, u := range l.all() {
		if u.uuid == "" {
			continue
		}
		seen[u.uuid]++
		if seen[u.uuid] == 2 {
			dups = append(dups, u)
		}
	}
	return dups
}

// tapTransport records the UPDATE events of the SUBSCRIBE streams that go
// through it, exactly as the framework reads them, and otherwise passes
// every request on to base.
type tapTransport struct {
	base http.RoundTripper
	log  *updateLog
}

func (t *tapTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if err != nil || resp.StatusCode != http.StatusOK || resp.Header.Get("Mesos-Stream-Id") == "" {
		return resp, err
	}
	resp.Body = &tapBody{ReadCloser: resp.Body, dec: recordio.NewDecoder(0), log: t.log}
	return resp, nil
}

// tapBody decodes the RecordIO stream as the framework reads it.
type tapBody struct {
	io.ReadCloser
	dec    *recordio.Decoder
	log    *updateLog
	failed bool
}

func (b *tapBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if n > 0 && !b.failed {
		records, derr := b.dec.Decode(p[:n])
		if derr != nil {
			b.failed = true // the framework will see the same error
		}
		now := time.Now()
		for _, r := range records {
			ev, err := scheduler.DecodeEvent(r)
			if err == nil && ev.Type == scheduler.EventUpdate && ev.Update != nil {
				b.log.add(updateOf(&ev.Update.Status, now))
			}
		}
	}
	return n, err
}

// masterState is the part of /master/state the partition test reads.
type masterState struct {
	UnreachableSlaves float64 `json:"unreachable_slaves"`
	Slaves            []struct {
		ID       string `json:"id"`
		Hostname string `json:"hostname"`
		Active   bool   `json:"active"`
	} `json:"slaves"`
	Frameworks []stateFramework `json:"frameworks"`
}

type stateFramework struct {
	ID               string      `json:"id"`
	Name             string      `json:"name"`
	Tasks            []stateTask `json:"tasks"`
	UnreachableTasks []stateTask `json:"unreachable_tasks"`
}

type stateTask struct {
	ID      string `json:"id"`
	State   string `json:"state"`
	SlaveID string `json:"slave_id"`
}

// getJSON GETs url with client and decodes the JSON answer into v.
func getJSON(ctx context.Context, client *http.Client, url string, v any) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s: %s", url, resp.Status, bytes.TrimSpace(body))
	}
	return json.Unmarshal(body, v)
}

// agentID returns the id of the active agent with hostname, or "".
func (s *masterState) agentID(hostname string) string {
	for _, a := range s.Slaves {
		if a.Hostname == hostname && a.Active {
			return a.ID
		}
	}
	return ""
}

// framework returns the framework named name, or nil.
func (s *masterState) framework(name string) *stateFramework {
	for i := range s.Frameworks {
		if s.Frameworks[i].Name == name {
			return &s.Frameworks[i]
		}
	}
	return nil
}
