package process

import (
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestMailboxManyProducers pushes from several goroutines while one consumer follows the
// runtime's protocol (resumed when a push reports the mailbox was BLOCKED, grab and
// release until idle succeeds), and checks every event arrives exactly once, each
// producer's events arrive in order, and the mailbox is never resumed while running.
func TestMailboxManyProducers(t *testing.T) {
	const producers, each = 4, 20000
	var q mailbox
	var pool nodePool
	resume := make(chan struct{}, producers*each)
	var running atomic.Bool
	var doubleResume atomic.Int32
	var wg sync.WaitGroup
	for p := range producers {
		wg.Go(func() {
			c := nodeCache{pool: &pool}
			for i := range each {
				n := c.get()
				n.ev = event{kind: MessageEvent, body: [2]int{p, i}}
				if q.push(n) {
					if running.Load() {
						doubleResume.Add(1)
					}
					resume <- struct{}{}
				}
			}
		})
	}
	next := make([]int, producers)
	got := 0
	c := nodeCache{pool: &pool}
	for got < producers*each {
		<-resume
		running.Store(true)
		for {
			if q.grab() {
				for i, n := range q.batch {
					q.serving(i)
					v := n.ev.body.([2]int)
					if v[1] != next[v[0]] {
						t.Fatalf("producer %d: got event %d, want %d (per-producer order broken)", v[0], v[1], next[v[0]])
					}
					next[v[0]]++
					got++
				}
				q.release(&c)
				continue
			}
			running.Store(false)
			if q.idle() {
				break
			}
			running.Store(true)
		}
	}
	wg.Wait()
	if n := doubleResume.Load(); n != 0 {
		t.Errorf("push reported BLOCKED %d times while the consumer was running, want 0", n)
	}
	if len(resume) != 0 {
		t.Errorf("%d resumes left over after every event was served, want 0", len(resume))
	}
	if q.grab() {
		t.Errorf("grab() = true after every event was served, want false")
	}
}

func bodies(evs []event) []any {
	var out []any
	for _, e := range evs {
		out = append(out, e.body)
	}
	return out
}

func pushN(q *mailbox, c *nodeCache, from, to int) {
	for i := from; i < to; i++ {
		n := c.get()
		n.ev = event{kind: MessageEvent, name: "m", body: i}
		q.push(n)
	}
}

func ints(from, to int) []any {
	var out []any
	for i := from; i < to; i++ {
		out = append(out, i)
	}
	return out
}

// TestMailboxPendingSnapshot checks what /__processes__ sees: the rest of the batch
// after the event being served, then events pushed since, oldest first.
func TestMailboxPendingSnapshot(t *testing.T) {
	var q mailbox
	c := nodeCache{pool: &nodePool{}}
	pushN(&q, &c, 0, 20)
	if diff := cmp.Diff(ints(0, 20), bodies(q.pending())); diff != "" {
		t.Fatalf("pending() before any grab (-want +got):\n%s", diff)
	}
	if !q.grab() {
		t.Fatal("grab() = false with 20 events pushed, want true")
	}
	pushN(&q, &c, 20, 23)
	tests := []struct {
		serving int
		want    []any
	}{
		{0, ints(1, 23)}, // the first event of a batch publishes nothing
		{1, ints(2, 23)},
		{5, ints(6, 23)},
		{19, ints(20, 23)},
	}
	for _, tt := range tests {
		q.serving(tt.serving)
		if diff := cmp.Diff(tt.want, bodies(q.pending())); diff != "" {
			t.Errorf("pending() while serving %d (-want +got):\n%s", tt.serving, diff)
		}
	}
	q.release(&c)
	if diff := cmp.Diff(ints(20, 23), bodies(q.pending())); diff != "" {
		t.Errorf("pending() after release (-want +got):\n%s", diff)
	}
	// The released nodes are reused: a stale cur must not point into the next batch.
	if !q.grab() {
		t.Fatal("grab() = false with 3 events pushed, want true")
	}
	q.serving(0)
	if diff := cmp.Diff(ints(21, 23), bodies(q.pending())); diff != "" {
		t.Errorf("pending() serving the first event of the next batch (-want +got):\n%s", diff)
	}
}

// TestMailboxRecycling checks a released batch's nodes go back to the cache cleared, and
// are left to the garbage collector instead while a reader is active.
func TestMailboxRecycling(t *testing.T) {
	for _, reader := range []bool{false, true} {
		var q mailbox
		c := nodeCache{pool: &nodePool{}}
		pushN(&q, &c, 0, 10)
		q.grab()
		if reader {
			q.readers.Add(1)
		}
		q.release(&c)
		want := 10
		if reader {
			want = 0
		}
		if c.n != want {
			t.Errorf("reader=%v: cached nodes after release = %d, want %d", reader, c.n, want)
		}
		for n := c.free; n != nil; n = n.next {
			if n.ev.body != nil {
				t.Errorf("reader=%v: recycled node still holds body %v, want cleared", reader, n.ev.body)
			}
		}
	}
}

// TestMailboxStates walks the BLOCKED/READY protocol: only the push that finds the
// mailbox BLOCKED reports it, and idle fails while events are waiting.
func TestMailboxStates(t *testing.T) {
	var q mailbox
	c := nodeCache{pool: &nodePool{}}
	n := c.get()
	if !q.push(n) {
		t.Fatal("first push() = false, want true (mailbox was BLOCKED)")
	}
	if q.push(c.get()) {
		t.Fatal("second push() = true, want false (already READY)")
	}
	if q.idle() {
		t.Fatal("idle() = true with events not grabbed, want false")
	}
	if !q.grab() || len(q.batch) != 2 {
		t.Fatalf("grab() took %d events, want 2", len(q.batch))
	}
	q.release(&c)
	if q.push(c.get()) {
		t.Fatal("push() while READY = true, want false")
	}
	if q.idle() {
		t.Fatal("idle() = true after a push since the last grab, want false")
	}
	q.grab()
	q.release(&c)
	if !q.idle() {
		t.Fatal("idle() = false with nothing pushed since the last grab, want true")
	}
	if !q.push(c.get()) {
		t.Fatal("push() after idle = false, want true (mailbox was BLOCKED)")
	}
}

// TestNodeCacheSpills checks a cache that only receives spills half to the pool, and an
// empty one refills from it.
func TestNodeCacheSpills(t *testing.T) {
	pool := &nodePool{}
	recv := nodeCache{pool: pool}
	for range nodeCacheMax + 1 {
		recv.put(new(node))
	}
	if recv.n != nodeCacheMax/2+1 || pool.n != nodeCacheMax/2 {
		t.Fatalf("after %d puts: cache %d, pool %d; want %d, %d", nodeCacheMax+1, recv.n, pool.n, nodeCacheMax/2+1, nodeCacheMax/2)
	}
	send := nodeCache{pool: pool}
	send.get()
	if send.n != nodeRefill-1 || pool.n != nodeCacheMax/2-nodeRefill {
		t.Fatalf("after one get: cache %d, pool %d; want %d, %d", send.n, pool.n, nodeRefill-1, nodeCacheMax/2-nodeRefill)
	}
}
