package inspector

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
)

// EventStream is an open operator API SUBSCRIBE stream. Next blocks for the next
// event; Close ends the stream. Next and Close may be called from different
// goroutines; Next itself is not safe for concurrent use.
type EventStream struct {
	body   io.ReadCloser
	cancel context.CancelFunc
	rr     *RecordReader
	once   sync.Once
	// StreamID is the Mesos-Stream-Id header, when the master sends one.
	StreamID string
}

// Subscribe opens the operator event stream (POST /api/v1 {"type": "SUBSCRIBE"}).
// The first event is SUBSCRIBED with the full state; then TASK_ADDED,
// TASK_UPDATED, AGENT_ADDED/REMOVED, FRAMEWORK_ADDED/UPDATED/REMOVED and HEARTBEAT
// (every 15 s by default). The stream ends when ctx is done or Close is called.
// Connecting is retried like any read; a broken stream is not resumed.
func (c *Client) Subscribe(ctx context.Context) (*EventStream, error) {
	resp, err := c.do(ctx, request{
		method: http.MethodPost, target: "/api/v1", body: []byte(`{"type":"SUBSCRIBE"}`),
		contentType: "application/json", accept: "application/json", stream: true,
	})
	if err != nil {
		return nil, fmt.Errorf("subscribe: %w", err)
	}
	if resp.stream == nil {
		return nil, fmt.Errorf("subscribe: HTTP %d without a stream: %w", resp.status, ErrNotMesos)
	}
	return &EventStream{
		body:     resp.stream,
		cancel:   resp.cancel,
		rr:       NewRecordReader(resp.stream, c.cfg.MaxRecordBytes),
		StreamID: resp.header.Get("Mesos-Stream-Id"),
	}, nil
}

// NewEventStream reads operator events from any RecordIO source (a captured
// stream, a test pipe). Close closes r.
func NewEventStream(r io.ReadCloser, maxRecord int64) *EventStream {
	return &EventStream{body: r, cancel: func() {}, rr: NewRecordReader(r, maxRecord)}
}

// Next returns the next event. It returns io.EOF when the stream ends cleanly.
// Empty records (a zero length header) are skipped.
func (s *EventStream) Next() (Event, error) {
	for {
		rec, err := s.rr.Next()
		if err != nil {
			return Event{}, err
		}
		if len(rec) == 0 {
			continue
		}
		e, err := DecodeEvent(rec)
		if err != nil {
			return Event{}, fmt.Errorf("subscribe: %w", err)
		}
		return e, nil
	}
}

// Close ends the stream. It is idempotent.
func (s *EventStream) Close() error {
	var err error
	s.once.Do(func() {
		s.cancel()
		err = s.body.Close()
	})
	return err
}
