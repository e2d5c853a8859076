package containerizer

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestContainerIDString(t *testing.T) {
	root := NewContainerID("r")
	child := root.Child("c")
	grand := child.Child("g")
	tests := []struct {
		id   ContainerID
		want string
		root string
	}{
		{root, "r", "r"}, {child, "r.c", "r"}, {grand, "r.c.g", "r"},
	}
	for _, tc := range tests {
		if got := tc.id.String(); got != tc.want {
			t.Errorf("String() = %q, want %q", got, tc.want)
		}
		if got := tc.id.Root().String(); got != tc.root {
			t.Errorf("%s.Root() = %q, want %q", tc.want, got, tc.root)
		}
		p, err := ParseContainerID(tc.want)
		if err != nil || !p.Equal(tc.id) {
			t.Errorf("ParseContainerID(%q) = %v, %v, want %v", tc.want, p, err, tc.id)
		}
	}
	if root.Equal(child) || !grand.Equal(grand.clone()) {
		t.Errorf("Equal is wrong")
	}
}

func TestContainerIDJSON(t *testing.T) {
	id := NewContainerID("parent").Child("child")
	b, err := json.Marshal(id)
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"value":"child","parent":{"value":"parent"}}`; string(b) != want {
		t.Errorf("json.Marshal(%s) = %s, want %s", id, b, want)
	}
	var back ContainerID
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(id, back); diff != "" {
		t.Errorf("round trip (-want +got):\n%s", diff)
	}
	for _, bad := range []string{`{}`, `{"value":""}`, `{"value":"a","parent":{}}`, `[1]`} {
		if err := json.Unmarshal([]byte(bad), &back); err == nil {
			t.Errorf("json.Unmarshal(%s) = nil error, want error", bad)
		}
	}
}

func TestContainerIDValidate(t *testing.T) {
	tests := []struct {
		id   ContainerID
		want string // substring of the error; "" for valid
	}{
		{NewContainerID("f0f97041-1860-4b4a-b279-91fec4e0ebd8"), ""},
		{NewContainerID(""), "must not be empty"},
		{NewContainerID("."), "disallowed"},
		{NewContainerID(".."), "disallowed"},
		{NewContainerID("a.b"), "invalid characters"},
		{NewContainerID("a b"), "invalid characters"},
		{NewContainerID("a/b"), "invalid characters"},
		{NewContainerID("a\\b"), "invalid characters"},
		{NewContainerID("a\nb"), "invalid characters"},
		{NewContainerID(strings.Repeat("x", 243)), "maximum length"},
		{NewContainerID(strings.Repeat("x", 242)), ""},
		{NewContainerID("ok").Child("bad.child"), "invalid characters"},
		{ContainerID{Value: "c", Parent: &ContainerID{Value: "bad/parent"}}, "'ContainerID.parent' is invalid"},
	}
	for _, tc := range tests {
		err := tc.id.Validate()
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("Validate(%q) = %v, want nil", tc.id, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want) || !errors.Is(err, ErrInvalidContainerID)):
			t.Errorf("Validate(%q) = %v, want error containing %q", tc.id, err, tc.want)
		}
	}
}

// FuzzParseContainerID: an accepted dotted ID validates, renders back to
// the same text and survives a JSON round trip.
func FuzzParseContainerID(f *testing.F) {
	for _, s := range []string{"a", "a.b.c", "", "..", "a..b", "a b", "x/y", strings.Repeat("z", 250)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, err := ParseContainerID(s)
		if err != nil {
			return
		}
		if id.Validate() != nil || id.String() != s {
			t.Fatalf("ParseContainerID(%q) = %v, renders %q", s, id, id.String())
		}
		b, err := json.Marshal(id)
		if err != nil {
			t.Fatal(err)
		}
		var back ContainerID
		if err := json.Unmarshal(b, &back); err != nil || !back.Equal(id) {
			t.Fatalf("JSON round trip of %q: %v %v", s, back, err)
		}
	})
}
