package schedclient

import (
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/recordio"
	"github.com/mesoscope/mesoscope/embedded/mesos/scheduler"
)

// fakeMaster is an http.Handler serving /api/v1/scheduler as
// docs/scheduler-http-api.md and src/master/http.cpp
// (Master::Http::scheduler) describe it: a 307 to the leader from a
// non-leader, SUBSCRIBE answered by a RecordIO stream with a fresh
// Mesos-Stream-Id, one subscription per framework (a new one closes the
// old), and calls checked in the master's order (400 unknown framework,
// 403 not subscribed, 400 missing or stale stream ID) then answered 202
// (UPDATE_FRAMEWORK: 200). Tests drive the stream with send, sendRaw and
// closeStream.
type fakeMaster struct {
	quit chan struct{}

	mu sync.Mutex
	// redirect, if set, makes this master a non-leader answering 307 with
	// the Location it returns for the request.
	redirect func(r *http.Request) string
	// subscribeHook may answer the n-th SUBSCRIBE (from 0) itself; it
	// returns true if it did.
	subscribeHook func(n int, w http.ResponseWriter) bool
	// callHook may answer a call with a status and body (0: no).
	callHook func(call *scheduler.Call) (int, string)
	// heartbeat is SUBSCRIBED's heartbeat_interval_seconds (0: unset).
	heartbeat float64
	// sendHeartbeats makes streams carry a HEARTBEAT every interval.
	sendHeartbeats bool

	frameworks map[string]*fakeFramework
	current    *fakeFramework // the last one subscribed
	subscribes []request
	calls      []request
	requests   int // every request, including redirected ones
	open       int // open streams
}

// request is one call the fake master received.
type request struct {
	at     time.Time
	call   *scheduler.Call
	header http.Header
}

// fakeFramework is the master's record of a framework.
type fakeFramework struct {
	id        string
	connected bool
	streamID  string
	stream    *fakeStream
	removed   bool
}

// fakeStream is one open SUBSCRIBE response.
type fakeStream struct {
	records chan []byte
	end     chan struct{}
	once    sync.Once
}

func (s *fakeStream) close() { s.once.Do(func() { close(s.end) }) }

func newFakeMaster() *fakeMaster {
	return &fakeMaster{quit: make(chan struct{}), frameworks: map[string]*fakeFramework{}}
}

func (m *fakeMaster) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m.mu.Lock()
	m.requests++
	redirect := m.redirect
	m.mu.Unlock()
	if r.URL.Path != schedulerPath {
		http.NotFound(w, r)
		return
	}
	if redirect != nil {
		w.Header().Set("Location", redirect(r))
		w.WriteHeader(http.StatusTemporaryRedirect)
		return
	}
	if r.Method != http.MethodPost {
		http.Error(w, "Expecting 'POST'", http.StatusMethodNotAllowed)
		return
	}
	switch ct := r.Header.Get("Content-Type"); ct {
	case "":
		http.Error(w, "Expecting 'Content-Type' to be present", http.StatusBadRequest)
		return
	case ContentTypeJSON:
	default:
		http.Error(w, "Expecting 'Content-Type' of application/json or application/x-protobuf", http.StatusUnsupportedMediaType)
		return
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	call, err := scheduler.DecodeCall(body)
	if err != nil {
		http.Error(w, "Failed to convert JSON into Call protobuf: "+err.Error(), http.StatusBadRequest)
		return
	}
	if err := call.Validate(); err != nil {
		http.Error(w, "Failed to validate scheduler::Call: "+err.Error(), http.StatusBadRequest)
		return
	}
	if call.Type == scheduler.CallSubscribe {
		if a := r.Header.Get("Accept"); a != ContentTypeJSON && a != "" && a != "*/*" {
			http.Error(w, "Expecting 'Accept' to allow 'application/x-protobuf' or 'application/json'", http.StatusNotAcceptable)
			return
		}
		if r.Header.Get(headerStreamID) != "" {
			http.Error(w, "Subscribe calls should not include the 'Mesos-Stream-Id' header", http.StatusBadRequest)
			return
		}
		m.subscribe(w, r, call)
		return
	}
	m.call(w, r, call)
}

func (m *fakeMaster) call(w http.ResponseWriter, r *http.Request, call *scheduler.Call) {
	m.mu.Lock()
	defer m.mu.Unlock()
	fw := m.frameworks[call.FrameworkID.Value]
	if fw == nil || fw.removed {
		http.Error(w, "Framework cannot be found", http.StatusBadRequest)
		return
	}
	if !fw.connected {
		http.Error(w, "Framework is not subscribed", http.StatusForbidden)
		return
	}
	sid := r.Header.Get(headerStreamID)
	if sid == "" {
		http.Error(w, "All non-subscribe calls should include the 'Mesos-Stream-Id' header", http.StatusBadRequest)
		return
	}
	if sid != fw.streamID {
		http.Error(w, fmt.Sprintf("The stream ID '%s' included in this request didn't match the stream ID currently associated with framework ID %s", sid, fw.id), http.StatusBadRequest)
		return
	}
	m.calls = append(m.calls, request{at: time.Now(), call: call, header: r.Header.Clone()})
	if m.callHook != nil {
		if code, body := m.callHook(call); code != 0 {
			if code == http.StatusTemporaryRedirect {
				w.Header().Set("Location", body)
			}
			http.Error(w, body, code)
			return
		}
	}
	switch call.Type {
	case scheduler.CallTeardown:
		fw.removed, fw.connected = true, false
		if fw.stream != nil {
			fw.stream.close()
		}
		w.WriteHeader(http.StatusAccepted)
	case scheduler.CallUpdateFramework:
		w.WriteHeader(http.StatusOK)
	default:
		w.WriteHeader(http.StatusAccepted)
	}
}

func (m *fakeMaster) subscribe(w http.ResponseWriter, r *http.Request, call *scheduler.Call) {
	m.mu.Lock()
	n := len(m.subscribes)
	m.subscribes = append(m.subscribes, request{at: time.Now(), call: call, header: r.Header.Clone()})
	hook := m.subscribeHook
	m.mu.Unlock()
	if hook != nil && hook(n, w) {
		return
	}

	m.mu.Lock()
	var fw *fakeFramework
	if call.FrameworkID != nil {
		fw = m.frameworks[call.FrameworkID.Value]
		if fw == nil { // e.g. a master that failed over: accept the framework back
			fw = &fakeFramework{id: call.FrameworkID.Value}
			m.frameworks[fw.id] = fw
		}
	} else {
		fw = &fakeFramework{id: fmt.Sprintf("fw-%04d", len(m.frameworks)+1)}
		m.frameworks[fw.id] = fw
	}
	if fw.removed {
		m.mu.Unlock()
		w.Header().Set("Content-Type", ContentTypeJSON)
		w.Header().Set(headerStreamID, "stream-removed")
		w.WriteHeader(http.StatusOK)
		writeEvent(w, &scheduler.Event{Type: scheduler.EventError, Error: &scheduler.Error{Message: "Framework has been removed"}})
		return
	}
	if fw.stream != nil {
		fw.stream.close() // only one subscription per framework
	}
	s := &fakeStream{records: make(chan []byte, 16), end: make(chan struct{})}
	fw.stream, fw.connected, fw.streamID = s, true, fmt.Sprintf("stream-%d", n)
	m.current = fw
	m.open++
	streamID, heartbeat, sendHeartbeats := fw.streamID, m.heartbeat, m.sendHeartbeats
	m.mu.Unlock()
	defer func() {
		m.mu.Lock()
		m.open--
		if fw.stream == s {
			fw.stream, fw.connected = nil, false
		}
		m.mu.Unlock()
	}()

	w.Header().Set("Content-Type", ContentTypeJSON)
	w.Header().Set(headerStreamID, streamID)
	w.WriteHeader(http.StatusOK)
	subscribed := &scheduler.Subscribed{FrameworkID: mesos.FrameworkID{Value: fw.id}}
	if heartbeat > 0 {
		subscribed.HeartbeatIntervalSeconds = &heartbeat
	}
	if !writeEvent(w, &scheduler.Event{Type: scheduler.EventSubscribed, Subscribed: subscribed}) {
		return
	}
	var tick <-chan time.Time
	if sendHeartbeats {
		t := time.NewTicker(time.Duration(heartbeat * float64(time.Second)))
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case rec := <-s.records:
			if _, err := w.Write(rec); err != nil {
				return
			}
			w.(http.Flusher).Flush()
		case <-tick:
			if !writeEvent(w, &scheduler.Event{Type: scheduler.EventHeartbeat}) {
				return
			}
		case <-s.end:
			return
		case <-r.Context().Done():
			return
		case <-m.quit:
			return
		}
	}
}

// writeEvent writes one RecordIO-framed event and flushes it.
func writeEvent(w http.ResponseWriter, ev *scheduler.Event) bool {
	data, err := mesos.Marshal(ev)
	if err != nil {
		panic(err)
	}
	if err := recordio.NewWriter(w).WriteRecord(data); err != nil {
		return false
	}
	w.(http.Flusher).Flush()
	return true
}

// send queues an event on the current stream.
func (m *fakeMaster) send(ev *scheduler.Event) {
	data, err := mesos.Marshal(ev)
	if err != nil {
		panic(err)
	}
	m.sendRaw(recordio.AppendRecord(nil, data))
}

// sendRaw queues bytes on the current stream.
func (m *fakeMaster) sendRaw(b []byte) {
	m.mu.Lock()
	s := m.current.stream
	m.mu.Unlock()
	s.records <- b
}

// closeStream ends the current stream, as a master failing over does.
func (m *fakeMaster) closeStream() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.current.stream.close()
}

// disconnect marks the current framework disconnected without the
// client noticing (calls are then answered 403).
func (m *fakeMaster) disconnect() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.current.connected = false
}

// rotateStream gives the current framework another stream ID, as a
// newer subscription would (calls are then answered 400).
func (m *fakeMaster) rotateStream() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.current.streamID += "-newer"
}

func (m *fakeMaster) subscribeRequests() []request {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]request(nil), m.subscribes...)
}

func (m *fakeMaster) callRequests() []request {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]request(nil), m.calls...)
}

func (m *fakeMaster) openStreams() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.open
}

func (m *fakeMaster) requestCount() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.requests
}

func (m *fakeMaster) set(f func(m *fakeMaster)) {
	m.mu.Lock()
	defer m.mu.Unlock()
	f(m)
}
