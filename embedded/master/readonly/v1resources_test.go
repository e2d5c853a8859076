package readonly

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// decodeResources reads resources from the --resources text form or a v1
// JSON array.
func decodeResources(text string) (resources.Resources, error) {
	if len(text) > 0 && text[0] == '[' {
		return resources.DecodeJSON([]byte(text), "*")
	}
	return resources.Parse(text, "*")
}

var v1ResourceSeeds = []string{
	"cpus:1;mem:128;ports:[31000-31005,32000-32001];zones:{a,b}",
	"cpus(web):2;cpus(web/api):1;mem(*):3",
	`[{"name":"cpus","type":"SCALAR","scalar":{"value":1.5},"reservations":[{"type":"DYNAMIC","role":"web","principal":"p","labels":{"labels":[{"key":"k","value":"v"},{"key":"x"}]}}],"allocation_info":{"role":"web"}}]`,
	`[{"name":"cpus","type":"SCALAR","scalar":{"value":1},"reservations":[{"type":"STATIC","role":"a"},{"type":"DYNAMIC","role":"a/b","labels":{}}]}]`,
	`[{"name":"cpus","type":"SCALAR","scalar":{"value":0.001},"revocable":{},"provider_id":{"value":"rp"}}]`,
	`[{"name":"disk","type":"SCALAR","scalar":{"value":10},"disk":{"persistence":{"id":"v1","principal":"p"},"volume":{"container_path":"data","mode":"RW"}},"reservations":[{"type":"DYNAMIC","role":"db","principal":"p"}]}]`,
	`[{"name":"cpus","type":"SCALAR","scalar":{"value":1},"extra_member":true}]`,
}

// TestV1ResourcesMatchAppendJSON checks the fast v1 resource writer
// against resources.Resources.AppendJSON in both formats the master uses.
func TestV1ResourcesMatchAppendJSON(t *testing.T) {
	for _, text := range v1ResourceSeeds {
		rs, err := decodeResources(text)
		if err != nil {
			t.Fatalf("decode %q: %v", text, err)
		}
		checkV1Resources(t, text, rs)
	}
}

func checkV1Resources(t *testing.T, text string, rs resources.Resources) {
	t.Helper()
	for _, f := range []resources.ResourceFormat{resources.FormatPostRefinement, resources.FormatEndpoint} {
		want, err := rs.AppendJSON(nil, f)
		if err != nil {
			return
		}
		got := appendV1ResourceList(nil, rs, f, v0Filter{})
		if diff := cmp.Diff(tokens(t, want), tokens(t, got)); diff != "" {
			t.Errorf("appendV1ResourceList(%q, format %d) = %s, want %s", text, f, got, want)
		}
	}
}

// FuzzV1Resources compares the fast writer with AppendJSON for any
// resources the text or JSON decoders accept.
func FuzzV1Resources(f *testing.F) {
	for _, s := range v1ResourceSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		rs, err := decodeResources(text)
		if err != nil {
			return
		}
		checkV1Resources(t, text, rs)
	})
}
