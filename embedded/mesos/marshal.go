package mesos

import (
	"bytes"
	"encoding/json"
)

// Marshal encodes v (any type of this package or its subpackages) as a
// Mesos master or agent writes it: like json.Marshal, but without
// encoding/json's HTML escaping, so "a && b > c" stays as is rather than
// becoming "a \u0026\u0026 b \u003e c" (both are the same JSON value).
func Marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte{'\n'}), nil
}
