package readonly

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/operator"
)

// jsonifyArrays are the members Mesos's jsonify writers always write,
// even empty (readonly_handler.cpp jsonifyGet*); protobuf JSON (and so
// the reference) omits them when empty.
var jsonifyArrays = map[string]bool{
	"tasks": true, "unreachable_tasks": true, "completed_tasks": true,
	"executors": true, "frameworks": true, "completed_frameworks": true,
	"agents": true, "recovered_agents": true,
}

// dropJSONifyEmpty removes the empty jsonify arrays from the get_* bodies
// of a decoded response or event.
func dropJSONifyEmpty(v any) {
	m, ok := v.(map[string]any)
	if !ok {
		return
	}
	for k, e := range m {
		if strings.HasPrefix(k, "get_") || k == "subscribed" {
			if body, ok := e.(map[string]any); ok {
				for bk, be := range body {
					if a, ok := be.([]any); ok && len(a) == 0 && jsonifyArrays[bk] {
						delete(body, bk)
					}
				}
			}
		}
		dropJSONifyEmpty(e)
	}
}

// TestV1MatchesReference checks that every v1 renderer writes the same
// JSON value as embedded/mesos encodes the reference operator value
// (mesos.Marshal), apart from the always-written jsonify arrays.
func TestV1MatchesReference(t *testing.T) {
	s := testSnapshot(t)
	got := renderers(s)
	for name, ref := range refResponses(s) {
		t.Run(name, func(t *testing.T) {
			want, err := mesos.Marshal(ref)
			if err != nil {
				t.Fatal(err)
			}
			g, w := decode(t, got[name]), decode(t, want)
			dropJSONifyEmpty(g)
			if diff := cmp.Diff(w, g); diff != "" {
				t.Errorf("%s differs from mesos.Marshal of the reference (-want +got):\n%s", name, diff)
			}
		})
	}
}

// resourcesEqual compares resource lists by value: the format a decoder
// records is ambiguous (an unreserved ENDPOINT resource reads as PRE).
var resourcesEqual = cmp.Comparer(func(a, b mesos.Resources) bool { return a.Resources.Equal(b.Resources) })

// protocolDefault compares network protocols with the unset value read as
// its proto default, IPv4 (which is what is written for it).
var protocolDefault = cmp.Comparer(func(a, b mesos.NetworkProtocol) bool {
	if a == 0 {
		a = mesos.ProtocolIPv4
	}
	if b == 0 {
		b = mesos.ProtocolIPv4
	}
	return a == b
})

// TestV1RoundTrip decodes every v1 body with the operator package and
// compares it with the reference value it was rendered from.
func TestV1RoundTrip(t *testing.T) {
	s := testSnapshot(t)
	got := renderers(s)
	for name, ref := range refResponses(s) {
		t.Run(name, func(t *testing.T) {
			var decoded any
			var err error
			if strings.HasPrefix(name, "event-") {
				decoded, err = operator.DecodeEvent(got[name])
			} else {
				decoded, err = operator.DecodeResponse(got[name])
			}
			if err != nil {
				t.Fatalf("decode %s: %v\n%s", name, err, got[name])
			}
			if diff := cmp.Diff(ref, decoded, resourcesEqual, protocolDefault, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("%s: decoded differs from the rendered value (-want +got):\n%s", name, diff)
			}
		})
	}
}
