package drf

import (
	"errors"
	"slices"
	"testing"

	"github.com/mesoscope/mesoscope/embedded/resources"
)

// TestCursorMatchesSort checks that walking with a Cursor gives Sort's
// order, including a hierarchy, a virtual leaf and inactive clients.
func TestCursorMatchesSort(t *testing.T) {
	s := New(Config{})
	s.AddTotal(resources.MustQuantities("cpus:10;mem:100"))
	for _, c := range []string{"a", "a/b", "c", "d/e", "d/f", "g"} {
		if err := s.Add(c); err != nil {
			t.Fatal(err)
		}
		if c != "g" {
			if err := s.Activate(c); err != nil {
				t.Fatal(err)
			}
		}
	}
	for c, q := range map[string]string{"a": "cpus:3", "a/b": "cpus:1", "c": "mem:20", "d/e": "cpus:1"} {
		if err := s.AllocatedQuantities(c, resources.MustQuantities(q)); err != nil {
			t.Fatal(err)
		}
	}
	want := s.Sort()
	var cur Cursor
	s.Start(&cur)
	var got []string
	for c, ok := cur.Next(); ok; c, ok = cur.Next() {
		got = append(got, c)
	}
	if !slices.Equal(got, want) {
		t.Errorf("Cursor walk = %v, want %v", got, want)
	}
	if slices.Contains(got, "g") {
		t.Errorf("Cursor walk = %v includes inactive g", got)
	}
}

// TestAllocatedQuantitiesMatchesAllocated checks that recording by
// quantity orders clients exactly as recording by resources does.
func TestAllocatedQuantitiesMatchesAllocated(t *testing.T) {
	byRes, byQ := New(Config{}), New(Config{})
	total := resources.MustParse("cpus:9;mem:18")
	_ = byRes.AddAgent("s1", total.ScalarQuantities())
	byQ.AddTotal(total.ScalarQuantities())
	for _, s := range []*Sorter{byRes, byQ} {
		for _, c := range []string{"A", "B"} {
			_ = s.Add(c)
			_ = s.Activate(c)
		}
	}
	task := map[string]resources.Resources{"A": resources.MustParse("cpus:1;mem:4"), "B": resources.MustParse("cpus:3;mem:1")}
	for step := range 5 {
		a, b := byRes.Sort(), byQ.Sort()
		if !slices.Equal(a, b) {
			t.Fatalf("step %d: Sort() by quantity = %v, by resources %v", step, b, a)
		}
		c := a[0]
		_ = byRes.Allocated(c, "s1", task[c])
		_ = byQ.AllocatedQuantities(c, task[c].ScalarQuantities())
	}
	for _, c := range []string{"A", "B"} {
		x, _ := byRes.Share(c)
		y, _ := byQ.Share(c)
		if x != y {
			t.Errorf("Share(%s) by quantity = %v, by resources %v", c, y, x)
		}
	}
	if err := byQ.UnallocatedQuantities("A", resources.MustQuantities("cpus:100")); !errors.Is(err, ErrNotAllocated) {
		t.Errorf("UnallocatedQuantities(too much) = %v, want ErrNotAllocated", err)
	}
	if err := byQ.AllocatedQuantities("Z", resources.MustQuantities("cpus:1")); !errors.Is(err, ErrUnknownClient) {
		t.Errorf("AllocatedQuantities(unknown) = %v, want ErrUnknownClient", err)
	}
	// Removing a client takes its quantities out of the total allocation.
	before := byQ.TotalAllocationScalarQuantities()
	a, _ := byQ.AllocationScalarQuantities("A")
	if err := byQ.Remove("A"); err != nil {
		t.Fatal(err)
	}
	if got, want := byQ.TotalAllocationScalarQuantities(), before.Minus(a); !got.Equal(want) {
		t.Errorf("total after Remove(A) = %v, want %v", got, want)
	}
}
