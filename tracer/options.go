package tracer

import (
	"io"
	"log/slog"
	"os"
	"time"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// Option configures a Tracer (see New).
type Option func(*config)

type config struct {
	service    string
	getenv     func(string) string
	logger     *slog.Logger
	sampler    string
	samplerArg string
	exporter   string // "", "none", "otlp", "stdout", "memory"
	target     string // where the configured exporter sends spans, set by newExporter
	endpoint   string
	protocol   string
	stdout     io.Writer
	memorySize int
	exporters  []sdktrace.SpanExporter
	processors []sdktrace.SpanProcessor
	labels     bool
	ringSize   int
	interval   time.Duration
	eventSpans map[string]bool
	resAttrs   map[string]string
}

func defaultConfig() config {
	return config{
		service:    "mesoscope",
		getenv:     os.Getenv,
		ringSize:   4096,
		interval:   200 * time.Millisecond,
		memorySize: 10000,
		labels:     true,
		eventSpans: map[string]bool{},
	}
}

// WithServiceName sets service.name: mesoscope-master, mesoscope-agent,
// mesoscope-marathon. OTEL_SERVICE_NAME, when set, wins, as the OpenTelemetry spec asks.
func WithServiceName(name string) Option { return func(c *config) { c.service = name } }

// WithEnv replaces os.Getenv for reading the OTEL_* variables (tests pass a map's lookup).
func WithEnv(getenv func(string) string) Option { return func(c *config) { c.getenv = getenv } }

// WithLogger sets where the tracer logs (overflow and export failures, once each).
func WithLogger(l *slog.Logger) Option { return func(c *config) { c.logger = l } }

// WithSampler sets the sampler as OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG spell
// it ("parentbased_traceidratio", "0.01"); it overrides the environment.
func WithSampler(name, arg string) Option {
	return func(c *config) { c.sampler, c.samplerArg = name, arg }
}

// WithOTLP exports over OTLP to endpoint (a URL such as http://127.0.0.1:4317, or empty
// for OTEL_EXPORTER_OTLP_ENDPOINT) with protocol "grpc" or "http/protobuf" (empty: the
// OTEL_EXPORTER_OTLP_PROTOCOL variable, else http/protobuf as the spec's default).
func WithOTLP(endpoint, protocol string) Option {
	return func(c *config) { c.exporter, c.endpoint, c.protocol = "otlp", endpoint, protocol }
}

// WithStdout exports spans as indented JSON to w.
func WithStdout(w io.Writer) Option {
	return func(c *config) { c.exporter, c.stdout = "stdout", w }
}

// WithMemory keeps the last n finished spans in memory (see Tracer.Memory); n <= 0
// means 10000. The memory exporter is always installed; this sets its size.
func WithMemory(n int) Option {
	return func(c *config) {
		if n > 0 {
			c.memorySize = n
		}
	}
}

// WithSpanExporter adds an exporter (batched, like every exporter), e.g. tracetest's
// InMemoryExporter.
func WithSpanExporter(e sdktrace.SpanExporter) Option {
	return func(c *config) { c.exporters = append(c.exporters, e) }
}

// WithSpanProcessor adds a span processor that sees every span synchronously, e.g.
// tracetest's SpanRecorder.
func WithSpanProcessor(p sdktrace.SpanProcessor) Option {
	return func(c *config) { c.processors = append(c.processors, p) }
}

// WithPprofLabels turns the pprof goroutine labels process=<id> and event=<name> around
// every dispatch on or off (default on).
func WithPprofLabels(on bool) Option { return func(c *config) { c.labels = on } }

// WithRingSize sets the number of span records each worker can hold before the exporter
// goroutine takes them (rounded up to a power of two; default 4096). Records that do
// not fit are dropped and counted.
func WithRingSize(n int) Option {
	return func(c *config) {
		if n > 0 {
			c.ringSize = n
		}
	}
}

// WithFlushInterval sets how often the exporter goroutine turns records into spans
// (default 200ms).
func WithFlushInterval(d time.Duration) Option {
	return func(c *config) {
		if d > 0 {
			c.interval = d
		}
	}
}

// WithEventSpans makes point events of these types child spans of their dispatch span
// instead of span events (named "<process> <type>"). An event with an attribute
// "duration_ns" gets a span ending at the event's time and starting that long before.
// allocation.cycle is always a span of its own, and the offer, task and container spans
// are built whatever this says (see the package documentation).
func WithEventSpans(types ...string) Option {
	return func(c *config) {
		for _, t := range types {
			c.eventSpans[t] = true
		}
	}
}

// WithResourceAttributes adds resource attributes (OTEL_RESOURCE_ATTRIBUTES adds more).
func WithResourceAttributes(kv map[string]string) Option {
	return func(c *config) {
		if c.resAttrs == nil {
			c.resAttrs = map[string]string{}
		}
		for k, v := range kv {
			c.resAttrs[k] = v
		}
	}
}
