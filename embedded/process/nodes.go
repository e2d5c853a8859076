package process

import "sync"

// Queue nodes are recycled so that a steady stream of sends allocates nothing. Each
// worker keeps a cache that only its own goroutine touches (a send from a handler takes
// a node from the cache of the worker running it; the consumer puts a served batch's
// nodes back into its own), and the runtime keeps a shared pool, under a mutex, that
// evens out workers that mostly send and workers that mostly receive, and serves sends
// from outside any process. libprocess has no counterpart: its events are heap objects
// allocated per send.
const (
	// nodeCacheMax is the most nodes a worker's cache holds; beyond it, half go to the
	// shared pool in one move.
	nodeCacheMax = 1024
	// nodeRefill is how many nodes an empty worker cache takes from the pool at once.
	nodeRefill = 256
	// nodePoolMax bounds the shared pool; further nodes are left to the garbage
	// collector.
	nodePoolMax = 16384
)

// nodeCache is a worker's private free list of queue nodes, linked through next.
type nodeCache struct {
	free *node
	n    int
	pool *nodePool
}

// get returns a node to fill, from the cache, else a batch from the pool, else the heap.
func (c *nodeCache) get() *node {
	if c.free == nil {
		c.free, c.n = c.pool.take(nodeRefill)
		if c.free == nil {
			return new(node)
		}
	}
	n := c.free
	c.free, n.next = n.next, nil
	c.n--
	n.shared = false
	return n
}

// put returns a served node, clearing its event so it holds no references.
func (c *nodeCache) put(n *node) {
	n.ev = event{}
	n.next = c.free
	c.free = n
	c.n++
	if c.n > nodeCacheMax {
		// Move the first half to the pool: one lock per nodeCacheMax/2 nodes.
		last := c.free
		for range nodeCacheMax/2 - 1 {
			last = last.next
		}
		first := c.free
		c.free, last.next = last.next, nil
		c.n -= nodeCacheMax / 2
		c.pool.give(first, last, nodeCacheMax/2)
	}
}

// nodePool is the runtime's shared free list of queue nodes.
type nodePool struct {
	mu   sync.Mutex
	free *node
	n    int
}

// take detaches up to max nodes; it returns the chain and its length.
func (p *nodePool) take(max int) (*node, int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.free == nil {
		return nil, 0
	}
	first, last, k := p.free, p.free, 1
	for k < max && last.next != nil {
		last = last.next
		k++
	}
	p.free, last.next = last.next, nil
	p.n -= k
	return first, k
}

// give adds the chain first..last of k nodes, unless the pool is full.
func (p *nodePool) give(first, last *node, k int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.n+k > nodePoolMax {
		return
	}
	last.next = p.free
	p.free = first
	p.n += k
}

// getOne returns a node for a send from outside any worker. It is marked shared: the
// consumer gives it back to the pool, not to its own cache, so a trickle of sends from
// outside (a test's Send, a timer's dispatch) keeps reusing the same nodes.
func (p *nodePool) getOne() *node {
	p.mu.Lock()
	n := p.free
	if n != nil {
		p.free, n.next = n.next, nil
		p.n--
	}
	p.mu.Unlock()
	if n == nil {
		n = new(node)
	}
	n.shared = true
	return n
}
