package drf

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/mesoscope/mesoscope/embedded/resources"
)

// TestClientHandle checks that a handle follows its client into and out
// of the virtual leaf, records like AllocatedQuantities, walks like Next
// and goes stale on Remove.
func TestClientHandle(t *testing.T) {
	s := New(Config{})
	s.AddTotal(resources.MustQuantities("cpus:10;mem:100"))
	for _, c := range []string{"a", "c"} {
		_ = s.Add(c)
		_ = s.Activate(c)
	}
	h, ok := s.Client("a")
	if !ok || h.Path() != "a" {
		t.Fatalf("Client(a) = %v, %v, want a handle on a", h, ok)
	}
	h.Data = "role a"
	if _, ok := s.Client("zz"); ok {
		t.Errorf("Client(zz) found an unknown client")
	}
	// a becomes internal: its handle moves to the virtual leaf a/.
	_ = s.Add("a/b")
	_ = s.Activate("a/b")
	if got, _ := s.Client("a"); got != h {
		t.Errorf("Client(a) after Add(a/b) = %p, want the same handle %p", got, h)
	}
	if err := s.AllocatedQuantitiesTo(h, resources.MustQuantities("cpus:2")); err != nil {
		t.Fatal(err)
	}
	if got, want := s.ShareOf(h), 0.2; got != want {
		t.Errorf("ShareOf(a) = %v, want %v", got, want)
	}
	if got, _ := s.Share("a"); got != s.ShareOf(h) {
		t.Errorf("Share(a) = %v, want ShareOf(a) = %v", got, s.ShareOf(h))
	}
	// The walk by handle is the walk by name.
	var cur Cursor
	s.Start(&cur)
	var byHandle []string
	for c, ok := cur.NextClient(); ok; c, ok = cur.NextClient() {
		byHandle = append(byHandle, c.Path())
		if c.Path() == "a" && c.Data != "role a" {
			t.Errorf("NextClient() for a has Data %v, want %q", c.Data, "role a")
		}
	}
	if want := s.Sort(); !slices.Equal(byHandle, want) {
		t.Errorf("NextClient walk = %v, want %v", byHandle, want)
	}
	// a/b goes: a collapses back into a leaf, keeping the handle.
	if err := s.Remove("a/b"); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Client("a"); got != h || h.Path() != "a" {
		t.Errorf("Client(a) after Remove(a/b) = %p (%q), want %p", got, h.Path(), h)
	}
	if err := s.UnallocatedQuantities("a", resources.MustQuantities("cpus:1")); err != nil {
		t.Errorf("UnallocatedQuantities(a) after the collapse = %v, want nil", err)
	}
	// By handle, with the same checks as by name.
	if err := s.UnallocatedQuantitiesFrom(h, resources.MustQuantities("cpus:2")); !errors.Is(err, ErrNotAllocated) {
		t.Errorf("UnallocatedQuantitiesFrom(a, cpus:2) with cpus:1 left = %v, want ErrNotAllocated", err)
	}
	if err := s.UnallocatedQuantitiesFrom(h, resources.MustQuantities("cpus:1")); err != nil {
		t.Errorf("UnallocatedQuantitiesFrom(a, cpus:1) = %v, want nil", err)
	}
	if got := s.ShareOf(h); got != 0 {
		t.Errorf("ShareOf(a) after giving everything back = %v, want 0", got)
	}
	if err := s.Remove("a"); err != nil {
		t.Fatal(err)
	}
	if err := s.AllocatedQuantitiesTo(h, resources.MustQuantities("cpus:1")); !errors.Is(err, ErrUnknownClient) {
		t.Errorf("AllocatedQuantitiesTo(removed) = %v, want ErrUnknownClient", err)
	}
	if err := s.UnallocatedQuantitiesFrom(h, resources.MustQuantities("cpus:1")); !errors.Is(err, ErrUnknownClient) {
		t.Errorf("UnallocatedQuantitiesFrom(removed) = %v, want ErrUnknownClient", err)
	}
	if got := h.Path(); got != "" {
		t.Errorf("Path() of a removed client = %q, want empty", got)
	}
	if got := s.ShareOf(h); got != 0 {
		t.Errorf("ShareOf(removed) = %v, want 0", got)
	}
}

// TestMixedRecording checks that a client recorded both by quantity and
// per agent gives back exactly what was recorded each way, and that
// removing it leaves nothing in the total allocation.
func TestMixedRecording(t *testing.T) {
	s := New(Config{})
	_ = s.AddAgent("s1", resources.MustQuantities("cpus:8;mem:64"))
	for _, c := range []string{"x", "y"} {
		_ = s.Add(c)
		_ = s.Activate(c)
	}
	_ = s.AllocatedQuantities("x", resources.MustQuantities("cpus:1.5;mem:8"))
	_ = s.AllocatedQuantities("y", resources.MustQuantities("cpus:1"))
	if err := s.Allocated("x", "s1", resources.MustParse("cpus:2;mem:4")); err != nil {
		t.Fatal(err)
	}
	// Only the quantity-recorded part can be given back by quantity.
	if err := s.UnallocatedQuantities("x", resources.MustQuantities("cpus:3")); !errors.Is(err, ErrNotAllocated) {
		t.Errorf("UnallocatedQuantities(x, cpus:3) = %v, want ErrNotAllocated", err)
	}
	if err := s.UnallocatedQuantities("x", resources.MustQuantities("cpus:0.5")); err != nil {
		t.Errorf("UnallocatedQuantities(x, cpus:0.5) = %v, want nil", err)
	}
	if got, want := mustQ(t, s, "x"), resources.MustQuantities("cpus:3;mem:12"); !got.Equal(want) {
		t.Errorf("allocation of x = %v, want %v", got, want)
	}
	if err := s.Unallocated("x", "s1", resources.MustParse("cpus:2;mem:4")); err != nil {
		t.Fatal(err)
	}
	if err := s.Remove("x"); err != nil {
		t.Fatal(err)
	}
	if got, want := s.TotalAllocationScalarQuantities(), resources.MustQuantities("cpus:1"); !got.Equal(want) {
		t.Errorf("total allocation after Remove(x) = %v, want %v", got, want)
	}
}

func mustQ(t *testing.T, s *Sorter, client string) resources.Quantities {
	t.Helper()
	q, ok := s.AllocationScalarQuantities(client)
	if !ok {
		t.Fatalf("AllocationScalarQuantities(%s): unknown client", client)
	}
	return q
}

// TestQuantityPathMatchesFullSort drives the quantity-only path the
// allocator uses (handles, AllocatedQuantitiesTo, UnallocatedQuantities)
// through random adds, removals (with virtual leaves coming and going),
// activations and weights, and checks after every step that the
// incrementally kept order is the one a full re-sort gives, that every
// client gives back exactly what it was given, and that handles follow
// their clients.
func TestQuantityPathMatchesFullSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	clients := []string{"a", "b", "a/x", "a/y", "b/z", "c/d/e", "c", "f", "g"}
	for trial := range 20 {
		s := New(Config{})
		s.AddTotal(resources.MustQuantities("cpus:64;mem:256;disk:1000"))
		held := map[string]resources.Quantities{}
		handles := map[string]*Client{}
		for op := range 300 {
			c := clients[rng.IntN(len(clients))]
			switch rng.IntN(10) {
			case 0:
				if !s.Contains(c) {
					mustDo(t, s.Add(c))
					handles[c], _ = s.Client(c)
				} else if rng.IntN(3) == 0 {
					mustDo(t, s.Remove(c))
					delete(held, c)
					delete(handles, c)
				}
			case 1:
				if s.Contains(c) {
					mustDo(t, s.Deactivate(c))
				}
			case 2:
				if s.Contains(c) {
					mustDo(t, s.Activate(c))
				}
			case 3:
				mustDo(t, s.UpdateWeight(c, float64(rng.IntN(4)+1)))
			case 4:
				if q, ok := held[c]; ok && !q.IsEmpty() {
					mustDo(t, s.UnallocatedQuantities(c, q))
					delete(held, c)
				}
			default:
				if h, ok := handles[c]; ok {
					q := resources.MustQuantities(fmt.Sprintf("cpus:%d;mem:%d.5", rng.IntN(4), rng.IntN(16)))
					mustDo(t, s.AllocatedQuantitiesTo(h, q))
					h := held[c]
					h.Add(q)
					held[c] = h
				}
			}
			if op%3 == 0 {
				s.Sort() // keep the tree clean so allocations reorder incrementally
			}
			for c, h := range handles {
				if got, _ := s.Client(c); got != h || h.Path() != c {
					t.Fatalf("trial %d op %d: Client(%q) = %p (%q), want %p", trial, op, c, got, h.Path(), h)
				}
				got, _ := s.AllocationScalarQuantities(c)
				if want := held[c]; !got.Equal(want) {
					t.Fatalf("trial %d op %d: allocation of %q = %v, want %v", trial, op, c, got, want)
				}
			}
			incremental := s.Sort()
			s.dirty = true
			if full := s.Sort(); !slices.Equal(incremental, full) {
				t.Fatalf("trial %d op %d: incremental order %v, full sort %v", trial, op, incremental, full)
			}
		}
	}
}
