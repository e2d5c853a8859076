package tracer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/mesoscope/mesoscope/embedded/observe"
)

// Tracer is an observe.Observer that turns the runtime's dispatches into OpenTelemetry
// spans. The hooks run on the runtime's worker goroutines and only record fixed-size
// records into per-worker rings; a background goroutine owned by the Tracer turns them
// into SDK spans and hands them to the exporters. Stop it with Shutdown.
//
// One Tracer observes one Runtime (its worker indexes key the rings, and its clock
// converts times): give each runtime its own Tracer.
type Tracer struct {
	cfg      config
	log      *slog.Logger
	sampler  sampler
	provider *sdktrace.TracerProvider
	otel     trace.Tracer
	memory   *Memory

	epoch    atomic.Int64              // Unix ns at which the runtime's Nanotime was zero
	mono     atomic.Pointer[time.Time] // the same instant with its monotonic reading
	attached atomic.Bool

	lifecycleSeen atomic.Bool // a sampled dispatch recorded a lifecycle event

	workers  [maxWorkers]atomic.Pointer[workerState]
	nworkers atomic.Int32
	sharedMu sync.Mutex
	shared   *ring // point events outside dispatches

	unsampled observe.Header // forwarded by unsampled roots; read-only

	counters
	conv converter

	drainMu  sync.Mutex
	wake     chan struct{}
	stop     chan struct{}
	done     chan struct{}
	stopOnce sync.Once
}

// Clock is what Attach needs of a runtime: process.Runtime has it.
type Clock interface {
	// Epoch is the wall-clock time at which the runtime's monotonic Nanotime was zero.
	Epoch() time.Time
}

var _ observe.Observer = (*Tracer)(nil)

// New builds a Tracer from its options and the OTEL_* environment, and starts its
// exporter goroutine. Pass it as the runtime's Observer, then call Attach with the
// runtime.
func New(opts ...Option) (*Tracer, error) {
	cfg := defaultConfig()
	for _, o := range opts {
		o(&cfg)
	}
	log := cfg.logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	name, arg := cfg.sampler, cfg.samplerArg
	if name == "" {
		name = cfg.env("OTEL_TRACES_SAMPLER")
	}
	if arg == "" {
		arg = cfg.env("OTEL_TRACES_SAMPLER_ARG")
	}
	s, err := newSampler(name, arg)
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	res, err := cfg.newResource(ctx)
	if err != nil {
		return nil, err
	}
	exp, err := cfg.newExporter(ctx)
	if err != nil {
		return nil, err
	}
	t := &Tracer{
		cfg: cfg, log: log, sampler: s,
		shared: newRing(1024),
		stop:   make(chan struct{}), done: make(chan struct{}), wake: make(chan struct{}, 1),
	}
	now := time.Now()
	t.epoch.Store(now.UnixNano())
	t.mono.Store(&now)
	var unsampled spanContext
	newTraceID(&unsampled.traceID)
	newSpanID(&unsampled.spanID)
	t.unsampled = observe.Header{headerTraceparent: formatTraceparent(unsampled)}

	t.memory = NewMemory(cfg.memorySize)
	popts := []sdktrace.TracerProviderOption{
		sdktrace.WithResource(res),
		sdktrace.WithIDGenerator(presetIDs{}),
		sdktrace.WithSampler(presetSampler{fallback: sdkSampler(s)}),
		sdktrace.WithRawSpanLimits(sdktrace.NewSpanLimits()),
		sdktrace.WithSpanProcessor(sdktrace.NewSimpleSpanProcessor(t.memory)),
	}
	exporters := cfg.exporters
	if exp != nil {
		exporters = append(exporters, exp)
	}
	for _, e := range exporters {
		// Blocking: a full export queue makes the exporter goroutine wait, so the hot
		// path's rings fill and their overflow is what gets counted, never a silent drop.
		popts = append(popts, sdktrace.WithSpanProcessor(sdktrace.NewBatchSpanProcessor(
			&countingExporter{SpanExporter: e, t: t}, sdktrace.WithBlocking())))
	}
	for _, p := range cfg.processors {
		popts = append(popts, sdktrace.WithSpanProcessor(p))
	}
	t.provider = sdktrace.NewTracerProvider(popts...)
	t.otel = t.provider.Tracer("github.com/mesoscope/mesoscope/tracer")
	t.conv.init(t)
	go t.loop()
	return t, nil
}

// Attach tells the Tracer the runtime's clock, so monotonic dispatch times become wall
// times. Until it is called the Tracer assumes the runtime started when the Tracer did.
// A Tracer attaches to one runtime; a second call is an error.
func (t *Tracer) Attach(c Clock) error {
	if !t.attached.CompareAndSwap(false, true) {
		return errors.New("tracer: attach: already attached to a runtime (use one Tracer per runtime)")
	}
	e := c.Epoch()
	t.epoch.Store(e.UnixNano())
	t.mono.Store(&e)
	return nil
}

// nanotime is the runtime's Nanotime, computed from its epoch the same way (on the
// monotonic clock when the epoch carries a monotonic reading, as process.Runtime's does).
func (t *Tracer) nanotime() int64 { return int64(time.Since(*t.mono.Load())) + 1 }

// wall converts a runtime monotonic time to a wall-clock time.
func (t *Tracer) wall(ns int64) time.Time { return time.Unix(0, t.epoch.Load()+ns-1) }

// Provider returns the OpenTelemetry TracerProvider the spans go through, for other
// instrumentation (HTTP API server spans) that should share its exporters.
func (t *Tracer) Provider() trace.TracerProvider { return t.provider }

// ExportTarget says where spans are exported besides the in-memory ring, e.g.
// "OTLP http/protobuf http://127.0.0.1:4318/v1/traces" or "stdout"; "" when nowhere.
func (t *Tracer) ExportTarget() string { return t.cfg.target }

// Memory returns the in-memory exporter holding the most recent spans.
func (t *Tracer) Memory() *Memory { return t.memory }

// Sampler returns the sampler in use, spelled as OTEL_TRACES_SAMPLER[:ARG].
func (t *Tracer) Sampler() string { return t.sampler.String() }

// loop is the exporter goroutine: every interval it turns recorded dispatches into spans.
func (t *Tracer) loop() {
	defer close(t.done)
	tick := time.NewTicker(t.cfg.interval)
	defer tick.Stop()
	for {
		select {
		case <-t.stop:
			return
		case <-tick.C:
			t.drain(false)
		case <-t.wake:
			t.drain(false)
		}
	}
}

// wakeExporter asks the exporter goroutine to drain now (a ring is half full).
func (t *Tracer) wakeExporter() {
	select {
	case t.wake <- struct{}{}:
	default:
	}
}

// drain turns every record into an SDK span, updates the offer, task and container
// spans, and logs overflow once. A periodic drain applies only the lifecycle events
// recorded before the previous drain began, so that causally earlier events still in
// another worker's ring are applied first (see lifecycles); a final drain (Flush,
// Shutdown) applies them all.
func (t *Tracer) drain(final bool) {
	t.drainMu.Lock()
	defer t.drainMu.Unlock()
	cutoff := t.conv.lc.cutoff(t.nanotime(), final)
	n := int(t.nworkers.Load())
	for i := range n {
		if ws := t.workers[i].Load(); ws != nil {
			ws.ring.drain(t.conv.emit)
		}
	}
	t.sharedMu.Lock()
	t.shared.drain(t.conv.emit)
	t.sharedMu.Unlock()
	t.conv.lc.apply(cutoff)
	t.logOverflow()
}

// Flush turns every record into a span, applies every lifecycle event recorded so far
// (offers, tasks and containers that have ended become spans; open ones stay open), and
// flushes the exporters.
func (t *Tracer) Flush(ctx context.Context) error {
	t.drain(true)
	if err := t.provider.ForceFlush(ctx); err != nil {
		return fmt.Errorf("tracer: flush: %w", err)
	}
	return nil
}

// Shutdown stops the exporter goroutine, exports what was recorded, ends the offer,
// task and container spans still open (an offer with offer.outcome "outstanding", tasks
// and containers with mesoscope.outstanding true) and shuts the exporters down. The
// runtime must be stopped first (or no longer call the hooks).
func (t *Tracer) Shutdown(ctx context.Context) error {
	t.stopOnce.Do(func() { close(t.stop) })
	<-t.done
	t.drain(true)
	t.drainMu.Lock()
	t.conv.lc.closeAll(time.Now())
	t.drainMu.Unlock()
	if err := t.provider.Shutdown(ctx); err != nil {
		return fmt.Errorf("tracer: shutdown: %w", err)
	}
	return nil
}
