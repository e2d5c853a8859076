package agent

import (
	"encoding/json"
	"strings"
	"testing"
)

func FuzzDecodeAgentCall(f *testing.F) {
	for _, s := range []string{
		`{"type":"GET_STATE"}`,
		`{"type":"GET_CONTAINERS","get_containers":{"show_nested":true}}`,
		`{"type":"GET_METRICS","get_metrics":{"timeout":{"nanoseconds":5000000000}}}`,
		`{"type":"READ_FILE","read_file":{"path":"/x","offset":1,"length":2}}`,
		`{"type":"LAUNCH_NESTED_CONTAINER","launch_nested_container":{}}`,
		`{"type":7}`, `{}`, `[`, `null`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		call, err := DecodeAgentCall(body)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "agent: api/v1: ") {
				t.Errorf("DecodeAgentCall(%q) error %q lacks the operation prefix", body, err)
			}
			return
		}
		if !call.Type.IsKnown() || call.Type == 0 {
			t.Errorf("DecodeAgentCall(%q) accepted type %v", body, call.Type)
		}
		// A valid call re-encodes to a valid call.
		b, err := json.Marshal(call)
		if err != nil {
			t.Fatalf("re-encode %+v: %v", call, err)
		}
		if _, err := DecodeAgentCall(b); err != nil {
			t.Errorf("DecodeAgentCall(re-encoded %s) = %v", b, err)
		}
	})
}
