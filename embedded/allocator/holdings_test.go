package allocator

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/mesoscope/mesoscope/embedded/resources"
)

// holdings behaves like the map it replaces through a random sequence of sets and
// deletes that crosses the index threshold both ways.
func TestHoldingsLikeMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var h holdings
	want := map[string]resources.Resources{}
	for step := range 5000 {
		id := fmt.Sprintf("fw%d", rng.IntN(40))
		if rng.IntN(3) == 0 {
			h.del(id)
			delete(want, id)
		} else {
			rs := resources.MustParse(fmt.Sprintf("cpus:%d", 1+rng.IntN(9)))
			h.set(id, rs)
			want[id] = rs
		}
		if h.len() != len(want) {
			t.Fatalf("step %d: len() = %d, want %d", step, h.len(), len(want))
		}
		for i := range 40 {
			id := fmt.Sprintf("fw%d", i)
			got, ok := h.get(id)
			w, wok := want[id]
			if ok != wok || !got.Equal(w) {
				t.Fatalf("step %d: get(%q) = %v, %v, want %v, %v", step, id, got, ok, w, wok)
			}
		}
	}
	ids := h.sortedIDs()
	for i := 1; i < len(ids); i++ {
		if ids[i-1] >= ids[i] {
			t.Errorf("sortedIDs() = %v, want sorted and unique", ids)
		}
	}
}
