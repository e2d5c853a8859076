package marathon

import (
	"strconv"
	"testing"
	"time"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// t0 is the tests' epoch.
var t0 = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// text returns a TEXT attribute.
func text(name, value string) mesos.Attribute {
	return mesos.Attribute{Name: name, Type: mesos.ValueText, Text: &mesos.Text{Value: value}}
}

// scalarAttr returns a SCALAR attribute.
func scalarAttr(name string, v float64) mesos.Attribute {
	return mesos.Attribute{Name: name, Type: mesos.ValueScalar, Scalar: &mesos.Scalar{Value: v}}
}

// offer builds an offer of agent (hostname host) allocated to role.
func offer(t testing.TB, id, agent, host, role, res string, attrs ...mesos.Attribute) mesos.Offer {
	t.Helper()
	rs, err := resources.Parse(res, "*")
	if err != nil {
		t.Fatalf("Parse(%q): %v", res, err)
	}
	rs.Allocate(role)
	return mesos.Offer{
		ID: mesos.OfferID{Value: id}, FrameworkID: mesos.FrameworkID{Value: "fw"}, AgentID: mesos.AgentID{Value: agent},
		Hostname: host, Resources: mesos.ResourcesOf(rs), Attributes: attrs,
		AllocationInfo: &resources.AllocationInfo{Role: role},
	}
}

// testApp returns a normalized app.
func testApp(id string, instances int, mutate ...func(*App)) *App {
	a := &App{ID: id, Cmd: "sleep 600", CPUs: 0.5, Mem: 64, Instances: instances}
	for _, m := range mutate {
		m(a)
	}
	a.Normalize()
	return a
}

// site returns a Site at host with attributes "k=v".
func site(host string, attrs ...mesos.Attribute) *Site {
	return &Site{Hostname: host, Attributes: attrs}
}

func itoa(i int) string { return strconv.Itoa(i) }
