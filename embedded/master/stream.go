package master

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"sync"
)

// errStreamFull means a subscriber left more than the stream buffer
// unread; the master closes such streams instead of buffering forever.
var errStreamFull = errors.New("master: stream buffer full")

// eventStream is the writer side of a SUBSCRIBE response: the master
// appends RecordIO records ("<length>\n<json>") without ever blocking, and
// the runtime's HTTP server reads them (the Read side) and flushes each
// read to the client. It models libprocess's http::Pipe inside Mesos's
// StreamingHttpConnection. Close from either side ends the stream once
// what was written has been read; callbacks registered with onClose run
// once, on the closing goroutine.
type eventStream struct {
	id  string
	max int

	mu      sync.Mutex
	cond    *sync.Cond
	buf     []byte
	closed  bool // no more writes; reader drains then gets EOF
	gone    bool // reader closed: discard
	closers []func()
}

func newEventStream(id string, max int) *eventStream {
	s := &eventStream{id: id, max: max}
	s.cond = sync.NewCond(&s.mu)
	return s
}

// send encodes v as one RecordIO record.
func (s *eventStream) send(v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("master: encode event: %w", err)
	}
	return s.write(data)
}

func (s *eventStream) write(record []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || s.gone {
		return io.ErrClosedPipe
	}
	if len(s.buf)+len(record) > s.max {
		return errStreamFull
	}
	s.buf = strconv.AppendInt(s.buf, int64(len(record)), 10)
	s.buf = append(s.buf, '\n')
	s.buf = append(s.buf, record...)
	s.cond.Signal()
	return nil
}

// Read blocks until records are available or the stream is closed.
func (s *eventStream) Read(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for len(s.buf) == 0 && !s.closed && !s.gone {
		s.cond.Wait()
	}
	if s.gone {
		return 0, io.ErrClosedPipe
	}
	if len(s.buf) == 0 {
		return 0, io.EOF
	}
	n := copy(p, s.buf)
	s.buf = s.buf[n:]
	if len(s.buf) == 0 {
		s.buf = nil
	}
	return n, nil
}

// Close ends the stream. Called by the master it lets the reader drain
// what is buffered; called by the HTTP server (the client went away) it
// discards it. Either way the close callbacks run once.
func (s *eventStream) Close() error {
	s.mu.Lock()
	if s.closed {
		// A second close (the server after the master) only marks the
		// reader gone.
		s.gone = true
		s.cond.Broadcast()
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	cbs := s.closers
	s.closers = nil
	s.cond.Broadcast()
	s.mu.Unlock()
	for _, f := range cbs {
		f()
	}
	return nil
}

// onClose registers f to run when the stream closes (at once if it is
// already closed).
func (s *eventStream) onClose(f func()) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		f()
		return
	}
	s.closers = append(s.closers, f)
	s.mu.Unlock()
}
