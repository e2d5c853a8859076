package scheduler

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/mesoscope/mesoscope/embedded/mesos/internal/fixturetest"
)

func roundTrip[T any](t *testing.T, name string, data []byte, fix func(want, got any)) *T {
	t.Helper()
	var v T
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("%s: decode: %v", name, err)
	}
	out, err := json.Marshal(&v)
	if err != nil {
		t.Fatalf("%s: encode: %v", name, err)
	}
	want := fixturetest.DropEmptyArrays(fixturetest.Value(t, data))
	got := fixturetest.Value(t, out)
	fixturetest.DropAddedDefaults(want, got)
	if fix != nil {
		fix(want, got)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s: round trip differs (-fixture +encoded):\n%s", name, diff)
	}
	return &v
}

func TestSubscribeFixture(t *testing.T) {
	const name = "scheduler-SUBSCRIBE.request.json"
	c := roundTrip[Call](t, name, fixturetest.Load(t, name, nil), nil)
	if err := c.Validate(); err != nil {
		t.Errorf("Validate(%s) = %v, want nil", name, err)
	}
	if got := c.Subscribe.FrameworkInfo.Roles; len(got) != 2 || got[0] != "test1" {
		t.Errorf("Subscribe.FrameworkInfo.Roles = %v, want [test1 test2]", got)
	}
}

func TestEventFixtures(t *testing.T) {
	names := fixturetest.Glob(t, "scheduler-event-*.json")
	if len(names) != 4 {
		t.Fatalf("found %d scheduler event fixtures, want 4", len(names))
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			var fix func(want, got any)
			if strings.Contains(name, "UPDATE") {
				// The doc's UPDATE example has a "bytes" member, which is
				// not a TaskStatus field (the payload field is "data");
				// Mesos's parser ignores it and so do we.
				fix = func(want, got any) {
					if !fixturetest.Delete(want, "update", "status", "bytes") {
						t.Errorf("fixture lacks update.status.bytes")
					}
				}
			}
			data := fixturetest.Load(t, name, nil)
			if strings.Contains(name, "OFFERS") {
				data = nestOffers(t, data)
			}
			e := roundTrip[Event](t, name, data, fix)
			if want := strings.TrimSuffix(strings.TrimPrefix(name, "scheduler-event-"), ".json"); e.Type.String() != want {
				t.Errorf("%s: Type = %v, want %s", name, e.Type, want)
			}
		})
	}
}

// nestOffers repairs the doc's OFFERS example, which puts the offer array
// directly under "offers"; Event.offers is the Offers message, so a real
// master writes {"offers": {"offers": [...]}}.
func nestOffers(t *testing.T, data []byte) []byte {
	t.Helper()
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc["offers"]) == 0 || doc["offers"][0] != '[' {
		t.Fatalf("OFFERS fixture no longer has the doc's flat offers array")
	}
	doc["offers"] = append(append([]byte(`{"offers":`), doc["offers"]...), '}')
	out, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
