package allocator

import (
	"slices"
	"strings"

	"github.com/mesoscope/mesoscope/embedded/resources"
)

// holdings is what each framework holds on one agent (offered or allocated, with
// allocation_info): Slave's allocated map in hierarchical.hpp. An agent is held by few
// frameworks, so it is a small slice searched linearly, which a cycle that visits every
// agent in random order reads from one cache line instead of a map's buckets; an agent
// held by many frameworks gets an index as well.
type holdings struct {
	items []holding
	// one is items' storage while there is at most one holder (the common
	// case in a cycle), inside the agent rather than a cache miss away.
	// A holdings value must therefore not be copied once used.
	one [1]holding
	// index maps fwID → position in items once there are more than
	// indexAt holders, and until there are indexAt/2 or fewer again; it
	// comes last and is read only then, so a cycle does not touch it.
	index map[string]int
}

// indexAt is the number of holders above which holdings keeps an index.
const indexAt = 16

type holding struct {
	fwID string
	rs   resources.Resources
}

func (h *holdings) find(fwID string) int {
	if len(h.items) > indexAt/2 && h.index != nil {
		if i, ok := h.index[fwID]; ok {
			return i
		}
		return -1
	}
	for i := range h.items {
		if h.items[i].fwID == fwID {
			return i
		}
	}
	return -1
}

// get returns what fwID holds, and whether it holds anything.
func (h *holdings) get(fwID string) (resources.Resources, bool) {
	if i := h.find(fwID); i >= 0 {
		return h.items[i].rs, true
	}
	return resources.Resources{}, false
}

// set records rs as what fwID holds (rs must not be empty: use del).
func (h *holdings) set(fwID string, rs resources.Resources) {
	if i := h.find(fwID); i >= 0 {
		h.items[i].rs = rs
		return
	}
	if h.items == nil {
		h.items = h.one[:0]
	}
	h.items = append(h.items, holding{fwID: fwID, rs: rs})
	if len(h.items) <= indexAt/2 {
		return // no index (see index)
	}
	switch {
	case h.index != nil:
		h.index[fwID] = len(h.items) - 1
	case len(h.items) > indexAt:
		h.index = make(map[string]int, len(h.items))
		for i := range h.items {
			h.index[h.items[i].fwID] = i
		}
	}
}

// del forgets what fwID holds.
func (h *holdings) del(fwID string) {
	if i := h.find(fwID); i >= 0 {
		last := len(h.items) - 1
		h.items[i] = h.items[last]
		h.items[last] = holding{}
		h.items = h.items[:last]
		if h.index != nil {
			delete(h.index, fwID)
			if i < last {
				h.index[h.items[i].fwID] = i
			}
			if len(h.items) <= indexAt/2 {
				h.index = nil
			}
		}
	}
}

// len is the number of frameworks holding something.
func (h *holdings) len() int { return len(h.items) }

// sortedIDs returns the holders' framework IDs in order.
func (h *holdings) sortedIDs() []string {
	ids := make([]string, len(h.items))
	for i := range h.items {
		ids[i] = h.items[i].fwID
	}
	slices.SortFunc(ids, strings.Compare)
	return ids
}
