package drf

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/mesoscope/mesoscope/embedded/resources"
)

// A tiny step language for porting src/tests/sorter_tests.cpp: each Mesos
// test becomes a list of sorter calls and expectations.

type step struct {
	op       string
	client   string
	agent    string
	rs       resources.Resources
	old      resources.Resources
	q        string
	weight   float64
	want     []string
	wantBool bool
	wantN    int
}

func parse(text string) resources.Resources { return resources.MustParse(text) }

func addAgent(agent, quantities string) step {
	return step{op: "addAgent", agent: agent, q: quantities}
}
func addAgentQ(agent string, rs resources.Resources) step {
	return step{op: "addAgent", agent: agent, rs: rs}
}
func removeAgent(agent string) step { return step{op: "removeAgent", agent: agent} }
func add(client string) step        { return step{op: "add", client: client} }
func remove(client string) step     { return step{op: "remove", client: client} }
func activate(client string) step   { return step{op: "activate", client: client} }
func deactivate(client string) step { return step{op: "deactivate", client: client} }

// addActive is the add+activate pair most Mesos tests start with.
func addActive(client string) []step { return []step{add(client), activate(client)} }

func weight(path string, w float64) step { return step{op: "weight", client: path, weight: w} }
func alloc(client, agent, text string) step {
	return step{op: "alloc", client: client, agent: agent, rs: parse(text)}
}
func allocR(client, agent string, rs resources.Resources) step {
	return step{op: "alloc", client: client, agent: agent, rs: rs}
}
func unalloc(client, agent, text string) step {
	return step{op: "unalloc", client: client, agent: agent, rs: parse(text)}
}
func unallocR(client, agent string, rs resources.Resources) step {
	return step{op: "unalloc", client: client, agent: agent, rs: rs}
}
func update(client, agent string, old, new resources.Resources) step {
	return step{op: "update", client: client, agent: agent, old: old, rs: new}
}

// sorted expects Sort() to return exactly want.
func sorted(want ...string) step { return step{op: "sort", want: want} }

// sortedAnyOrder expects Sort() to return want in some order (the
// CommonSorterTest cases that also run against the random sorter).
func sortedAnyOrder(want ...string) step { return step{op: "sortSet", want: want} }

func contains(client string, want bool) step {
	return step{op: "contains", client: client, wantBool: want}
}
func count(n int) step { return step{op: "count", wantN: n} }

// allocationOn expects AllocationOn(client, agent) to equal rs.
func allocationOn(client, agent string, rs resources.Resources) step {
	return step{op: "allocationOn", client: client, agent: agent, rs: rs}
}

// agentsAllocated expects Allocation(client) to have n agents.
func agentsAllocated(client string, n int) step {
	return step{op: "agents", client: client, wantN: n}
}

// quantities expects AllocationScalarQuantities(client) to equal q, or
// TotalAllocationScalarQuantities() when client is "".
func quantities(client, q string) step { return step{op: "quantities", client: client, q: q} }

func seq(parts ...any) []step {
	var out []step
	for _, p := range parts {
		switch p := p.(type) {
		case step:
			out = append(out, p)
		case []step:
			out = append(out, p...)
		default:
			panic(fmt.Sprintf("seq: %T", p))
		}
	}
	return out
}

func run(t *testing.T, steps []step) {
	t.Helper()
	s := New(Config{})
	for i, st := range steps {
		where := fmt.Sprintf("step %d (%s %s)", i, st.op, st.client)
		var err error
		switch st.op {
		case "addAgent":
			q := st.rs.ScalarQuantities()
			if st.q != "" {
				q = resources.MustQuantities(st.q)
			}
			err = s.AddAgent(st.agent, q)
		case "removeAgent":
			err = s.RemoveAgent(st.agent)
		case "add":
			err = s.Add(st.client)
		case "remove":
			err = s.Remove(st.client)
		case "activate":
			err = s.Activate(st.client)
		case "deactivate":
			err = s.Deactivate(st.client)
		case "weight":
			err = s.UpdateWeight(st.client, st.weight)
		case "alloc":
			err = s.Allocated(st.client, st.agent, st.rs)
		case "unalloc":
			err = s.Unallocated(st.client, st.agent, st.rs)
		case "update":
			err = s.Update(st.client, st.agent, st.old, st.rs)
		case "sort":
			if got := s.Sort(); !slices.Equal(got, st.want) {
				t.Fatalf("%s: Sort() = %q, want %q", where, got, st.want)
			}
		case "sortSet":
			got := s.Sort()
			slices.Sort(got)
			want := slices.Sorted(slices.Values(st.want))
			if !slices.Equal(got, want) {
				t.Fatalf("%s: sorted Sort() = %q, want %q", where, got, want)
			}
		case "contains":
			if got := s.Contains(st.client); got != st.wantBool {
				t.Fatalf("%s: Contains(%q) = %v, want %v", where, st.client, got, st.wantBool)
			}
		case "count":
			if got := s.Count(); got != st.wantN {
				t.Fatalf("%s: Count() = %d, want %d", where, got, st.wantN)
			}
		case "allocationOn":
			got, ok := s.AllocationOn(st.client, st.agent)
			if !ok || !got.Equal(st.rs) {
				t.Fatalf("%s: AllocationOn(%q, %q) = %v, %v, want %v", where, st.client, st.agent, got, ok, st.rs)
			}
		case "agents":
			got, ok := s.Allocation(st.client)
			if !ok || len(got) != st.wantN {
				t.Fatalf("%s: Allocation(%q) = %v, %v, want %d agents", where, st.client, got, ok, st.wantN)
			}
		case "quantities":
			want := st.rs.ScalarQuantities()
			if st.q != "" {
				want = resources.MustQuantities(st.q)
			}
			got := s.TotalAllocationScalarQuantities()
			if st.client != "" {
				var ok bool
				if got, ok = s.AllocationScalarQuantities(st.client); !ok {
					t.Fatalf("%s: AllocationScalarQuantities(%q): unknown client", where, st.client)
				}
			}
			if !got.Equal(want) {
				t.Fatalf("%s: allocation quantities of %q = %v, want %v", where, st.client, got, want)
			}
		default:
			t.Fatalf("%s: unknown op", where)
		}
		if err != nil {
			t.Fatalf("%s: error: %v", where, err)
		}
	}
}

func TestStepErrorsAreReported(t *testing.T) {
	s := New(Config{})
	err := s.Allocated("nobody", "agent", parse("cpus:1"))
	if !errors.Is(err, ErrUnknownClient) {
		t.Errorf("Allocated(nobody) = %v, want ErrUnknownClient", err)
	}
}
