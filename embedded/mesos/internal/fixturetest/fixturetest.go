package fixturetest

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"testing"
)

// Dir returns the fixtures directory, or skips the test if it is absent.
func Dir(t testing.TB) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	// .../main/embedded/mesos/internal/fixturetest/fixturetest.go → /work
	root := filepath.Join(filepath.Dir(file), "..", "..", "..", "..", "..")
	for _, d := range []string{filepath.Join(root, "shared", "fixtures", "mesos"), "/work/shared/fixtures/mesos"} {
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			return d
		}
	}
	t.Skip("Mesos fixtures not found")
	return ""
}

// Glob returns the base names of the fixtures matching pattern.
func Glob(t testing.TB, pattern string) []string {
	t.Helper()
	m, err := filepath.Glob(filepath.Join(Dir(t), pattern))
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(m))
	for i, f := range m {
		out[i] = filepath.Base(f)
	}
	return out
}

var (
	lineComment   = regexp.MustCompile(`(?m)^\s*//.*$`)
	trailingComma = regexp.MustCompile(`,(\s*[}\]])`)
	placeholder   = regexp.MustCompile(`\{\s*\.\.\.\s*\}`)
)

// Load reads a fixture. For a .jsonc documentation example it strips //
// comments and repairs the defects listed in the fixtures README: the
// doubled "{{" of GET_AGENTS, trailing commas, and the "{...}" placeholder
// (replaced by placeholderValue, if given, else by {}).
func Load(t testing.TB, name string, placeholderValue []byte) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(Dir(t), name))
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Ext(name) != ".jsonc" {
		return data
	}
	data = lineComment.ReplaceAll(data, nil)
	data = bytes.TrimSpace(data)
	if bytes.HasPrefix(data, []byte("{{")) {
		data = data[1:]
	}
	data = trailingComma.ReplaceAll(data, []byte("$1"))
	if placeholderValue == nil {
		placeholderValue = []byte("{}")
	}
	data = placeholder.ReplaceAllLiteral(data, placeholderValue)
	if !json.Valid(data) {
		t.Fatalf("%s: still not valid JSON after repair", name)
	}
	return data
}

// Value unmarshals JSON into a generic value (numbers as float64).
func Value(t testing.TB, data []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("unmarshal %.80q: %v", data, err)
	}
	return v
}

// DropEmptyArrays removes members whose value is an empty array: stout's
// JSON::protobuf never writes an empty repeated field, so the "[]" in the
// documentation examples cannot come from a real master.
func DropEmptyArrays(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if a, ok := e.([]any); ok && len(a) == 0 {
				delete(x, k)
				continue
			}
			x[k] = DropEmptyArrays(e)
		}
	case []any:
		for i := range x {
			x[i] = DropEmptyArrays(x[i])
		}
	}
	return v
}

// protoDefaults are fields with [default = ...] in the v1 protos that
// Mesos 1.11.0 writes even when unset (stout writes has_default_value
// fields), keyed by member name with the default value.
var protoDefaults = map[string]any{
	"shell":                true,    // CommandInfo.shell
	"extract":              true,    // CommandInfo.URI.extract
	"protocol":             "IPv4",  // NetworkInfo.IPAddress.protocol, health checks
	"failover_timeout":     0.0,     // FrameworkInfo
	"checkpoint":           false,   // FrameworkInfo
	"port":                 5051.0,  // AgentInfo
	"refuse_seconds":       5.0,     // Filters
	"mark_gone":            false,   // DrainConfig, DrainAgent
	"delay_seconds":        15.0,    // HealthCheck
	"interval_seconds":     10.0,    // HealthCheck
	"timeout_seconds":      20.0,    // HealthCheck
	"consecutive_failures": 3.0,     // HealthCheck
	"grace_period_seconds": 10.0,    // HealthCheck
	"type":                 "VALUE", // Environment.Variable.type
}

// DropAddedDefaults removes from got the members that want lacks and whose
// value is the proto default Mesos 1.11.0 would write: the documentation
// examples predate stout writing defaulted fields (MESOS-7178-era), so a
// 1.11.0 master's output has them and the examples do not.
func DropAddedDefaults(want, got any) {
	switch g := got.(type) {
	case map[string]any:
		w, _ := want.(map[string]any)
		for k, gv := range g {
			wv, ok := w[k]
			if !ok {
				if d, isDefault := protoDefaults[k]; isDefault && d == gv {
					delete(g, k)
				}
				continue
			}
			DropAddedDefaults(wv, gv)
		}
	case []any:
		w, _ := want.([]any)
		for i := range g {
			if i < len(w) {
				DropAddedDefaults(w[i], g[i])
			}
		}
	}
}

// Delete removes the member at a path of map keys and array indexes
// ("task_updated", "task_id") from v, reporting whether it existed.
func Delete(v any, path ...any) bool {
	for i, p := range path {
		last := i == len(path)-1
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return false
			}
			if last {
				_, had := m[k]
				delete(m, k)
				return had
			}
			v = m[k]
		case int:
			a, ok := v.([]any)
			if !ok || k >= len(a) {
				return false
			}
			v = a[k]
		}
	}
	return false
}
