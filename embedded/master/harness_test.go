package master_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mesoscope/mesoscope/embedded/master"
	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/recordio"
	"github.com/mesoscope/mesoscope/embedded/mesos/scheduler"
	"github.com/mesoscope/mesoscope/embedded/observe"
	"github.com/mesoscope/mesoscope/embedded/process"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// testCluster is a master on a paused clock, served over real HTTP on
// loopback, with fake agents (processes on the same runtime that speak
// the master–agent protocol and record what they receive).
type testCluster struct {
	t   *testing.T
	rt  *process.Runtime
	m   *master.Master
	url string
}

func newTestCluster(t *testing.T, cfg master.Config) *testCluster {
	t.Helper()
	return newObservedCluster(t, cfg, nil)
}

// newObservedCluster is newTestCluster with an observer on the runtime.
func newObservedCluster(t *testing.T, cfg master.Config, obs observe.Observer) *testCluster {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	rt, err := process.New(process.Config{Workers: 2, Listener: ln, Delegate: master.ID, Observer: obs})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rt.Stop(context.Background()) })
	rt.Clock().Pause()
	if cfg.ID == "" {
		cfg.ID = "M"
	}
	cfg.Allocator.Seed = 1
	m, err := master.New(rt, cfg)
	if err != nil {
		t.Fatal(err)
	}
	rt.Settle()
	return &testCluster{t: t, rt: rt, m: m, url: "http://" + ln.Addr().String()}
}

// advance moves the paused clock and lets everything that it triggered run.
func (c *testCluster) advance(d time.Duration) {
	c.rt.Clock().Advance(d)
	c.rt.Settle()
}

// fakeAgent records the master's messages.
type fakeAgent struct {
	process.Base
	mu       sync.Mutex
	id       string
	msgs     []string
	runTasks []mesos.RunTaskMessage
	acks     []mesos.StatusUpdateAcknowledgementMessage
	// reconciliations are those of every SlaveReregisteredMessage.
	reconciliations []mesos.ReconcileTasksMessage
}

func (a *fakeAgent) record(s string) {
	a.mu.Lock()
	a.msgs = append(a.msgs, s)
	a.mu.Unlock()
}

func (a *fakeAgent) messages() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.msgs...)
}

func (c *testCluster) addAgent(name, res string) *fakeAgent {
	c.t.Helper()
	a := &fakeAgent{}
	process.Install(&a.Base, mesos.SlaveRegisteredMessageName, func(_ process.PID, m mesos.SlaveRegisteredMessage) {
		a.mu.Lock()
		a.id = m.SlaveID.Value
		a.mu.Unlock()
		a.record("registered " + m.SlaveID.Value)
	})
	process.Install(&a.Base, mesos.SlaveReregisteredMessageName, func(_ process.PID, m mesos.SlaveReregisteredMessage) {
		a.mu.Lock()
		a.reconciliations = append(a.reconciliations, m.Reconciliations...)
		a.mu.Unlock()
		a.record("reregistered " + m.SlaveID.Value)
	})
	process.Install(&a.Base, mesos.RunTaskMessageName, func(_ process.PID, m mesos.RunTaskMessage) {
		a.mu.Lock()
		a.runTasks = append(a.runTasks, m)
		a.mu.Unlock()
		rs := m.Task.Resources.Resources.Clone()
		rs.Unallocate()
		a.record("run " + m.Task.TaskID.Value + " " + rs.String())
	})
	process.Install(&a.Base, mesos.KillTaskMessageName, func(_ process.PID, m mesos.KillTaskMessage) {
		a.record("kill " + m.TaskID.Value)
	})
	process.Install(&a.Base, mesos.StatusUpdateAcknowledgementMessageName, func(_ process.PID, m mesos.StatusUpdateAcknowledgementMessage) {
		a.mu.Lock()
		a.acks = append(a.acks, m)
		a.mu.Unlock()
		a.record("ack " + m.TaskID.Value)
	})
	process.Install(&a.Base, mesos.ShutdownFrameworkMessageName, func(_ process.PID, m mesos.ShutdownFrameworkMessage) {
		a.record("shutdown framework " + m.FrameworkID.Value)
	})
	process.Install(&a.Base, mesos.CheckpointResourcesMessageName, func(_ process.PID, m mesos.CheckpointResourcesMessage) {
		a.record("checkpoint " + m.Resources.Resources.String())
	})
	process.Install(&a.Base, mesos.ShutdownMessageName, func(_ process.PID, m mesos.ShutdownMessage) {
		a.record("shutdown: " + m.Message)
	})
	process.Install(&a.Base, mesos.PingSlaveMessageName, func(from process.PID, _ mesos.PingSlaveMessage) {
		a.Send(from, mesos.PongSlaveMessageName, mesos.PongSlaveMessage{})
	})
	pid, err := c.rt.Spawn(name, a)
	if err != nil {
		c.t.Fatal(err)
	}
	rs := resources.MustParse(res)
	process.Do(c.rt, pid, "register", func() {
		a.Send(c.m.Self(), mesos.RegisterSlaveMessageName, mesos.RegisterSlaveMessage{
			Slave: mesos.AgentInfo{Hostname: name + ".example", Port: 5051, Resources: mesos.ResourcesOf(rs)}, Version: "1.11.0",
		})
	})
	c.rt.Settle()
	if a.agentID() == "" {
		c.t.Fatalf("agent %s did not register: %v", name, a.messages())
	}
	return a
}

func (a *fakeAgent) agentID() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.id
}

// update sends a status update as the agent's status update manager
// would (with a uuid, so that it must be acknowledged).
func (c *testCluster) update(a *fakeAgent, fw, task string, state mesos.TaskState, uuid byte) {
	aid := mesos.AgentID{Value: a.agentID()}
	src := mesos.SourceExecutor
	st := mesos.TaskStatus{TaskID: mesos.TaskID{Value: task}, State: state, Source: &src, AgentID: &aid, UUID: bytes.Repeat([]byte{uuid}, 16), Timestamp: 1}
	process.Do(c.rt, a.Self(), "update", func() {
		a.Send(c.m.Self(), mesos.StatusUpdateMessageName, mesos.StatusUpdateMessage{
			Update: mesos.StatusUpdate{FrameworkID: mesos.FrameworkID{Value: fw}, SlaveID: &aid, Status: st, Timestamp: 1},
			PID:    a.Self().String(),
		})
	})
	c.rt.Settle()
}

// testScheduler is a v1 scheduler speaking raw HTTP.
type testScheduler struct {
	c           *testCluster
	streamID    string
	frameworkID string
	events      chan *scheduler.Event
	body        io.ReadCloser
	done        chan struct{}
}

func (c *testCluster) post(path string, body any, header http.Header) (*http.Response, error) {
	var data []byte
	switch b := body.(type) {
	case string:
		data = []byte(b)
	case []byte:
		data = b
	default:
		var err error
		if data, err = json.Marshal(b); err != nil {
			return nil, err
		}
	}
	req, err := http.NewRequest(http.MethodPost, c.url+path, bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	for k, vs := range header {
		req.Header[k] = vs
	}
	return http.DefaultClient.Do(req)
}

func (c *testCluster) subscribe(info mesos.FrameworkInfo) *testScheduler {
	c.t.Helper()
	resp, err := c.post("/api/v1/scheduler", subscribeCall(info), nil)
	if err != nil {
		c.t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		c.t.Fatalf("SUBSCRIBE: status %d: %s", resp.StatusCode, b)
	}
	s := &testScheduler{c: c, streamID: resp.Header.Get("Mesos-Stream-Id"), events: make(chan *scheduler.Event, 1024), body: resp.Body, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		r := recordio.NewReader(resp.Body, 0)
		for {
			rec, err := r.ReadRecord()
			if err != nil {
				close(s.events)
				return
			}
			e, err := scheduler.DecodeEvent(rec)
			if err != nil {
				c.t.Errorf("decode event %q: %v", rec, err)
				close(s.events)
				return
			}
			s.events <- e
		}
	}()
	e := s.next(scheduler.EventSubscribed)
	s.frameworkID = e.Subscribed.FrameworkID.Value
	c.t.Cleanup(s.close)
	return s
}

func (s *testScheduler) close() {
	s.body.Close()
	<-s.done
}

// next returns the next event of type typ, skipping heartbeats; it fails
// the test on any other event type or when none arrives.
func (s *testScheduler) next(typ scheduler.EventType) *scheduler.Event {
	s.c.t.Helper()
	for {
		select {
		case e, ok := <-s.events:
			if !ok {
				s.c.t.Fatalf("stream closed while waiting for %v", typ)
			}
			if e.Type == scheduler.EventHeartbeat && typ != scheduler.EventHeartbeat {
				continue
			}
			if e.Type != typ {
				s.c.t.Fatalf("event = %v (%s), want %v", e.Type, scheduler.DescribeEvent(e), typ)
			}
			return e
		case <-time.After(10 * time.Second):
			s.c.t.Fatalf("no %v event within 10s", typ)
		}
	}
}

// none checks that no event but heartbeats is pending.
func (s *testScheduler) none() {
	s.c.t.Helper()
	s.c.rt.Settle()
	for {
		select {
		case e, ok := <-s.events:
			if !ok {
				return
			}
			if e.Type == scheduler.EventHeartbeat {
				continue
			}
			s.c.t.Fatalf("unexpected event %v: %s", e.Type, scheduler.DescribeEvent(e))
		case <-time.After(50 * time.Millisecond):
			return
		}
	}
}

// call POSTs a call with the stream id and framework id set; it returns
// the status code and body.
func (s *testScheduler) call(c *scheduler.Call) (int, string) {
	s.c.t.Helper()
	if c.FrameworkID == nil {
		c.FrameworkID = &mesos.FrameworkID{Value: s.frameworkID}
	}
	resp, err := s.c.post("/api/v1/scheduler", c, http.Header{"Mesos-Stream-Id": {s.streamID}})
	if err != nil {
		s.c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	s.c.rt.Settle()
	return resp.StatusCode, string(b)
}

func (s *testScheduler) mustCall(c *scheduler.Call) {
	s.c.t.Helper()
	if code, body := s.call(c); code != http.StatusAccepted && code != http.StatusOK {
		s.c.t.Fatalf("%v: status %d: %s", c.Type, code, body)
	}
}

func (s *testScheduler) launch(o mesos.Offer, tasks ...mesos.TaskInfo) {
	s.c.t.Helper()
	s.mustCall(&scheduler.Call{Type: scheduler.CallAccept, Accept: &scheduler.Accept{
		OfferIDs:   []mesos.OfferID{o.ID},
		Operations: []mesos.OfferOperation{{Type: mesos.OperationLaunch, Launch: &mesos.LaunchOperation{TaskInfos: tasks}}},
	}})
}

func commandTask(id string, agentID mesos.AgentID, res string) mesos.TaskInfo {
	shell := true
	return mesos.TaskInfo{Name: id, TaskID: mesos.TaskID{Value: id}, AgentID: agentID,
		Resources: mesos.ResourcesOf(resources.MustParse(res)), Command: &mesos.CommandInfo{Shell: &shell, Value: ptr("true")}}
}

func ptr[T any](v T) *T { return &v }

func framework(name string, roles ...string) mesos.FrameworkInfo {
	f := mesos.FrameworkInfo{User: "test", Name: name}
	if len(roles) > 0 {
		f.Roles = roles
		f.Capabilities = []mesos.FrameworkCapability{{Type: mesos.FrameworkMultiRole}}
	}
	return f
}

func describeOffers(os []mesos.Offer) string {
	var b strings.Builder
	for i, o := range os {
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%s %s", o.AgentID.Value, o.Resources.Resources.String())
	}
	return b.String()
}

func subscribeCall(info mesos.FrameworkInfo) *scheduler.Call {
	return &scheduler.Call{Type: scheduler.CallSubscribe, FrameworkID: info.ID, Subscribe: &scheduler.Subscribe{FrameworkInfo: info}}
}

// waitDisconnected waits until the master has noticed that the framework's
// stream is gone: the server sees the client close the connection
// asynchronously, so this polls /master/frameworks (bounded) instead of
// assuming a time.
func (c *testCluster) waitDisconnected(frameworkID string) {
	c.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		c.rt.Settle()
		resp, err := http.Get(c.url + "/master/frameworks?framework_id=" + frameworkID)
		if err != nil {
			c.t.Fatal(err)
		}
		var v struct {
			Frameworks []struct {
				Connected bool `json:"connected"`
			} `json:"frameworks"`
		}
		err = json.NewDecoder(resp.Body).Decode(&v)
		resp.Body.Close()
		if err != nil {
			c.t.Fatal(err)
		}
		if len(v.Frameworks) == 1 && !v.Frameworks[0].Connected {
			return
		}
		time.Sleep(time.Millisecond)
	}
	c.t.Fatalf("framework %s still connected after its stream closed", frameworkID)
}

// offerLog records the master's offer.closed events as "outcome refuse_seconds".
type offerLog struct {
	mu     sync.Mutex
	closed []string
}

func (*offerLog) Needs() observe.Needs                            { return observe.NeedEvents }
func (*offerLog) DispatchBegin(*observe.Dispatch)                 {}
func (*offerLog) DispatchEnd(*observe.Dispatch)                   {}
func (*offerLog) MessageSend(*observe.Dispatch, *observe.Message) {}
func (l *offerLog) Event(_ *observe.Dispatch, e observe.Event) {
	if e.Type != master.EventOfferClosed {
		return
	}
	outcome, _ := e.Get("offer.outcome")
	refuse, _ := e.Get("offer.refuse_seconds")
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = append(l.closed, strings.TrimSpace(outcome+" "+refuse))
}

func (l *offerLog) get() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.closed)
}
