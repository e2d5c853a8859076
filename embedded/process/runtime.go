package process

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/mesoscope/mesoscope/embedded/observe"
)

// Config configures a Runtime. The zero value is a working local runtime with no HTTP
// server, one worker per CPU, no observer and a discarding logger.
type Config struct {
	// Workers is the number of worker goroutines that run processes. Zero means the
	// LIBPROCESS_NUM_WORKER_THREADS environment variable if set (1..1024, like
	// libprocess), else runtime.NumCPU(). libprocess uses max(8, cpus) because some of
	// its tests block worker threads (MESOS-818); mesoscope's handlers never block a
	// worker on another process, and more workers than CPUs only adds context switches
	// to Go's own scheduler, so the default follows the CPUs.
	Workers int

	// Listener, if set, is served as the runtime's HTTP server: process routes,
	// libprocess-format messages from other runtimes, /__processes__, /metrics/snapshot
	// and /help. Its address becomes the address of every PID unless Address is set.
	Listener net.Listener

	// Address is the address written in PIDs (libprocess's advertised ip:port). Zero
	// means the Listener's address, or 127.0.0.1:0 for a runtime without one (a PID whose
	// port is 0 is not Valid and cannot be reached from other runtimes).
	Address netip.AddrPort

	// Delegate is the process id that receives HTTP requests whose first path segment is
	// not a process id ("master" on a master, so /state is /master/state), as
	// process::initialize's delegate.
	Delegate string

	// Observer, if non-nil, receives the runtime's hooks (see embedded/observe).
	Observer observe.Observer

	// Logger receives the runtime's logs; nil discards them.
	Logger *slog.Logger

	// MaxBodyBytes bounds the body of an HTTP request or remote message. Zero means
	// 16 MiB; larger bodies get 413 Request Entity Too Large.
	MaxBodyBytes int64

	// RequirePeerAddressIPMatch rejects remote messages whose Libprocess-From IP differs
	// from the connection's peer IP with 400 (LIBPROCESS_REQUIRE_PEER_ADDRESS_IP_MATCH).
	RequirePeerAddressIPMatch bool

	// StampQueues records when each event was enqueued and how long each handler ran,
	// so /mesoscope/v1/processes can report the age of the oldest pending event and each
	// process's busy time. It costs three clock reads (about 30 ns each on a VM) per
	// event; an observer that asks for observe.NeedTimes turns it on too
	// (observe.NeedQueueTimes turns on the enqueue stamp only).
	StampQueues bool

	// MetricsRateLimit limits /metrics/snapshot like libprocess's
	// LIBPROCESS_METRICS_SNAPSHOT_ENDPOINT_RATE_LIMIT: at most Permits requests per
	// Window; excess requests wait. The zero value means Mesos's default, 2 per second;
	// a negative Permits disables the limit.
	MetricsRateLimit RateLimit

	// OnPanic, if set, is called with the process id and the recovered value when a
	// handler panics; the default logs it with the stack. Either way the event's
	// future fails (or its HTTP request gets 500) and the process keeps running.
	OnPanic func(id string, recovered any, stack []byte)
}

// RateLimit is a number of permits per window.
type RateLimit struct {
	Permits int
	Window  time.Duration
}

const defaultMaxBodyBytes = 16 << 20

// ErrStopped is returned when the runtime has been stopped.
var ErrStopped = errors.New("process: runtime stopped")

// Runtime is a libprocess ProcessManager: it owns processes, their queues, the run queue
// and the worker goroutines, the clock, the HTTP server and the connections to other
// runtimes. Many runtimes can live in one OS process (each is an independent "libprocess
// instance", which libprocess itself cannot do), which is how tests run several agents.
type Runtime struct {
	cfg      Config
	log      *slog.Logger
	addr     netip.AddrPort
	clock    *Clock
	obs      observe.Observer
	needs    observe.Needs
	epoch    time.Time
	stamp    bool // stamp events at enqueue (StampQueues, NeedTimes, NeedQueueTimes)
	timed    bool // time handlers (StampQueues, NeedTimes)
	maxBody  int64
	delegate string

	procs sync.Map // process id -> *proc
	ids   idGenerator

	rq      runQueue
	nodes   nodePool // queue nodes shared by the workers' caches
	workers []*worker
	wg      sync.WaitGroup

	active   atomic.Int64  // processes scheduled (queued or running)
	quiet    chan struct{} // signalled when active drops to zero
	settleMu sync.Mutex    // one Settle at a time: quiet has a single token

	links     linkTable
	help      helpTable
	aliasMu   sync.RWMutex // guards aliases and handlers
	aliases   map[string]aliasTarget
	handlers  map[string]http.Handler
	transport *transport
	server    *httpServer
	metrics   *Metrics

	dropped atomic.Uint64 // messages to unknown or terminated processes

	stopOnce sync.Once
	stopped  atomic.Bool
}

// New starts a runtime: its workers, its clock and, if cfg.Listener is set, its HTTP
// server. It also spawns libprocess's built-in processes: "__processes__", "metrics" and
// "help". Stop it with Stop.
func New(cfg Config) (*Runtime, error) {
	workers, err := workerCount(cfg.Workers)
	if err != nil {
		return nil, err
	}
	if v, ok := os.LookupEnv("LIBPROCESS_REQUIRE_PEER_ADDRESS_IP_MATCH"); ok && v != "" {
		// libprocess reads it in process::initialize (process.cpp); set, it turns
		// the check on whatever the Config says.
		on, err := strconv.ParseBool(v)
		if err != nil {
			return nil, fmt.Errorf("process: LIBPROCESS_REQUIRE_PEER_ADDRESS_IP_MATCH=%q: must be true or false", v)
		}
		cfg.RequirePeerAddressIPMatch = cfg.RequirePeerAddressIPMatch || on
	}
	rt := &Runtime{
		cfg:      cfg,
		log:      cfg.Logger,
		clock:    newClock(),
		epoch:    time.Now(),
		stamp:    cfg.StampQueues,
		timed:    cfg.StampQueues,
		maxBody:  cfg.MaxBodyBytes,
		delegate: cfg.Delegate,
		quiet:    make(chan struct{}, 1),
	}
	if rt.log == nil {
		rt.log = slog.New(slog.DiscardHandler)
	}
	if rt.maxBody <= 0 {
		rt.maxBody = defaultMaxBodyBytes
	}
	if cfg.Observer != nil {
		rt.obs = cfg.Observer
		rt.needs = cfg.Observer.Needs()
		if rt.needs&(observe.NeedTimes|observe.NeedQueueTimes) != 0 {
			rt.stamp = true
		}
		if rt.needs&observe.NeedTimes != 0 {
			rt.timed = true
		}
	}
	rt.addr = cfg.Address
	if !rt.addr.IsValid() {
		rt.addr = netip.AddrPortFrom(netip.AddrFrom4([4]byte{127, 0, 0, 1}), 0)
		if cfg.Listener != nil {
			ap, err := netip.ParseAddrPort(cfg.Listener.Addr().String())
			if err != nil {
				rt.clock.Close()
				return nil, fmt.Errorf("process: listener address %q: %w", cfg.Listener.Addr(), err)
			}
			rt.addr = netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
		}
	}
	rt.rq.init(workers)
	rt.workers = make([]*worker, workers)
	for i := range rt.workers {
		w := &worker{rt: rt, index: i, wake: make(chan struct{}, 1)}
		w.nodes.pool = &rt.nodes
		w.d.Worker = i
		rt.workers[i] = w
		rt.wg.Add(1)
		go w.loop()
	}
	rt.transport = newTransport(rt)
	rt.metrics = newMetrics(rt)
	if err := rt.spawnBuiltins(); err != nil {
		rt.Stop(context.Background())
		return nil, err
	}
	if cfg.Listener != nil {
		rt.server = newHTTPServer(rt, cfg.Listener)
	}
	return rt, nil
}

func workerCount(n int) (int, error) {
	if n < 0 || n > 1024 {
		return 0, fmt.Errorf("process: workers %d: must be between 1 and 1024", n)
	}
	if n > 0 {
		return n, nil
	}
	if v, ok := os.LookupEnv("LIBPROCESS_NUM_WORKER_THREADS"); ok && v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1024 {
			return 0, fmt.Errorf("process: LIBPROCESS_NUM_WORKER_THREADS=%q: must be an integer between 1 and 1024", v)
		}
		return n, nil
	}
	return runtime.NumCPU(), nil
}

// Address returns the address written in this runtime's PIDs.
func (rt *Runtime) Address() netip.AddrPort { return rt.addr }

// Clock returns the runtime's clock.
func (rt *Runtime) Clock() *Clock { return rt.clock }

// Metrics returns the runtime's metrics registry (served at /metrics/snapshot).
func (rt *Runtime) Metrics() *Metrics { return rt.metrics }

// Logger returns the runtime's logger.
func (rt *Runtime) Logger() *slog.Logger { return rt.log }

// Workers returns the number of worker goroutines.
func (rt *Runtime) Workers() int { return len(rt.workers) }

// Observer returns the installed observer, or nil.
func (rt *Runtime) Observer() observe.Observer { return rt.obs }

// Nanotime returns monotonic nanoseconds since the runtime started: the time base of
// observe.Dispatch's Enqueued, Begin and End.
func (rt *Runtime) Nanotime() int64 { return rt.nanotime() }

// Epoch returns the wall-clock time at which Nanotime was zero.
func (rt *Runtime) Epoch() time.Time { return rt.epoch }

func (rt *Runtime) nanotime() int64 { return int64(time.Since(rt.epoch)) + 1 }

// PID returns the PID of id on this runtime.
func (rt *Runtime) PID(id string) PID { return PID{ID: id, Address: rt.addr} }

// GenerateID returns "prefix(N)" with a counter per prefix starting at 1, like
// libprocess's ID::generate: "slave(1)", "fetcher(2)".
func (rt *Runtime) GenerateID(prefix string) string { return rt.ids.generate(prefix) }

// Spawn registers p under id and schedules it; its Initialize hook (if any) runs on a
// worker before any event. It fails if the id is invalid or taken, or the runtime is
// stopped.
func (rt *Runtime) Spawn(id string, p Process) (PID, error) {
	if err := validID(id); err != nil {
		return PID{}, fmt.Errorf("process: spawn %q: %w", id, err)
	}
	if rt.stopped.Load() {
		return PID{}, fmt.Errorf("process: spawn %q: %w", id, ErrStopped)
	}
	b := p.base()
	if b == nil {
		return PID{}, fmt.Errorf("process: spawn %q: nil process", id)
	}
	if b.proc != nil {
		return PID{}, fmt.Errorf("process: spawn %q: already spawned as %s", id, b.proc.pid)
	}
	pid := PID{ID: id, Address: rt.addr}
	pr := &proc{
		rt:   rt,
		pid:  pid,
		self: sender{pid: pid, text: pid.String()},
		impl: p,
		base: b,
		done: make(chan struct{}),
	}
	// READY before anyone can find it: a message sent to it from now on is queued
	// behind the initialization, and only Spawn schedules it.
	pr.mbox.markReady()
	if _, loaded := rt.procs.LoadOrStore(id, pr); loaded {
		return PID{}, fmt.Errorf("process: spawn %q: a process with this id already exists", id)
	}
	b.proc = pr
	b.rt = rt
	for name, r := range b.routes {
		rt.helpFor(id).set(name, r.help)
	}
	rt.schedule(nil, pr)
	return pr.pid, nil
}

// Terminate asks the process to terminate. With inject, the TERMINATE event jumps the
// queue: events queued before it are purged (their futures abandoned, HTTP requests
// answered 500); without inject it is served after them, in order. The process's
// Finalize hook runs, then linked processes receive EXITED. Terminating an unknown
// process does nothing.
func (rt *Runtime) Terminate(pid PID, inject bool) {
	if !rt.isLocal(pid) {
		return
	}
	if p := rt.lookup(pid.ID); p != nil {
		p.enqueue(nil, &event{kind: TerminateEvent, inject: inject})
	}
}

// Wait blocks until the process has terminated, or ctx is done. It returns nil at once
// for a process that does not exist (any more). Waiting on yourself deadlocks, as in
// libprocess.
func (rt *Runtime) Wait(ctx context.Context, pid PID) error {
	if !rt.isLocal(pid) {
		return fmt.Errorf("process: wait %s: not a process of this runtime", pid)
	}
	p := rt.lookup(pid.ID)
	if p == nil {
		return nil
	}
	select {
	case <-p.done:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("process: wait %s: %w", pid, ctx.Err())
	}
}

// WaitFor waits like Wait, but for at most d on the runtime's clock (libprocess
// wait(pid, duration)); it reports whether the process terminated.
func (rt *Runtime) WaitFor(pid PID, d time.Duration) bool {
	if !rt.isLocal(pid) {
		return false
	}
	p := rt.lookup(pid.ID)
	if p == nil {
		return true
	}
	timeout := make(chan struct{})
	t := rt.clock.AfterFunc(d, func() { close(timeout) })
	defer t.Stop()
	select {
	case <-p.done:
		return true
	case <-timeout:
		return false
	}
}

// Exists reports whether a process with that PID is running on this runtime.
func (rt *Runtime) Exists(pid PID) bool {
	return rt.isLocal(pid) && rt.lookup(pid.ID) != nil
}

// Send delivers a message from outside any process (libprocess's post): from is empty.
func (rt *Runtime) Send(to PID, name string, body any) {
	rt.send(nil, nil, to, name, body)
}

// Stop terminates every process (with inject; their Finalize hooks run), then stops the
// workers, the clock, the HTTP server and the connections. It waits for all of them
// unless ctx ends first. It is idempotent.
func (rt *Runtime) Stop(ctx context.Context) error {
	var err error
	rt.stopOnce.Do(func() {
		rt.stopped.Store(true)
		if rt.server != nil {
			rt.server.close()
		}
		var all []*proc
		rt.procs.Range(func(_, v any) bool {
			all = append(all, v.(*proc))
			return true
		})
		for _, p := range all {
			p.enqueue(nil, &event{kind: TerminateEvent, inject: true})
		}
		for _, p := range all {
			select {
			case <-p.done:
			case <-ctx.Done():
				err = fmt.Errorf("process: stop: waiting for %s: %w", p.pid.ID, ctx.Err())
			}
			if err != nil {
				break
			}
		}
		rt.transport.close()
		rt.rq.stop()
		rt.wg.Wait()
		rt.clock.Close()
	})
	return err
}

// Settle blocks until the runtime is quiet: no process is queued or running and, when
// the clock is paused, no timer is due (libprocess Clock::settle). Tests call it after
// Advance to let every consequence of the advance play out.
func (rt *Runtime) Settle() {
	rt.settleMu.Lock()
	defer rt.settleMu.Unlock()
	for {
		for rt.active.Load() != 0 {
			<-rt.quiet
		}
		if !rt.clock.Paused() || !rt.clock.hasDue() {
			if rt.active.Load() == 0 {
				return
			}
			continue
		}
		rt.clock.fireDue()
	}
}

func (rt *Runtime) isLocal(pid PID) bool {
	return pid.Address == rt.addr || !pid.Address.IsValid()
}

func (rt *Runtime) lookup(id string) *proc {
	v, ok := rt.procs.Load(id)
	if !ok {
		return nil
	}
	return v.(*proc)
}

// send is every message send: local sends enqueue a MESSAGE event, remote ones go to the
// transport. parent is the dispatch during which the send happens (nil outside processes).
func (rt *Runtime) send(parent *worker, from *sender, to PID, name string, body any) {
	rt.sendCached(parent, from, to, name, body, nil)
}

// procCache remembers the last local destination a process sent to, so a stream of
// messages to one process skips the address check and the lookup (libprocess caches a
// reference in the UPID for the same reason).
type procCache struct {
	id   string
	addr netip.AddrPort
	p    *proc
}

// hit reports whether to is the cached destination and it is still alive.
func (c *procCache) hit(to *PID) bool {
	return c.p != nil && len(to.ID) == len(c.id) &&
		(unsafe.StringData(to.ID) == unsafe.StringData(c.id) || to.ID == c.id) &&
		to.Address == c.addr && c.p.state.Load() != stateTerminated
}

func (rt *Runtime) sendCached(parent *worker, from *sender, to PID, name string, body any, cache *procCache) {
	var p *proc
	if cache != nil && cache.hit(&to) {
		p = cache.p
	} else {
		remote := !rt.isLocal(to)
		if remote {
			var header observe.Header
			if rt.needs&observe.NeedMessages != 0 {
				header = rt.observeSend(parent, observe.KindMessage, name, from, to.String(), true)
			}
			rt.transport.send(from, to, name, body, header)
			return
		}
		p = rt.lookup(to.ID)
		if cache != nil && p != nil {
			cache.id, cache.addr, cache.p = to.ID, to.Address, p
		}
	}
	e := event{kind: MessageEvent, name: name, from: from, body: body}
	if rt.needs&observe.NeedMessages != 0 {
		toText := ""
		if p != nil {
			toText = p.self.text
		}
		e.header = rt.observeSend(parent, observe.KindMessage, name, from, toText, false)
	}
	if p == nil || !p.enqueue(parent, &e) {
		rt.dropped.Add(1)
	}
}

func (rt *Runtime) observeSend(parent *worker, kind observe.Kind, name string, from *sender, to string, remote bool) observe.Header {
	var m *observe.Message
	var d *observe.Dispatch
	switch {
	case parent != nil:
		m, d = &parent.msg, &parent.d // the worker's scratch message: no allocation
	case rt.needs&observe.NeedOutsideSends == 0:
		return nil
	default:
		m = new(observe.Message)
	}
	*m = observe.Message{Kind: kind, Name: name, To: to, Remote: remote}
	if from != nil {
		m.From = from.text
	}
	rt.obs.MessageSend(d, m)
	h := m.Header
	m.Header = nil
	return h
}

// deliver enqueues an event built by the runtime (dispatch, exited, http) to a local
// process; it reports false (after purging the event) if there is no such process.
func (rt *Runtime) deliver(id string, e *event) bool {
	return rt.deliverTo(nil, rt.lookup(id), e)
}

// deliverTo is deliver to a process already looked up (nil if there is none), from the
// worker w (nil outside the workers).
func (rt *Runtime) deliverTo(w *worker, p *proc, e *event) bool {
	if p == nil || !p.enqueue(w, e) {
		e.purge()
		rt.dropped.Add(1)
		return false
	}
	return true
}

// schedule puts a process that just became READY on the run queue. On a runtime with
// one worker, from a handler (w is the worker running it), the process is only noted:
// no other worker could run it before the handler returns, so the worker pushes what
// its handler made READY in one go then (worker.flush). With more workers it is pushed
// at once, so that another worker can run it while the handler goes on (a handler may
// even wait for it, as libprocess allows).
func (rt *Runtime) schedule(w *worker, p *proc) {
	if w != nil && w.serving && len(rt.workers) == 1 {
		w.sched = append(w.sched, p)
		return
	}
	rt.active.Add(1)
	rt.rq.push(p)
}

// idle is called when n processes went back to BLOCKED.
func (rt *Runtime) idle(n int64) {
	if rt.active.Add(-n) == 0 {
		select {
		case rt.quiet <- struct{}{}:
		default:
		}
	}
}

// worker is one goroutine of the pool. d is its reusable dispatch record.
type worker struct {
	rt    *Runtime
	index int
	wake  chan struct{}
	d     observe.Dispatch
	msg   observe.Message // scratch for MessageSend during a dispatch
	proc  *proc           // the process being resumed
	nodes nodeCache       // queue nodes for sends from this worker; only it touches them

	serving bool    // a handler is running: schedule notes READY processes in sched
	sched   []*proc // processes the running handler made READY, pushed by flush
	runq    []*proc // processes taken from the run queue, run in order by next
	runqPos int
	idles   int64 // processes this worker made BLOCKED, not yet taken off rt.active
}

// maxTake bounds how many READY processes a worker takes from the run queue at once.
// It takes at most its share (the queue's length over the workers), so the others are
// not left idle while it holds processes.
const maxTake = 32

func (w *worker) loop() {
	defer w.rt.wg.Done()
	for {
		p := w.next()
		if p == nil {
			return
		}
		w.resume(p)
	}
}

// next returns the next process to resume: one already taken, else a few from the run
// queue (waiting for them). Before it waits it settles its BLOCKED count, so Settle sees
// the runtime quiet. It returns nil once the runtime is stopped and nothing is left.
func (w *worker) next() *proc {
	if w.runqPos < len(w.runq) {
		p := w.runq[w.runqPos]
		w.runq[w.runqPos] = nil
		w.runqPos++
		return p
	}
	if w.idles != 0 {
		w.rt.idle(w.idles)
		w.idles = 0
	}
	take := int(w.rt.rq.size.Load())/len(w.rt.workers) + 1
	w.runq = w.rt.rq.pop(w, w.runq[:0], min(take, maxTake))
	w.runqPos = 0
	if len(w.runq) == 0 {
		return nil
	}
	return w.next()
}

// flush pushes the processes the last handler made READY onto the run queue, counting
// them active first (before the running process can go BLOCKED, so Settle never sees a
// false quiet).
func (w *worker) flush() {
	if len(w.sched) == 0 {
		return
	}
	w.rt.active.Add(int64(len(w.sched)))
	w.rt.rq.pushAll(w.sched)
	clear(w.sched)
	w.sched = w.sched[:0]
}

// resume serves every queued event of p, batch after batch, until its queue is empty
// (libprocess ProcessManager::resume), then marks it BLOCKED.
func (w *worker) resume(p *proc) {
	w.proc = p
	p.current = w
	if p.state.Load() == stateBottom {
		p.state.Store(stateRunning)
		if init, ok := p.impl.(Initializer); ok {
			// Observers see initialize() as a dispatch named "initialize", so what it
			// sends (a first ping, a registration) is parented like any handler's sends.
			e := event{kind: DispatchEvent, name: "initialize", body: funcTask(init.Initialize)}
			w.serving = true
			w.serve(p, &e)
			w.serving = false
			w.flush()
		}
	}
	q := &p.mbox
	for {
		if q.grab() {
			var counts [5]uint64
			for i, n := range q.batch {
				q.serving(i)
				e := &n.ev
				if p.state.Load() == stateTerminated ||
					(p.purging.Load() && !(e.kind == TerminateEvent && e.inject)) {
					e.purge()
					p.dropped.Add(1)
					continue
				}
				counts[e.kind]++
				w.serving = true
				w.serve(p, e)
				w.serving = false
				w.flush()
			}
			for k, n := range counts {
				if n > 0 {
					p.handled[k].Add(n)
				}
			}
			q.release(&w.nodes)
			continue
		}
		// Nothing was pushed since the last grab. If that is still so, the process
		// becomes BLOCKED: from here on another worker may resume it, so this one
		// must not touch it again. Otherwise a producer got in first: grab again.
		p.current = nil // before idle: then p belongs to whoever resumes it next
		if q.idle() {
			w.proc = nil
			w.idles++
			return
		}
		p.current = w
	}
}

// serve handles one event: the observer's begin hook, the handler, the end hook.
func (w *worker) serve(p *proc, e *event) {
	rt := w.rt
	if !rt.needs.Dispatches(e.header) {
		if !rt.timed {
			w.handle(p, e)
			return
		}
		begin := rt.nanotime()
		w.handle(p, e)
		d := rt.nanotime() - begin
		p.busyNs.Add(d)
		p.events.add(e.kind, e.name, d)
		return
	}
	d := &w.d
	d.Process, d.Kind, d.Name, d.Header, d.Span = p.pid.ID, e.kind, e.name, e.header, nil
	d.From = ""
	if e.from != nil {
		d.From = e.from.text
	}
	d.Enqueued, d.Begin, d.End = 0, 0, 0
	d.Handler = 0
	switch e.kind {
	case MessageEvent:
		if h := p.base.lookupHandler(e.name); h != nil { // cached: consumeMessage's lookup is free
			d.Handler = h.pc
		}
	case DispatchEvent:
		if t := e.task(); t != nil {
			d.Handler = t.pc()
		}
	}
	d.Enqueued = e.stamp
	if rt.timed {
		d.Begin = rt.nanotime()
	}
	rt.obs.DispatchBegin(d)
	w.handle(p, e)
	if rt.timed {
		d.End = rt.nanotime()
		p.busyNs.Add(d.End - d.Begin)
		p.events.add(e.kind, e.name, d.End-d.Begin)
	}
	rt.obs.DispatchEnd(d)
	d.Span, d.Header = nil, nil
}

// handle runs the event's handler (libprocess ProcessBase::consume for each kind).
func (w *worker) handle(p *proc, e *event) {
	switch e.kind {
	case MessageEvent:
		p.base.consumeMessage(w, e)
	case DispatchEvent:
		if t := e.task(); t != nil {
			w.protect(p, e, t.run)
		}
	case HTTPEvent:
		p.base.consumeHTTP(w, e)
	case ExitedEvent:
		if h, ok := p.impl.(ExitedHandler); ok {
			w.protect(p, e, func() { h.Exited(e.sender()) })
		}
	case TerminateEvent:
		p.state.Store(stateTerminating)
		if f, ok := p.impl.(Finalizer); ok {
			w.protect(p, e, f.Finalize)
		}
		w.rt.cleanup(p)
	}
}

// protect runs f, turning a panic into a log line (or Config.OnPanic) and a failed
// event: the process keeps running.
func (w *worker) protect(p *proc, e *event, f func()) {
	defer func() {
		if r := recover(); r != nil {
			stack := debug.Stack()
			if w.rt.cfg.OnPanic != nil {
				w.rt.cfg.OnPanic(p.pid.ID, r, stack)
			} else {
				w.rt.log.Error("process handler panicked", "process", p.pid.ID, "panic", fmt.Sprint(r), "stack", string(stack))
			}
			if e != nil {
				e.failPanic(p.pid.ID, r)
			}
		}
	}()
	f()
}

// cleanup finishes termination: later events are purged, the process is removed, its
// linkers receive EXITED, and waiters are released (libprocess ProcessManager::cleanup).
// Events still queued are purged by resume.
func (rt *Runtime) cleanup(p *proc) {
	p.state.Store(stateTerminated)
	rt.procs.CompareAndDelete(p.pid.ID, p)
	rt.help.remove(p.pid.ID)
	rt.links.exited(rt, p.pid)
	close(p.done)
}
