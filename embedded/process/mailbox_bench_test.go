package process

import "testing"

func BenchmarkMailboxPushPop(b *testing.B) {
	var q mailbox
	q.init()
	e := event{kind: MessageEvent, name: "ping"}
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		q.push(&e, 1)
		if q.peek() == nil {
			b.Fatal("empty")
		}
		q.pop()
	}
}

func BenchmarkEnqueueServeNoWorker(b *testing.B) {
	rt := newTestRuntime(b, Config{Workers: 1})
	s := newSink(-1)
	pid, _ := rt.Spawn("sink", s)
	p := rt.lookup(pid.ID)
	msg := &benchMsg{}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e := event{kind: MessageEvent, name: "ping", body: msg}
		p.mbox.push(&e, int64(i+1))
	}
}
