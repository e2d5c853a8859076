package master_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/mesoscope/mesoscope/embedded/master"
	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/process"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

type pingAgent struct {
	process.Base
	pings     int
	connected []bool
}

func TestSlaveObserverMarksUnreachableAfterMaxTimeouts(t *testing.T) {
	rt, err := process.New(process.Config{Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer rt.Stop(context.Background())
	rt.Clock().Pause()

	a := &pingAgent{}
	process.Install(&a.Base, mesos.PingSlaveMessageName, func(from process.PID, p mesos.PingSlaveMessage) {
		a.pings++
		a.connected = append(a.connected, p.Connected)
		a.Send(from, mesos.PongSlaveMessageName, mesos.PongSlaveMessage{})
	})
	apid, err := rt.Spawn("slave(1)", a)
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var unreachable []string
	obs := master.NewSlaveObserver(master.ObserverConfig{
		Agent: apid, AgentID: "S1", PingTimeout: 15 * time.Second, MaxPingTimeouts: 5,
		Unreachable: func(id string) { mu.Lock(); unreachable = append(unreachable, id); mu.Unlock() },
	})
	opid, err := rt.Spawn(rt.GenerateID("slave-observer"), obs)
	if err != nil {
		t.Fatal(err)
	}
	rt.Settle() // the observer has initialized and sent its first ping
	if opid.ID != "slave-observer(1)" {
		t.Errorf("observer id = %q, want slave-observer(1)", opid.ID)
	}
	misses := func() int {
		n, err := process.Dispatch(rt, opid, "misses", func() (int, error) { return obs.Misses(), nil }).Await(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return n
	}

	// A healthy agent: a minute of pings, no misses.
	for range 4 {
		rt.Clock().Advance(15 * time.Second)
		rt.Settle()
	}
	if got := misses(); got != 0 {
		t.Fatalf("misses with a healthy agent = %d, want 0", got)
	}
	pings, err := process.Dispatch(rt, apid, "pings", func() (int, error) { return a.pings, nil }).Await(context.Background())
	if err != nil || pings != 5 {
		t.Fatalf("agent saw %d pings after 60s, want 5 (initial + 4)", pings)
	}

	// The agent dies. Its last ping was answered, so the next timeout only pings again
	// (to nobody); each timeout after that is a miss. Four misses are not enough, the
	// fifth marks it unreachable.
	rt.Terminate(apid, true)
	rt.Wait(context.Background(), apid)
	for i := 0; i <= 4; i++ {
		rt.Clock().Advance(15 * time.Second)
		rt.Settle()
		if got := misses(); got != i {
			t.Fatalf("after %d timeouts without the agent: misses = %d, want %d", i+1, got, i)
		}
	}
	mu.Lock()
	if len(unreachable) != 0 {
		t.Fatalf("marked unreachable after 4 timeouts: %v", unreachable)
	}
	mu.Unlock()
	rt.Clock().Advance(15 * time.Second)
	rt.Settle()
	rt.Clock().Advance(15 * time.Second) // pinging goes on, but marks only once
	rt.Settle()
	mu.Lock()
	defer mu.Unlock()
	if len(unreachable) != 1 || unreachable[0] != "S1" {
		t.Errorf("unreachable calls = %v, want [S1]", unreachable)
	}
}
