package marathon_test

import (
	"testing"
	"time"

	"github.com/mesoscope/mesoscope/embedded/cluster"
	"github.com/mesoscope/mesoscope/embedded/marathon"
	"github.com/mesoscope/mesoscope/embedded/master"
)

func plainAgents(n int) []cluster.AgentSpec {
	var out []cluster.AgentSpec
	for i := range n {
		out = append(out, cluster.AgentSpec{Resources: "cpus:2;mem:1024;disk:1024;ports:[31000-31099]",
			Attributes: "rack:r" + string(rune('1'+i%2)), Hostname: "host-" + string(rune('a'+i))})
	}
	return out
}

// Deploy an app, scale it up and down, delete it; an app given as argv
// (args) runs too.
func TestDeployScaleDelete(t *testing.T) {
	e := startE2E(t, plainAgents(2), master.Config{}, marathon.Config{})
	e.mustCall("POST", "/v2/apps", `{"id":"/argv","args":["/bin/sh","-c","sleep 600"],"cpus":0.1,"mem":16,"env":{"GREETING":"hi"}}`, 201, nil)
	e.waitDeployed("/argv", 1, 60*time.Second)
	e.mustCall("POST", "/v2/apps", `{"id":"/sleepy","cmd":"sleep 600","cpus":0.1,"mem":16,"instances":2}`, 201, nil)
	e.waitDeployed("/sleepy", 2, 60*time.Second)
	e.mustCall("PUT", "/v2/apps/sleepy", `{"instances":3}`, 200, nil)
	e.waitDeployed("/sleepy", 3, 60*time.Second)
	e.mustCall("PUT", "/v2/apps/sleepy", `{"instances":1}`, 200, nil)
	e.waitDeployed("/sleepy", 1, 60*time.Second)
	e.mustCall("DELETE", "/v2/apps/sleepy", nil, 200, nil)
	e.eventually(60*time.Second, "app gone", func() (bool, string) {
		code, body := e.call("GET", "/v2/apps/sleepy", nil, nil)
		return code == 404, string(body)
	})
}
