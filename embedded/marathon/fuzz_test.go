package marathon

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/mesoscope/mesoscope/embedded/mesos"
)

// DecodeApp never panics; what it accepts is valid and survives a round
// trip through its JSON; what it refuses is a syntax or validation error.
func FuzzDecodeApp(f *testing.F) {
	for _, s := range []string{
		`{"id": "/a", "cmd": "sleep 1"}`,
		`{"id": "/a/b", "args": ["x", "y"], "instances": 0, "ports": [0, 80], "requirePorts": false}`,
		`{"id": "/a", "cmd": "x", "constraints": [["rack", "GROUP_BY", "2"], ["hostname", "LIKE", "a.*"]], "upgradeStrategy": {"minimumHealthCapacity": 0.5}}`,
		`{"id": "/a", "cmd": "x", "healthChecks": [{"protocol": "COMMAND", "command": {"value": "true"}, "intervalSeconds": 5}]}`,
		`{"id": "/a", "cmd": "x", "container": {"type": "DOCKER"}, "env": {"S": {"secret": "x"}}}`,
		`{"id": "/a", "cmd": "x", "uris": ["http://x"], "fetch": []}`,
		`[]`, `null`, `{"id": 1}`,
	} {
		f.Add([]byte(s))
	}
	if b, err := os.ReadFile(fixtures + "marathon.v2.app.json"); err == nil {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := DecodeApp(data)
		if err != nil {
			var ve *ValidationError
			if !errors.As(err, &ve) && !strings.HasPrefix(err.Error(), "marathon: decode app") {
				t.Fatalf("DecodeApp(%q) error %v is neither a decode nor a validation error", data, err)
			}
			return
		}
		if err := a.Validate(); err != nil {
			t.Fatalf("DecodeApp(%q) accepted an invalid app: %v", data, err)
		}
		b, err := encodeApp(a)
		if err != nil {
			t.Fatalf("encodeApp(%+v): %v", a, err)
		}
		back, err := DecodeApp(b)
		if err != nil {
			t.Fatalf("DecodeApp(encodeApp(%q) = %s): %v", data, b, err)
		}
		if diff := cmp.Diff(a, back, cmpopts.IgnoreUnexported(Constraint{}), cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("round trip of %q (-first +second):\n%s", data, diff)
		}
	})
}

// ParseConstraint never panics; an accepted constraint renders back to
// itself and can be evaluated anywhere.
func FuzzParseConstraint(f *testing.F) {
	for _, c := range [][3]string{{"hostname", "UNIQUE", ""}, {"rack", "GROUP_BY", "3"}, {"rack", "MAX_PER", "2"},
		{"hostname", "LIKE", "srv[0-9]+"}, {"rack", "UNLIKE", "(a|b"}, {"n", "IS", "3.0"}, {"rack", "CLUSTER", ""}} {
		f.Add(c[0], c[1], c[2])
	}
	sites := []*Site{site("a", text("rack", "r1"), scalarAttr("n", 3)), site("b", text("rack", "r2")), site("")}
	f.Fuzz(func(t *testing.T, field, op, value string) {
		in := []string{field, op}
		if value != "" {
			in = append(in, value)
		}
		c, err := ParseConstraint(in)
		if err != nil {
			if !errors.Is(err, ErrBadConstraint) {
				t.Fatalf("ParseConstraint(%q) error %v does not wrap ErrBadConstraint", in, err)
			}
			return
		}
		back, err := ParseConstraint(c.Strings())
		if err != nil || back.String() != c.String() {
			t.Fatalf("ParseConstraint(%q).Strings() = %q does not parse back the same: %v", in, c.Strings(), err)
		}
		for _, s := range sites {
			_ = c.Meets(s, sites, 3)
		}
	})
}

// A core fed any sequence of status updates for its tasks keeps its
// indexes consistent and never panics.
func FuzzCoreUpdates(f *testing.F) {
	f.Add([]byte{1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13})
	f.Add([]byte{0, 3, 0, 3, 0, 3})
	f.Fuzz(func(t *testing.T, ops []byte) {
		h := newHarness(t, Config{})
		h.create(testApp("/f", 3, func(a *App) { a.BackoffSeconds = 0.001 }))
		var tasks []string
		for k, op := range ops {
			switch {
			case op%16 == 15:
				launched, _ := h.offers(bigOffer(t, k))
				for _, tk := range launched {
					tasks = append(tasks, tk.TaskID.Value)
				}
			case op%16 == 14:
				h.advance(10e6)
			case len(tasks) > 0:
				state := mesos.TaskState(int(op%16) % 14)
				h.status(tasks[int(op/16)%len(tasks)], state, nil)
			}
			for id, i := range h.c.byTask {
				if i.Task == nil || i.Task.ID != id || h.c.instances[i.ID] != i {
					t.Fatalf("byTask[%s] is inconsistent with its instance %+v", id, i)
				}
			}
			if n := len(h.c.byApp["/f"]); n > 3 {
				t.Fatalf("%d instances of a 3-instance app", n)
			}
		}
	})
}
