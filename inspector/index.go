package inspector

import "sync"

// Index gives fast lookup by id into one Snapshot. It holds positions into the
// snapshot's slices, so it is valid only for the snapshot it was built from and
// must be rebuilt if those slices change. Build it with NewIndex. The task maps,
// by far the largest, are built on first use. An Index is safe for concurrent use.
type Index struct {
	snap             *Snapshot
	tasksOnce        sync.Once
	agents           map[string]int
	agentsByHost     map[string][]int
	frameworks       map[string]int
	frameworksByName map[string][]int
	roles            map[string]int
	// tasks maps a task id to its position; task ids are unique per framework
	// only, so further tasks with the same id are in dupTasks.
	tasks            map[string]int
	dupTasks         map[string][]int
	tasksByFramework map[string][]int
	tasksByAgent     map[string][]int
	offers           map[string]int
	offersByFw       map[string][]int
	executors        map[string][]int
}

// NewIndex indexes s. It costs one pass over every list.
func NewIndex(s *Snapshot) *Index {
	ix := &Index{
		snap:             s,
		agents:           make(map[string]int, len(s.Agents)),
		agentsByHost:     make(map[string][]int, len(s.Agents)),
		frameworks:       make(map[string]int, len(s.Frameworks)),
		frameworksByName: make(map[string][]int, len(s.Frameworks)),
		roles:            make(map[string]int, len(s.Roles)),
		offers:           make(map[string]int, len(s.Offers)),
		offersByFw:       make(map[string][]int),
		executors:        make(map[string][]int, len(s.Executors)),
	}
	for i, a := range s.Agents {
		ix.agents[a.ID] = i
		ix.agentsByHost[a.Hostname] = append(ix.agentsByHost[a.Hostname], i)
	}
	for i, f := range s.Frameworks {
		if _, dup := ix.frameworks[f.ID]; !dup {
			ix.frameworks[f.ID] = i
		}
		ix.frameworksByName[f.Name] = append(ix.frameworksByName[f.Name], i)
	}
	for i, r := range s.Roles {
		ix.roles[r.Name] = i
	}
	for i, o := range s.Offers {
		ix.offers[o.ID] = i
		ix.offersByFw[o.FrameworkID] = append(ix.offersByFw[o.FrameworkID], i)
	}
	for i, e := range s.Executors {
		ix.executors[e.ID] = append(ix.executors[e.ID], i)
	}
	return ix
}

// indexTasks builds the task maps once.
func (ix *Index) indexTasks() {
	ix.tasksOnce.Do(func() {
		s := ix.snap
		ix.tasks = make(map[string]int, len(s.Tasks))
		ix.dupTasks = map[string][]int{}
		ix.tasksByFramework = make(map[string][]int, len(s.Frameworks))
		ix.tasksByAgent = make(map[string][]int, len(s.Agents))
		// One backing array for all per-framework and per-agent lists keeps
		// the index to a handful of allocations at 100,000 tasks.
		fwCount := make(map[string]int, len(s.Frameworks))
		agCount := make(map[string]int, len(s.Agents))
		for _, t := range s.Tasks {
			fwCount[t.FrameworkID]++
			agCount[t.AgentID]++
		}
		backing := make([]int, 0, 2*len(s.Tasks))
		for id, n := range fwCount {
			ix.tasksByFramework[id] = backing[len(backing) : len(backing) : len(backing)+n]
			backing = backing[:len(backing)+n]
		}
		for id, n := range agCount {
			ix.tasksByAgent[id] = backing[len(backing) : len(backing) : len(backing)+n]
			backing = backing[:len(backing)+n]
		}
		for i, t := range s.Tasks {
			ix.tasksByFramework[t.FrameworkID] = append(ix.tasksByFramework[t.FrameworkID], i)
			ix.tasksByAgent[t.AgentID] = append(ix.tasksByAgent[t.AgentID], i)
			if _, dup := ix.tasks[t.ID]; dup {
				ix.dupTasks[t.ID] = append(ix.dupTasks[t.ID], i)
				continue
			}
			ix.tasks[t.ID] = i
		}
	})
}

// taskPositions returns every position of a task id.
func (ix *Index) taskPositions(id string) []int {
	ix.indexTasks()
	i, ok := ix.tasks[id]
	if !ok {
		return nil
	}
	return append([]int{i}, ix.dupTasks[id]...)
}

// Snapshot returns the indexed snapshot.
func (ix *Index) Snapshot() *Snapshot { return ix.snap }

// Agent returns the agent with id, or by hostname when id matches no agent id and
// exactly one agent has that hostname.
func (ix *Index) Agent(id string) (*Agent, bool) {
	if i, ok := ix.agents[id]; ok {
		return &ix.snap.Agents[i], true
	}
	if is := ix.agentsByHost[id]; len(is) == 1 {
		return &ix.snap.Agents[is[0]], true
	}
	return nil, false
}

// Framework returns the framework with id, or by name when id matches no framework
// id and exactly one active framework has that name.
func (ix *Index) Framework(idOrName string) (*Framework, bool) {
	if i, ok := ix.frameworks[idOrName]; ok {
		return &ix.snap.Frameworks[i], true
	}
	var found *Framework
	for _, i := range ix.frameworksByName[idOrName] {
		f := &ix.snap.Frameworks[i]
		if f.Completed {
			continue
		}
		if found != nil {
			return nil, false // ambiguous
		}
		found = f
	}
	return found, found != nil
}

// FrameworksNamed returns every framework (completed too) with name.
func (ix *Index) FrameworksNamed(name string) []*Framework {
	var out []*Framework
	for _, i := range ix.frameworksByName[name] {
		out = append(out, &ix.snap.Frameworks[i])
	}
	return out
}

// Role returns the role named name.
func (ix *Index) Role(name string) (*Role, bool) {
	if i, ok := ix.roles[name]; ok {
		return &ix.snap.Roles[i], true
	}
	return nil, false
}

// Tasks returns the tasks with id (one per framework that used the id).
func (ix *Index) Tasks(id string) []*Task {
	var out []*Task
	for _, i := range ix.taskPositions(id) {
		out = append(out, &ix.snap.Tasks[i])
	}
	return out
}

// Task returns the task with id in framework (any framework when frameworkID is "").
func (ix *Index) Task(frameworkID, id string) (*Task, bool) {
	for _, i := range ix.taskPositions(id) {
		if t := &ix.snap.Tasks[i]; frameworkID == "" || t.FrameworkID == frameworkID {
			return t, true
		}
	}
	return nil, false
}

// TasksOfFramework returns the framework's tasks in snapshot order.
func (ix *Index) TasksOfFramework(frameworkID string) []*Task {
	ix.indexTasks()
	return ix.pick(ix.tasksByFramework[frameworkID])
}

// TasksOnAgent returns the tasks on an agent in snapshot order.
func (ix *Index) TasksOnAgent(agentID string) []*Task {
	ix.indexTasks()
	return ix.pick(ix.tasksByAgent[agentID])
}

func (ix *Index) pick(is []int) []*Task {
	out := make([]*Task, len(is))
	for j, i := range is {
		out[j] = &ix.snap.Tasks[i]
	}
	return out
}

// Offer returns the offer with id.
func (ix *Index) Offer(id string) (*Offer, bool) {
	if i, ok := ix.offers[id]; ok {
		return &ix.snap.Offers[i], true
	}
	return nil, false
}

// OffersOfFramework returns the framework's outstanding offers.
func (ix *Index) OffersOfFramework(frameworkID string) []*Offer {
	var out []*Offer
	for _, i := range ix.offersByFw[frameworkID] {
		out = append(out, &ix.snap.Offers[i])
	}
	return out
}

// Executors returns the executors with id (ids are unique per framework only).
func (ix *Index) Executors(id string) []*Executor {
	var out []*Executor
	for _, i := range ix.executors[id] {
		out = append(out, &ix.snap.Executors[i])
	}
	return out
}
