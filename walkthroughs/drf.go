package walkthroughs

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/mesoscope/mesoscope/embedded/allocator/drf"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// drfEnv is the DRF tour's sorter: one drf.Sorter, driven call by call as the
// allocator drives Mesos's DRFSorter.
type drfEnv struct {
	s        *drf.Sorter
	agents   []string
	agentRes map[string]resources.Resources // agent → its resources, for the TUI's stand-in
	weights  map[string]float64             // weights set with "weight", by path
	rounds   int                            // fill rounds so far, numbered across fill commands
}

// sorterCmd: sorter [exclude=gpus] — a new DRF sorter (DRFSorter() + initialize()).
func (s *Session) sorterCmd(c *Command) (string, error) {
	cfg := drf.Config{}
	if ex, ok := stringArg(c, "exclude"); ok && ex != "" {
		cfg.FairnessExcludeResourceNames = strings.Split(ex, ",")
	}
	s.drf = &drfEnv{s: drf.New(cfg), agentRes: map[string]resources.Resources{}, weights: map[string]float64{}}
	return "a new DRF sorter: no clients, no agents", nil
}

func (s *Session) drfEnv(cmd string) (*drfEnv, error) {
	if s.drf == nil {
		return nil, fmt.Errorf("%s: no sorter yet (run \"sorter\" first)", cmd)
	}
	return s.drf, nil
}

// addAgentCmd: add-agent ID RESOURCES — the agent's scalars join the total every
// share is divided by (DRFSorter::addSlave).
func (s *Session) addAgentCmd(c *Command) (string, error) {
	e, err := s.drfEnv("add-agent")
	if err != nil {
		return "", err
	}
	words := bareArgs(c)
	if len(words) != 2 {
		return "", errors.New("add-agent: want \"add-agent ID RESOURCES\"")
	}
	rs, err := resources.Parse(words[1], resources.DefaultRole)
	if err != nil {
		return "", fmt.Errorf("add-agent %s: %w", words[0], err)
	}
	var q resources.Quantities
	q.AddScalarsOf(rs)
	if err := e.s.AddAgent(words[0], q); err != nil {
		return "", fmt.Errorf("add-agent %s: %w", words[0], err)
	}
	e.agents = append(e.agents, words[0])
	e.agentRes[words[0]] = rs
	return "total " + e.s.TotalScalarQuantities().String(), nil
}

// addClientCmd: add-client NAME... — clients start inactive (DRFSorter::add).
func (s *Session) addClientCmd(c *Command) (string, error) {
	e, err := s.drfEnv("add-client")
	if err != nil {
		return "", err
	}
	for _, name := range bareArgs(c) {
		if err := e.s.Add(name); err != nil {
			return "", fmt.Errorf("add-client %s: %w", name, err)
		}
	}
	return e.describeOrder(), nil
}

// activateCmd: activate|deactivate NAME... (DRFSorter::activate / deactivate).
func (s *Session) activateCmd(c *Command) (string, error) {
	e, err := s.drfEnv(c.Name)
	if err != nil {
		return "", err
	}
	for _, name := range bareArgs(c) {
		f := e.s.Activate
		if c.Name == "deactivate" {
			f = e.s.Deactivate
		}
		if err := f(name); err != nil {
			return "", fmt.Errorf("%s %s: %w", c.Name, name, err)
		}
	}
	return e.describeOrder(), nil
}

// weightCmd: weight PATH W (DRFSorter::updateWeight).
func (s *Session) weightCmd(c *Command) (string, error) {
	e, err := s.drfEnv("weight")
	if err != nil {
		return "", err
	}
	words := bareArgs(c)
	if len(words) != 2 {
		return "", errors.New("weight: want \"weight PATH WEIGHT\"")
	}
	w, err := strconv.ParseFloat(words[1], 64)
	if err != nil {
		return "", fmt.Errorf("weight %s: %q: want a number", words[0], words[1])
	}
	if err := e.s.UpdateWeight(words[0], w); err != nil {
		return "", fmt.Errorf("weight %s: %w", words[0], err)
	}
	e.weights[words[0]] = w
	return e.describeOrder(), nil
}

// allocatedCmd: allocated|unallocated CLIENT RESOURCES [agent=ID]
// (DRFSorter::allocated / unallocated).
func (s *Session) allocatedCmd(c *Command) (string, error) {
	e, err := s.drfEnv(c.Name)
	if err != nil {
		return "", err
	}
	words := bareArgs(c)
	if len(words) != 2 {
		return "", fmt.Errorf("%s: want \"%s CLIENT RESOURCES [agent=ID]\"", c.Name, c.Name)
	}
	agent, err := e.agent(c)
	if err != nil {
		return "", err
	}
	rs, err := resources.Parse(words[1], resources.DefaultRole)
	if err != nil {
		return "", fmt.Errorf("%s %s: %w", c.Name, words[0], err)
	}
	f := e.s.Allocated
	if c.Name == "unallocated" {
		f = e.s.Unallocated
	}
	if err := f(words[0], agent, rs); err != nil {
		return "", fmt.Errorf("%s %s: %w", c.Name, words[0], err)
	}
	return e.describeOrder(), nil
}

func (e *drfEnv) agent(c *Command) (string, error) {
	if a, ok := stringArg(c, "agent"); ok {
		return a, nil
	}
	if len(e.agents) == 0 {
		return "", fmt.Errorf("%s: no agent yet (run \"add-agent\" first)", c.Name)
	}
	return e.agents[0], nil
}

// sortCmd: sort — DRFSorter::sort, with each client's share and allocation count.
func (s *Session) sortCmd(c *Command) (string, error) {
	e, err := s.drfEnv("sort")
	if err != nil {
		return "", err
	}
	return e.describeOrder(), nil
}

// describeOrder renders what sort() returns now, then every client's standing.
func (e *drfEnv) describeOrder() string {
	snap := e.s.Snapshot()
	order := e.s.Sort()
	var b strings.Builder
	fmt.Fprintf(&b, "sort() = [%s]", strings.Join(order, " "))
	for _, cl := range snap.Clients {
		state := "active"
		if !cl.Active {
			state = "inactive"
		}
		fmt.Fprintf(&b, "\n  %-8s %-8s share=%s weight=%s count=%d allocation={%s}",
			cl.Client, state, formatShare(cl.Share), strconv.FormatFloat(cl.Weight, 'g', -1, 64),
			cl.AllocationCount, resources.QuantitiesOf(cl.Allocation...))
	}
	return b.String()
}

// formatShare prints a share exactly (shortest float64 form), so ties show as ties.
func formatShare(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// fillCmd: fill CLIENT=TASK... [agent=ID] [max=N] — progressive filling, the DRF
// paper's loop: sort, give the first client whose next task still fits one task,
// repeat until no client's task fits.
func (s *Session) fillCmd(c *Command) (string, error) {
	e, err := s.drfEnv("fill")
	if err != nil {
		return "", err
	}
	agent, err := e.agent(c)
	if err != nil {
		return "", err
	}
	limit, err := intArg(c, "max", 100)
	if err != nil {
		return "", err
	}
	tasks := map[string]resources.Resources{}
	for _, a := range c.Args {
		if !a.HasValue || a.Key == "agent" || a.Key == "max" {
			continue
		}
		rs, err := resources.Parse(a.Value, resources.DefaultRole)
		if err != nil {
			return "", fmt.Errorf("fill: task of %s: %w", a.Key, err)
		}
		tasks[a.Key] = rs
	}
	if len(tasks) == 0 {
		return "", errors.New("fill: want CLIENT=TASK arguments")
	}
	var out []string
	for n := 0; n < limit; n++ {
		e.rounds++
		free := e.s.TotalScalarQuantities().Minus(e.s.TotalAllocationScalarQuantities())
		var standings []string
		for _, cl := range e.s.Sort() {
			share, _ := e.s.Share(cl)
			count, _ := e.s.AllocationCount(cl)
			standings = append(standings, fmt.Sprintf("%s(%s,%d)", cl, formatShare(share), count))
		}
		picked := ""
		var skipped []string
		for _, cl := range e.s.Sort() {
			task, ok := tasks[cl]
			if !ok {
				continue
			}
			var need resources.Quantities
			need.AddScalarsOf(task)
			if free.Contains(need) {
				picked = cl
				break
			}
			skipped = append(skipped, cl)
		}
		line := fmt.Sprintf("%d. sort() = %s", e.rounds, strings.Join(standings, " "))
		if picked == "" {
			out = append(out, line+" → no task fits in the free "+free.String()+": stop")
			break
		}
		if err := e.s.Allocated(picked, agent, tasks[picked]); err != nil {
			return "", fmt.Errorf("fill: %w", err)
		}
		share, _ := e.s.Share(picked)
		if len(skipped) > 0 {
			line += " → " + strings.Join(skipped, ",") + " does not fit"
		}
		out = append(out, fmt.Sprintf("%s → %s gets %s, share now %s", line, picked, tasks[picked], formatShare(share)))
	}
	out = append(out, e.describeOrder())
	return strings.Join(out, "\n"), nil
}

// treeCmd: tree — the sorter's tree of nodes with subtree shares (DRFSorter's Node).
func (s *Session) treeCmd(c *Command) (string, error) {
	e, err := s.drfEnv("tree")
	if err != nil {
		return "", err
	}
	snap := e.s.Snapshot()
	var b strings.Builder
	fmt.Fprintf(&b, "sort() = [%s]", strings.Join(snap.Order, " "))
	for _, n := range snap.Nodes {
		name := n.Path
		if i := strings.LastIndexByte(name, '/'); i >= 0 {
			name = name[i+1:]
		}
		fmt.Fprintf(&b, "\n%s%-*s %-8s share=%s weight=%s count=%d allocation={%s}",
			strings.Repeat("  ", n.Depth+1), max(1, 12-2*n.Depth), name, n.Kind, formatShare(n.Share),
			strconv.FormatFloat(n.Weight, 'g', -1, 64), n.AllocationCount, resources.QuantitiesOf(n.Allocation...))
	}
	return b.String(), nil
}
