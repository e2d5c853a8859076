package process

import "testing"

// BenchmarkMailboxPushPop is one push, grab and release on one goroutine: the queue's
// own cost per event when batches hold one event.
func BenchmarkMailboxPushPop(b *testing.B) {
	var q mailbox
	c := nodeCache{pool: &nodePool{}}
	e := event{kind: MessageEvent, name: "ping"}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		n := c.get()
		n.ev = e
		q.push(n)
		if !q.grab() {
			b.Fatal("empty")
		}
		q.serving(0)
		q.release(&c)
	}
}

// BenchmarkMailboxPushBatch pushes batches of 256 events and serves each batch: the
// per-event cost when a process drains many events per resume.
func BenchmarkMailboxPushBatch(b *testing.B) {
	var q mailbox
	c := nodeCache{pool: &nodePool{}}
	e := event{kind: MessageEvent, name: "ping"}
	b.ReportAllocs()
	for i := 0; i < b.N; i += 256 {
		for range 256 {
			n := c.get()
			n.ev = e
			q.push(n)
		}
		q.grab()
		for j := range q.batch {
			q.serving(j)
		}
		q.release(&c)
	}
}
