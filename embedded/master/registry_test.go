package master_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mesoscope/mesoscope/embedded/master"
	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/process"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// A master with --work_dir remembers its agents across a restart: the
// new master lists them as recovered, admits those that reregister, and
// marks the others unreachable after --agent_reregister_timeout.
func TestRegistrySurvivesRestart(t *testing.T) {
	dir := t.TempDir()
	c1 := newTestCluster(t, master.Config{WorkDir: dir})
	a1 := c1.addAgent("slave(1)", "cpus:1;mem:128")
	a2 := c1.addAgent("slave(2)", "cpus:1;mem:128")
	id1, id2 := a1.agentID(), a2.agentID()
	if err := c1.rt.Stop(context.Background()); err != nil {
		t.Fatal(err)
	}

	c2 := newTestCluster(t, master.Config{ID: "M2", WorkDir: dir, AgentReregisterTimeout: time.Minute})
	recovered := func() []string {
		t.Helper()
		resp, err := http.Get(c2.url + "/master/state")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var v struct {
			Recovered []struct {
				ID string `json:"id"`
			} `json:"recovered_slaves"`
			Unreachable float64 `json:"unreachable_slaves"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range v.Recovered {
			out = append(out, r.ID)
		}
		return out
	}
	if got := recovered(); len(got) != 2 {
		t.Fatalf("recovered_slaves after restart = %v, want [%s %s]", got, id1, id2)
	}
	// Agent 1 comes back (with its old id).
	b := &struct{ process.Base }{}
	pid, err := c2.rt.Spawn("slave(1)", b)
	if err != nil {
		t.Fatal(err)
	}
	process.Do(c2.rt, pid, "reregister", func() {
		b.Send(c2.m.Self(), mesos.ReregisterSlaveMessageName, mesos.ReregisterSlaveMessage{
			Slave: mesos.AgentInfo{ID: &mesos.AgentID{Value: id1}, Hostname: "slave(1).example", Port: 5051, Resources: mesos.ResourcesOf(resources.MustParse("cpus:1;mem:128"))},
		})
	})
	c2.rt.Settle()
	if got := recovered(); len(got) != 1 || got[0] != id2 {
		t.Fatalf("recovered_slaves after agent 1 reregistered = %v, want [%s]", got, id2)
	}
	c2.advance(time.Minute)
	if got := recovered(); len(got) != 0 {
		t.Errorf("recovered_slaves after the timeout = %v, want none", got)
	}
	if err := c2.rt.Stop(context.Background()); err != nil { // syncs the registry
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "registry.log"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"op":"unreachable","id":"`+id2+`"`) {
		t.Errorf("registry.log = %s, want %s marked unreachable", data, id2)
	}
}

// A torn last record (the master died mid-write) is ignored; a corrupt
// record in the middle is an error naming it, and the master does not start.
func TestRegistryRecovery(t *testing.T) {
	admit := `{"op":"admit","agent":{"hostname":"h","port":5051,"id":{"value":"S1"}}}`
	tests := []struct {
		name, log string
		wantErr   string
	}{
		{"clean", admit + "\n", ""},
		{"torn last record", admit + "\n" + `{"op":"adm`, ""},
		{"corrupt middle", admit + "\n{nonsense\n" + admit + "\n", "record 2"},
		{"unknown op", `{"op":"explode"}` + "\n", `unknown operation "explode"`},
		{"admit without id", `{"op":"admit","agent":{"hostname":"h"}}` + "\n", "admit without an agent id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "registry.log"), []byte(tt.log), 0o644); err != nil {
				t.Fatal(err)
			}
			rt, err := process.New(process.Config{Workers: 1})
			if err != nil {
				t.Fatal(err)
			}
			defer rt.Stop(context.Background())
			_, err = master.New(rt, master.Config{ID: "M", WorkDir: dir})
			if tt.wantErr == "" && err != nil {
				t.Fatalf("New() error = %v, want none", err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("New() error = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}
