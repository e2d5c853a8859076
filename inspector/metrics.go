package inspector

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/mesoscope/mesoscope/inspector/internal/jsonscan"
)

// Metrics is a flat metrics snapshot, name → value, as /metrics/snapshot returns it
// (src/metrics/metrics.cpp) and as GET_METRICS lists it. Values are doubles; counters
// and gauges alike.
type Metrics map[string]float64

// DeepCopy returns a copy of m.
func (m Metrics) DeepCopy() Metrics { return maps.Clone(m) }

// Get returns a metric and whether it is present.
func (m Metrics) Get(name string) (float64, bool) {
	v, ok := m[name]
	return v, ok
}

// Value returns a metric or 0.
func (m Metrics) Value(name string) float64 { return m[name] }

// Int returns a metric rounded to an integer, or 0.
func (m Metrics) Int(name string) int64 {
	v := m[name]
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return int64(math.Round(v))
}

// Bool returns whether a 0/1 gauge is 1, and whether it is present.
func (m Metrics) Bool(name string) (v, ok bool) {
	f, ok := m[name]
	return f != 0, ok
}

// Names returns the metric names with prefix, sorted.
func (m Metrics) Names(prefix string) []string {
	var out []string
	for k := range m {
		if strings.HasPrefix(k, prefix) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// Elected reports master/elected: whether this master is the leader.
func (m Metrics) Elected() (elected, ok bool) { return m.Bool("master/elected") }

// DominantShare returns allocator/mesos/roles/<role>/shares/dominant.
func (m Metrics) DominantShare(role string) (float64, bool) {
	return m.Get("allocator/mesos/roles/" + role + "/shares/dominant")
}

// OfferFiltersActive returns allocator/mesos/offer_filters/roles/<role>/active.
func (m Metrics) OfferFiltersActive(role string) (int, bool) {
	v, ok := m.Get("allocator/mesos/offer_filters/roles/" + role + "/active")
	return int(v), ok
}

// FrameworkPrefix returns the per-framework metric prefix
// "master/frameworks/<url-encoded name>/<id>/" (master/metrics.cpp
// getFrameworkMetricPrefix; process::http::encode escapes everything but
// unreserved characters).
func FrameworkPrefix(name, id string) string {
	return "master/frameworks/" + httpEncode(name) + "/" + id + "/"
}

// httpEncode models libprocess http::encode: every byte outside [A-Za-z0-9-._~] is
// percent-encoded.
func httpEncode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

// Suppressed returns master/frameworks/<name>/<id>/roles/<role>/suppressed.
func (m Metrics) Suppressed(frameworkName, frameworkID, role string) (suppressed, ok bool) {
	return m.Bool(FrameworkPrefix(frameworkName, frameworkID) + "roles/" + role + "/suppressed")
}

// SuppressedRoles lists the roles a framework is suppressed in, from its metrics.
func (m Metrics) SuppressedRoles(frameworkName, frameworkID string) []string {
	prefix := FrameworkPrefix(frameworkName, frameworkID) + "roles/"
	var out []string
	for _, name := range m.Names(prefix) {
		role, ok := strings.CutSuffix(strings.TrimPrefix(name, prefix), "/suppressed")
		if ok && m[name] != 0 {
			out = append(out, role)
		}
	}
	return out
}

// QuotaMetric returns allocator/mesos/quota/roles/<role>/resources/<res>/<kind>,
// kind being "guarantee", "limit", "consumed" or "offered_or_allocated".
func (m Metrics) QuotaMetric(role, resource, kind string) (float64, bool) {
	return m.Get("allocator/mesos/quota/roles/" + role + "/resources/" + resource + "/" + kind)
}

// DecodeMetrics decodes a /metrics/snapshot object, a GET_METRICS response
// ({"type": "GET_METRICS", "get_metrics": {"metrics": [{"name", "value"}]}}) or a
// legacy /stats.json (flat, numbers only). Non-numeric members are ignored.
func DecodeMetrics(data []byte) (Metrics, error) {
	s := newScanner(data)
	if s.Peek() != jsonscan.Object {
		return nil, fmt.Errorf("decode metrics: %w: top level is %s, want object", ErrNotMesos, s.Peek())
	}
	m := Metrics{}
	readList := func() {
		s.Array(func(int) {
			var name string
			var v float64
			var ok bool
			s.Object(func(k []byte) {
				switch string(k) {
				case "name":
					name = s.String()
				case "value":
					v, ok = s.Float()
				}
			})
			if name != "" {
				if !ok || !finite(v) {
					v = 0 // a Metric without value (its future failed)
				}
				m[name] = v
			}
		})
	}
	var readDoc func(top bool)
	readDoc = func(top bool) {
		s.Object(func(k []byte) {
			key := string(k)
			switch {
			case key == "get_metrics":
				readDoc(false)
			case key == "metrics" && s.Peek() == jsonscan.Array:
				readList()
			case key == "type" && top && s.Peek() == jsonscan.String:
				s.Skip()
			default:
				if s.Peek() == jsonscan.Number {
					if v, ok := s.Float(); ok && finite(v) {
						m[key] = v
					}
				}
			}
		})
	}
	readDoc(true)
	if err := s.Finish(); err != nil {
		return nil, fmt.Errorf("decode metrics: %w", err)
	}
	return m, nil
}
