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
	"github.com/mesoscope/mesoscope/embedded/mesos/recordio"
	"github.com/mesoscope/mesoscope/embedded/mesos/scheduler"
)

func TestRunSubscribe(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		m := h.master("m1:5050")
		m.heartbeat = 15
		c := h.client(Config{Headers: http.Header{"Authorization": {"Basic dTpw"}}})
		if got := c.FrameworkID(); got != "" {
			t.Errorf("FrameworkID() before Run = %q, want \"\"", got)
		}
		rec := &recorder{}
		r := run(t, c, rec.handle)
		synctest.Wait()

		if got, want := c.FrameworkID(), "fw-0001"; got != want {
			t.Errorf("FrameworkID() = %q, want %q", got, want)
		}
		subs := m.subscribeRequests()
		if len(subs) != 1 {
			t.Fatalf("SUBSCRIBE requests = %d, want 1", len(subs))
		}
		want := &scheduler.Call{Type: scheduler.CallSubscribe, Subscribe: &scheduler.Subscribe{FrameworkInfo: testFramework()}}
		if diff := cmp.Diff(want, subs[0].call); diff != "" {
			t.Errorf("SUBSCRIBE call mismatch (-want +got):\n%s", diff)
		}
		for k, want := range map[string]string{"Content-Type": "application/json", "Accept": "application/json", "Mesos-Stream-Id": "", "Authorization": "Basic dTpw"} {
			if got := subs[0].header.Get(k); got != want {
				t.Errorf("SUBSCRIBE header %s = %q, want %q", k, got, want)
			}
		}

		uuid := []byte("0123456789abcdef")
		m.send(&scheduler.Event{Type: scheduler.EventOffers, Offers: &scheduler.Offers{Offers: []mesos.Offer{{ID: mesos.OfferID{Value: "o-1"}, FrameworkID: mesos.FrameworkID{Value: "fw-0001"}, AgentID: mesos.AgentID{Value: "a-1"}, Hostname: "h1"}}}})
		m.send(&scheduler.Event{Type: scheduler.EventUpdate, Update: &scheduler.Update{Status: mesos.TaskStatus{TaskID: mesos.TaskID{Value: "t-1"}, State: mesos.TaskRunning, AgentID: &mesos.AgentID{Value: "a-1"}, UUID: uuid}}})
		m.send(&scheduler.Event{Type: scheduler.EventHeartbeat})
		synctest.Wait()
		if diff := cmp.Diff([]string{"SUBSCRIBED", "OFFERS", "UPDATE", "HEARTBEAT"}, rec.types()); diff != "" {
			t.Errorf("events mismatch (-want +got):\n%s", diff)
		}
		if got := rec.events[1].Offers.Offers[0].ID.Value; got != "o-1" {
			t.Errorf("OFFERS offer id = %q, want %q", got, "o-1")
		}
		if calls := m.callRequests(); len(calls) != 0 {
			t.Errorf("calls without AutoAck = %d, want 0 (no silent acknowledgement)", len(calls))
		}

		if err := r.stop(); !errors.Is(err, context.Canceled) {
			t.Errorf("Run() after cancel = %v, want context.Canceled", err)
		}
		synctest.Wait()
		if got := m.openStreams(); got != 0 {
			t.Errorf("open streams after cancel = %d, want 0", got)
		}
		if len(m.subscribeRequests()) != 1 {
			t.Errorf("SUBSCRIBE requests after cancel = %d, want 1", len(m.subscribeRequests()))
		}
	})
}

// TestRunResubscribe covers the ways a subscription ends short of an
// ERROR: each case must lead to a new SUBSCRIBE that carries the
// FrameworkID the master assigned (failover), on a new stream.
func TestRunResubscribe(t *testing.T) {
	tests := []struct {
		name string
		// disrupt ends the first subscription.
		disrupt func(m *fakeMaster)
		// wait is how long after disrupt the second SUBSCRIBE must have
		// arrived; it must not have arrived wait-margin after it.
		wait time.Duration
	}{
		{"master closes the stream", (*fakeMaster).closeStream, DefaultBackoffInitial},
		{"undecodable framing", func(m *fakeMaster) { m.sendRaw([]byte("12x\n")) }, DefaultBackoffInitial},
		{"record cut short", func(m *fakeMaster) {
			m.sendRaw([]byte("100\n{\"type\":"))
			m.closeStream()
		}, DefaultBackoffInitial},
		{"heartbeats missed", func(*fakeMaster) {}, 5*15*time.Second + DefaultBackoffInitial},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h := newHarness(t)
				m := h.master("m1:5050")
				m.heartbeat = 15
				c := h.client(Config{})
				rec := &recorder{}
				r := run(t, c, rec.handle)
				synctest.Wait()
				start := time.Now()
				tc.disrupt(m)
				time.Sleep(tc.wait)
				synctest.Wait()

				subs := m.subscribeRequests()
				if len(subs) != 2 {
					t.Fatalf("SUBSCRIBE requests %v after disruption = %d, want 2", tc.wait, len(subs))
				}
				if d := subs[1].at.Sub(start); d > tc.wait {
					t.Errorf("resubscribed %v after disruption, want at most %v", d, tc.wait)
				}
				want := testFramework()
				want.ID = &mesos.FrameworkID{Value: "fw-0001"}
				if diff := cmp.Diff(&scheduler.Call{FrameworkID: want.ID, Type: scheduler.CallSubscribe, Subscribe: &scheduler.Subscribe{FrameworkInfo: want}}, subs[1].call); diff != "" {
					t.Errorf("second SUBSCRIBE mismatch (-want +got):\n%s", diff)
				}
				if got := subs[1].header.Get(headerStreamID); got != "" {
					t.Errorf("second SUBSCRIBE carries Mesos-Stream-Id %q, want none", got)
				}
				if diff := cmp.Diff([]string{"SUBSCRIBED", "SUBSCRIBED"}, rec.types()); diff != "" {
					t.Errorf("events mismatch (-want +got):\n%s", diff)
				}
				// Calls now use the new stream.
				if err := c.Revive(context.Background()); err != nil {
					t.Fatalf("Revive() after resubscribing = %v", err)
				}
				calls := m.callRequests()
				if got, want := calls[0].header.Get(headerStreamID), "stream-1"; got != want {
					t.Errorf("Mesos-Stream-Id after resubscribing = %q, want %q", got, want)
				}
				if done, err := r.result(); done {
					t.Errorf("Run() returned %v, want it still running", err)
				}
			})
		})
	}
}

// TestRunHeartbeatTimeout checks the watchdog's arithmetic on the bubble's
// fake clock: the stream is dropped after exactly MissedHeartbeats
// intervals of silence (the interval SUBSCRIBED gives), time spent in the
// handler does not count, and HEARTBEATs keep the stream alive.
func TestRunHeartbeatTimeout(t *testing.T) {
	tests := []struct {
		name      string
		heartbeat float64 // SUBSCRIBED's heartbeat_interval_seconds; 0: unset
		missed    int
		want      time.Duration
	}{
		{"mesos defaults", 15, 0, 75 * time.Second},
		{"interval from SUBSCRIBED", 2, 3, 6 * time.Second},
		{"fractional interval", 0.5, 5, 2500 * time.Millisecond},
		{"interval unset", 0, 2, 30 * time.Second},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h := newHarness(t)
				m := h.master("m1:5050")
				m.heartbeat = tc.heartbeat
				// A fixed backoff makes the reconnect time exact.
				c := h.client(Config{MissedHeartbeats: tc.missed, BackoffInitial: time.Nanosecond, BackoffMax: time.Nanosecond})
				rec := &recorder{}
				r := run(t, c, rec.handle)
				synctest.Wait()
				start := time.Now()

				time.Sleep(tc.want - time.Nanosecond)
				synctest.Wait()
				if n := len(m.subscribeRequests()); n != 1 {
					t.Fatalf("SUBSCRIBE requests %v into the silence = %d, want 1", tc.want-time.Nanosecond, n)
				}
				time.Sleep(2 * time.Nanosecond)
				synctest.Wait()
				subs := m.subscribeRequests()
				if len(subs) != 2 {
					t.Fatalf("SUBSCRIBE requests %v into the silence = %d, want 2", tc.want+time.Nanosecond, len(subs))
				}
				if got := subs[1].at.Sub(start); got < tc.want || got > tc.want+time.Nanosecond {
					t.Errorf("resubscribed after %v of silence, want %v", got, tc.want)
				}
				if done, err := r.result(); done {
					t.Errorf("Run() returned %v, want it still running", err)
				}
			})
		})
	}

	t.Run("heartbeats keep the stream", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			h := newHarness(t)
			m := h.master("m1:5050")
			m.heartbeat, m.sendHeartbeats = 15, true
			c := h.client(Config{})
			rec := &recorder{}
			run(t, c, rec.handle)
			time.Sleep(10*time.Minute + time.Second)
			synctest.Wait()
			if n := len(m.subscribeRequests()); n != 1 {
				t.Errorf("SUBSCRIBE requests after 10m of heartbeats = %d, want 1", n)
			}
			if got, want := len(rec.types()), 1+40; got != want {
				t.Errorf("events after 10m of 15s heartbeats = %d, want %d", got, want)
			}
		})
	})

	t.Run("slow handler is not silence", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			h := newHarness(t)
			m := h.master("m1:5050")
			m.heartbeat = 1
			c := h.client(Config{}) // 5 s of silence allowed
			rec := &recorder{then: func(_ context.Context, ev *scheduler.Event) {
				if ev.Type == scheduler.EventOffers {
					time.Sleep(time.Minute)
				}
			}}
			run(t, c, rec.handle)
			synctest.Wait()
			m.send(&scheduler.Event{Type: scheduler.EventOffers, Offers: &scheduler.Offers{}})
			m.send(&scheduler.Event{Type: scheduler.EventHeartbeat})
			time.Sleep(time.Minute + 4*time.Second)
			synctest.Wait()
			if n := len(m.subscribeRequests()); n != 1 {
				t.Errorf("SUBSCRIBE requests after a 1m handler = %d, want 1", n)
			}
			if diff := cmp.Diff([]string{"SUBSCRIBED", "OFFERS", "HEARTBEAT"}, rec.types()); diff != "" {
				t.Errorf("events mismatch (-want +got):\n%s", diff)
			}
		})
	})
}

// TestRunEnds covers what ends Run with an error instead of a reconnect.
func TestRunEnds(t *testing.T) {
	isMasterError := func(msg string) func(error) bool {
		return func(err error) bool {
			var me *MasterError
			return errors.As(err, &me) && me.Message == msg
		}
	}
	isCallError := func(code int, body string) func(error) bool {
		return func(err error) bool {
			var ce *CallError
			return errors.As(err, &ce) && ce.Call == scheduler.CallSubscribe && ce.StatusCode == code && ce.Body == body
		}
	}
	is := func(target error) func(error) bool { return func(err error) bool { return errors.Is(err, target) } }
	failSubscribe := func(code int, body string) func(*fakeMaster, *Config) {
		return func(m *fakeMaster, _ *Config) {
			m.subscribeHook = func(_ int, w http.ResponseWriter) bool { http.Error(w, body, code); return true }
		}
	}
	tests := []struct {
		name       string
		setup      func(*fakeMaster, *Config)
		trigger    func(*fakeMaster)
		wantErr    func(error) bool
		wantEvents []string
	}{
		{
			name: "ERROR event",
			trigger: func(m *fakeMaster) {
				m.send(&scheduler.Event{Type: scheduler.EventError, Error: &scheduler.Error{Message: "Framework failed over"}})
			},
			wantErr:    isMasterError("Framework failed over"),
			wantEvents: []string{"SUBSCRIBED", "ERROR"},
		},
		{
			name: "ERROR instead of SUBSCRIBED",
			setup: func(m *fakeMaster, cfg *Config) {
				m.frameworks["fw-gone"] = &fakeFramework{id: "fw-gone", removed: true}
				cfg.Framework.ID = &mesos.FrameworkID{Value: "fw-gone"}
			},
			wantErr:    isMasterError("Framework has been removed"),
			wantEvents: []string{"ERROR"},
		},
		{
			name:    "400 invalid SUBSCRIBE",
			setup:   failSubscribe(http.StatusBadRequest, "Failed to validate scheduler::Call: bad"),
			wantErr: isCallError(http.StatusBadRequest, "Failed to validate scheduler::Call: bad"),
		},
		{
			name:    "401 unauthenticated",
			setup:   failSubscribe(http.StatusUnauthorized, ""),
			wantErr: isCallError(http.StatusUnauthorized, ""),
		},
		{
			name:    "403 unauthorized",
			setup:   failSubscribe(http.StatusForbidden, "not allowed"),
			wantErr: isCallError(http.StatusForbidden, "not allowed"),
		},
		{
			name:       "undecodable event",
			trigger:    func(m *fakeMaster) { m.sendRaw([]byte("18\n{\"type\":\"EXPLODE\"}")) },
			wantErr:    is(ErrBadEvent),
			wantEvents: []string{"SUBSCRIBED"},
		},
		{
			name:       "event that is not an object",
			trigger:    func(m *fakeMaster) { m.sendRaw([]byte("4\nnull")) },
			wantErr:    is(ErrBadEvent),
			wantEvents: []string{"SUBSCRIBED"},
		},
		{
			name:  "event over MaxEventSize",
			setup: func(_ *fakeMaster, cfg *Config) { cfg.MaxEventSize = 100 },
			trigger: func(m *fakeMaster) {
				m.send(&scheduler.Event{Type: scheduler.EventRescind, Rescind: &scheduler.Rescind{OfferID: mesos.OfferID{Value: string(make([]byte, 100))}}})
			},
			wantErr:    is(recordio.ErrRecordTooLarge),
			wantEvents: []string{"SUBSCRIBED"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h := newHarness(t)
				m := h.master("m1:5050")
				cfg := Config{Framework: testFramework()}
				if tc.setup != nil {
					tc.setup(m, &cfg)
				}
				c := h.client(cfg)
				rec := &recorder{}
				r := run(t, c, rec.handle)
				synctest.Wait()
				if tc.trigger != nil {
					tc.trigger(m)
					synctest.Wait()
				}
				done, err := r.result()
				if !done {
					t.Fatal("Run() still running, want it to return")
				}
				if !tc.wantErr(err) {
					t.Errorf("Run() = %v (%T), want another error", err, err)
				}
				if diff := cmp.Diff(tc.wantEvents, rec.types()); diff != "" {
					t.Errorf("events mismatch (-want +got):\n%s", diff)
				}
				if n := len(m.subscribeRequests()); n != 1 {
					t.Errorf("SUBSCRIBE requests = %d, want 1", n)
				}
				if n := m.openStreams(); n != 0 {
					t.Errorf("open streams = %d, want 0", n)
				}
			})
		})
	}
}

// TestRunAutoAck: with AutoAck, UPDATE events carrying a uuid are
// acknowledged after the handler returns; updates without one (e.g.
// answers to RECONCILE) are not; without AutoAck nothing is.
func TestRunAutoAck(t *testing.T) {
	agent := &mesos.AgentID{Value: "a-1"}
	uuid := []byte("0123456789abcdef")
	update := func(task string, uuid []byte) *scheduler.Event {
		return &scheduler.Event{Type: scheduler.EventUpdate, Update: &scheduler.Update{Status: mesos.TaskStatus{
			TaskID: mesos.TaskID{Value: task}, State: mesos.TaskRunning, AgentID: agent, UUID: uuid,
		}}}
	}
	tests := []struct {
		name    string
		autoAck bool
		want    []*scheduler.Acknowledge
	}{
		{"off", false, nil},
		{"on", true, []*scheduler.Acknowledge{{AgentID: *agent, TaskID: mesos.TaskID{Value: "t-1"}, UUID: uuid}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var order []string
				h := newHarness(t)
				m := h.master("m1:5050")
				m.callHook = func(call *scheduler.Call) (int, string) {
					order = append(order, "ack "+call.Acknowledge.TaskID.Value)
					return 0, ""
				}
				c := h.client(Config{AutoAck: tc.autoAck})
				rec := &recorder{then: func(_ context.Context, ev *scheduler.Event) {
					if ev.Type == scheduler.EventUpdate {
						order = append(order, "handle "+ev.Update.Status.TaskID.Value)
					}
				}}
				run(t, c, rec.handle)
				synctest.Wait()
				m.send(update("t-1", uuid))
				m.send(update("t-2", nil))
				synctest.Wait()

				var got []*scheduler.Acknowledge
				for _, r := range m.callRequests() {
					got = append(got, r.call.Acknowledge)
				}
				if diff := cmp.Diff(tc.want, got); diff != "" {
					t.Errorf("acknowledgements mismatch (-want +got):\n%s", diff)
				}
				wantOrder := []string{"handle t-1", "handle t-2"}
				if tc.autoAck {
					wantOrder = []string{"handle t-1", "ack t-1", "handle t-2"}
				}
				if diff := cmp.Diff(wantOrder, order); diff != "" {
					t.Errorf("order mismatch (-want +got):\n%s", diff)
				}
			})
		})
	}
}

func TestRunOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(t)
		h.master("m1:5050")
		c := h.client(Config{})
		run(t, c, (&recorder{}).handle)
		synctest.Wait()
		if err := c.Run(context.Background(), (&recorder{}).handle); !errors.Is(err, ErrRunning) {
			t.Errorf("second Run() = %v, want ErrRunning", err)
		}
		if err := c.Run(context.Background(), nil); err == nil {
			t.Error("Run(nil handler) = nil, want an error")
		}
	})
}
