package master_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/mesoscope/mesoscope/embedded/allocator"
	"github.com/mesoscope/mesoscope/embedded/master"
)

// /master/flags reports the allocator's flags as mesos-master does: the
// defaults, and what was configured.
func TestFlagsEndpointAllocator(t *testing.T) {
	sets, err := allocator.ParseMinAllocatable("disk:1|cpus:1;mem:32")
	if err != nil {
		t.Fatal(err)
	}
	off := false
	for _, tc := range []struct {
		name string
		cfg  master.Config
		want map[string]string // flag → value; "" means absent
	}{
		{"defaults", master.Config{}, map[string]string{
			"min_allocatable_resources":            "cpus:0.01|mem:32",
			"filter_gpu_resources":                 "true",
			"fair_sharing_excluded_resource_names": "",
		}},
		{"configured", master.Config{Allocator: allocator.Config{MinAllocatableResources: sets, FilterGPUResources: &off,
			FairSharingExcludedResourceNames: []string{"gpus", "fpgas"}}}, map[string]string{
			"min_allocatable_resources":            "disk:1|cpus:1;mem:32",
			"filter_gpu_resources":                 "false",
			"fair_sharing_excluded_resource_names": "gpus,fpgas",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newTestCluster(t, tc.cfg)
			resp, err := http.Get(c.url + "/master/flags")
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var body struct {
				Flags map[string]string `json:"flags"`
			}
			if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
				t.Fatalf("decode /master/flags: %v", err)
			}
			for name, want := range tc.want {
				got, ok := body.Flags[name]
				if want == "" && ok {
					t.Errorf("flag %s = %q, want it absent", name, got)
				}
				if want != "" && got != want {
					t.Errorf("flag %s = %q, want %q", name, got, want)
				}
			}
		})
	}
}
