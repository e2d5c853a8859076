package process

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Metrics is a runtime's metrics registry, served flat at /metrics/snapshot like
// libprocess's MetricsProcess (3rdparty/libprocess/src/metrics/metrics.cpp): a JSON object
// of metric name to number. Metrics with a statistics window also emit <name>/count,
// /max, /min, /p50, /p90, /p95, /p99, /p999 and /p9999 over their recent values.
type Metrics struct {
	rt      *Runtime
	mu      sync.Mutex
	metrics map[string]metric
	limiter *rateLimiter
}

// metric is one registered metric: value returns its current value (a future, since pull
// gauges may be evaluated on their owning process), history its recent values if any.
type metric interface {
	value() *Future[float64]
	history() *TimeSeries
}

func newMetrics(rt *Runtime) *Metrics {
	m := &Metrics{rt: rt, metrics: make(map[string]metric)}
	rl := rt.cfg.MetricsRateLimit
	if rl.Permits == 0 {
		rl = RateLimit{Permits: 2, Window: time.Second}
	}
	if rl.Permits > 0 && rl.Window > 0 {
		m.limiter = &rateLimiter{clock: rt.clock, permits: rl.Permits, window: rl.Window}
	}
	return m
}

// add registers a metric; it fails if the name is taken, like metrics::add.
func (m *Metrics) add(name string, mt metric) error {
	if name == "" {
		return fmt.Errorf("process: add metric: empty name")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.metrics[name]; ok {
		return fmt.Errorf("process: add metric %q: already registered", name)
	}
	m.metrics[name] = mt
	return nil
}

// Remove unregisters the metric called name (metrics::remove).
func (m *Metrics) Remove(name string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.metrics, name)
}

// Counter is a monotonically increasing metric (process::metrics::Counter).
type Counter struct {
	mu sync.Mutex
	v  float64
	ts *TimeSeries
}

// NewCounter registers a counter. A non-zero window keeps statistics of its values.
func (m *Metrics) NewCounter(name string, window time.Duration) (*Counter, error) {
	c := &Counter{}
	if window > 0 {
		c.ts = NewTimeSeries(window, 0)
	}
	if err := m.add(name, c); err != nil {
		return nil, err
	}
	if c.ts != nil {
		c.ts.clock = m.rt.clock
	}
	return c, nil
}

// Inc adds 1.
func (c *Counter) Inc() { c.Add(1) }

// Add adds d.
func (c *Counter) Add(d float64) {
	c.mu.Lock()
	c.v += d
	v := c.v
	c.mu.Unlock()
	if c.ts != nil {
		c.ts.Set(v)
	}
}

// Value returns the current count.
func (c *Counter) Value() float64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.v
}

func (c *Counter) value() *Future[float64] { return NewFuture(c.Value()) }
func (c *Counter) history() *TimeSeries    { return c.ts }

// Gauge is a metric set by its owner (process::metrics::PushGauge).
type Gauge struct {
	mu sync.Mutex
	v  float64
}

// NewGauge registers a push gauge.
func (m *Metrics) NewGauge(name string) (*Gauge, error) {
	g := &Gauge{}
	if err := m.add(name, g); err != nil {
		return nil, err
	}
	return g, nil
}

// Set sets the gauge.
func (g *Gauge) Set(v float64) {
	g.mu.Lock()
	g.v = v
	g.mu.Unlock()
}

// Add adds d to the gauge.
func (g *Gauge) Add(d float64) {
	g.mu.Lock()
	g.v += d
	g.mu.Unlock()
}

// Value returns the gauge's value.
func (g *Gauge) Value() float64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.v
}

func (g *Gauge) value() *Future[float64] { return NewFuture(g.Value()) }
func (g *Gauge) history() *TimeSeries    { return nil }

// pullGauge is evaluated at snapshot time on its owning process
// (process::metrics::PullGauge with a deferred callback): a busy owner delays the
// snapshot, and the snapshot's timeout leaves it out.
type pullGauge struct {
	rt    *Runtime
	owner PID
	fn    func() float64
}

// NewPullGauge registers a gauge evaluated by dispatching fn to owner at each snapshot.
// With a zero owner, fn runs on the snapshot's goroutine and must be safe for that.
func (m *Metrics) NewPullGauge(name string, owner PID, fn func() float64) error {
	return m.add(name, &pullGauge{rt: m.rt, owner: owner, fn: fn})
}

func (g *pullGauge) value() *Future[float64] {
	if g.owner.IsZero() {
		return NewFuture(g.fn())
	}
	return Dispatch(g.rt, g.owner, "metrics.gauge", func() (float64, error) { return g.fn(), nil })
}
func (g *pullGauge) history() *TimeSeries { return nil }

// MetricTimer records durations in milliseconds; its name ends in "_ms" like
// libprocess's Timer<Milliseconds> (Metric(name + "_" + units)). Its value is the last
// duration, and its window keeps statistics.
type MetricTimer struct {
	mu  sync.Mutex
	v   float64
	set bool
	ts  *TimeSeries
}

// NewTimer registers a timer called name+"_ms" with a statistics window (zero means
// libprocess's default, two weeks of at most 1000 sparsified values).
func (m *Metrics) NewTimer(name string, window time.Duration) (*MetricTimer, error) {
	if window <= 0 {
		window = 14 * 24 * time.Hour
	}
	t := &MetricTimer{ts: NewTimeSeries(window, 0)}
	t.ts.clock = m.rt.clock
	if err := m.add(name+"_ms", t); err != nil {
		return nil, err
	}
	return t, nil
}

// Record records one duration.
func (t *MetricTimer) Record(d time.Duration) {
	ms := float64(d) / float64(time.Millisecond)
	t.mu.Lock()
	t.v, t.set = ms, true
	t.mu.Unlock()
	t.ts.Set(ms)
}

func (t *MetricTimer) value() *Future[float64] {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.set {
		return FailedFuture[float64](fmt.Errorf("no value yet"))
	}
	return NewFuture(t.v)
}
func (t *MetricTimer) history() *TimeSeries { return t.ts }

// Snapshot evaluates every metric, waiting at most timeout for pull gauges (zero means
// no limit), and returns the flat map libprocess serves.
func (m *Metrics) Snapshot(timeout time.Duration) map[string]float64 {
	m.mu.Lock()
	names := make([]string, 0, len(m.metrics))
	ms := make([]metric, 0, len(m.metrics))
	for name, mt := range m.metrics {
		names = append(names, name)
		ms = append(ms, mt)
	}
	m.mu.Unlock()

	futures := make([]*Future[float64], len(ms))
	for i, mt := range ms {
		futures[i] = mt.value()
	}
	var deadline <-chan time.Time
	if timeout > 0 {
		t := time.NewTimer(timeout)
		defer t.Stop()
		deadline = t.C
	}
	out := make(map[string]float64, len(ms))
	for i, f := range futures {
		if f.IsPending() && !f.IsAbandoned() {
			done := make(chan struct{})
			f.OnAny(func(*Future[float64]) { close(done) })
			f.OnAbandoned(func() { close(done) })
			select {
			case <-done:
			case <-deadline:
			}
		}
		if v, err := f.Get(); err == nil {
			out[names[i]] = v
		}
		if ts := ms[i].history(); ts != nil {
			if st, ok := ts.Statistics(); ok {
				out[names[i]+"/count"] = float64(st.Count)
				out[names[i]+"/max"] = st.Max
				out[names[i]+"/min"] = st.Min
				out[names[i]+"/p50"] = st.P50
				out[names[i]+"/p90"] = st.P90
				out[names[i]+"/p95"] = st.P95
				out[names[i]+"/p99"] = st.P99
				out[names[i]+"/p999"] = st.P999
				out[names[i]+"/p9999"] = st.P9999
			}
		}
	}
	return out
}

// serveSnapshot is /metrics/snapshot: rate limited, with the timeout query parameter in
// Mesos's duration syntax ("5secs", "100ms").
func (m *Metrics) serveSnapshot(r *Request) *Future[Response] {
	var timeout time.Duration
	if t := r.URL.Query().Get("timeout"); t != "" {
		d, err := ParseDuration(t)
		if err != nil {
			return NewFuture(BadRequest(fmt.Sprintf("Invalid timeout '%s': %v", t, err)))
		}
		timeout = d
	}
	out := &Future[Response]{}
	serve := func() {
		snap := m.Snapshot(timeout)
		b, err := marshalFlat(snap)
		if err != nil {
			out.complete(Ready, InternalServerError(err.Error()), nil)
			return
		}
		resp := OK(b, "application/json")
		if cb := r.URL.Query().Get("jsonp"); cb != "" {
			resp = OK([]byte(cb+"("+string(b)+");"), "text/javascript")
		}
		out.complete(Ready, resp, nil)
	}
	if m.limiter == nil {
		go serve()
		return out
	}
	m.limiter.acquire(func() { go serve() })
	return out
}

// marshalFlat writes the snapshot with sorted keys and Mesos's number formatting
// (integers without a fraction).
func marshalFlat(snap map[string]float64) ([]byte, error) {
	keys := make([]string, 0, len(snap))
	for k := range snap {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteByte('{')
	for i, k := range keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, err := json.Marshal(k)
		if err != nil {
			return nil, err
		}
		b.Write(kb)
		b.WriteByte(':')
		v := snap[k]
		if math.IsNaN(v) || math.IsInf(v, 0) {
			b.WriteString("null")
			continue
		}
		vb, _ := json.Marshal(v)
		b.Write(vb)
	}
	b.WriteByte('}')
	return []byte(b.String()), nil
}

// rateLimiter admits at most permits acquisitions per window on the clock; excess
// requests wait their turn (libprocess RateLimiter: bursts are delayed, not refused).
type rateLimiter struct {
	clock   *Clock
	permits int
	window  time.Duration
	mu      sync.Mutex
	next    time.Time
}

func (l *rateLimiter) acquire(f func()) {
	interval := l.window / time.Duration(l.permits)
	l.mu.Lock()
	now := l.clock.Now()
	if l.next.Before(now) {
		l.next = now
	}
	at := l.next
	l.next = l.next.Add(interval)
	l.mu.Unlock()
	if wait := at.Sub(now); wait > 0 {
		l.clock.AfterFunc(wait, f)
		return
	}
	f()
}

// Statistics are the aggregates of a TimeSeries (process::Statistics).
type Statistics struct {
	Count                                               int
	Min, Max, P25, P50, P75, P90, P95, P99, P999, P9999 float64
}

// TimeSeries keeps values within a window and, beyond its capacity, sparsifies older
// values the way libprocess's TimeSeries does (include/process/timeseries.hpp).
type TimeSeries struct {
	mu       sync.Mutex
	window   time.Duration
	capacity int
	clock    *Clock
	times    []time.Time
	values   []float64
	next     int // sparsification cursor; -1 when unset
}

// NewTimeSeries returns a series with the window and capacity (0 means 1000, the
// libprocess default; at least 3).
func NewTimeSeries(window time.Duration, capacity int) *TimeSeries {
	if capacity == 0 {
		capacity = 1000
	}
	return &TimeSeries{window: window, capacity: max(3, capacity), next: -1}
}

// Set appends a value at the current time.
func (s *TimeSeries) Set(v float64) {
	now := time.Now()
	if s.clock != nil {
		now = s.clock.Now()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.times = append(s.times, now)
	s.values = append(s.values, v)
	s.truncate(now)
	s.sparsify()
}

func (s *TimeSeries) truncate(now time.Time) {
	cut := 0
	for cut < len(s.times) && now.Sub(s.times[cut]) > s.window {
		cut++
	}
	if cut > 0 {
		s.times = slices.Delete(s.times, 0, cut)
		s.values = slices.Delete(s.values, 0, cut)
		s.next = -1
	}
}

func (s *TimeSeries) sparsify() {
	for len(s.values) > s.capacity {
		if s.next < 0 || s.next > len(s.values)/2 {
			s.next = 1
		}
		s.times = slices.Delete(s.times, s.next, s.next+1)
		s.values = slices.Delete(s.values, s.next, s.next+1)
		s.next++
	}
}

// Values returns a copy of the values in the series, oldest first.
func (s *TimeSeries) Values() []float64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.values)
}

// Statistics returns the aggregates, or false with fewer than 2 values (as libprocess).
func (s *TimeSeries) Statistics() (Statistics, bool) {
	vals := s.Values()
	return statisticsOf(vals)
}

func statisticsOf(vals []float64) (Statistics, bool) {
	if len(vals) < 2 {
		return Statistics{}, false
	}
	sort.Float64s(vals)
	return Statistics{
		Count: len(vals), Min: vals[0], Max: vals[len(vals)-1],
		P25: percentile(vals, 0.25), P50: percentile(vals, 0.5), P75: percentile(vals, 0.75),
		P90: percentile(vals, 0.90), P95: percentile(vals, 0.95), P99: percentile(vals, 0.99),
		P999: percentile(vals, 0.999), P9999: percentile(vals, 0.9999),
	}, true
}

// percentile interpolates linearly between the closest ranks, as Statistics::percentile.
func percentile(sorted []float64, p float64) float64 {
	if p <= 0 {
		return sorted[0]
	}
	if p >= 1 {
		return sorted[len(sorted)-1]
	}
	pos := p * float64(len(sorted)-1)
	i := int(math.Floor(pos))
	delta := pos - float64(i)
	return sorted[i] + (sorted[i+1]-sorted[i])*delta
}

// ParseDuration parses Mesos's duration syntax (stout Duration::parse): a number
// followed by one of ns, us, ms, secs, mins, hrs, days, weeks ("5secs", "1.5mins").
// Go's own syntax ("5s") is accepted too.
func ParseDuration(s string) (time.Duration, error) {
	units := []struct {
		suffix string
		d      time.Duration
	}{
		{"ns", time.Nanosecond}, {"us", time.Microsecond}, {"ms", time.Millisecond},
		{"secs", time.Second}, {"mins", time.Minute}, {"hrs", time.Hour},
		{"days", 24 * time.Hour}, {"weeks", 7 * 24 * time.Hour},
	}
	t := strings.TrimSpace(s)
	for _, u := range units {
		if num, ok := strings.CutSuffix(t, u.suffix); ok && num != "" {
			v, err := strconv.ParseFloat(num, 64)
			if err != nil {
				continue // e.g. "5mins" also ends in "ns"
			}
			if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
				return 0, fmt.Errorf("duration %q: must be a non-negative number", s)
			}
			f := v * float64(u.d)
			if f > math.MaxInt64 {
				return 0, fmt.Errorf("duration %q: too large", s)
			}
			return time.Duration(f), nil
		}
	}
	d, err := time.ParseDuration(t)
	if err != nil {
		return 0, fmt.Errorf("duration %q: want a number and a unit (ns, us, ms, secs, mins, hrs, days, weeks)", s)
	}
	if d < 0 {
		return 0, fmt.Errorf("duration %q: must not be negative", s)
	}
	return d, nil
}
