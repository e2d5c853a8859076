package process

import "sync"

// linkTable records who links to whom (libprocess SocketManager's links). Local links
// fire when the linkee terminates; remote links fire when the connection to the linkee's
// runtime breaks.
type linkTable struct {
	mu      sync.Mutex
	linkers map[PID]map[PID]struct{} // linkee -> linkers
	linkees map[PID]map[PID]struct{} // linker -> linkees
}

func (t *linkTable) addLocked(linker, linkee PID) {
	if t.linkers == nil {
		t.linkers = make(map[PID]map[PID]struct{})
		t.linkees = make(map[PID]map[PID]struct{})
	}
	if t.linkers[linkee] == nil {
		t.linkers[linkee] = make(map[PID]struct{})
	}
	t.linkers[linkee][linker] = struct{}{}
	if t.linkees[linker] == nil {
		t.linkees[linker] = make(map[PID]struct{})
	}
	t.linkees[linker][linkee] = struct{}{}
}

func (t *linkTable) remove(linker, linkee PID) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.removeLocked(linker, linkee)
}

func (t *linkTable) removeLocked(linker, linkee PID) {
	if m := t.linkers[linkee]; m != nil {
		delete(m, linker)
		if len(m) == 0 {
			delete(t.linkers, linkee)
		}
	}
	if m := t.linkees[linker]; m != nil {
		delete(m, linkee)
		if len(m) == 0 {
			delete(t.linkees, linker)
		}
	}
}

// take removes and returns the linkers of linkee.
func (t *linkTable) takeLocked(linkee PID) []PID {
	m := t.linkers[linkee]
	out := make([]PID, 0, len(m))
	for l := range m {
		out = append(out, l)
		t.removeLocked(l, linkee)
	}
	return out
}

// exited delivers EXITED(pid) to every linker of pid, and forgets pid's own links.
func (t *linkTable) exited(rt *Runtime, pid PID) {
	t.mu.Lock()
	linkers := t.takeLocked(pid)
	for l := range t.linkees[pid] {
		t.removeLocked(pid, l)
	}
	t.mu.Unlock()
	for _, l := range linkers {
		rt.deliverExited(l, pid)
	}
}

// exitedAddress delivers EXITED for every remote linkee at a runtime whose connection
// broke; it returns how many links fired.
func (t *linkTable) exitedAddress(rt *Runtime, linkees []PID) {
	for _, pid := range linkees {
		t.mu.Lock()
		linkers := t.takeLocked(pid)
		t.mu.Unlock()
		for _, l := range linkers {
			rt.deliverExited(l, pid)
		}
	}
}

// remoteLinkees returns the linked PIDs at addr.
func (t *linkTable) remoteLinkees(match func(PID) bool) []PID {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []PID
	for pid := range t.linkers {
		if match(pid) {
			out = append(out, pid)
		}
	}
	return out
}

func (rt *Runtime) deliverExited(linker, pid PID) {
	s := newSender(pid)
	rt.deliver(linker.ID, &event{kind: ExitedEvent, name: s.text, from: s})
}

// link records linker -> to. A local target that does not exist gets an immediate
// EXITED; a remote one opens (or reuses) a persistent connection to its runtime, and an
// EXITED is delivered at once if that fails.
func (rt *Runtime) link(linker, to PID) {
	if rt.isLocal(to) {
		rt.links.mu.Lock()
		if rt.lookup(to.ID) == nil {
			rt.links.mu.Unlock()
			rt.deliverExited(linker, to)
			return
		}
		rt.links.addLocked(linker, to)
		rt.links.mu.Unlock()
		return
	}
	rt.links.mu.Lock()
	rt.links.addLocked(linker, to)
	rt.links.mu.Unlock()
	rt.transport.link(to)
}
