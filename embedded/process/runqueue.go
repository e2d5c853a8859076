package process

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// runQueue is the FIFO of READY processes shared by the workers (libprocess's RunQueue,
// 3rdparty/libprocess/src/run_queue.hpp). Idle workers park on their own channel; a push
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
	q.mu.Lock()
	if q.n == len(q.items) {
		q.grow()
	}
	q.items[(q.head+q.n)%len(q.items)] = p
	q.n++
	q.size.Store(int32(q.n))
	var w *worker
	if len(q.idle) > 0 && q.spinning.Load() == 0 {
		w = q.idle[len(q.idle)-1]
		q.idle = q.idle[:len(q.idle)-1]
		q.nidle.Store(int32(len(q.idle)))
	}
	q.mu.Unlock()
	if w != nil {
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

// pop returns the next READY process, parking the worker while there is none. It returns
// nil once the queue is stopped and empty.
func (q *runQueue) pop(w *worker) *proc {
	for {
		q.mu.Lock()
		if q.n > 0 {
			p := q.items[q.head]
			q.items[q.head] = nil
			q.head = (q.head + 1) % len(q.items)
			q.n--
			q.size.Store(int32(q.n))
			q.mu.Unlock()
			return p
		}
		if q.stopped {
			q.mu.Unlock()
			return nil
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
