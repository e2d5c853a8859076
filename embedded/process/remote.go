package process

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mesoscope/mesoscope/embedded/observe"
)

// Remote messages travel in libprocess's wire format (3rdparty/libprocess/src/encoder.hpp
// MessageEncoder): an HTTP/1.1 POST of /<to-id>/<message-name> with the sender in
// Libprocess-From and User-Agent "libprocess/<from>", chunked body, on a persistent
// connection per destination runtime. Responses (202 Accepted, 404 Not Found, ...) are
// read and ignored, as libprocess does; replies travel as new messages. Bodies are
// mesoscope's JSON (or raw bytes), not Mesos's protobufs.

// wireTraceHeaders are the observe.Header keys copied from incoming HTTP headers.
var wireTraceHeaders = []string{"traceparent", "tracestate", "baggage"}

func traceHeader(h http.Header) observe.Header {
	var out observe.Header
	for _, k := range wireTraceHeaders {
		if v := h.Get(k); v != "" {
			if out == nil {
				out = observe.Header{}
			}
			out[k] = v
		}
	}
	return out
}

// isLibprocessMessage is libprocess's test in ProcessManager::handle: a POST whose
// User-Agent starts with "libprocess/" or that carries Libprocess-From.
func isLibprocessMessage(r *http.Request) bool {
	return strings.HasPrefix(r.Header.Get("User-Agent"), "libprocess/") || r.Header.Get("Libprocess-From") != ""
}

// receiveMessage delivers a libprocess message: 202 if delivered, 404 if no such process,
// 400 for a malformed sender or (with RequirePeerAddressIPMatch) a sender IP that is not
// the peer's, 413 for an oversized body.
func (rt *Runtime) receiveMessage(w http.ResponseWriter, r *http.Request) {
	fromText := strings.TrimSpace(r.Header.Get("Libprocess-From"))
	if fromText == "" {
		fromText = strings.TrimPrefix(r.Header.Get("User-Agent"), "libprocess/")
	}
	from, err := ParsePID(fromText)
	if err != nil {
		http.Error(w, "malformed Libprocess-From: "+err.Error(), http.StatusBadRequest)
		return
	}
	if rt.cfg.RequirePeerAddressIPMatch {
		peer, perr := netip.ParseAddrPort(r.RemoteAddr)
		if perr != nil || peer.Addr().Unmap() != from.Address.Addr() {
			http.Error(w, fmt.Sprintf("sender %s does not match peer address %s", from, r.RemoteAddr), http.StatusBadRequest)
			return
		}
	}
	path := strings.TrimPrefix(r.URL.EscapedPath(), "/")
	rawID, name, ok := strings.Cut(path, "/")
	if !ok || name == "" {
		http.Error(w, "message path must be /<process-id>/<message-name>", http.StatusBadRequest)
		return
	}
	id, err := url.PathUnescape(rawID)
	if err != nil {
		http.Error(w, "malformed process id in path", http.StatusBadRequest)
		return
	}
	if n, err := url.PathUnescape(name); err == nil {
		name = n
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, rt.maxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, fmt.Sprintf("message body exceeds %d bytes", rt.maxBody), http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "read message body: "+err.Error(), http.StatusBadRequest)
		return
	}
	p := rt.lookup(id)
	if p == nil {
		rt.dropped.Add(1)
		w.WriteHeader(http.StatusNotFound)
		return
	}
	e := event{kind: MessageEvent, name: name, from: &sender{pid: from, text: fromText}, body: body, header: traceHeader(r.Header)}
	if !rt.deliver(id, &e) {
		w.WriteHeader(http.StatusNotFound)
		return
	}
	w.WriteHeader(http.StatusAccepted)
}

// transport holds one outbound connection per destination runtime address.
type transport struct {
	rt     *Runtime
	mu     sync.Mutex
	conns  map[netip.AddrPort]*conn
	closed bool
	wg     sync.WaitGroup
}

func newTransport(rt *Runtime) *transport {
	return &transport{rt: rt, conns: make(map[netip.AddrPort]*conn)}
}

// outMessage is one encoded message waiting to be written.
type outMessage struct {
	from, to PID
	name     string
	body     []byte
	header   observe.Header
}

// conn is a persistent connection to one remote runtime: a writer goroutine drains its
// queue in order, a reader goroutine drains responses and notices when it breaks.
type conn struct {
	t     *transport
	addr  netip.AddrPort
	mu    sync.Mutex
	queue []outMessage
	kick  chan struct{}
	done  chan struct{} // closed when the connection is finished
	nc    net.Conn
	dead  bool
}

func (t *transport) get(addr netip.AddrPort) *conn {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.closed {
		return nil
	}
	if c := t.conns[addr]; c != nil {
		return c
	}
	c := &conn{t: t, addr: addr, kick: make(chan struct{}, 1), done: make(chan struct{})}
	t.conns[addr] = c
	t.wg.Add(1)
	go c.run()
	return c
}

func (t *transport) send(from *sender, to PID, name string, body any, header observe.Header) {
	if !to.Valid() {
		t.rt.dropped.Add(1)
		return
	}
	raw, err := encodeBody(body)
	if err != nil {
		t.rt.log.Warn("dropping remote message", "to", to.String(), "message", name, "error", err)
		t.rt.dropped.Add(1)
		return
	}
	c := t.get(to.Address)
	if c == nil {
		t.rt.dropped.Add(1)
		return
	}
	c.mu.Lock()
	if c.dead {
		c.mu.Unlock()
		// The connection just broke: retry on a fresh one.
		if c = t.get(to.Address); c == nil {
			return
		}
		c.mu.Lock()
	}
	var f PID
	if from != nil {
		f = from.pid
	}
	c.queue = append(c.queue, outMessage{from: f, to: to, name: name, body: raw, header: header})
	c.mu.Unlock()
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

// link makes sure a connection to to's runtime exists, so its breaking fires EXITED.
func (t *transport) link(to PID) {
	if !to.Valid() {
		t.rt.links.exitedAddress(t.rt, []PID{to})
		return
	}
	if t.get(to.Address) == nil {
		t.rt.links.exitedAddress(t.rt, []PID{to})
	}
}

func encodeBody(body any) ([]byte, error) {
	switch b := body.(type) {
	case nil:
		return nil, nil
	case []byte:
		return b, nil
	}
	raw, err := json.Marshal(body)
	if err != nil {
		return nil, fmt.Errorf("encode body of type %T: %w", body, err)
	}
	return raw, nil
}

func (t *transport) close() {
	t.mu.Lock()
	t.closed = true
	conns := make([]*conn, 0, len(t.conns))
	for _, c := range t.conns {
		conns = append(conns, c)
	}
	t.mu.Unlock()
	for _, c := range conns {
		c.shutdown()
	}
	t.wg.Wait()
}

func (c *conn) shutdown() {
	c.mu.Lock()
	c.dead = true
	nc := c.nc
	c.mu.Unlock()
	if nc != nil {
		nc.Close()
	}
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

// dialTimeout bounds connecting to a remote runtime.
const dialTimeout = 5 * time.Second

// run dials, then writes queued messages until the connection breaks or the transport
// closes. When it ends, linked processes at this address get EXITED and the connection
// is forgotten; the next send dials again.
func (c *conn) run() {
	defer c.t.wg.Done()
	defer c.finish()
	nc, err := net.DialTimeout("tcp", c.addr.String(), dialTimeout)
	if err != nil {
		c.t.rt.log.Debug("connect to remote runtime failed", "address", c.addr.String(), "error", err)
		return
	}
	c.mu.Lock()
	if c.dead {
		c.mu.Unlock()
		nc.Close()
		return
	}
	c.nc = nc
	c.mu.Unlock()

	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		br := bufio.NewReader(nc)
		for {
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				nc.Close()
				c.shutdown()
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
	}()
	defer func() { nc.Close(); <-readerDone }()

	bw := bufio.NewWriter(nc)
	for {
		c.mu.Lock()
		batch := c.queue
		c.queue = nil
		dead := c.dead
		c.mu.Unlock()
		if dead {
			return
		}
		for i := range batch {
			writeMessage(bw, c.addr, &batch[i])
		}
		if len(batch) > 0 {
			if err := bw.Flush(); err != nil {
				return
			}
			continue
		}
		<-c.kick
	}
}

// finish marks the connection dead, forgets it, drops what was queued, and fires EXITED
// for every linked process at this address.
func (c *conn) finish() {
	c.mu.Lock()
	c.dead = true
	dropped := len(c.queue)
	c.queue = nil
	c.mu.Unlock()
	close(c.done)
	t := c.t
	t.mu.Lock()
	if t.conns[c.addr] == c {
		delete(t.conns, c.addr)
	}
	t.mu.Unlock()
	if dropped > 0 {
		t.rt.dropped.Add(uint64(dropped))
	}
	linkees := t.rt.links.remoteLinkees(func(p PID) bool { return p.Address == c.addr })
	t.rt.links.exitedAddress(t.rt, linkees)
}

// writeMessage encodes one message exactly as libprocess's MessageEncoder does, plus the
// observer's header entries (e.g. traceparent).
func writeMessage(w *bufio.Writer, addr netip.AddrPort, m *outMessage) {
	from := m.from.String()
	w.WriteString("POST /")
	w.WriteString(url.PathEscape(m.to.ID))
	w.WriteString("/")
	w.WriteString(m.name)
	w.WriteString(" HTTP/1.1\r\n")
	w.WriteString("User-Agent: libprocess/")
	w.WriteString(from)
	w.WriteString("\r\nLibprocess-From: ")
	w.WriteString(from)
	w.WriteString("\r\nConnection: Keep-Alive\r\nHost: ")
	w.WriteString(addr.String())
	w.WriteString("\r\n")
	for k, v := range m.header {
		if validHeaderField(k) && validHeaderField(v) {
			w.WriteString(k)
			w.WriteString(": ")
			w.WriteString(v)
			w.WriteString("\r\n")
		}
	}
	w.WriteString("Transfer-Encoding: chunked\r\n\r\n")
	if len(m.body) > 0 {
		w.WriteString(strconv.FormatInt(int64(len(m.body)), 16))
		w.WriteString("\r\n")
		w.Write(m.body)
		w.WriteString("\r\n")
	}
	w.WriteString("0\r\n\r\n")
}

func validHeaderField(s string) bool {
	return s != "" && !strings.ContainsAny(s, "\r\n")
}
