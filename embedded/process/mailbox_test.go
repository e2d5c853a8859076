package process

import (
	"sync"
	"testing"
)

// TestMailboxManyProducers pushes from several goroutines while one consumer drains, and
// checks every event arrives exactly once and each producer's events arrive in order,
// across many segment links and recycles.
func TestMailboxManyProducers(t *testing.T) {
	const producers, each = 4, 20000
	var q mailbox
	q.init()
	var wg sync.WaitGroup
	for p := range producers {
		wg.Go(func() {
			for i := range each {
				q.push(&event{kind: MessageEvent, body: [2]int{p, i}}, int64(i))
			}
		})
	}
	next := make([]int, producers)
	got := 0
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	for got < producers*each {
		e := q.peek()
		if e == nil {
			select {
			case <-done:
				// producers finished: the queue must hold the rest
				if e = q.peek(); e == nil {
					t.Fatalf("queue empty after all pushes, got %d of %d events", got, producers*each)
				}
			default:
				continue
			}
		}
		v := e.body.([2]int)
		q.pop()
		if v[1] != next[v[0]] {
			t.Fatalf("producer %d: got event %d, want %d (per-producer order broken)", v[0], v[1], next[v[0]])
		}
		next[v[0]]++
		got++
	}
	if e := q.peek(); e != nil {
		t.Fatalf("extra event after %d: %v", got, e.body)
	}
}

func TestMailboxPendingSnapshot(t *testing.T) {
	var q mailbox
	q.init()
	for i := range 20 {
		q.push(&event{kind: MessageEvent, name: "m", body: i}, int64(i+1))
	}
	for range 5 {
		q.peek()
		q.pop()
	}
	p := q.pending()
	if len(p) != 15 || p[0].body != 5 || p[14].body != 19 {
		t.Fatalf("pending = %d events (first %v), want 15 starting at 5", len(p), p[0].body)
	}
}
