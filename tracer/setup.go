package tracer

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"runtime"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// FlagSet is what Flags.Register needs of a flag set; both the standard library's
// *flag.FlagSet and cobra's *pflag.FlagSet have it.
type FlagSet interface {
	StringVar(p *string, name, value, usage string)
	BoolVar(p *bool, name string, value bool, usage string)
}

// Flags are the command-line flags of the tracer. Empty flags defer to the OTEL_*
// environment variables.
type Flags struct {
	Exporter    string // --trace_exporter: none, otlp, stdout
	Endpoint    string // --otlp_endpoint
	Protocol    string // --otlp_protocol: grpc, http/protobuf
	Sampler     string // --trace_sampler
	SamplerArg  string // --trace_sampler_arg
	PprofLabels bool   // --pprof_labels
}

// Register adds the flags to fs.
func (f *Flags) Register(fs FlagSet) {
	fs.StringVar(&f.Exporter, "trace_exporter", "", "span exporter: none, otlp or stdout (empty: otlp when OTEL_EXPORTER_OTLP_ENDPOINT is set, else none)")
	fs.StringVar(&f.Endpoint, "otlp_endpoint", "", "OTLP endpoint URL, e.g. http://127.0.0.1:4317 (empty: OTEL_EXPORTER_OTLP_ENDPOINT)")
	fs.StringVar(&f.Protocol, "otlp_protocol", "", "OTLP protocol: grpc or http/protobuf (empty: OTEL_EXPORTER_OTLP_PROTOCOL, else http/protobuf)")
	fs.StringVar(&f.Sampler, "trace_sampler", "", "sampler as OTEL_TRACES_SAMPLER (empty: that variable, else parentbased_always_on)")
	fs.StringVar(&f.SamplerArg, "trace_sampler_arg", "", "sampler argument as OTEL_TRACES_SAMPLER_ARG, e.g. 0.01")
	fs.BoolVar(&f.PprofLabels, "pprof_labels", true, "label worker goroutines with process and event for CPU profiles")
}

// Options turns the flags into tracer options; stdout receives the stdout exporter's
// output.
func (f *Flags) Options(stdout io.Writer) ([]Option, error) {
	opts := []Option{WithPprofLabels(f.PprofLabels)}
	switch f.Exporter {
	case "":
		if f.Endpoint != "" || f.Protocol != "" {
			opts = append(opts, WithOTLP(f.Endpoint, f.Protocol))
		}
	case "none":
		opts = append(opts, func(c *config) { c.exporter = "none" })
	case "otlp":
		opts = append(opts, WithOTLP(f.Endpoint, f.Protocol))
	case "stdout":
		opts = append(opts, WithStdout(stdout))
	default:
		return nil, fmt.Errorf("tracer: --trace_exporter=%q: want none, otlp or stdout", f.Exporter)
	}
	if f.Sampler != "" || f.SamplerArg != "" {
		opts = append(opts, WithSampler(f.Sampler, f.SamplerArg))
	}
	return opts, nil
}

// env returns the first non-empty variable among names.
func (c *config) env(names ...string) string {
	for _, n := range names {
		if v := c.getenv(n); v != "" {
			return v
		}
	}
	return ""
}

// newExporter builds the configured exporter (nil for none). The environment decides
// when no option did: OTEL_TRACES_EXPORTER (otlp, console, none), else otlp when an
// OTLP endpoint variable is set.
func (c *config) newExporter(ctx context.Context) (sdktrace.SpanExporter, error) {
	kind := c.exporter
	if kind == "" {
		switch v := c.env("OTEL_TRACES_EXPORTER"); v {
		case "otlp":
			kind = "otlp"
		case "console":
			kind = "stdout"
		case "none":
			kind = "none"
		case "":
			if c.env("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT") != "" {
				kind = "otlp"
			}
		default:
			return nil, fmt.Errorf("tracer: OTEL_TRACES_EXPORTER=%q: want otlp, console or none", v)
		}
	}
	switch kind {
	case "", "none":
		return nil, nil
	case "stdout":
		w := c.stdout
		if w == nil {
			w = os.Stdout
		}
		c.target = "stdout"
		return stdouttrace.New(stdouttrace.WithWriter(w), stdouttrace.WithPrettyPrint())
	case "otlp":
		return c.newOTLP(ctx)
	}
	return nil, fmt.Errorf("tracer: exporter %q: want none, otlp or stdout", kind)
}

func (c *config) newOTLP(ctx context.Context) (sdktrace.SpanExporter, error) {
	protocol := c.protocol
	if protocol == "" {
		protocol = c.env("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL")
	}
	if protocol == "" {
		protocol = "http/protobuf"
	}
	endpoint := c.endpoint
	if endpoint == "" {
		endpoint = c.env("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
		if endpoint == "" {
			if base := c.env("OTEL_EXPORTER_OTLP_ENDPOINT"); base != "" && protocol != "grpc" {
				endpoint = strings.TrimSuffix(base, "/") + "/v1/traces" // the spec's per-signal path
			} else {
				endpoint = base
			}
		}
	}
	headers, err := parseKeyValues("OTEL_EXPORTER_OTLP_HEADERS", c.env("OTEL_EXPORTER_OTLP_TRACES_HEADERS", "OTEL_EXPORTER_OTLP_HEADERS"))
	if err != nil {
		return nil, err
	}
	if endpoint != "" {
		if _, err := url.Parse(endpoint); err != nil {
			return nil, fmt.Errorf("tracer: OTLP endpoint %q: %w", endpoint, err)
		}
	}
	switch protocol {
	case "grpc":
		c.target = "OTLP grpc " + cmp.Or(endpoint, "http://localhost:4317") // the exporter's default
		var opts []otlptracegrpc.Option
		if endpoint != "" {
			opts = append(opts, otlptracegrpc.WithEndpointURL(endpoint))
		}
		if len(headers) > 0 {
			opts = append(opts, otlptracegrpc.WithHeaders(headers))
		}
		e, err := otlptracegrpc.New(ctx, opts...)
		if err != nil {
			return nil, fmt.Errorf("tracer: OTLP gRPC exporter: %w", err)
		}
		return e, nil
	case "http/protobuf":
		c.target = "OTLP http/protobuf http://localhost:4318/v1/traces" // the exporter's default
		if endpoint != "" {
			c.target = "OTLP http/protobuf " + httpTracesURL(endpoint)
		}
		var opts []otlptracehttp.Option
		if endpoint != "" {
			opts = append(opts, otlptracehttp.WithEndpointURL(httpTracesURL(endpoint)))
		}
		if len(headers) > 0 {
			opts = append(opts, otlptracehttp.WithHeaders(headers))
		}
		e, err := otlptracehttp.New(ctx, opts...)
		if err != nil {
			return nil, fmt.Errorf("tracer: OTLP HTTP exporter: %w", err)
		}
		return e, nil
	}
	return nil, fmt.Errorf("tracer: OTLP protocol %q: want grpc or http/protobuf", protocol)
}

// newResource builds the resource: service.name (OTEL_SERVICE_NAME wins over the option),
// host and process attributes, the option's attributes, then OTEL_RESOURCE_ATTRIBUTES.
func (c *config) newResource(ctx context.Context) (*resource.Resource, error) {
	fromEnv, err := parseKeyValues("OTEL_RESOURCE_ATTRIBUTES", c.env("OTEL_RESOURCE_ATTRIBUTES"))
	if err != nil {
		return nil, err
	}
	service := c.service
	if v, ok := fromEnv["service.name"]; ok {
		service = v
	}
	if v := c.env("OTEL_SERVICE_NAME"); v != "" {
		service = v
	}
	attrs := []attribute.KeyValue{
		attribute.String("service.name", service),
		attribute.String("process.runtime.name", "go"),
		attribute.String("process.runtime.version", runtime.Version()),
		attribute.Int("process.pid", os.Getpid()),
	}
	if exe, err := os.Executable(); err == nil {
		attrs = append(attrs, attribute.String("process.executable.path", exe))
	}
	if h, err := os.Hostname(); err == nil {
		attrs = append(attrs, attribute.String("host.name", h))
	}
	for _, kv := range []map[string]string{c.resAttrs, fromEnv} {
		for k, v := range kv {
			if k != "service.name" {
				attrs = append(attrs, attribute.String(k, v))
			}
		}
	}
	r, err := resource.New(ctx, resource.WithAttributes(attrs...))
	if err != nil {
		return nil, fmt.Errorf("tracer: resource: %w", err)
	}
	return r, nil
}

// parseKeyValues parses the W3C Baggage-like "k1=v1,k2=v2" lists of
// OTEL_RESOURCE_ATTRIBUTES and OTEL_EXPORTER_OTLP_HEADERS (values percent-encoded).
func parseKeyValues(name, s string) (map[string]string, error) {
	out := map[string]string{}
	if strings.TrimSpace(s) == "" {
		return out, nil
	}
	for item := range strings.SplitSeq(s, ",") {
		k, v, ok := strings.Cut(item, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			return nil, fmt.Errorf("tracer: %s: entry %q: want key=value", name, item)
		}
		dv, err := url.PathUnescape(strings.TrimSpace(v))
		if err != nil {
			return nil, fmt.Errorf("tracer: %s: entry %q: %w", name, item, err)
		}
		out[k] = dv
	}
	return out, nil
}

// httpTracesURL appends the traces path to a base OTLP/HTTP endpoint (no path), as
// OTEL_EXPORTER_OTLP_ENDPOINT and --otlp_endpoint give it, following the OTLP exporter
// specification; an endpoint with a path is used as it is.
func httpTracesURL(endpoint string) string {
	u, err := url.Parse(endpoint)
	if err != nil || (u.Path != "" && u.Path != "/") {
		return endpoint
	}
	u.Path = "/v1/traces"
	return u.String()
}
