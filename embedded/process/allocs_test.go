package process

import (
	"context"
	"testing"
)

// TestSendAllocatesNothing pins the zero-allocation hot path: a process sending a
// preallocated message to another, and Dispatch costing at most three allocations.
func TestSendAllocatesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation counts are noisy with -short's parallel load")
	}
	rt := newTestRuntime(t, Config{Workers: 1})
	s := newSink(-1)
	spid := mustSpawn(t, rt, "sink", s)
	src := &struct{ Base }{}
	msg := &benchMsg{}
	Install(&src.Base, "pump", func(_ PID, n int) {
		for range n {
			src.Send(spid, "ping", msg)
		}
	})
	ppid := mustSpawn(t, rt, "pump", src)
	pump := func() { rt.Send(ppid, "pump", 64); rt.Settle() }
	pump() // warm up: the node caches and batch slices reach their steady size
	pump()
	// Each run sends 64 messages process-to-process plus one from outside (boxing the
	// int 64 in an interface may allocate, as may the runtime's own bookkeeping), so
	// anything under one allocation per run means Send itself allocates nothing.
	if avg := testing.AllocsPerRun(200, pump); avg >= 1 {
		t.Errorf("allocations per 64 sends = %v, want < 1", avg)
	}
	allocs := testing.AllocsPerRun(200, func() {
		Dispatch(rt, spid, "get", func() (int, error) { return 1, nil }).Await(context.Background())
	})
	if allocs > 3 {
		t.Errorf("allocations per Dispatch+Await = %v, want <= 3", allocs)
	}
}
