package drf

import (
	"fmt"

	"github.com/mesoscope/mesoscope/embedded/resources"
)

// Client is a handle on one client of a Sorter, for a caller that records
// allocations many times per cycle: it saves the lookup of the client's
// path that AllocatedQuantities and Share make (DRFSorter keeps no such
// handle; the result is the same). A handle stays valid while the client
// is in the sorter, including when it turns into the virtual leaf "a/."
// because a client "a/b" was added, and back; after Remove it is stale
// and the methods taking it return ErrUnknownClient.
type Client struct {
	n *node
	// Data is the caller's: the sorter never reads it. The allocator
	// keeps its own entry for the client here, so walking the order with
	// Cursor.NextClient needs no lookup by name either.
	Data any
}

// Client returns the handle of a client, creating it on first use, and
// whether the client exists.
func (s *Sorter) Client(client string) (*Client, bool) {
	n, ok := s.clients[client]
	if !ok {
		return nil, false
	}
	return n.handle(), true
}

// handle returns the leaf's handle, creating it.
func (n *node) handle() *Client {
	if n.client == nil {
		n.client = &Client{n: n}
	}
	return n.client
}

// moveHandle hands from's handle (if any) to to, when to takes over from's
// client (a leaf becoming internal gives its client to its new virtual
// leaf, and a collapsing virtual leaf gives it back).
func moveHandle(from, to *node) {
	if from.client != nil {
		to.client, from.client = from.client, nil
		to.client.n = to
	}
}

// Path returns the client's path ("" once the client is removed).
func (c *Client) Path() string {
	if c.n == nil {
		return ""
	}
	return c.n.clientPath()
}

// AllocatedQuantitiesTo is AllocatedQuantities for a client given by its
// handle.
func (s *Sorter) AllocatedQuantitiesTo(c *Client, q resources.Quantities) error {
	if c == nil || c.n == nil {
		return fmt.Errorf("drf: allocated %v to a removed client: %w", q, ErrUnknownClient)
	}
	s.allocatedQuantities(c.n, q)
	return nil
}

// UnallocatedQuantitiesFrom is UnallocatedQuantities for a client given by
// its handle.
func (s *Sorter) UnallocatedQuantitiesFrom(c *Client, q resources.Quantities) error {
	if c == nil || c.n == nil {
		return fmt.Errorf("drf: unallocated %v from a removed client: %w", q, ErrUnknownClient)
	}
	return s.unallocatedQuantities(c.n, q)
}

// ShareOf is Share for a client given by its handle; it returns 0 for a
// removed client.
func (s *Sorter) ShareOf(c *Client) float64 {
	if c == nil || c.n == nil {
		return 0
	}
	return s.calculateShare(c.n, false)
}

// NextClient is Next returning the client's handle instead of its path.
func (c *Cursor) NextClient() (*Client, bool) {
	if n := c.next(); n != nil {
		return n.handle(), true
	}
	return nil, false
}
