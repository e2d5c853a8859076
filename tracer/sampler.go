package tracer

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
)

// sampler is the hot path's sampling rule, one of the OTEL_TRACES_SAMPLER samplers.
// Its decision for a root follows the OpenTelemetry TraceIDRatioBased rule (the low
// 63 bits of the trace id's last 8 bytes below ratio·2^63), so every process that
// sees the same trace id decides alike; a parent-based sampler follows the sampled flag
// of the incoming traceparent.
type sampler struct {
	name        string
	parentBased bool
	ratio       float64
	bound       uint64 // ratio·2^63
}

// newSampler builds the sampler named as OTEL_TRACES_SAMPLER does, with arg as
// OTEL_TRACES_SAMPLER_ARG (the ratio of the *traceidratio samplers; default 1.0).
func newSampler(name, arg string) (sampler, error) {
	if name == "" {
		name = "parentbased_always_on"
	}
	s := sampler{name: name}
	base := name
	if rest, ok := strings.CutPrefix(name, "parentbased_"); ok {
		s.parentBased = true
		base = rest
	}
	switch base {
	case "always_on":
		s.ratio = 1
	case "always_off":
		s.ratio = 0
	case "traceidratio":
		s.ratio = 1
		if arg != "" {
			r, err := strconv.ParseFloat(arg, 64)
			if err != nil || r < 0 || r > 1 || r != r {
				return sampler{}, fmt.Errorf("tracer: sampler %q: OTEL_TRACES_SAMPLER_ARG=%q: want a ratio between 0 and 1", name, arg)
			}
			s.ratio = r
		}
	default:
		return sampler{}, fmt.Errorf("tracer: OTEL_TRACES_SAMPLER=%q: want one of always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio", name)
	}
	if s.ratio >= 1 {
		s.bound = 1 << 63
	} else {
		s.bound = uint64(s.ratio * (1 << 63))
	}
	return s, nil
}

// never reports whether no root is ever sampled.
func (s sampler) never() bool { return s.bound == 0 }

// root decides for a trace id with no parent.
func (s sampler) root(tid *[16]byte) bool {
	if s.bound == 1<<63 {
		return true
	}
	return binary.BigEndian.Uint64(tid[8:])>>1 < s.bound
}

// child decides for a span whose parent context came in a traceparent.
func (s sampler) child(parent spanContext) bool {
	if s.parentBased {
		return parent.sampled()
	}
	return s.root(&parent.traceID)
}

// String returns the sampler as OTEL_TRACES_SAMPLER and _ARG spell it.
func (s sampler) String() string {
	if strings.HasSuffix(s.name, "traceidratio") {
		return s.name + ":" + strconv.FormatFloat(s.ratio, 'g', -1, 64)
	}
	return s.name
}
