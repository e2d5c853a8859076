package schedclient

import (
	"context"
	"net/http"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/scheduler"
)

// TestRunSubscribeRetry covers SUBSCRIBE attempts that fail in ways worth
// retrying: Run backs off (bounded by 0.5 s, 1 s, 2 s, ...), subscribes,
// and after SUBSCRIBED starts its backoff over.
func TestRunSubscribeRetry(t *testing.T) {
	writeStream := func(w http.ResponseWriter, streamID string, ev *scheduler.Event) {
		w.Header().Set("Content-Type", ContentTypeJSON)
		if streamID != "" {
			w.Header().Set(headerStreamID, streamID)
		}
		w.WriteHeader(http.StatusOK)
		writeEvent(w, ev)
	}
	subscribed := &scheduler.Event{Type: scheduler.EventSubscribed, Subscribed: &scheduler.Subscribed{FrameworkID: mesos.FrameworkID{Value: "fw-x"}}}
	tests := []struct {
		name     string
		failures int
		fail     func(w http.ResponseWriter)
	}{
		{"503 no leader elected", 3, func(w http.ResponseWriter) { http.Error(w, "No leader elected", http.StatusServiceUnavailable) }},
		{"503 recovering", 2, func(w http.ResponseWriter) {
			http.Error(w, "Master has not finished recovery", http.StatusServiceUnavailable)
		}},
		{"404 routes not installed", 1, func(w http.ResponseWriter) { http.NotFound(w, nil) }},
		{"500", 1, func(w http.ResponseWriter) { http.Error(w, "oops", http.StatusInternalServerError) }},
		{"429", 1, func(w http.ResponseWriter) { http.Error(w, "slow down", http.StatusTooManyRequests) }},
		{"connection dropped", 2, func(w http.ResponseWriter) {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
		}},
		{"no Mesos-Stream-Id", 1, func(w http.ResponseWriter) { writeStream(w, "", subscribed) }},
		{"first event not SUBSCRIBED", 1, func(w http.ResponseWriter) {
			writeStream(w, "s", &scheduler.Event{Type: scheduler.EventHeartbeat})
		}},
		{"SUBSCRIBED without framework_id", 1, func(w http.ResponseWriter) {
			writeStream(w, "s", &scheduler.Event{Type: scheduler.EventSubscribed, Subscribed: &scheduler.Subscribed{}})
		}},
		{"stream ends before SUBSCRIBED", 1, func(w http.ResponseWriter) {
			w.Header().Set(headerStreamID, "s")
			w.WriteHeader(http.StatusOK)
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h := newHarness(t)
				m := h.master("m1:5050")
				m.subscribeHook = func(n int, w http.ResponseWriter) bool {
					if n >= tc.failures {
						return false
					}
					tc.fail(w)
					return true
				}
				c := h.client(Config{})
				rec := &recorder{}
				r := run(t, c, rec.handle)
				time.Sleep(time.Minute)
				synctest.Wait()

				subs := m.subscribeRequests()
				if len(subs) != tc.failures+1 {
					t.Fatalf("SUBSCRIBE requests = %d, want %d", len(subs), tc.failures+1)
				}
				for i := 1; i < len(subs); i++ {
					if d, bound := subs[i].at.Sub(subs[i-1].at), backoffBound(i-1, DefaultBackoffInitial, DefaultBackoffMax); d > bound {
						t.Errorf("retry %d came %v after the previous attempt, want at most %v", i, d, bound)
					}
					if subs[i].call.FrameworkID != nil {
						t.Errorf("retry %d carries framework_id %v before any SUBSCRIBED, want none", i, subs[i].call.FrameworkID)
					}
				}
				if got, want := c.FrameworkID(), "fw-0001"; got != want {
					t.Errorf("FrameworkID() = %q, want %q", got, want)
				}
				if diff := cmp.Diff([]string{"SUBSCRIBED"}, rec.types()); diff != "" {
					t.Errorf("events mismatch (-want +got):\n%s", diff)
				}

				// SUBSCRIBED reset the backoff: the next retry is prompt.
				start := time.Now()
				m.closeStream()
				time.Sleep(DefaultBackoffInitial)
				synctest.Wait()
				subs = m.subscribeRequests()
				if len(subs) != tc.failures+2 {
					t.Fatalf("SUBSCRIBE requests %v after the stream closed = %d, want %d", DefaultBackoffInitial, len(subs), tc.failures+2)
				}
				if d := subs[len(subs)-1].at.Sub(start); d > DefaultBackoffInitial {
					t.Errorf("resubscribed %v after the stream closed, want at most %v", d, DefaultBackoffInitial)
				}
				if done, err := r.result(); done {
					t.Errorf("Run() returned %v, want it still running", err)
				}
			})
		})
	}
}

// TestRunRedirect: a non-leading master answers 307 with the leader in
// Location (protocol-relative from Mesos); the client subscribes with the
// leader, sends its calls there, and starts over at Config.Master after a
// disconnection.
func TestRunRedirect(t *testing.T) {
	tests := []struct {
		name     string
		location func(r *http.Request) string
	}{
		{"mesos protocol-relative", func(r *http.Request) string { return "//m2:5050" + r.URL.String() }},
		{"protocol-relative base", func(*http.Request) string { return "//m2:5050" }},
		{"doc example host:port", func(*http.Request) string { return "m2:5050" }},
		{"absolute", func(*http.Request) string { return "http://m2:5050/api/v1/scheduler" }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				h := newHarness(t)
				m1, m2 := h.master("m1:5050"), h.master("m2:5050")
				m1.redirect = tc.location
				c := h.client(Config{Headers: http.Header{"Authorization": {"Basic dTpw"}}})
				rec := &recorder{}
				run(t, c, rec.handle)
				synctest.Wait()

				if got, want := c.FrameworkID(), "fw-0001"; got != want {
					t.Fatalf("FrameworkID() = %q, want %q", got, want)
				}
				if n := m1.requestCount(); n != 1 {
					t.Errorf("requests to the non-leader = %d, want 1", n)
				}
				subs := m2.subscribeRequests()
				if len(subs) != 1 {
					t.Fatalf("SUBSCRIBE requests at the leader = %d, want 1", len(subs))
				}
				if got := subs[0].header.Get("Authorization"); got != "Basic dTpw" {
					t.Errorf("Authorization at the leader = %q, want it kept across the redirect", got)
				}
				if err := c.Decline(context.Background(), []mesos.OfferID{{Value: "o-1"}}, nil); err != nil {
					t.Fatalf("Decline() = %v", err)
				}
				if n := len(m2.callRequests()); n != 1 {
					t.Errorf("calls at the leader = %d, want 1", n)
				}

				// The leader fails over to m1: the next SUBSCRIBE starts at
				// Config.Master again.
				m1.set(func(m *fakeMaster) { m.redirect = nil })
				m2.set(func(m *fakeMaster) { m.redirect = func(*http.Request) string { return "//m1:5050/api/v1/scheduler" } })
				m2.closeStream()
				time.Sleep(DefaultBackoffInitial)
				synctest.Wait()
				subs = m1.subscribeRequests()
				if len(subs) != 1 {
					t.Fatalf("SUBSCRIBE requests at the new leader = %d, want 1", len(subs))
				}
				if got := subs[0].call.FrameworkID; got == nil || got.Value != "fw-0001" {
					t.Errorf("SUBSCRIBE at the new leader has framework_id %v, want fw-0001", got)
				}
				if diff := cmp.Diff([]string{"SUBSCRIBED", "SUBSCRIBED"}, rec.types()); diff != "" {
					t.Errorf("events mismatch (-want +got):\n%s", diff)
				}
			})
		})
	}

	t.Run("redirect loop", func(t *testing.T) {
		synctest.Test(t, func(t *testing.T) {
			h := newHarness(t)
			m1 := h.master("m1:5050")
			m1.redirect = func(r *http.Request) string { return "//m1:5050" + r.URL.Path }
			c := h.client(Config{})
			r := run(t, c, (&recorder{}).handle)
			synctest.Wait()
			if got, want := m1.requestCount(), 1+maxRedirects; got != want {
				t.Errorf("requests of one attempt = %d, want %d", got, want)
			}
			if done, err := r.result(); done {
				t.Errorf("Run() = %v, want it to keep retrying", err)
			}
			time.Sleep(DefaultBackoffInitial)
			synctest.Wait()
			if got, want := m1.requestCount(), 2*(1+maxRedirects); got != want {
				t.Errorf("requests of two attempts = %d, want %d", got, want)
			}
		})
	})
}
