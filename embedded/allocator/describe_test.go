package allocator

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

var update = flag.Bool("update", false, "rewrite testdata golden files")

// explainScenario builds a cluster where every reason shows up.
func explainScenario(t *testing.T) (*Core, Result) {
	t.Helper()
	c := NewCore(Config{Seed: 7})
	if err := c.UpdateQuota("capped", Quota{Limits: Limits{"cpus": 0, "mem": 0}}); err != nil {
		t.Fatal(err)
	}
	// b-declined is offered "big" and declines it for 60 s.
	addFramework(t, c, "b-declined", Capabilities{}, "batch")
	addAgent(t, c, "big", "cpus:4;mem:4096")
	r := c.AllocateOn(t0, []string{"big"})
	for _, fo := range r.Offers {
		for _, o := range fo.Offers {
			if _, err := c.RecoverResources(fo.FrameworkID, o.AgentID, o.Resources, RefuseSeconds(60), t0); err != nil {
				t.Fatal(err)
			}
		}
	}
	// a-offered, the only GPU framework, takes "gpu".
	addFramework(t, c, "a-offered", Capabilities{GPUResources: true}, "web")
	addAgent(t, c, "gpu", "cpus:4;mem:4096;gpus:1")
	c.AllocateOn(t0, []string{"gpu"})

	addFramework(t, c, "c-suppressed", Capabilities{}, "web")
	addFramework(t, c, "d-inactive", Capabilities{}, "web")
	addFramework(t, c, "e-capped", Capabilities{}, "capped")
	addFramework(t, c, "f-late", Capabilities{}, "web")
	for _, e := range []error{c.SuppressOffers("c-suppressed", nil), c.DeactivateFramework("d-inactive")} {
		if e != nil {
			t.Fatal(e)
		}
	}
	addAgent(t, c, "gpu2", "cpus:2;mem:2048;gpus:1")
	addAgent(t, c, "tiny", "cpus:0.001;mem:1")
	return c, c.Allocate(t0.Add(time.Second))
}

func TestExplanationCounts(t *testing.T) {
	_, r := explainScenario(t)
	got := map[string]Counts{}
	for _, f := range r.Cycle.Frameworks {
		got[f.FrameworkID] = f.Counts
		if f.Counts.Total() != r.Cycle.Candidates {
			t.Errorf("%s counts total %d, want %d candidates", f.FrameworkID, f.Counts.Total(), r.Cycle.Candidates)
		}
	}
	// Four candidates: big (filtered for b-declined, quota-capped for
	// e-capped, taken by f-late, share 0, before a-offered), gpu (held by
	// a-offered: nothing left), gpu2 (GPU: only a-offered is capable) and
	// tiny (below min allocatable for everyone).
	want := map[string]Counts{
		"a-offered":    {Offered: 1, NothingLeft: 2, MinAllocatable: 1},
		"b-declined":   {Filtered: 1, NothingLeft: 1, MinAllocatable: 1, Incapable: 1},
		"c-suppressed": {Suppressed: 4},
		"d-inactive":   {Inactive: 4},
		"e-capped":     {QuotaLimit: 1, NothingLeft: 1, MinAllocatable: 1, Incapable: 1},
		"f-late":       {Offered: 1, NothingLeft: 1, MinAllocatable: 1, Incapable: 1},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("counts (-want +got):\n%s\n%s", diff, Describe(*r.Cycle))
	}
}

func TestDescribeGolden(t *testing.T) {
	c, r := explainScenario(t)
	ex, err := c.Explain("b-declined", t0.Add(time.Second))
	if err != nil {
		t.Fatal(err)
	}
	got := Describe(*r.Cycle) + "\n" + DescribeExplanation(ex)
	path := filepath.Join("testdata", "describe.golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden (run with -update): %v", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("Describe (-want +got):\n%s", diff)
	}
}

func TestParseMinAllocatable(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
		bad  bool
	}{
		{"cpus:0.01|mem:32", []string{"cpus:0.01", "mem:32"}, false},
		{"cpus:1;mem:100|disk:10", []string{"cpus:1; mem:100", "disk:10"}, false},
		{"cpus:x", nil, true},
		{"cpus:1||mem:2", nil, true},
		{"", nil, true},
	} {
		got, err := ParseMinAllocatable(tc.in)
		if (err != nil) != tc.bad {
			t.Errorf("ParseMinAllocatable(%q) error = %v, want error %v", tc.in, err, tc.bad)
			continue
		}
		var gs []string
		for _, q := range got {
			gs = append(gs, q.String())
		}
		if !cmp.Equal(gs, tc.want) {
			t.Errorf("ParseMinAllocatable(%q) = %v, want %v", tc.in, gs, tc.want)
		}
	}
}

func FuzzParseMinAllocatable(f *testing.F) {
	f.Add("cpus:0.01|mem:32")
	f.Add("cpus:1;mem:100|disk:10")
	f.Fuzz(func(t *testing.T, s string) {
		qs, err := ParseMinAllocatable(s)
		if err != nil {
			return
		}
		for _, q := range qs {
			if q.IsEmpty() {
				t.Errorf("ParseMinAllocatable(%q) returned an empty set", s)
			}
			if _, err := resources.ParseQuantities(q.String()); err != nil {
				t.Errorf("ParseMinAllocatable(%q) set %q does not parse back: %v", s, q.String(), err)
			}
		}
	})
}
