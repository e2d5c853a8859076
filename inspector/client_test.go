package inspector

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeMaster serves fixture payloads like a Mesos master. Routes map "METHOD path"
// (operator calls as "POST /api/v1 TYPE") to handlers.
type fakeMaster struct {
	t      *testing.T
	mu     sync.Mutex
	routes map[string]http.HandlerFunc
	hits   map[string]int
}

func newFakeMaster(t *testing.T) *fakeMaster {
	return &fakeMaster{t: t, routes: map[string]http.HandlerFunc{}, hits: map[string]int{}}
}

func (f *fakeMaster) handle(key string, h http.HandlerFunc) { f.routes[key] = h }

func (f *fakeMaster) json(key string, body []byte) {
	f.handle(key, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	})
}

func (f *fakeMaster) count(key string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.hits[key]
}

func (f *fakeMaster) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	key := r.Method + " " + r.URL.Path
	if r.Method == http.MethodPost && r.URL.Path == "/api/v1" {
		body, _ := io.ReadAll(r.Body)
		c, err := DecodeCall(body)
		if err != nil {
			http.Error(w, "Failed to parse body into Call", http.StatusBadRequest)
			return
		}
		key += " " + c.Type
	}
	f.mu.Lock()
	f.hits[key]++
	h, ok := f.routes[key]
	f.mu.Unlock()
	if !ok {
		http.NotFound(w, r)
		return
	}
	h(w, r)
}

// noSleep records backoffs instead of sleeping.
type noSleep struct {
	mu     sync.Mutex
	delays []time.Duration
}

func (n *noSleep) sleep(ctx context.Context, d time.Duration) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.delays = append(n.delays, d)
	return ctx.Err()
}

func testClient(t *testing.T, url string, mod func(*Config)) (*Client, *noSleep) {
	t.Helper()
	ns := &noSleep{}
	cfg := Config{Master: url, Retry: RetryPolicy{Sleep: ns.sleep, Seed: 1}, Timeout: 5 * time.Second}
	if mod != nil {
		mod(&cfg)
	}
	c, err := New(cfg)
	if err != nil {
		t.Fatalf("New(%q) error = %v", url, err)
	}
	return c, ns
}

func fixtureBytes(t testing.TB, name string) []byte {
	t.Helper()
	return readFixture(t, filepath.Join(fixtureDir(t), name))
}

func TestClientSnapshot(t *testing.T) {
	fm := newFakeMaster(t)
	srv := httptest.NewServer(fm)
	defer srv.Close()
	host := strings.TrimPrefix(srv.URL, "http://")
	fm.handle("GET /master/redirect", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", "//"+host)
		w.WriteHeader(http.StatusTemporaryRedirect)
	})
	fm.json("GET /master/state", fixtureBytes(t, "bun.ok.master-state.json"))
	fm.json("GET /master/roles", []byte(`{"roles":[{"name":"slave_public","weight":2,"frameworks":["00efdea9-7551-4e15-83fe-5b8cd36d2216-0000"],
		"quota":{"role":"slave_public","guarantee":{},"limit":{"cpus":4},"consumed":{"cpus":1}},"allocated":{"cpus":1},"offered":{},"reserved":{"cpus":8}}]}`))
	fm.json("POST /api/v1 GET_METRICS", []byte(`{"type":"GET_METRICS","get_metrics":{"metrics":[
		{"name":"master/elected","value":1},{"name":"allocator/mesos/roles/slave_public/shares/dominant","value":0.25},
		{"name":"allocator/mesos/offer_filters/roles/slave_public/active","value":3},
		{"name":"master/frameworks/marathon/00efdea9-7551-4e15-83fe-5b8cd36d2216-0000/roles/slave_public/suppressed","value":1}]}}`))
	fm.json("GET /__processes__", []byte(`[{"id":"master","events":[{"type":"MESSAGE","name":"mesos.internal.StatusUpdateMessage","from":"slave(1)@1.2.3.4:5051","to":"master@1.2.3.5:5050","body":"\u0000\u0001raw"},{"type":"HTTP","method":"GET","url":"/master/state?jsonp=x"},{"type":"DISPATCH"}]},{"id":"metrics","events":[]}]`))

	c, _ := testClient(t, srv.URL, nil)
	snap, err := c.Snapshot(context.Background(), SnapshotOptions{})
	if err != nil {
		t.Fatalf("Snapshot() error = %v", err)
	}
	if len(snap.Agents) != 5 || len(snap.Frameworks) != 2 {
		t.Errorf("Snapshot() agents, frameworks = %d, %d, want 5, 2", len(snap.Agents), len(snap.Frameworks))
	}
	if snap.Source != srv.URL {
		t.Errorf("Snapshot().Source = %q, want %q", snap.Source, srv.URL)
	}
	ix := NewIndex(snap)
	r, ok := ix.Role("slave_public")
	if !ok || !r.ShareKnown || r.DominantShare != 0.25 || r.OfferFilters != 3 || r.Weight != 2 {
		t.Errorf("Role(slave_public) = %+v, want share 0.25 measured, 3 filters, weight 2", r)
	}
	fw, _ := ix.Framework("marathon")
	if fw == nil || len(fw.SuppressedRoles) != 1 || fw.SuppressedRoles[0] != "slave_public" {
		t.Errorf("Framework(marathon).SuppressedRoles = %v, want [slave_public]", fw)
	}
	if len(snap.Actors) != 2 || snap.Actors[0].ID != "master" || snap.Actors[0].QueueDepth != 3 {
		t.Errorf("Snapshot().Actors = %+v, want master with 3 events first", snap.Actors)
	}
	if snap.Mesoscope {
		t.Errorf("Snapshot().Mesoscope = true, want false for a real master")
	}
	if len(snap.Warnings) != 0 {
		t.Errorf("Snapshot().Warnings = %v, want none", snap.Warnings)
	}
	// The extras probe happens once per client.
	c.HasMesoscope(context.Background())
	if _, err := c.ExplainAllocation(context.Background(), Query{Framework: "marathon"}); !errors.Is(err, ErrNotSupported) {
		t.Errorf("ExplainAllocation() error = %v, want ErrNotSupported", err)
	}
	if n := fm.count("GET " + MesoscopeProcesses); n != 1 {
		t.Errorf("probes of %s = %d, want 1", MesoscopeProcesses, n)
	}
}

func TestClientFollowsLeader(t *testing.T) {
	leader := newFakeMaster(t)
	leader.json("GET /master/state", fixtureBytes(t, "datadog.mesos_master.state.json"))
	ls := httptest.NewServer(leader)
	defer ls.Close()
	lhost := strings.TrimPrefix(ls.URL, "http://")

	follower := newFakeMaster(t)
	follower.handle("GET /master/state", func(w http.ResponseWriter, r *http.Request) {
		// Mesos redirects with a protocol-relative Location.
		w.Header().Set("Location", "//"+lhost+r.URL.Path)
		w.WriteHeader(http.StatusTemporaryRedirect)
	})
	fs := httptest.NewServer(follower)
	defer fs.Close()

	c, _ := testClient(t, fs.URL, nil)
	st, err := c.MasterState(context.Background())
	if err != nil {
		t.Fatalf("MasterState() error = %v", err)
	}
	if st.Cluster.Name != "datadog-test" {
		t.Errorf("MasterState().Cluster.Name = %q, want datadog-test", st.Cluster.Name)
	}
	if got := c.Master(); got != ls.URL {
		t.Errorf("Master() after redirect = %q, want %q", got, ls.URL)
	}
	// Later calls go straight to the leader.
	if _, err := c.MasterState(context.Background()); err != nil {
		t.Fatalf("MasterState() second call error = %v", err)
	}
	if n := follower.count("GET /master/state"); n != 1 {
		t.Errorf("follower hits = %d, want 1", n)
	}
}

func TestClientLeaderRedirectEndpoint(t *testing.T) {
	leader := httptest.NewServer(http.NotFoundHandler())
	defer leader.Close()
	fm := newFakeMaster(t)
	fm.handle("GET /master/redirect", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", "//"+strings.TrimPrefix(leader.URL, "http://"))
		w.WriteHeader(http.StatusTemporaryRedirect)
	})
	srv := httptest.NewServer(fm)
	defer srv.Close()
	c, _ := testClient(t, srv.URL, nil)
	got, err := c.Leader(context.Background())
	if err != nil || got != leader.URL {
		t.Errorf("Leader() = %q, %v, want %q, nil", got, err, leader.URL)
	}
}

func TestClientErrors(t *testing.T) {
	tests := []struct {
		name     string
		handler  http.HandlerFunc
		want     error
		requests int // attempts expected (MaxAttempts is 3)
		delays   int
	}{
		{"no leader", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "No leader elected", http.StatusServiceUnavailable)
		}, ErrNoLeader, 3, 2},
		{"unauthorized", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("WWW-Authenticate", `Basic realm="mesos"`)
			w.WriteHeader(http.StatusUnauthorized)
		}, ErrUnauthorized, 1, 0},
		{"forbidden", func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusForbidden)
		}, ErrUnauthorized, 1, 0},
		{"html", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, "<html><body>It works!</body></html>")
		}, ErrNotMesos, 1, 0},
		{"404", func(w http.ResponseWriter, r *http.Request) {
			http.NotFound(w, r)
		}, ErrNotMesos, 2, 0}, // /master/state, then the pre-0.28 /master/state.json
		{"unknown json", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `{"status":"ok","items":[]}`)
		}, ErrNotMesos, 1, 0},
		{"too large", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, `{"slaves":[`+strings.Repeat(`{"id":"x"},`, 200)+`{}]}`)
		}, ErrTooLarge, 1, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var n atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				n.Add(1)
				tc.handler(w, r)
			}))
			defer srv.Close()
			c, ns := testClient(t, srv.URL, func(cfg *Config) {
				cfg.Retry.MaxAttempts = 3
				cfg.MaxBodyBytes = 1024
			})
			_, err := c.MasterState(context.Background())
			if !errors.Is(err, tc.want) {
				t.Fatalf("MasterState() error = %v, want %v", err, tc.want)
			}
			if got := int(n.Load()); got != tc.requests {
				t.Errorf("requests = %d, want %d", got, tc.requests)
			}
			if len(ns.delays) != tc.delays {
				t.Errorf("backoffs = %v, want %d of them", ns.delays, tc.delays)
			}
		})
	}
}

func TestClientRetriesThenSucceeds(t *testing.T) {
	var n atomic.Int32
	state := fixtureBytes(t, "datadog.mesos_master.state.json")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) <= 2 {
			http.Error(w, "Master has not finished recovery", http.StatusServiceUnavailable)
			return
		}
		w.Write(state)
	}))
	defer srv.Close()
	c, ns := testClient(t, srv.URL, func(cfg *Config) {
		cfg.Retry = RetryPolicy{MaxAttempts: 5, BaseDelay: 100 * time.Millisecond, MaxDelay: 150 * time.Millisecond, Seed: 7, Sleep: cfg.Retry.Sleep}
	})
	if _, err := c.MasterState(context.Background()); err != nil {
		t.Fatalf("MasterState() error = %v", err)
	}
	if len(ns.delays) != 2 {
		t.Fatalf("backoffs = %v, want 2", ns.delays)
	}
	// Attempt 1 backs off in [50ms, 100ms], attempt 2 in [75ms, 150ms] (capped).
	bounds := [][2]time.Duration{{50 * time.Millisecond, 100 * time.Millisecond}, {75 * time.Millisecond, 150 * time.Millisecond}}
	for i, d := range ns.delays {
		if d < bounds[i][0] || d > bounds[i][1] {
			t.Errorf("backoff %d = %v, want in %v", i+1, d, bounds[i])
		}
	}
}

func TestBackoffDeterministic(t *testing.T) {
	p := RetryPolicy{BaseDelay: 10 * time.Millisecond, MaxDelay: time.Second}
	sched := func(seed uint64) []time.Duration {
		c, err := New(Config{Retry: RetryPolicy{Seed: seed}})
		if err != nil {
			t.Fatal(err)
		}
		var out []time.Duration
		for a := 1; a <= 10; a++ {
			out = append(out, p.Backoff(a, c.rng))
		}
		return out
	}
	a, b := sched(42), sched(42)
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("Backoff schedule with seed 42 differs at %d: %v vs %v", i, a, b)
		}
		if a[i] > time.Second {
			t.Errorf("Backoff(%d) = %v, want ≤ 1s cap", i+1, a[i])
		}
	}
}

func TestClientUnreachable(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	c, ns := testClient(t, "http://"+addr, func(cfg *Config) { cfg.Retry.MaxAttempts = 2 })
	_, err = c.MasterState(context.Background())
	if !errors.Is(err, ErrUnreachable) {
		t.Fatalf("MasterState() error = %v, want ErrUnreachable", err)
	}
	if len(ns.delays) != 1 {
		t.Errorf("backoffs = %v, want 1", ns.delays)
	}
}

func TestClientTimeout(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)
	c, _ := testClient(t, srv.URL, func(cfg *Config) {
		cfg.Timeout = 20 * time.Millisecond
		cfg.Retry.MaxAttempts = 1
	})
	_, err := c.MasterState(context.Background())
	if !errors.Is(err, ErrUnreachable) || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("MasterState() error = %v, want ErrUnreachable wrapping a deadline", err)
	}
}

func TestClientBasicAuth(t *testing.T) {
	state := fixtureBytes(t, "datadog.mesos_master.state.json")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p, s, ok := r.BasicAuth(); !ok || p != "ops" || s != "s3cret" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		w.Write(state)
	}))
	defer srv.Close()
	creds := filepath.Join(t.TempDir(), "credentials.json")
	if err := os.WriteFile(creds, []byte(`{"credentials":[{"principal":"ops","secret":"s3cret"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	p, s, err := LoadCredentials(creds)
	if err != nil {
		t.Fatalf("LoadCredentials() error = %v", err)
	}
	c, _ := testClient(t, srv.URL, func(cfg *Config) { cfg.Principal, cfg.Secret = p, s })
	if _, err := c.MasterState(context.Background()); err != nil {
		t.Errorf("MasterState() with credentials error = %v", err)
	}
	bad, _ := testClient(t, srv.URL, func(cfg *Config) { cfg.Principal, cfg.Secret = "ops", "wrong" })
	if _, err := bad.MasterState(context.Background()); !errors.Is(err, ErrUnauthorized) {
		t.Errorf("MasterState() with wrong secret error = %v, want ErrUnauthorized", err)
	}
}

func TestLoadCredentialsText(t *testing.T) {
	path := filepath.Join(t.TempDir(), "creds")
	if err := os.WriteFile(path, []byte("ops s3cret\nother x\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	p, s, err := LoadCredentials(path)
	if err != nil || p != "ops" || s != "s3cret" {
		t.Errorf("LoadCredentials(text) = %q, %q, %v, want ops, s3cret, nil", p, s, err)
	}
	if _, _, err := LoadCredentials(filepath.Join(t.TempDir(), "missing")); err == nil {
		t.Errorf("LoadCredentials(missing) error = nil, want an error")
	}
}

// selfSignedTLS returns a server certificate signed by a fresh CA and the CA's PEM.
func selfSignedTLS(t *testing.T) (tls.Certificate, []byte) {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "mesoscope test CA"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, _ := x509.ParseCertificate(caDER)
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, KeyUsage: x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := tls.X509KeyPair(
		pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}))
	if err != nil {
		t.Fatal(err)
	}
	return cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})
}

func TestClientTLS(t *testing.T) {
	cert, caPEM := selfSignedTLS(t)
	state := fixtureBytes(t, "datadog.mesos_master.state.json")
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(state) }))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	defer srv.Close()
	caFile := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(caFile, caPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		mod     func(*Config)
		wantErr error
	}{
		{"custom CA", func(c *Config) { c.CAFile = caFile }, nil},
		{"insecure", func(c *Config) { c.Insecure = true }, nil},
		{"unknown CA", func(c *Config) {}, ErrUnreachable},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, _ := testClient(t, srv.URL, func(cfg *Config) {
				cfg.Retry.MaxAttempts = 1
				tc.mod(cfg)
			})
			_, err := c.MasterState(context.Background())
			if !errors.Is(err, tc.wantErr) {
				t.Errorf("MasterState() error = %v, want %v", err, tc.wantErr)
			}
			if tc.wantErr != nil {
				var uerr x509.UnknownAuthorityError
				if !errors.As(err, &uerr) {
					t.Errorf("MasterState() error = %v, want an x509.UnknownAuthorityError inside", err)
				}
			}
		})
	}
	if _, err := New(Config{CAFile: filepath.Join(t.TempDir(), "none.pem")}); err == nil {
		t.Errorf("New(missing CA file) error = nil, want an error")
	}
}

func TestParseMasterURL(t *testing.T) {
	tests := []struct {
		in, want string
		wantErr  bool
	}{
		{"", DefaultMaster, false},
		{"10.0.0.1:5050", "http://10.0.0.1:5050", false},
		{"https://m.example.com:5050/master/state", "https://m.example.com:5050", false},
		{"zk://zk1:2181/mesos", "", true},
		{"ftp://x", "", true},
		{"http://", "", true},
	}
	for _, tc := range tests {
		u, err := ParseMasterURL(tc.in)
		if tc.wantErr {
			if err == nil {
				t.Errorf("ParseMasterURL(%q) error = nil, want an error", tc.in)
			}
			continue
		}
		if err != nil || u.String() != tc.want {
			t.Errorf("ParseMasterURL(%q) = %v, %v, want %q", tc.in, u, err, tc.want)
		}
	}
}

func TestMetricsPrefersOperatorAPI(t *testing.T) {
	fm := newFakeMaster(t)
	fm.json("POST /api/v1 GET_METRICS", fixtureBytes(t, "operator-GET_METRICS.response.json"))
	srv := httptest.NewServer(fm)
	defer srv.Close()
	c, _ := testClient(t, srv.URL, nil)
	m, err := c.Metrics(context.Background())
	if err != nil {
		t.Fatalf("Metrics() error = %v", err)
	}
	if _, ok := m.Get("master/slaves_active"); !ok {
		t.Errorf("Metrics() lacks master/slaves_active")
	}
	if n := fm.count("GET /metrics/snapshot"); n != 0 {
		t.Errorf("/metrics/snapshot hits = %d, want 0", n)
	}
}

func TestMetricsFallbackAndRateLimit(t *testing.T) {
	fm := newFakeMaster(t)
	fm.json("GET /metrics/snapshot", fixtureBytes(t, "mackerel-plugin-mesos.master.metrics-snapshot.json"))
	srv := httptest.NewServer(fm)
	defer srv.Close()
	now := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	c, ns := testClient(t, srv.URL, func(cfg *Config) { cfg.Now = func() time.Time { return now } })
	for range 2 {
		if _, err := c.Metrics(context.Background()); err != nil {
			t.Fatalf("Metrics() error = %v", err)
		}
	}
	if n := fm.count("POST /api/v1 GET_METRICS"); n != 1 {
		t.Errorf("GET_METRICS attempts = %d, want 1 (absence remembered)", n)
	}
	if n := fm.count("GET /metrics/snapshot"); n != 2 {
		t.Errorf("/metrics/snapshot hits = %d, want 2", n)
	}
	if len(ns.delays) != 1 || ns.delays[0] != MetricsSnapshotInterval {
		t.Errorf("rate-limit waits = %v, want [%v]", ns.delays, MetricsSnapshotInterval)
	}
}

func TestOperatorCalls(t *testing.T) {
	fm := newFakeMaster(t)
	for call, file := range map[string]string{
		CallGetState: "operator-GET_STATE.response.json", CallGetAgents: "operator-GET_AGENTS.response.jsonc",
		CallGetFrameworks: "operator-GET_FRAMEWORKS.response.json", CallGetTasks: "operator-GET_TASKS.response.json",
		CallGetExecutors: "operator-GET_EXECUTORS.response.json", CallGetRoles: "operator-GET_ROLES.response.json",
		CallGetVersion: "operator-GET_VERSION.response.json", CallGetHealth: "operator-GET_HEALTH.response.json",
		CallGetMaster: "operator-GET_MASTER.response.json",
	} {
		fm.json("POST /api/v1 "+call, fixtureBytes(t, file))
	}
	fm.json("POST /api/v1 "+CallGetFlags, []byte(`{"type":"GET_FLAGS","get_flags":{"flags":[{"name":"allocation_interval","value":"1secs"}]}}`))
	srv := httptest.NewServer(fm)
	defer srv.Close()
	c, _ := testClient(t, srv.URL, nil)
	ctx := context.Background()
	st, err := c.GetState(ctx)
	if err != nil || len(st.Agents) != 1 || len(st.Tasks) != 1 || len(st.Frameworks) != 1 || len(st.Executors) != 1 {
		t.Errorf("GetState() = %+v, %v, want 1 agent, task, framework, executor", st, err)
	}
	if as, err := c.GetAgents(ctx); err != nil || len(as) != 1 || as[0].Total.CPUs != 2 {
		t.Errorf("GetAgents() = %+v, %v, want one agent with 2 cpus", as, err)
	}
	if fs, err := c.GetFrameworks(ctx); err != nil || len(fs) != 1 || fs[0].Principal != "my-principal" {
		t.Errorf("GetFrameworks() = %+v, %v", fs, err)
	}
	if ts, err := c.GetTasks(ctx); err != nil || len(ts) != 1 || ts[0].State != "TASK_RUNNING" {
		t.Errorf("GetTasks() = %+v, %v", ts, err)
	}
	if es, err := c.GetExecutors(ctx); err != nil || len(es) != 1 || es[0].ID != "default" {
		t.Errorf("GetExecutors() = %+v, %v", es, err)
	}
	if rs, err := c.GetRoles(ctx); err != nil || len(rs) != 2 || rs[1].Weight != 2.5 {
		t.Errorf("GetRoles() = %+v, %v", rs, err)
	}
	if v, err := c.GetVersion(ctx); err != nil || v.Version != "1.0.0" {
		t.Errorf("GetVersion() = %+v, %v", v, err)
	}
	if h, err := c.GetHealth(ctx); err != nil || !h {
		t.Errorf("GetHealth() = %v, %v, want true", h, err)
	}
	if m, err := c.GetMaster(ctx); err != nil || m.Version != "1.1.0" || m.Hostname != "myhost" {
		t.Errorf("GetMaster() = %+v, %v", m, err)
	}
	if f, err := c.GetFlags(ctx); err != nil || f["allocation_interval"] != "1secs" {
		t.Errorf("GetFlags() = %v, %v", f, err)
	}
}

func TestV0Endpoints(t *testing.T) {
	fm := newFakeMaster(t)
	fm.json("GET /master/state-summary", fixtureBytes(t, "datadog.mesos_slave.state-summary.json"))
	fm.json("GET /master/slaves", fixtureBytes(t, "bun.non_active_agents.master-state.json"))
	fm.json("GET /master/frameworks", fixtureBytes(t, "dcos-ui.healthy-tasks.master-state.json"))
	fm.json("GET /master/tasks", []byte(`{"tasks":[{"id":"t1","framework_id":"f","slave_id":"s","state":"TASK_STAGING","resources":{"cpus":1}}]}`))
	fm.json("GET /version", []byte(`{"version":"1.11.0","git_sha":"abc","build_date":"2020-11-10"}`))
	fm.handle("GET /master/health", func(w http.ResponseWriter, r *http.Request) {})
	fm.json("GET /master/roles", fixtureBytes(t, "operator-GET_ROLES.response.json"))
	fm.json("GET /slave(1)/state", fixtureBytes(t, "dcos-ui.1-service-with-executor-task.agent-state.json"))
	fm.json("GET /slave(1)/containers", []byte(`[{"container_id":"c1","framework_id":"f","executor_id":"e","executor_name":"","source":"","status":{"executor_pid":42},"statistics":{"mem_rss_bytes":1048576,"timestamp":1.5e9}}]`))
	fm.json("GET /slave(1)/monitor/statistics", []byte(`[{"framework_id":"f","executor_id":"e","executor_name":"n","source":"s","statistics":{"cpus_limit":1.1,"timestamp":1388534400.0}}]`))
	srv := httptest.NewServer(fm)
	defer srv.Close()
	c, _ := testClient(t, srv.URL, nil)
	ctx := context.Background()
	if st, err := c.StateSummary(ctx); err != nil || st.Cluster.Tasks != 7701 {
		t.Errorf("StateSummary() tasks = %v, %v, want 7701", st, err)
	}
	if as, err := c.Slaves(ctx); err != nil || len(as) != 5 {
		t.Errorf("Slaves() = %d agents, %v, want 5", len(as), err)
	}
	if st, err := c.Frameworks(ctx); err != nil || len(st.Frameworks) == 0 {
		t.Errorf("Frameworks() = %v, %v", st, err)
	}
	if ts, err := c.Tasks(ctx, 10, 5); err != nil || len(ts) != 1 || ts[0].AgentID != "s" {
		t.Errorf("Tasks() = %+v, %v", ts, err)
	}
	if v, err := c.Version(ctx); err != nil || v.Version != "1.11.0" {
		t.Errorf("Version() = %+v, %v", v, err)
	}
	if err := c.Health(ctx); err != nil {
		t.Errorf("Health() = %v", err)
	}
	if rs, err := c.Roles(ctx); err != nil || len(rs) != 2 {
		t.Errorf("Roles() = %+v, %v", rs, err)
	}
	agentURL, err := c.AgentURL(Agent{ID: "S0", PID: "slave(1)@" + strings.TrimPrefix(srv.URL, "http://")})
	if err != nil {
		t.Fatalf("AgentURL() error = %v", err)
	}
	if as, err := c.AgentState(ctx, agentURL); err != nil || as.ID != "b3bd182c-c6d7-463e-8bf0-06cd5807df4e-S2" {
		t.Errorf("AgentState() = %+v, %v", as, err)
	}
	if cs, err := c.Containers(ctx, agentURL); err != nil || len(cs) != 1 || cs[0].ExecutorPID != 42 || cs[0].Stat("mem_rss_bytes") != 1048576 {
		t.Errorf("Containers() = %+v, %v", cs, err)
	}
	if cs, err := c.MonitorStatistics(ctx, agentURL); err != nil || len(cs) != 1 || cs[0].Stat("cpus_limit") != 1.1 {
		t.Errorf("MonitorStatistics() = %+v, %v", cs, err)
	}
	if _, err := c.AgentURL(Agent{ID: "x"}); err == nil {
		t.Errorf("AgentURL(no pid) error = nil, want an error")
	}
}

func TestMarathonQueueFetch(t *testing.T) {
	fm := newFakeMaster(t)
	fm.json("GET /v2/queue", fixtureBytes(t, "marathon.v2.queue.json"))
	srv := httptest.NewServer(fm)
	defer srv.Close()
	c, _ := testClient(t, "http://127.0.0.1:1", nil)
	q, err := c.MarathonQueue(context.Background(), srv.URL)
	if err != nil || len(q) != 2 {
		t.Fatalf("MarathonQueue() = %d items, %v, want 2", len(q), err)
	}
	empty := httptest.NewServer(http.NotFoundHandler())
	defer empty.Close()
	if _, err := c.MarathonQueue(context.Background(), empty.URL); !errors.Is(err, ErrNotSupported) {
		t.Errorf("MarathonQueue(no marathon) error = %v, want ErrNotSupported", err)
	}
}

// A pinned client stays on the master it was given even when /master/redirect
// and 307s name another one that answers (a different cluster on the advertised
// address); an unpinned one follows.
func TestPinMaster(t *testing.T) {
	other := newFakeMaster(t)
	other.json("GET /master/health", []byte(`{}`))
	other.json("GET /master/state", []byte(`{"id":"other"}`))
	otherSrv := httptest.NewServer(other)
	defer otherSrv.Close()
	fm := newFakeMaster(t)
	fm.handle("GET /master/redirect", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", otherSrv.URL)
		w.WriteHeader(http.StatusTemporaryRedirect)
	})
	fm.json("GET /master/state", []byte(`{"id":"mine"}`))
	srv := httptest.NewServer(fm)
	defer srv.Close()
	for _, tc := range []struct {
		pin  bool
		want string
	}{{true, srv.URL}, {false, otherSrv.URL}} {
		c, _ := testClient(t, srv.URL, func(cfg *Config) { cfg.PinMaster = tc.pin })
		got, err := c.Leader(context.Background())
		if err != nil || got != tc.want || c.Master() != tc.want {
			t.Errorf("PinMaster=%v: Leader() = %q, %v (Master() %q), want %q", tc.pin, got, err, c.Master(), tc.want)
		}
	}
	if n := fm.count("GET /master/redirect"); n != 1 {
		t.Errorf("/master/redirect asked %d times, want once (only by the unpinned client)", n)
	}
}

func TestLeaderUnresolvableKeepsGivenAddress(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := l.Addr().String()
	l.Close()
	fm := newFakeMaster(t)
	fm.handle("GET /master/redirect", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Location", "//"+dead) // the leader's advertised, unreachable name
		w.WriteHeader(http.StatusTemporaryRedirect)
	})
	srv := httptest.NewServer(fm)
	defer srv.Close()
	c, _ := testClient(t, srv.URL, nil)
	if got, err := c.Leader(context.Background()); err != nil || got != srv.URL {
		t.Errorf("Leader() = %q, %v, want the given %q", got, err, srv.URL)
	}
}

// TestMesoscopeExtras talks to a master that serves mesoscope's extras: the exact
// explainer answers, and per-process statistics are merged into actors.
func TestMesoscopeExtras(t *testing.T) {
	fm := newFakeMaster(t)
	fm.json("GET /master/state", []byte(`{"slaves":[{"id":"S1","hostname":"a1","active":true,"resources":{"cpus":4,"mem":4096}}],
		"frameworks":[{"id":"F1","name":"web","role":"web","active":true,"connected":true}]}`))
	fm.json("GET /master/roles", []byte(`{"roles":[]}`))
	fm.json("GET /__processes__", []byte(`[{"id":"allocator","events":[{"type":"DISPATCH"}]}]`))
	fm.json("GET "+MesoscopeProcesses, []byte(`[{"id":"allocator","queued":{"DISPATCH":1},"depth":1,"oldest_age_seconds":0.25,"handled":{"DISPATCH":40,"MESSAGE":2},"dropped":0,"busy_seconds":1.5}]`))
	fm.handle("GET "+MesoscopeAllocator, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("framework_id") != "F1" {
			http.NotFound(w, r)
			return
		}
		w.Write([]byte(`{"framework_id":"F1","time":"2024-01-01T00:00:00Z","active":true,
			"roles":[{"role":"web","suppressed":false,"role_share":0.5,"share":1,"filters":2}],
			"agents":[{"agent_id":"S1","role":"web","reason":"filtered","available":"cpus:4;mem:4096","detail":"filter #3 refusing cpus:4;mem:4096 until 2024-01-01T00:00:05Z"}],
			"counts":{"offered":0,"filtered":1}}`))
	})
	srv := httptest.NewServer(fm)
	defer srv.Close()
	c, _ := testClient(t, srv.URL, nil)
	ctx := context.Background()
	snap, err := c.Snapshot(ctx, SnapshotOptions{SkipMetrics: true})
	if err != nil {
		t.Fatalf("Snapshot() error = %v", err)
	}
	if !snap.Mesoscope {
		t.Errorf("Snapshot().Mesoscope = false, want true")
	}
	if a := snap.Actors[0]; a.OldestAge != 250*time.Millisecond || a.Handled["DISPATCH"] != 40 || a.Busy != 1500*time.Millisecond {
		t.Errorf("actor stats = %+v, want oldest 250ms, 40 dispatches handled, busy 1.5s", a)
	}
	e, err := ExplainWith(ctx, c, snap, Query{Framework: "web"}, nil)
	if err != nil {
		t.Fatalf("ExplainWith() error = %v", err)
	}
	if e.Sources[0] != SourceExact || e.Causes[0].Code != CauseDeclining || e.Subject != "framework web (F1)" {
		t.Errorf("ExplainWith() = %+v, want the exact half, declining offers first (its filters), subject by name", e)
	}
	if len(e.Agents) != 1 || e.Agents[0].Hostname != "a1" || e.Agents[0].Fits {
		t.Errorf("ExplainWith().Agents = %+v, want a1 not fitting", e.Agents)
	}
	if !strings.Contains(DescribeExplanation(e), "answered by: exact") {
		t.Errorf("DescribeExplanation() does not name the exact half:\n%s", DescribeExplanation(e))
	}
	// A role is answered exactly from its frameworks; unknown framework ids fall
	// back to the best-effort half.
	e, err = ExplainWith(ctx, c, snap, Query{Role: "web"}, nil)
	if err != nil || e.Sources[0] != SourceExact || e.Causes[0].Code != CauseDeclining || e.Subject != "role web" {
		t.Errorf("ExplainWith(role web) = %+v, %v, want the exact half, declining offers first", e, err)
	}
	e, err = ExplainWith(ctx, c, snap, Query{Framework: "nope"}, nil)
	if err != nil || e.Sources[0] != SourceBestEffort {
		t.Errorf("ExplainWith(framework nope) = %+v, %v, want the best-effort half", e, err)
	}
	if n := fm.count("GET " + MesoscopeProcesses); n != 2 {
		t.Errorf("%s hits = %d, want 2 (one probe, one read)", MesoscopeProcesses, n)
	}
}
