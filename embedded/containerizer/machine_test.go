package containerizer

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestTableWalk(t *testing.T) {
	tab := newTable()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	id := NewContainerID("c1")
	ct, err := tab.add(id, ContainerConfig{}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tab.add(id, ContainerConfig{}, t0); err == nil {
		t.Errorf("add(%s) twice = nil error, want error", id)
	}
	for i, s := range []State{Provisioning, Preparing, Isolating, Fetching, Running, Destroying} {
		if err := tab.transition(ct, s, t0.Add(time.Duration(i+1)*time.Millisecond)); err != nil {
			t.Fatalf("transition(%v) = %v", s, err)
		}
	}
	got := tab.takePending()
	if len(got) != 6 {
		t.Fatalf("takePending() = %d transitions, want 6", len(got))
	}
	if got[0].From != Starting || got[0].To != Provisioning || got[0].Since != time.Millisecond {
		t.Errorf("first transition = %v, want STARTING -> PROVISIONING after 1ms", got[0])
	}
	if s := got[5].String(); s != "container c1: RUNNING -> DESTROYING after 1ms" {
		t.Errorf("String() = %q", s)
	}
	want := []State{Starting, Provisioning, Preparing, Isolating, Fetching, Running, Destroying}
	if diff := cmp.Diff(want, ct.history.States()); diff != "" {
		t.Errorf("history (-want +got):\n%s", diff)
	}
	if err := tab.transition(ct, Running, t0); !errors.Is(err, ErrIllegalTransition) {
		t.Errorf("transition(DESTROYING -> RUNNING) = %v, want ErrIllegalTransition", err)
	}
	if len(tab.takePending()) != 0 {
		t.Errorf("illegal transition was reported")
	}
}

func TestTableIllegalSkip(t *testing.T) {
	tab := newTable()
	ct, _ := tab.add(NewContainerID("c"), ContainerConfig{}, time.Time{})
	for _, s := range []State{Preparing, Isolating, Fetching, Running, Starting} {
		if err := tab.transition(ct, s, time.Time{}); !errors.Is(err, ErrIllegalTransition) {
			t.Errorf("transition(STARTING -> %v) = %v, want ErrIllegalTransition", s, err)
		}
	}
	if err := tab.transition(ct, Destroying, time.Time{}); err != nil {
		t.Errorf("transition(STARTING -> DESTROYING) = %v, want nil", err)
	}
}

func TestTableNested(t *testing.T) {
	tab := newTable()
	root := NewContainerID("r")
	if _, err := tab.add(root.Child("c"), ContainerConfig{}, time.Time{}); err == nil {
		t.Errorf("add(nested without parent) = nil error, want error")
	}
	p, _ := tab.add(root, ContainerConfig{}, time.Time{})
	c, err := tab.add(root.Child("c"), ContainerConfig{}, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(childrenOf(p)) != 1 || childrenOf(p)[0] != c {
		t.Errorf("childrenOf(parent) = %v, want [c]", childrenOf(p))
	}
	tab.transition(p, Destroying, time.Time{})
	if _, err := tab.add(root.Child("d"), ContainerConfig{}, time.Time{}); err == nil {
		t.Errorf("add(child of DESTROYING parent) = nil error, want error")
	}
	tab.remove(c)
	if len(p.children) != 0 || tab.get(c.id) != nil {
		t.Errorf("remove(child) left it behind")
	}
	if got := tab.ids(); len(got) != 1 || got[0].String() != "r" {
		t.Errorf("ids() = %v, want [r]", got)
	}
}
