package containerizer

import (
	"encoding/json"
	"testing"
)

func TestStateNames(t *testing.T) {
	want := []string{"STARTING", "PROVISIONING", "PREPARING", "ISOLATING", "FETCHING", "RUNNING", "DESTROYING"}
	for i, name := range want {
		s := State(i)
		if got := s.String(); got != name {
			t.Errorf("State(%d).String() = %q, want %q", i, got, name)
		}
		p, err := ParseState(name)
		if err != nil || p != s {
			t.Errorf("ParseState(%q) = %v, %v, want %v", name, p, err, s)
		}
	}
	if _, err := ParseState("RUNNIN"); err == nil {
		t.Errorf("ParseState(%q) = nil error, want error", "RUNNIN")
	}
	if got := State(9).String(); got != "State(9)" {
		t.Errorf("State(9).String() = %q, want %q", got, "State(9)")
	}
}

func TestStateCanTransition(t *testing.T) {
	// The only legal moves: one step forward in launch order, or to
	// DESTROYING from any state but DESTROYING.
	legal := map[[2]State]bool{
		{Starting, Provisioning}: true, {Provisioning, Preparing}: true,
		{Preparing, Isolating}: true, {Isolating, Fetching}: true, {Fetching, Running}: true,
		{Starting, Destroying}: true, {Provisioning, Destroying}: true, {Preparing, Destroying}: true,
		{Isolating, Destroying}: true, {Fetching, Destroying}: true, {Running, Destroying}: true,
	}
	for from := State(-1); from <= NumStates; from++ {
		for to := State(-1); to <= NumStates; to++ {
			want := legal[[2]State{from, to}]
			if got := from.CanTransition(to); got != want {
				t.Errorf("%v.CanTransition(%v) = %v, want %v", from, to, got, want)
			}
		}
	}
}

func TestStateJSON(t *testing.T) {
	b, err := json.Marshal(struct {
		S State `json:"s"`
	}{Fetching})
	if err != nil || string(b) != `{"s":"FETCHING"}` {
		t.Fatalf("json.Marshal(FETCHING) = %s, %v, want {\"s\":\"FETCHING\"}", b, err)
	}
	var v struct {
		S State `json:"s"`
	}
	if err := json.Unmarshal([]byte(`{"s":"RUNNING"}`), &v); err != nil || v.S != Running {
		t.Errorf("json.Unmarshal(RUNNING) = %v, %v, want RUNNING", v.S, err)
	}
	if err := json.Unmarshal([]byte(`{"s":"BOGUS"}`), &v); err == nil {
		t.Errorf("json.Unmarshal(BOGUS) = nil error, want error")
	}
	if _, err := json.Marshal(State(42)); err == nil {
		t.Errorf("json.Marshal(State(42)) = nil error, want error")
	}
}
