package readonly

import (
	"encoding/json"
	"errors"
	"math"
	"net/url"
	"testing"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/operator"
)

// jsonString returns what s decodes to after encoding/json encodes it
// (invalid UTF-8 becomes U+FFFD).
func jsonString(t *testing.T, s string) string {
	t.Helper()
	data, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	var out string
	if err := json.Unmarshal(data, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// FuzzSnapshot puts arbitrary strings (quotes, control characters,
// invalid UTF-8) and doubles into the names, labels, attributes, flags
// and timestamps of a snapshot: every renderer must write valid JSON, and
// the strings must come back as encoding/json would have written them.
func FuzzSnapshot(f *testing.F) {
	f.Add("marathon", "app", "web", "10.0.0.1", "r1", "1secs", 1576452140.25, 2.5)
	f.Add("quo\"te\\", "\x00\x1f", "\xff\xfe", "host\n", "\u2028", "", math.Inf(1), math.NaN())
	f.Add("<script>", "&amp;", "é世界", "\t", "{a, b}", "[1-2]", math.Copysign(0, -1), 1e300)
	f.Fuzz(func(t *testing.T, name, key, value, host, text, flag string, ts, weight float64) {
		s := testSnapshot(t)
		fw := *s.Frameworks[0]
		fw.Info.Name = name
		fw.Info.Hostname = host
		fw.Info.Labels = &mesos.Labels{Labels: []mesos.Label{{Key: key, Value: &value}}}
		task := *fw.Tasks[0]
		task.Name = name
		task.User = value
		task.Labels = fw.Info.Labels
		task.Statuses = append([]mesos.TaskStatus(nil), task.Statuses...)
		task.Statuses[0].Timestamp = ts
		task.Statuses[0].Message = text
		fw.Tasks = []*mesos.Task{&task, fw.Tasks[1]}
		s.Frameworks = []*Framework{&fw, s.Frameworks[1]}
		agent := *s.Agents[0]
		agent.Info.Hostname = host
		agent.Info.Attributes = []mesos.Attribute{
			{Name: key, Type: mesos.ValueText, Text: &mesos.Text{Value: text}},
			{Name: value, Type: mesos.ValueScalar, Scalar: &mesos.Scalar{Value: weight}},
		}
		s.Agents = []*Agent{&agent, s.Agents[1]}
		s.Flags = append(FlagsOf(map[string]string{key: flag}), s.Flags...)
		s.Roles = append([]Role{{Name: text, Weight: weight, Frameworks: []string{name}}}, s.Roles...)
		s.Cluster = text

		for file, body := range renderers(s) {
			if !json.Valid(body) {
				t.Fatalf("%s: invalid JSON:\n%s", file, body)
			}
		}
		var state struct {
			Cluster    string `json:"cluster"`
			Frameworks []struct {
				Name     string `json:"name"`
				Hostname string `json:"hostname"`
				Labels   []struct {
					Key, Value string
				} `json:"labels"`
				Tasks []struct {
					Name string `json:"name"`
				} `json:"tasks"`
			} `json:"frameworks"`
		}
		if err := json.Unmarshal(State(s), &state); err != nil {
			t.Fatal(err)
		}
		got := state.Frameworks[0]
		for _, c := range []struct{ what, got, in string }{
			{"framework name", got.Name, name},
			{"framework hostname", got.Hostname, host},
			{"label key", got.Labels[0].Key, key},
			{"label value", got.Labels[0].Value, value},
			{"task name", got.Tasks[0].Name, name},
			{"cluster", state.Cluster, text},
		} {
			if want := jsonString(t, c.in); c.got != want {
				t.Errorf("State: %s = %q, want %q", c.what, c.got, want)
			}
		}
		resp, err := operator.DecodeResponse(GetFrameworks(s))
		if err != nil {
			t.Fatalf("GET_FRAMEWORKS does not decode: %v", err)
		}
		if got, want := resp.GetFrameworks.Frameworks[0].FrameworkInfo.Name, jsonString(t, name); got != want {
			t.Errorf("GET_FRAMEWORKS: name = %q, want %q", got, want)
		}
	})
}

// FuzzParseTasksQuery checks that any query parses or fails with a
// QueryError, and that a parsed query is within bounds.
func FuzzParseTasksQuery(f *testing.F) {
	for _, q := range []string{"", "limit=10&offset=5&order=asc", "limit=-1", "order=x", "limit=99999999999", "framework_id=a&task_id=%00"} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		tq, err := ParseTasksQuery(q)
		if err != nil {
			var qe *QueryError
			if !errors.As(err, &qe) || !errors.Is(err, ErrInvalidQuery) {
				t.Fatalf("ParseTasksQuery(%q) error %v is not a QueryError", raw, err)
			}
			return
		}
		if tq.Limit < 0 || tq.Offset < 0 || (tq.Order != OrderAscending && tq.Order != OrderDescending) {
			t.Fatalf("ParseTasksQuery(%q) = %+v: out of bounds", raw, tq)
		}
		if body := Tasks(&Snapshot{}, tq); !json.Valid(body) {
			t.Fatalf("Tasks(%+v) = %s: invalid JSON", tq, body)
		}
	})
}

// FuzzParseJSONP checks that an accepted callback cannot break out of the
// call expression.
func FuzzParseJSONP(f *testing.F) {
	for _, q := range []string{"jsonp=cb", "jsonp=a.b", "jsonp=alert(1)", "jsonp=", "x=1"} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		cb, ok, err := ParseJSONP(q)
		if err != nil || !ok {
			return
		}
		for i := 0; i < len(cb); i++ {
			if c := cb[i]; c == '(' || c == ')' || c == ';' || c == '<' || c == '"' || c == '\'' || c < 0x20 || c >= 0x80 {
				t.Fatalf("ParseJSONP(%q) accepted %q", raw, cb)
			}
		}
	})
}
