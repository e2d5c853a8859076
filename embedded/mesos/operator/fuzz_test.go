package operator

import (
	"bytes"
	"encoding/json"
	"testing"
)

// FuzzOperatorCall decodes arbitrary bytes as a master Call and as an
// agent Call. Decoding and validating never panic, and a call that
// decodes encodes to JSON whose decoding encodes identically.
func FuzzOperatorCall(f *testing.F) {
	for _, s := range []string{
		`{"type":"SUBSCRIBE"}`,
		`{"type":"GET_METRICS","get_metrics":{"timeout":{"nanoseconds":5000000000}}}`,
		`{"type":"RESERVE_RESOURCES","reserve_resources":{"agent_id":{"value":"a"},"resources":[{"name":"cpus","type":"SCALAR","scalar":{"value":1},"reservations":[{"type":"DYNAMIC","role":"web","principal":"ops"}]}]}}`,
		`{"type":"UPDATE_QUOTA","update_quota":{"force":true,"quota_configs":[{"role":"web","guarantees":{"cpus":{"value":1}},"limits":{"cpus":{"value":2}}}]}}`,
		`{"type":"UPDATE_MAINTENANCE_SCHEDULE","update_maintenance_schedule":{"schedule":{"windows":[{"machine_ids":[{"hostname":"h","ip":"10.0.0.1"}],"unavailability":{"start":{"nanoseconds":1},"duration":{"nanoseconds":3600000000000}}}]}}}`,
		`{"type":"DRAIN_AGENT","drain_agent":{"agent_id":{"value":"a"},"max_grace_period":{"seconds":10},"mark_gone":true}}`,
		`{"type":"READ_FILE","read_file":{"path":"/master/log","offset":0,"length":100}}`,
		`{"type":"GET_CONTAINERS","get_containers":{"show_nested":true}}`,
		`{"type":"TEARDOWN","teardown":{"framework_id":{"value":"f"}}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if c, err := DecodeCall(data); err == nil {
			_ = c.Validate()
			fixedPoint(t, c, func(b []byte) (any, error) { return DecodeCall(b) })
		}
		if c, err := DecodeAgentCall(data); err == nil {
			_ = c.Validate()
			fixedPoint(t, c, func(b []byte) (any, error) { return DecodeAgentCall(b) })
		}
	})
}

func fixedPoint(t *testing.T, v any, decode func([]byte) (any, error)) {
	t.Helper()
	out, err := json.Marshal(v)
	if err != nil {
		return // e.g. an enum value Mesos does not define
	}
	v2, err := decode(out)
	if err != nil {
		t.Fatalf("decode(Marshal(v)) = %v, encoded %s", err, out)
	}
	out2, err := json.Marshal(v2)
	if err != nil {
		t.Fatalf("second Marshal error = %v", err)
	}
	if !bytes.Equal(out, out2) {
		t.Fatalf("encoding is not a fixed point:\n%s\n%s", out, out2)
	}
}
