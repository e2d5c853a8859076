package walkthroughs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/mesoscope/mesoscope/embedded/mesos/scheduler"
	"github.com/mesoscope/mesoscope/inspector"
)

// heartbeatRecord is a HEARTBEAT event as one RecordIO record: the tour's fence.
var heartbeatRecord = []byte(`{"type":"HEARTBEAT"}`)

// schedProxy is the http.RoundTripper the Marathon-like scheduler of the Goodbye
// Waiting tour talks to the master through. Calls pass through, and the proxy notes
// what they answer (offers accepted or declined, updates acknowledged) and when none
// is in flight. The SUBSCRIBE stream does not: its events are read by the tour and
// handed to the scheduler one at a time (forward), each followed by a HEARTBEAT, so
// the tour knows when the scheduler has taken each event. Together they let the tour
// tell when the scheduler and the master have nothing left to do, without waiting on
// a wall clock.
type schedProxy struct {
	rt http.RoundTripper

	mu       sync.Mutex
	activity chan struct{} // closed and replaced whenever a call starts or ends
	inflight int
	finished int
	calls    []*scheduler.Call // answered 2xx, not yet taken
	answered map[string]bool   // offer ids answered by ACCEPT or DECLINE
	acked    map[string]bool   // status update uuids acknowledged
	stream   *proxyStream
}

func newSchedProxy(rt http.RoundTripper) *schedProxy {
	return &schedProxy{rt: rt, activity: make(chan struct{}), answered: map[string]bool{}, acked: map[string]bool{}}
}

// proxyStream is the SUBSCRIBE stream: the master's body, read into records, and
// the pipe the scheduler reads its events from.
type proxyStream struct {
	streamID string
	body     io.ReadCloser
	pr       *io.PipeReader
	pw       *io.PipeWriter
	records  chan []byte
	errs     chan error
	done     chan struct{}
}

// RoundTrip implements http.RoundTripper.
func (p *schedProxy) RoundTrip(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil {
		b, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		body = b
		req.Body = io.NopCloser(bytes.NewReader(b))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
	}
	call, _ := scheduler.DecodeCall(body)
	if call != nil && call.Type == scheduler.CallSubscribe {
		return p.subscribe(req)
	}
	p.note(func() { p.inflight++ })
	resp, err := p.rt.RoundTrip(req)
	var data []byte
	if err == nil {
		data, err = io.ReadAll(resp.Body)
		resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(data))
	}
	p.note(func() {
		p.inflight--
		p.finished++
		if err != nil || call == nil || resp.StatusCode/100 != 2 {
			return
		}
		p.calls = append(p.calls, call)
		switch {
		case call.Accept != nil:
			for _, id := range call.Accept.OfferIDs {
				p.answered[id.Value] = true
			}
		case call.Decline != nil:
			for _, id := range call.Decline.OfferIDs {
				p.answered[id.Value] = true
			}
		case call.Acknowledge != nil:
			p.acked[string(call.Acknowledge.UUID)] = true
		}
	})
	if err != nil {
		return nil, err
	}
	return resp, nil
}

// note runs f under the lock and signals activity.
func (p *schedProxy) note(f func()) {
	p.mu.Lock()
	f()
	close(p.activity)
	p.activity = make(chan struct{})
	p.mu.Unlock()
}

// subscribe makes the SUBSCRIBE call and hands the scheduler a pipe instead of the
// stream.
func (p *schedProxy) subscribe(req *http.Request) (*http.Response, error) {
	resp, err := p.rt.RoundTrip(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		return resp, err
	}
	pr, pw := io.Pipe()
	s := &proxyStream{streamID: resp.Header.Get("Mesos-Stream-Id"), body: resp.Body, pr: pr, pw: pw,
		records: make(chan []byte, 1024), errs: make(chan error, 1), done: make(chan struct{})}
	go s.read()
	go func() {
		// The scheduler ends its subscription by cancelling the request.
		select {
		case <-req.Context().Done():
			s.pr.CloseWithError(req.Context().Err())
			s.body.Close()
		case <-s.done:
		}
	}()
	var old *proxyStream
	p.note(func() {
		old = p.stream
		p.stream = s
	})
	if old != nil {
		old.close()
	}
	resp.Body = &proxyBody{s: s}
	return resp, nil
}

// read forwards the master's records until the stream ends.
func (s *proxyStream) read() {
	defer close(s.done)
	r := inspector.NewRecordReader(s.body, inspector.DefaultMaxRecordBytes)
	for {
		rec, err := r.Next()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				s.errs <- err
			}
			close(s.records)
			return
		}
		s.records <- append([]byte(nil), rec...)
	}
}

// close ends both sides and waits for the reader.
func (s *proxyStream) close() {
	s.pr.CloseWithError(io.EOF)
	s.body.Close()
	<-s.done
}

// forward writes one record to the scheduler and returns once the scheduler's
// client has read all of it.
func (s *proxyStream) forward(rec []byte, timeout time.Duration) error {
	frame := append([]byte(strconv.Itoa(len(rec))+"\n"), rec...)
	done := make(chan error, 1)
	go func() {
		_, err := s.pw.Write(frame)
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(timeout):
		s.pw.CloseWithError(errors.New("walkthroughs: the scheduler stopped reading its events"))
		<-done
		return fmt.Errorf("the scheduler did not read its event within %s", timeout)
	}
}

// proxyBody is the body the scheduler reads: the pipe. Closing it ends the stream.
type proxyBody struct{ s *proxyStream }

func (b *proxyBody) Read(p []byte) (int, error) { return b.s.pr.Read(p) }

func (b *proxyBody) Close() error {
	b.s.pr.Close()
	b.s.body.Close()
	return nil
}

// takeCalls returns the calls answered since the last take.
func (p *schedProxy) takeCalls() []*scheduler.Call {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := p.calls
	p.calls = nil
	return out
}

// state returns the calls in flight, the calls finished so far, and the activity
// channel to wait on.
func (p *schedProxy) state() (inflight, finished int, activity <-chan struct{}) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.inflight, p.finished, p.activity
}

// current returns the SUBSCRIBE stream, or nil.
func (p *schedProxy) current() *proxyStream {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stream
}

// isAnswered and isAcked report what the scheduler's calls answered.
func (p *schedProxy) isAnswered(offerID string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.answered[offerID]
}

func (p *schedProxy) isAcked(uuid []byte) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.acked[string(uuid)]
}

// waitActivity waits until a call starts or ends, or d passes.
func waitActivity(ctx context.Context, ch <-chan struct{}, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ch:
	case <-t.C:
	case <-ctx.Done():
	}
}
