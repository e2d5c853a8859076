package netns

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// requireNetns skips unless namespaces can be made here.
func requireNetns(t *testing.T) {
	t.Helper()
	if err := Available(context.Background()); err != nil {
		t.Skipf("skipping: %v", err)
	}
}

// A star's leaves reach the hub through their veths; a partition cuts one
// leaf off (its connections time out) and leaves the others; healing joins
// it again; Close leaves no namespace behind.
func TestStarPartitionAndHeal(t *testing.T) {
	requireNetns(t)
	ctx := context.Background()
	prefix := Prefix(os.Getpid()) + "t-"
	s, err := NewStar(ctx, prefix+"hub", prefix+"a", prefix+"b")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if s.Hub != nil {
			if err := s.Close(context.Background()); err != nil {
				t.Error(err)
			}
		}
	})
	ln, err := s.Hub.Listen(ctx, "tcp", netip.AddrPortFrom(HubAddr(), 0).String())
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	addr := ln.Addr().String()
	accepted := make(chan struct{})
	go func() {
		defer close(accepted)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	dial := func(i int) error {
		ctx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
		defer cancel()
		c, err := s.Leaves[i].DialContext(ctx, "tcp", addr)
		if err == nil {
			c.Close()
		}
		return err
	}
	for i := range s.Leaves {
		if err := dial(i); err != nil {
			t.Fatalf("leaf %d dial %s before the partition: %v", i, addr, err)
		}
	}
	if err := s.Partition(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if err := dial(0); err == nil {
		t.Errorf("leaf 0 dial %s during the partition = nil error, want it cut off", addr)
	} else if !errors.Is(err, context.DeadlineExceeded) {
		var ne net.Error
		if !errors.As(err, &ne) {
			t.Errorf("leaf 0 dial during the partition = %v, want a timeout or unreachable error", err)
		}
	}
	if err := dial(1); err != nil {
		t.Errorf("leaf 1 dial %s during leaf 0's partition: %v", addr, err)
	}
	if err := s.Heal(ctx, 0); err != nil {
		t.Fatal(err)
	}
	// The link is up at once, but a first SYN can go unanswered while the hub's
	// neighbour entry for the leaf, failed during the partition, resolves again; TCP
	// retransmits it after a second, past one dial's 500 ms. Connectivity must be
	// back within a few attempts.
	err = dial(0)
	for attempt := 1; err != nil && attempt < 10; attempt++ {
		err = dial(0)
	}
	if err != nil {
		t.Errorf("leaf 0 dial %s after healing, 10 attempts: %v", addr, err)
	}
	ln.Close()
	<-accepted

	names := []string{s.Hub.Name, s.Leaves[0].Name, s.Leaves[1].Name}
	if err := s.Close(ctx); err != nil {
		t.Fatal(err)
	}
	left, err := List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		if slices.Contains(left, n) {
			t.Errorf("namespace %s left after Close; namespaces: %v", n, left)
		}
	}
}

// The root namespace is untouched: after Do, the calling thread and the
// process are where they were.
func TestDoRestoresNamespace(t *testing.T) {
	requireNetns(t)
	ctx := context.Background()
	n, err := Add(ctx, Prefix(os.Getpid())+"t-do")
	if err != nil {
		t.Fatal(err)
	}
	defer n.Delete(ctx)
	before, err := os.Readlink("/proc/self/ns/net")
	if err != nil {
		t.Fatal(err)
	}
	var inside string
	if err := n.Do(func() error {
		var err error
		inside, err = os.Readlink("/proc/thread-self/ns/net")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if inside == before {
		t.Errorf("Do ran in %s, the root namespace; want %s's", inside, n.Name)
	}
	// Every thread is back: none reports the namespace.
	tasks, err := os.ReadDir("/proc/self/task")
	if err != nil {
		t.Fatal(err)
	}
	for _, task := range tasks {
		got, err := os.Readlink("/proc/self/task/" + task.Name() + "/ns/net")
		if err == nil && got == inside {
			t.Errorf("thread %s is still in %s after Do", task.Name(), n.Name)
		}
	}
}

// Sweep deletes namespaces of dead processes and keeps those of live ones.
func TestSweep(t *testing.T) {
	requireNetns(t)
	ctx := context.Background()
	// A pid that cannot be running: pids are below pid_max.
	raw, err := os.ReadFile("/proc/sys/kernel/pid_max")
	if err != nil {
		t.Fatal(err)
	}
	dead, err := strconv.Atoi(strings.TrimSpace(string(raw)))
	if err != nil {
		t.Fatalf("pid_max %q: %v", raw, err)
	}
	if alive(dead) {
		t.Fatalf("alive(%d) = true for pid_max, want false", dead)
	}
	stale, err := Add(ctx, Prefix(dead)+"stale")
	if err != nil {
		t.Fatal(err)
	}
	defer stale.Delete(ctx) // in case Sweep fails
	// A leftover of the dead test, still running in its namespace.
	leftover := stale.Command(ctx, "sleep", "30")
	if err := leftover.Start(); err != nil {
		t.Fatal(err)
	}
	waited := make(chan error, 1)
	go func() { waited <- leftover.Wait() }()
	defer leftover.Process.Kill()
	// `ip netns exec` has become sleep once the namespace lists it.
	for deadline := time.Now().Add(10 * time.Second); ; {
		pids, err := stale.Pids(ctx)
		if err == nil && slices.Contains(pids, leftover.Process.Pid) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Pids() = %v, %v; want it to list %d", pids, err, leftover.Process.Pid)
		}
		time.Sleep(10 * time.Millisecond) // waiting for exec in another process
	}
	mine, err := Add(ctx, Prefix(os.Getpid())+"t-live")
	if err != nil {
		t.Fatal(err)
	}
	defer mine.Delete(ctx)
	deleted, err := Sweep(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(deleted, stale.Name) {
		t.Errorf("Sweep() = %v, want it to delete %s", deleted, stale.Name)
	}
	if slices.Contains(deleted, mine.Name) {
		t.Errorf("Sweep() = %v, deleted %s of the live pid %s", deleted, mine.Name, strconv.Itoa(os.Getpid()))
	}
	select {
	case err := <-waited:
		if err == nil {
			t.Errorf("the leftover sleep exited cleanly, want it killed by Sweep")
		}
	case <-time.After(10 * time.Second):
		t.Errorf("the leftover sleep in %s still runs after Sweep", stale.Name)
	}
}
