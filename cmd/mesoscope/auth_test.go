package main

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/mesoscope/mesoscope/embedded/agent"
	"github.com/mesoscope/mesoscope/embedded/cluster"
	"github.com/mesoscope/mesoscope/embedded/master"
)

// The inspector passes credentials to a master that requires HTTP
// authentication, and says so clearly when they are missing or wrong.
func TestInspectWithAuthentication(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	l, err := cluster.StartLocal(cluster.LocalConfig{
		Listener: ln, WorkDir: t.TempDir(), NumAgents: 1,
		DefaultAgent: cluster.AgentSpec{Resources: "cpus:1;mem:128;disk:10;ports:[31000-31001]", Hostname: "localhost"},
		Agent:        agent.Config{RegistrationBackoffFactor: 10 * time.Millisecond},
		Master: master.Config{AuthenticateHTTPReadonly: true, AuthenticateHTTPReadwrite: true,
			HTTPCredentials: master.Credentials{"ops": "s3cret"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Stop(context.Background(), true)
	if out, err := runInspect(t, newRootCommand(), "inspect", "frameworks", "--master", l.URL(), "--principal", "ops", "--secret", "s3cret"); err != nil {
		t.Errorf("inspect with credentials: %v\n%s", err, out)
	}
	for _, args := range [][]string{{}, {"--principal", "ops", "--secret", "wrong"}} {
		out, err := runInspect(t, newRootCommand(), append([]string{"inspect", "frameworks", "--master", l.URL()}, args...)...)
		if err == nil || !strings.Contains(strings.ToLower(err.Error()), "auth") {
			t.Errorf("inspect %v: err = %v (output %q), want an authentication error", args, err, out)
		}
	}
}
