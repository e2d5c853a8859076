package schedclient

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/scheduler"
)

// subscribed starts a Run of a client of a fake master m1 and waits for
// SUBSCRIBED. Call it inside a synctest bubble.
func subscribed(t *testing.T, cfg Config) (*fakeMaster, *Client, *recorder, *running) {
	t.Helper()
	h := newHarness(t)
	m := h.master("m1:5050")
	c := h.client(cfg)
	rec := &recorder{}
	r := run(t, c, rec.handle)
	synctest.Wait()
	if c.FrameworkID() == "" {
		t.Fatal("not subscribed")
	}
	return m, c, rec, r
}

func TestCall(t *testing.T) {
	decline := &scheduler.Call{Type: scheduler.CallDecline, Decline: &scheduler.Decline{OfferIDs: []mesos.OfferID{{Value: "o-1"}}}}
	hook := func(code int, body string) func(*fakeMaster) {
		return func(m *fakeMaster) {
			m.set(func(m *fakeMaster) { m.callHook = func(*scheduler.Call) (int, string) { return code, body } })
		}
	}
	tests := []struct {
		name     string
		before   func(*fakeMaster)
		call     *scheduler.Call
		wantCode int   // CallError.StatusCode; 0: not a CallError
		wantIs   error // errors.Is target; nil: Call succeeds
		wantBody string
		wantSent bool
	}{
		{name: "202 accepted", call: decline, wantSent: true},
		{name: "200 ok", call: decline, before: hook(http.StatusOK, ""), wantSent: true},
		{
			name: "400 bad request", call: decline, before: hook(http.StatusBadRequest, "Offer o-1 is no longer valid"),
			wantCode: http.StatusBadRequest, wantBody: "Offer o-1 is no longer valid", wantSent: true,
		},
		{
			name: "403 framework not subscribed", call: decline, before: (*fakeMaster).disconnect,
			wantCode: http.StatusForbidden, wantIs: ErrNotSubscribed, wantBody: "Framework is not subscribed",
		},
		{
			name: "400 stale stream", call: decline, before: (*fakeMaster).rotateStream,
			wantCode: http.StatusBadRequest, wantIs: ErrNotSubscribed,
			wantBody: "The stream ID 'stream-0' included in this request didn't match the stream ID currently associated with framework ID fw-0001",
		},
		{
			name: "503 unavailable", call: decline, before: hook(http.StatusServiceUnavailable, "Master has not finished recovery"),
			wantCode: http.StatusServiceUnavailable, wantBody: "Master has not finished recovery", wantSent: true,
		},
		{
			name:   "invalid call is not sent",
			call:   &scheduler.Call{Type: scheduler.CallDecline, Decline: &scheduler.Decline{OfferIDs: []mesos.OfferID{{Value: ""}}}},
			wantIs: mesos.ErrInvalid,
		},
		{
			name:   "SUBSCRIBE is Run's",
			call:   &scheduler.Call{Type: scheduler.CallSubscribe, Subscribe: &scheduler.Subscribe{FrameworkInfo: testFramework()}},
			wantIs: errAny,
		},
		{name: "nil call", wantIs: errAny},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				m, c, _, _ := subscribed(t, Config{})
				if tc.before != nil {
					tc.before(m)
				}
				err := c.Call(context.Background(), tc.call)
				var ce *CallError
				switch {
				case tc.wantCode != 0:
					if !errors.As(err, &ce) {
						t.Fatalf("Call() = %v, want a *CallError", err)
					}
					if ce.StatusCode != tc.wantCode || ce.Body != tc.wantBody || ce.Call != tc.call.Type {
						t.Errorf("Call() = %+v, want status %d, body %q, call %s", ce, tc.wantCode, tc.wantBody, tc.call.Type)
					}
				case errors.As(err, &ce):
					t.Errorf("Call() = %v, want no *CallError", err)
				}
				switch {
				case tc.wantIs == nil && tc.wantCode == 0 && err != nil:
					t.Errorf("Call() = %v, want nil", err)
				case tc.wantIs == nil && errors.Is(err, ErrNotSubscribed):
					t.Errorf("Call() = %v, want it not to match ErrNotSubscribed", err)
				case tc.wantIs == errAny && err == nil:
					t.Error("Call() = nil, want an error")
				case tc.wantIs != nil && tc.wantIs != errAny && !errors.Is(err, tc.wantIs):
					t.Errorf("Call() = %v, want errors.Is(err, %v)", err, tc.wantIs)
				}
				calls := m.callRequests()
				if got := len(calls) == 1; got != tc.wantSent {
					t.Fatalf("calls the master accepted = %d, want sent=%v", len(calls), tc.wantSent)
				}
				if !tc.wantSent {
					return
				}
				got := calls[0]
				if v := got.call.FrameworkID; v == nil || v.Value != "fw-0001" {
					t.Errorf("call framework_id = %v, want fw-0001", v)
				}
				for k, want := range map[string]string{headerStreamID: "stream-0", "Content-Type": "application/json"} {
					if v := got.header.Get(k); v != want {
						t.Errorf("call header %s = %q, want %q", k, v, want)
					}
				}
				if tc.call.FrameworkID != nil {
					t.Errorf("caller's call was modified: framework_id = %v", tc.call.FrameworkID)
				}
			})
		})
	}
}

// A CallObserver adds headers to the call's request and hears its outcome.
func TestCallObserver(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		type outcome struct {
			call   scheduler.CallType
			status int
			failed bool
		}
		var seen []outcome
		obs := func(_ context.Context, call *scheduler.Call, h http.Header) func(int, error) {
			h.Set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
			return func(status int, err error) { seen = append(seen, outcome{call.Type, status, err != nil}) }
		}
		m, c, _, _ := subscribed(t, Config{CallObserver: obs})
		decline := &scheduler.Call{Type: scheduler.CallDecline, Decline: &scheduler.Decline{OfferIDs: []mesos.OfferID{{Value: "o-1"}}}}
		if err := c.Call(context.Background(), decline); err != nil {
			t.Fatal(err)
		}
		m.set(func(m *fakeMaster) {
			m.callHook = func(*scheduler.Call) (int, string) { return http.StatusBadRequest, "no" }
		})
		if err := c.Call(context.Background(), decline); err == nil {
			t.Fatal("Call() = nil, want the 400")
		}
		want := []outcome{{scheduler.CallDecline, http.StatusAccepted, false}, {scheduler.CallDecline, http.StatusBadRequest, true}}
		if diff := cmp.Diff(want, seen, cmp.AllowUnexported(outcome{})); diff != "" {
			t.Errorf("outcomes (-want +got):\n%s", diff)
		}
		calls := m.callRequests()
		if len(calls) == 0 || calls[0].header.Get("traceparent") == "" {
			t.Errorf("the call's request carries no traceparent from the observer")
		}
	})
}

// errAny stands for "some error" in tables.
var errAny = errors.New("any error")

func TestCallNotSubscribed(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		m := h.master("m1:5050")
		m.subscribeHook = func(int, http.ResponseWriter) bool { return false }
		c := h.client(Config{})
		if err := c.Revive(context.Background()); !errors.Is(err, ErrNotSubscribed) {
			t.Errorf("Revive() before Run = %v, want ErrNotSubscribed", err)
		}
		r := run(t, c, (&recorder{}).handle)
		synctest.Wait()
		if err := c.Revive(context.Background()); err != nil {
			t.Errorf("Revive() while subscribed = %v, want nil", err)
		}
		// After the stream breaks, calls fail locally until SUBSCRIBED.
		m.set(func(m *fakeMaster) {
			m.subscribeHook = func(_ int, w http.ResponseWriter) bool {
				http.Error(w, "No leader elected", http.StatusServiceUnavailable)
				return true
			}
		})
		m.closeStream()
		synctest.Wait()
		if err := c.Revive(context.Background()); !errors.Is(err, ErrNotSubscribed) {
			t.Errorf("Revive() after the stream closed = %v, want ErrNotSubscribed", err)
		}
		if n := len(m.callRequests()); n != 1 {
			t.Errorf("calls at the master = %d, want 1", n)
		}
		if err := r.stop(); !errors.Is(err, context.Canceled) {
			t.Errorf("Run() = %v, want context.Canceled", err)
		}
		if got := c.FrameworkID(); got != "fw-0001" {
			t.Errorf("FrameworkID() after Run = %q, want it kept", got)
		}
	})
}

// TestCallShorthands checks the Call each shorthand sends.
func TestCallShorthands(t *testing.T) {
	agent := mesos.AgentID{Value: "a-1"}
	task := mesos.TaskID{Value: "t-1"}
	uuid := []byte("0123456789abcdef")
	refuse := 60.0
	fid := &mesos.FrameworkID{Value: "fw-0001"}
	tasks := []mesos.TaskInfo{{Name: "web", TaskID: task, AgentID: agent, Command: &mesos.CommandInfo{Shell: new(true), Value: new("sleep 1")}}}
	renamed := testFramework()
	renamed.Name = "renamed"
	renamedWithID := renamed
	renamedWithID.ID = fid
	tests := []struct {
		name string
		do   func(context.Context, *Client) error
		want *scheduler.Call
	}{
		{"Accept", func(ctx context.Context, c *Client) error {
			return c.Accept(ctx, []mesos.OfferID{{Value: "o-1"}, {Value: "o-2"}}, nil, &mesos.Filters{RefuseSeconds: &refuse})
		}, &scheduler.Call{Type: scheduler.CallAccept, Accept: &scheduler.Accept{OfferIDs: []mesos.OfferID{{Value: "o-1"}, {Value: "o-2"}}, Filters: &mesos.Filters{RefuseSeconds: &refuse}}}},
		{"Launch", func(ctx context.Context, c *Client) error {
			return c.Launch(ctx, mesos.OfferID{Value: "o-1"}, tasks...)
		},
			&scheduler.Call{Type: scheduler.CallAccept, Accept: &scheduler.Accept{
				OfferIDs:   []mesos.OfferID{{Value: "o-1"}},
				Operations: []mesos.OfferOperation{{Type: mesos.OperationLaunch, Launch: &mesos.LaunchOperation{TaskInfos: tasks}}},
			}}},
		{"Decline", func(ctx context.Context, c *Client) error {
			return c.Decline(ctx, []mesos.OfferID{{Value: "o-1"}}, nil)
		},
			&scheduler.Call{Type: scheduler.CallDecline, Decline: &scheduler.Decline{OfferIDs: []mesos.OfferID{{Value: "o-1"}}}}},
		{"Revive all", func(ctx context.Context, c *Client) error { return c.Revive(ctx) },
			&scheduler.Call{Type: scheduler.CallRevive, Revive: &scheduler.Revive{}}},
		{"Suppress one", func(ctx context.Context, c *Client) error { return c.Suppress(ctx, "web") },
			&scheduler.Call{Type: scheduler.CallSuppress, Suppress: &scheduler.Suppress{Roles: []string{"web"}}}},
		{"Kill", func(ctx context.Context, c *Client) error { return c.Kill(ctx, task, &agent) },
			&scheduler.Call{Type: scheduler.CallKill, Kill: &scheduler.Kill{TaskID: task, AgentID: &agent}}},
		{"Acknowledge", func(ctx context.Context, c *Client) error {
			return c.Acknowledge(ctx, &mesos.TaskStatus{TaskID: task, State: mesos.TaskRunning, AgentID: &agent, UUID: uuid})
		}, &scheduler.Call{Type: scheduler.CallAcknowledge, Acknowledge: &scheduler.Acknowledge{AgentID: agent, TaskID: task, UUID: uuid}}},
		{"Reconcile implicit", func(ctx context.Context, c *Client) error { return c.Reconcile(ctx) },
			&scheduler.Call{Type: scheduler.CallReconcile, Reconcile: &scheduler.Reconcile{}}},
		{"Reconcile explicit", func(ctx context.Context, c *Client) error {
			return c.Reconcile(ctx, scheduler.ReconcileTask{TaskID: task, AgentID: &agent})
		}, &scheduler.Call{Type: scheduler.CallReconcile, Reconcile: &scheduler.Reconcile{Tasks: []scheduler.ReconcileTask{{TaskID: task, AgentID: &agent}}}}},
		{"Message", func(ctx context.Context, c *Client) error {
			return c.Message(ctx, agent, mesos.ExecutorID{Value: "e-1"}, []byte("hi"))
		}, &scheduler.Call{Type: scheduler.CallMessage, Message: &scheduler.Message{AgentID: agent, ExecutorID: mesos.ExecutorID{Value: "e-1"}, Data: []byte("hi")}}},
		{"UpdateFramework", func(ctx context.Context, c *Client) error {
			return c.UpdateFramework(ctx, scheduler.UpdateFramework{FrameworkInfo: renamed, SuppressedRoles: []string{"batch"}})
		}, &scheduler.Call{Type: scheduler.CallUpdateFramework, UpdateFramework: &scheduler.UpdateFramework{FrameworkInfo: renamedWithID, SuppressedRoles: []string{"batch"}}}},
		{"Teardown", func(ctx context.Context, c *Client) error { return c.Teardown(ctx) },
			&scheduler.Call{Type: scheduler.CallTeardown}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				m, c, _, _ := subscribed(t, Config{})
				if err := tc.do(context.Background(), c); err != nil {
					t.Fatalf("%s() = %v", tc.name, err)
				}
				calls := m.callRequests()
				if len(calls) != 1 {
					t.Fatalf("calls = %d, want 1", len(calls))
				}
				tc.want.FrameworkID = fid
				if diff := cmp.Diff(tc.want, calls[0].call); diff != "" {
					t.Errorf("%s call mismatch (-want +got):\n%s", tc.name, diff)
				}
			})
		})
	}
}

func TestAcknowledgeRefused(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		m, c, _, _ := subscribed(t, Config{})
		for _, s := range []*mesos.TaskStatus{nil, {TaskID: mesos.TaskID{Value: "t-1"}, State: mesos.TaskLost, AgentID: &mesos.AgentID{Value: "a-1"}}} {
			if err := c.Acknowledge(context.Background(), s); err == nil {
				t.Errorf("Acknowledge(%v) = nil, want an error", s)
			}
		}
		if n := len(m.callRequests()); n != 0 {
			t.Errorf("calls = %d, want 0", n)
		}
	})
}

// TestCallResubscribeState: accepted SUPPRESS, REVIVE and UPDATE_FRAMEWORK
// calls change what the next SUBSCRIBE sends, so a reconnect does not
// undo them.
func TestCallResubscribeState(t *testing.T) {
	renamed := testFramework()
	renamed.Name = "renamed"
	tests := []struct {
		name           string
		initial        []string // Config.SuppressedRoles
		calls          func(context.Context, *Client) error
		wantSuppressed []string
		wantName       string
	}{
		{"suppress one", nil, func(ctx context.Context, c *Client) error { return c.Suppress(ctx, "batch") }, []string{"batch"}, "schedclient-test"},
		{"suppress all", nil, func(ctx context.Context, c *Client) error { return c.Suppress(ctx) }, []string{"web", "batch"}, "schedclient-test"},
		{"revive one", []string{"web", "batch"}, func(ctx context.Context, c *Client) error { return c.Revive(ctx, "web") }, []string{"batch"}, "schedclient-test"},
		{"revive all", []string{"web"}, func(ctx context.Context, c *Client) error { return c.Revive(ctx) }, nil, "schedclient-test"},
		{"suppress twice", []string{"web"}, func(ctx context.Context, c *Client) error {
			if err := c.Suppress(ctx, "web"); err != nil {
				return err
			}
			return c.Suppress(ctx, "batch")
		}, []string{"web", "batch"}, "schedclient-test"},
		{"update framework", []string{"web"}, func(ctx context.Context, c *Client) error {
			return c.UpdateFramework(ctx, scheduler.UpdateFramework{FrameworkInfo: renamed, SuppressedRoles: []string{"batch"}})
		}, []string{"batch"}, "renamed"},
		{"refused call changes nothing", []string{"web"}, func(ctx context.Context, c *Client) error {
			if err := c.Revive(ctx, "nope"); err == nil {
				return errors.New("Revive(nope) = nil, want an error")
			}
			return nil
		}, []string{"web"}, "schedclient-test"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				m, c, _, _ := subscribed(t, Config{SuppressedRoles: tc.initial})
				m.set(func(m *fakeMaster) {
					m.callHook = func(call *scheduler.Call) (int, string) {
						if call.Revive != nil && len(call.Revive.Roles) == 1 && call.Revive.Roles[0] == "nope" {
							return http.StatusBadRequest, "unknown role"
						}
						return 0, ""
					}
				})
				if err := tc.calls(context.Background(), c); err != nil {
					t.Fatal(err)
				}
				m.closeStream()
				time.Sleep(DefaultBackoffInitial)
				synctest.Wait()
				subs := m.subscribeRequests()
				if len(subs) != 2 {
					t.Fatalf("SUBSCRIBE requests = %d, want 2", len(subs))
				}
				got := subs[1].call.Subscribe
				if diff := cmp.Diff(tc.wantSuppressed, got.SuppressedRoles); diff != "" {
					t.Errorf("resubscribe suppressed_roles mismatch (-want +got):\n%s", diff)
				}
				if got.FrameworkInfo.Name != tc.wantName {
					t.Errorf("resubscribe framework_info.name = %q, want %q", got.FrameworkInfo.Name, tc.wantName)
				}
				if id := got.FrameworkInfo.ID; id == nil || id.Value != "fw-0001" {
					t.Errorf("resubscribe framework_info.id = %v, want fw-0001", id)
				}
			})
		})
	}
}

// TestCallTeardown: a TEARDOWN answered 202 ends Run with nil (the master
// closes the stream first), after which Run and calls refuse.
func TestCallTeardown(t *testing.T) {
	tests := []struct {
		name string
		// fromHandler makes the call from the handler of SUBSCRIBED.
		fromHandler bool
	}{{"from another goroutine", false}, {"from the handler", true}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h := newHarness(t)
				m := h.master("m1:5050")
				c := h.client(Config{})
				errc := make(chan error, 1)
				rec := &recorder{}
				if tc.fromHandler {
					rec.then = func(ctx context.Context, ev *scheduler.Event) {
						if ev.Type == scheduler.EventSubscribed {
							errc <- c.Teardown(ctx)
						}
					}
				}
				r := run(t, c, rec.handle)
				synctest.Wait()
				if !tc.fromHandler {
					errc <- c.Teardown(context.Background())
				}
				if err := <-errc; err != nil {
					t.Fatalf("Teardown() = %v", err)
				}
				synctest.Wait()
				done, err := r.result()
				if !done || err != nil {
					t.Fatalf("Run() after TEARDOWN: returned %v with %v, want nil", done, err)
				}
				if n := len(m.subscribeRequests()); n != 1 {
					t.Errorf("SUBSCRIBE requests = %d, want 1", n)
				}
				if err := c.Run(context.Background(), rec.handle); !errors.Is(err, ErrTornDown) {
					t.Errorf("Run() again = %v, want ErrTornDown", err)
				}
				if err := c.Revive(context.Background()); !errors.Is(err, ErrTornDown) {
					t.Errorf("Revive() = %v, want ErrTornDown", err)
				}
			})
		})
	}
}
