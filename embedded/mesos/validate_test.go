package mesos

import (
	"strings"
	"testing"
)

func TestValidateID(t *testing.T) {
	for id, wantErr := range map[string]string{
		"ok-1": "", "": "empty value", ".": "'.' is disallowed", "a\\b": "contains invalid characters",
		"a\x7fb": "contains invalid characters", strings.Repeat("a", 255): "",
	} {
		checkErr(t, "ValidateID("+id+")", ValidateID("x", id), wantErr)
	}
	checkErr(t, "ValidateUUID(15 bytes)", ValidateUUID("uuid", make([]byte, 15)), "uuid: not a valid UUID: 15 bytes, want 16")
	checkErr(t, "ValidateUUID(16 bytes)", ValidateUUID("uuid", make([]byte, 16)), "")
}
