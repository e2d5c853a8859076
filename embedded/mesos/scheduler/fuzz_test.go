package scheduler

import (
	"bytes"
	"encoding/json"
	"testing"
)

// FuzzSchedulerCall decodes arbitrary bytes as a Call. Decoding and
// validating never panic, and a call that decodes encodes to JSON that
// decodes to the same encoding (the encoding is a fixed point).
func FuzzSchedulerCall(f *testing.F) {
	for _, s := range []string{
		`{"type":"SUBSCRIBE","subscribe":{"framework_info":{"user":"foo","name":"Example HTTP Framework","roles":["test1","test2"],"capabilities":[{"type":"MULTI_ROLE"}]},"suppressed_roles":["test2"],"offer_constraints":{"role_constraints":{"test1":{"groups":[{"attribute_constraints":[{"selector":{"attribute_name":"foo"},"predicate":{"exists":{}}}]}]}}}}}`,
		`{"framework_id":{"value":"f"},"type":"ACCEPT","accept":{"offer_ids":[{"value":"o-12"}],"operations":[{"type":"LAUNCH","launch":{"task_infos":[{"name":"My Task","task_id":{"value":"t"},"agent_id":{"value":"a"},"command":{"value":"sleep 1"},"resources":[{"name":"cpus","type":"SCALAR","scalar":{"value":1},"role":"*"}]}]}}],"filters":{"refuse_seconds":5.0}}}`,
		`{"framework_id":{"value":"f"},"type":"DECLINE","decline":{"offer_ids":[{"value":"o"}],"filters":{"refuse_seconds":0}}}`,
		`{"framework_id":{"value":"f"},"type":"ACKNOWLEDGE","acknowledge":{"agent_id":{"value":"a"},"task_id":{"value":"t"},"uuid":"hTaLQ0b5Q1OZuab7QclTKQ=="}}`,
		`{"framework_id":{"value":"f"},"type":"RECONCILE","reconcile":{"tasks":[{"task_id":{"value":"t"}}]}}`,
		`{"framework_id":{"value":"f"},"type":"KILL","kill":{"task_id":{"value":"t"},"kill_policy":{"grace_period":{"nanoseconds":5000000000}}}}`,
		`{"type":"REVIVE","framework_id":{"value":"f"},"revive":{"roles":["a"]}}`,
		`{"type":"EXPLODE"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := DecodeCall(data)
		if err != nil {
			return
		}
		_ = c.Validate()
		out, err := json.Marshal(c)
		if err != nil {
			return // e.g. a numeric enum value Mesos does not define
		}
		c2, err := DecodeCall(out)
		if err != nil {
			t.Fatalf("DecodeCall(Marshal(%s)) = %v, encoded %s", data, err, out)
		}
		out2, err := json.Marshal(c2)
		if err != nil {
			t.Fatalf("second Marshal error = %v", err)
		}
		if !bytes.Equal(out, out2) {
			t.Fatalf("encoding is not a fixed point:\n%s\n%s", out, out2)
		}
	})
}
