package tui

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mesoscope/mesoscope/inspector"
)

// orderingTransport serves the synthetic master and a Marathon, recording
// which of /master/state and /v2/queue was asked first.
type orderingTransport struct {
	master *fakeMaster
	mu     sync.Mutex
	log    []string
}

func (o *orderingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	o.mu.Lock()
	switch req.URL.Path {
	case "/master/state", "/v2/queue":
		o.log = append(o.log, req.URL.Path)
	}
	o.mu.Unlock()
	if req.URL.Host == "marathon:8080" {
		m := &fakeMaster{files: map[string][]byte{"/v2/queue": []byte(`{"queue":[]}`)}}
		return m.RoundTrip(req)
	}
	return o.master.RoundTrip(req)
}

// When the Why view asks, the poller reads Marathon's queue before the
// master's snapshot, so the snapshot is never older than the queue (a
// starting cluster is not explained as "no agent registered" next to
// Marathon's declines).
func TestWhyReadsMarathonBeforeSnapshot(t *testing.T) {
	tr := &orderingTransport{master: &fakeMaster{files: synthSpec{agents: 2, frameworks: 2, tasks: 2}.files()}}
	c, err := inspector.New(inspector.Config{
		Master:     "http://master-1:5050",
		HTTPClient: &http.Client{Transport: tr},
		Now:        func() time.Time { return synthT0 },
		Retry:      inspector.RetryPolicy{MaxAttempts: 1},
	})
	if err != nil {
		t.Fatal(err)
	}
	w := &worker{c: c, hub: newHub(10), log: discardLogger(), refresh: time.Second,
		now: func() time.Time { return synthT0 }, marathon: "http://marathon:8080"}
	m, err := w.read(context.Background(), nil, needs{explain: "framework:synth-0000"})
	if err != nil {
		t.Fatal(err)
	}
	if m.explain == nil || m.explain.err != "" || strings.Contains(m.explain.note, "marathon") {
		t.Fatalf("explain = %+v, want an answer with Marathon's queue read", m.explain)
	}
	tr.mu.Lock()
	got := slices.Clone(tr.log)
	tr.mu.Unlock()
	if want := []string{"/v2/queue", "/master/state"}; !slices.Equal(got, want) {
		t.Errorf("read %q, want %q (Marathon first)", got, want)
	}

	// Without the Why view, Marathon is not read.
	tr.mu.Lock()
	tr.log = nil
	tr.mu.Unlock()
	if _, err := w.read(context.Background(), nil, needs{}); err != nil {
		t.Fatal(err)
	}
	tr.mu.Lock()
	got = slices.Clone(tr.log)
	tr.mu.Unlock()
	if !slices.Equal(got, []string{"/master/state"}) {
		t.Errorf("read %q without the Why view, want only /master/state", got)
	}
}
