package schedclient

import (
	"errors"
	"strings"
	"testing"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/scheduler"
)

func TestNew(t *testing.T) {
	valid := Config{Master: "http://127.0.0.1:5050", Framework: testFramework()}
	with := func(f func(*Config)) Config {
		c := valid
		c.Framework = testFramework()
		f(&c)
		return c
	}
	tests := []struct {
		name    string
		cfg     Config
		wantErr string // substring; "" for success
	}{
		{"valid", valid, ""},
		{"bare host:port", with(func(c *Config) { c.Master = "127.0.0.1:5050" }), ""},
		{"json content type", with(func(c *Config) { c.ContentType = "application/json" }), ""},
		{"framework failover", with(func(c *Config) { c.Framework.ID = &mesos.FrameworkID{Value: "fw-1"} }), ""},
		{"no master", with(func(c *Config) { c.Master = "" }), "master: empty"},
		{"ftp master", with(func(c *Config) { c.Master = "ftp://m:21" }), `scheme "ftp"`},
		{"master with query", with(func(c *Config) { c.Master = "http://m:5050/?x=1" }), "without user, query or fragment"},
		{"protobuf", with(func(c *Config) { c.ContentType = "application/x-protobuf" }), "only \"application/json\""},
		{"no user", with(func(c *Config) { c.Framework.User = "" }), "framework_info.user"},
		{"suppressed role not subscribed", with(func(c *Config) { c.SuppressedRoles = []string{"nope"} }), "suppressed role 'nope'"},
		{"constraint on an unknown role", with(func(c *Config) {
			c.OfferConstraints = &scheduler.OfferConstraints{RoleConstraints: map[string]scheduler.RoleConstraints{"nope": {}}}
		}), "role 'nope'"},
		{"negative heartbeats", with(func(c *Config) { c.MissedHeartbeats = -1 }), "missed heartbeats: negative"},
		{"negative event size", with(func(c *Config) { c.MaxEventSize = -1 }), "max event size: negative"},
		{"backoff max below initial", with(func(c *Config) { c.BackoffInitial, c.BackoffMax = 2e9, 1e9 }), "below backoff initial"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := New(tc.cfg)
			if tc.wantErr == "" {
				if err != nil || c == nil {
					t.Fatalf("New() = %v, %v, want a client", c, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !strings.HasPrefix(err.Error(), "schedclient: config: ") {
				t.Errorf("New() = %v, want an error \"schedclient: config: ...%s...\"", err, tc.wantErr)
			}
		})
	}
}

func TestNewInvalidFrameworkIsErrInvalid(t *testing.T) {
	cfg := Config{Master: "m:5050", Framework: testFramework()}
	cfg.Framework.Name = ""
	if _, err := New(cfg); !errors.Is(err, mesos.ErrInvalid) {
		t.Errorf("New(no name) = %v, want errors.Is(err, mesos.ErrInvalid)", err)
	}
}

// TestNewCopiesConfig: the client keeps its own copy of the framework
// info and roles, so a caller reusing its slices changes nothing.
func TestNewCopiesConfig(t *testing.T) {
	cfg := Config{Master: "m:5050", Framework: testFramework(), SuppressedRoles: []string{"web"}}
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Framework.Roles[0] = "changed"
	cfg.SuppressedRoles[0] = "changed"
	sub := c.subscribeCall().Subscribe
	if got := sub.FrameworkInfo.Roles[0]; got != "web" {
		t.Errorf("subscribe roles[0] = %q, want %q", got, "web")
	}
	if got := sub.SuppressedRoles[0]; got != "web" {
		t.Errorf("subscribe suppressed_roles[0] = %q, want %q", got, "web")
	}
}

func TestCallErrorText(t *testing.T) {
	tests := []struct {
		err  *CallError
		want string
	}{
		{&CallError{Call: scheduler.CallDecline, StatusCode: 400, Body: "Framework cannot be found"}, "schedclient: call DECLINE: 400 Bad Request: Framework cannot be found"},
		{&CallError{Call: scheduler.CallAccept, StatusCode: 307, Location: "//m2:5050/api/v1/scheduler"}, "schedclient: call ACCEPT: 307 Temporary Redirect to //m2:5050/api/v1/scheduler"},
		{&CallError{Call: scheduler.CallRevive, StatusCode: 599}, "schedclient: call REVIVE: 599 status"},
	}
	for _, tc := range tests {
		if got := tc.err.Error(); got != tc.want {
			t.Errorf("Error() = %q, want %q", got, tc.want)
		}
	}
	if got := (&MasterError{Message: "Framework failed over"}).Error(); got != "schedclient: master sent ERROR: Framework failed over" {
		t.Errorf("MasterError.Error() = %q", got)
	}
}
