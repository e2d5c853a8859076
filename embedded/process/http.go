package process

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"reflect"
	"sort"
	"strings"
	"sync"
	"time"
)

// Request is an HTTP request routed to a process, with its body already read (libprocess
// reads the body before the handler runs unless the route streams requests).
type Request struct {
	Method     string
	URL        *url.URL
	Header     http.Header
	Body       []byte
	RemoteAddr string
	// Path is the request path relative to the process: for /master/api/v1 on the
	// process "master" it is "/api/v1".
	Path string

	ctx context.Context
}

// Context returns the request's context: it is done when the client goes away.
func (r *Request) Context() context.Context {
	if r.ctx == nil {
		return context.Background()
	}
	return r.ctx
}

// Response is what a route returns. When Stream is set, the status and header are sent,
// then Stream is copied to the client, flushing after every read, until it returns EOF
// or the client goes away (then Stream is closed): this is how the scheduler and
// operator SUBSCRIBE calls keep a connection open (libprocess http::Pipe).
type Response struct {
	Status int
	Header http.Header
	Body   []byte
	Stream io.ReadCloser
}

// OK returns a 200 response with body and content type.
func OK(body []byte, contentType string) Response {
	h := http.Header{}
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	return Response{Status: http.StatusOK, Header: h, Body: body}
}

// JSON returns a 200 response with v encoded as JSON. An encoding failure is a 500.
func JSON(v any) Response {
	b, err := json.Marshal(v)
	if err != nil {
		return InternalServerError("encode response: " + err.Error())
	}
	return OK(b, "application/json")
}

// Error returns a plain-text response with the given status, like libprocess's
// http::BadRequest(message) and friends.
func Error(status int, message string) Response {
	h := http.Header{}
	h.Set("Content-Type", "text/plain; charset=utf-8")
	return Response{Status: status, Header: h, Body: []byte(message)}
}

// BadRequest returns 400 with message.
func BadRequest(message string) Response { return Error(http.StatusBadRequest, message) }

// NotFound returns 404 with message.
func NotFound(message string) Response { return Error(http.StatusNotFound, message) }

// InternalServerError returns 500 with message.
func InternalServerError(message string) Response {
	return Error(http.StatusInternalServerError, message)
}

// HTTPHandler handles a request on the process's goroutine and returns a future of the
// response, so it can answer later (after dispatching elsewhere) without blocking the
// process.
type HTTPHandler func(r *Request) *Future[Response]

// route is a registered endpoint.
type route struct {
	path    string
	help    string
	handler HTTPHandler
	pc      uintptr // the registered function's entry PC (observe.Dispatch.Handler)
}

// RouteFunc registers a synchronous endpoint: path is relative to the process ("/state"
// serves /master/state on the process "master"). help is markdown served under /help.
// Routes may be registered before Spawn or from the process's handlers.
func (b *Base) RouteFunc(path, help string, h func(r *Request) Response) {
	b.route(path, help, func(r *Request) *Future[Response] { return NewFuture(h(r)) }, reflect.ValueOf(h).Pointer())
}

// Route registers an asynchronous endpoint (libprocess ProcessBase::route).
func (b *Base) Route(path, help string, h HTTPHandler) {
	b.route(path, help, h, reflect.ValueOf(h).Pointer())
}

func (b *Base) route(path, help string, h HTTPHandler, pc uintptr) {
	if b.routes == nil {
		b.routes = make(map[string]*route)
	}
	name := strings.Trim(path, "/")
	b.routes[name] = &route{path: "/" + name, help: help, handler: h, pc: pc}
	if b.rt != nil && b.proc != nil {
		b.rt.helpFor(b.proc.pid.ID).set(name, help)
	}
}

// httpEvent is an HTTP event in a process queue.
type httpEvent struct {
	req     *Request
	once    sync.Once
	respond func(Response)
}

func (h *httpEvent) answer(r Response) {
	h.once.Do(func() { h.respond(r) })
}

// consumeHTTP is libprocess ProcessBase::consume(HttpEvent&&): the longest registered
// prefix of the path handles the request; no route is 404.
func (b *Base) consumeHTTP(w *worker, e *event) {
	he := e.http()
	name := strings.Trim(he.req.Path, "/")
	for {
		if r, ok := b.routes[name]; ok {
			w.d.Handler = r.pc // read by observers at DispatchEnd; scratch otherwise
			var fut *Future[Response]
			w.protect(b.proc, e, func() { fut = r.handler(he.req) })
			if fut == nil {
				return // protect answered 500
			}
			fut.OnAny(func(f *Future[Response]) {
				resp, err := f.Get()
				if err != nil {
					resp = InternalServerError(err.Error())
				}
				he.answer(resp)
			})
			fut.OnAbandoned(func() { he.answer(InternalServerError("response abandoned")) })
			return
		}
		i := strings.LastIndexByte(name, '/')
		if i < 0 {
			if name == "" {
				break
			}
			name = ""
			continue
		}
		name = name[:i]
	}
	he.answer(NotFound(""))
}

// httpServer serves a runtime's HTTP endpoints and receives remote messages.
type httpServer struct {
	rt  *Runtime
	srv *http.Server
	ln  net.Listener
	wg  sync.WaitGroup
}

func newHTTPServer(rt *Runtime, ln net.Listener) *httpServer {
	s := &httpServer{rt: rt, ln: ln}
	s.srv = &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       5 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          nil,
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		if err := s.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			rt.log.Error("http server stopped", "error", err)
		}
	}()
	return s
}

func (s *httpServer) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := s.srv.Shutdown(ctx); err != nil {
		s.srv.Close()
	}
	s.wg.Wait()
}

// ServeHTTP is libprocess's ProcessManager::handle: libprocess messages are delivered and
// answered 202; other requests become HTTP events of the process named by the first path
// segment (or of the delegate).
func (s *httpServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.rt.ServeHTTP(w, r)
}

// ServeHTTP lets a runtime serve on any http.Server or httptest.Server, as well as its
// own listener.
func (rt *Runtime) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost && isLibprocessMessage(r) {
		rt.receiveMessage(w, r)
		return
	}
	path := r.URL.Path
	if h, ok := rt.handler(path); ok {
		h.ServeHTTP(w, r)
		return
	}
	if strings.Contains(path, "/..") || !strings.HasPrefix(path, "/") {
		http.NotFound(w, r)
		return
	}
	first, rest, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	id, err := url.PathUnescape(first)
	if err != nil {
		http.Error(w, "malformed process id in path", http.StatusBadRequest)
		return
	}
	relative := "/" + rest
	p := rt.lookup(id)
	if to, rel, ok := rt.alias(path); ok {
		p, relative = rt.lookup(to.ID), rel
	}
	if p == nil && rt.delegate != "" {
		p = rt.lookup(rt.delegate)
		relative = path
	}
	if p == nil {
		http.NotFound(w, r)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, rt.maxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, fmt.Sprintf("request body exceeds %d bytes", rt.maxBody), http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "read request body: "+err.Error(), http.StatusBadRequest)
		return
	}
	req := &Request{
		Method: r.Method, URL: r.URL, Header: r.Header, Body: body,
		RemoteAddr: r.RemoteAddr, Path: relative, ctx: r.Context(),
	}
	answered := make(chan Response, 1)
	he := &httpEvent{req: req, respond: func(resp Response) { answered <- resp }}
	e := event{kind: HTTPEvent, body: he, name: r.Method + " " + r.URL.Path, header: traceHeader(r.Header)}
	if !rt.deliver(p.pid.ID, &e) {
		// purge answered 500 already, or the process vanished.
	}
	select {
	case resp := <-answered:
		writeResponse(w, r, resp)
	case <-r.Context().Done():
	}
}

func writeResponse(w http.ResponseWriter, r *http.Request, resp Response) {
	for k, vs := range resp.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	status := resp.Status
	if status == 0 {
		status = http.StatusOK
	}
	if resp.Stream == nil {
		w.WriteHeader(status)
		if r.Method != http.MethodHead {
			w.Write(resp.Body)
		}
		return
	}
	defer resp.Stream.Close()
	w.WriteHeader(status)
	flusher, _ := w.(http.Flusher)
	if flusher != nil {
		flusher.Flush()
	}
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-r.Context().Done():
			resp.Stream.Close()
		case <-done:
		}
	}()
	buf := make([]byte, 32<<10)
	for {
		n, err := resp.Stream.Read(buf)
		if n > 0 {
			if _, werr := w.Write(buf[:n]); werr != nil {
				return
			}
			if flusher != nil {
				flusher.Flush()
			}
		}
		if err != nil {
			return
		}
	}
}

// Handle serves h at path (exactly) on the runtime's HTTP server, outside any process:
// for endpoints backed by goroutine-safe state that no process owns, such as the
// tracer's span ring at /mesoscope/v1/spans. A later Handle of the same path replaces
// the earlier one.
func (rt *Runtime) Handle(path string, h http.Handler) {
	rt.aliasMu.Lock()
	defer rt.aliasMu.Unlock()
	if rt.handlers == nil {
		rt.handlers = make(map[string]http.Handler)
	}
	rt.handlers[path] = h
}

func (rt *Runtime) handler(path string) (http.Handler, bool) {
	rt.aliasMu.RLock()
	defer rt.aliasMu.RUnlock()
	h, ok := rt.handlers[path]
	return h, ok
}

// Alias routes requests whose path is prefix, or starts with prefix + "/", to the
// process to as if they had been sent to /<to.ID><target><rest>. mesoscope uses it to
// serve an extra endpoint owned by one process under a fixed path, e.g.
// /mesoscope/v1/allocator on the allocator process. A later Alias of the same prefix
// replaces the earlier one.
func (rt *Runtime) Alias(prefix string, to PID, target string) {
	rt.aliasMu.Lock()
	defer rt.aliasMu.Unlock()
	if rt.aliases == nil {
		rt.aliases = make(map[string]aliasTarget)
	}
	rt.aliases[strings.TrimSuffix(prefix, "/")] = aliasTarget{to: to, target: target}
}

type aliasTarget struct {
	to     PID
	target string
}

func (rt *Runtime) alias(path string) (PID, string, bool) {
	rt.aliasMu.RLock()
	defer rt.aliasMu.RUnlock()
	for prefix, a := range rt.aliases {
		if path == prefix || strings.HasPrefix(path, prefix+"/") {
			return a.to, a.target + strings.TrimPrefix(path, prefix), true
		}
	}
	return PID{}, "", false
}

// helpTable is the /help registry: process id -> endpoint -> markdown.
type helpTable struct {
	mu    sync.Mutex
	procs map[string]map[string]string
}

type helpProc struct {
	t  *helpTable
	id string
}

func (h helpProc) set(name, help string) {
	h.t.mu.Lock()
	defer h.t.mu.Unlock()
	if h.t.procs == nil {
		h.t.procs = make(map[string]map[string]string)
	}
	if h.t.procs[h.id] == nil {
		h.t.procs[h.id] = make(map[string]string)
	}
	h.t.procs[h.id]["/"+name] = help
}

func (rt *Runtime) helpFor(id string) helpProc { return helpProc{t: &rt.help, id: id} }

func (t *helpTable) remove(id string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.procs, id)
}

func (t *helpTable) snapshot() map[string]map[string]string {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make(map[string]map[string]string, len(t.procs))
	for id, m := range t.procs {
		c := make(map[string]string, len(m))
		for k, v := range m {
			c[k] = v
		}
		out[id] = c
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
