package master

import (
	"strings"
	"testing"
	"time"

	"github.com/mesoscope/mesoscope/embedded/mesos"
)

// The registry log and credentials files are read from disk: arbitrary
// bytes give an error or a state, never a panic.
func FuzzReplayRegistry(f *testing.F) {
	f.Add(`{"op":"admit","agent":{"hostname":"h","port":5051,"id":{"value":"S1"}}}` + "\n" + `{"op":"unreachable","id":"S1","time_ns":5}` + "\n")
	f.Add(`{"op":"gone","id":"S2","time_ns":1}` + "\n" + `{"op":"remove","id":"S2"}`)
	f.Add("{nonsense\n")
	f.Fuzz(func(t *testing.T, log string) {
		st := registryState{admitted: map[string]mesos.AgentInfo{}, unreachable: map[string]time.Time{}, gone: map[string]time.Time{}}
		if err := replayRegistry(strings.NewReader(log), &st); err != nil {
			return
		}
		for id := range st.admitted {
			if _, ok := st.unreachable[id]; ok {
				t.Fatalf("agent %s both admitted and unreachable", id)
			}
		}
	})
}

func FuzzParseCredentials(f *testing.F) {
	f.Add(`{"credentials":[{"principal":"a","secret":"b"}]}`)
	f.Add("a b\nc d\n")
	f.Fuzz(func(t *testing.T, in string) {
		c, err := ParseCredentials([]byte(in))
		if err != nil {
			return
		}
		for p := range c {
			if p == "" {
				t.Fatalf("empty principal accepted from %q", in)
			}
		}
	})
}
