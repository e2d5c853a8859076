package process

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// runQueue is the FIFO of READY processes shared by the workers (libprocess's RunQueue,
// 3rdparty/libprocess/src/run_queue.hpp). Unlike libprocess, which pushes and pops one
// process per lock, a worker pushes every process its handler made READY in one go when
// the handler returns, and takes a few at a time (see worker.next). Idle workers park on their own channel; a push
// wakes one parked worker unless a worker is already spinning, looking for work.
type runQueue struct {
	mu      sync.Mutex
	items   []*proc // ring buffer
	head, n int
	idle    []*worker // parked workers, guarded by mu
	stopped bool

	size     atomic.Int32 // n, readable without the lock
	spinning atomic.Int32 // workers looking for work before parking
	nidle    atomic.Int32 // len(idle), readable without the lock
}

// spinRounds is how many times an idle worker yields and looks again before parking.
// Parking costs a futex wake for the next push; a short spin keeps hand-offs between
// processes on the two ends of a request/response on warm goroutines.
const spinRounds = 64

func (q *runQueue) init(workers int) {
	q.items = make([]*proc, 64)
	q.idle = make([]*worker, 0, workers)
}

func (q *runQueue) push(p *proc) {
	q.pushAll([]*proc{p})
}

// pushAll appends ps in order under one lock and wakes as many parked workers as there
// are new processes, unless a worker is already spinning for work.
func (q *runQueue) pushAll(ps []*proc) {
	q.mu.Lock()
	for _, p := range ps {
		if q.n == len(q.items) {
			q.grow()
		}
		q.items[(q.head+q.n)%len(q.items)] = p
		q.n++
	}
	q.size.Store(int32(q.n))
	var buf [4]*worker
	wake := buf[:0]
	if k := min(len(ps), len(q.idle)); k > 0 && q.spinning.Load() == 0 {
		wake = append(wake, q.idle[len(q.idle)-k:]...) // a copy: q.idle's array is reused
		clear(q.idle[len(q.idle)-k:])
		q.idle = q.idle[:len(q.idle)-k]
		q.nidle.Store(int32(len(q.idle)))
	}
	q.mu.Unlock()
	for _, w := range wake {
		w.wake <- struct{}{}
	}
}

func (q *runQueue) grow() {
	items := make([]*proc, 2*len(q.items))
	for i := 0; i < q.n; i++ {
		items[i] = q.items[(q.head+i)%len(q.items)]
	}
	q.items, q.head = items, 0
}

// pop appends to dst up to max READY processes, oldest first, parking the worker while
// there are none; taking several under one lock amortizes it over a fan-out's many
// small resumes. It returns dst unchanged once the queue is stopped and empty.
func (q *runQueue) pop(w *worker, dst []*proc, max int) []*proc {
	for {
		q.mu.Lock()
		if q.n > 0 {
			k := min(q.n, max)
			for range k {
				dst = append(dst, q.items[q.head])
				q.items[q.head] = nil
				q.head = (q.head + 1) % len(q.items)
			}
			q.n -= k
			q.size.Store(int32(q.n))
			q.mu.Unlock()
			return dst
		}
		if q.stopped {
			q.mu.Unlock()
			return dst
		}
		q.mu.Unlock()

		// Spin briefly before parking.
		q.spinning.Add(1)
		found := false
		for i := 0; i < spinRounds; i++ {
			if q.size.Load() > 0 {
				found = true
				break
			}
			runtime.Gosched()
		}
		q.spinning.Add(-1)
		if found {
			continue
		}

		q.mu.Lock()
		if q.n > 0 || q.stopped {
			q.mu.Unlock()
			continue
		}
		q.idle = append(q.idle, w)
		q.nidle.Store(int32(len(q.idle)))
		q.mu.Unlock()
		<-w.wake
	}
}

// stop wakes every parked worker; workers exit once the queue is empty.
func (q *runQueue) stop() {
	q.mu.Lock()
	q.stopped = true
	idle := q.idle
	q.idle = nil
	q.nidle.Store(0)
	q.mu.Unlock()
	for _, w := range idle {
		w.wake <- struct{}{}
	}
}
