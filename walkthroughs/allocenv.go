package walkthroughs

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/mesoscope/mesoscope/embedded/allocator"
	"github.com/mesoscope/mesoscope/embedded/process"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// allocatorSeed seeds the allocator's agent shuffle in every tour.
const allocatorSeed = 1

// allocatorConfig is the allocator configuration the tours share.
func allocatorConfig() allocator.Config { return allocator.Config{Seed: allocatorSeed} }

// allocEnv is the DRF tour's allocator: the HierarchicalAllocatorProcess analogue
// on a paused clock, with its offers going nowhere but the cycle records, so the tour
// can show when the sorters are consulted.
type allocEnv struct {
	rt      *process.Runtime
	a       *allocator.Allocator
	lastSeq uint64

	// What a master would know, for the TUI's stand-in (tuidrf.go): the agents and
	// frameworks added, and the offers made (OfferCallback) and not yet recovered.
	agents     map[string]resources.Resources
	frameworks map[string][]string // framework → roles
	mu         sync.Mutex
	offers     []allocator.Offer
}

// allocatorCmd: allocator [interval=1s] — allocator.New on its own runtime.
func (s *Session) allocatorCmd(c *Command) (string, error) {
	if s.alloc != nil {
		return "", errors.New("allocator: already started")
	}
	interval, err := durationArg(c, "interval", time.Second)
	if err != nil {
		return "", err
	}
	observer, attach, err := s.observer("allocator", nil)
	if err != nil {
		return "", err
	}
	rt, err := process.New(process.Config{Workers: 2, Address: walkAddress, Logger: s.logger, Observer: observer,
		MetricsRateLimit: process.RateLimit{Permits: -1}})
	if err != nil {
		return "", fmt.Errorf("allocator: %w", err)
	}
	attach(rt)
	rt.Clock().Pause()
	e := &allocEnv{rt: rt, agents: map[string]resources.Resources{}, frameworks: map[string][]string{}}
	cfg := allocatorConfig()
	cfg.AllocationInterval = interval
	cfg.Logger = s.logger
	cfg.OfferCallback = e.offered
	a, err := allocator.New(rt, cfg)
	if err != nil {
		_ = rt.Stop(context.Background())
		return "", fmt.Errorf("allocator: %w", err)
	}
	rt.Settle()
	rt.Clock().Advance(worldOffset)
	rt.Settle()
	e.a = a
	s.alloc = e
	s.setClock(rt)
	return fmt.Sprintf("allocator %s: batch allocation every %s, the next at %s", a.Self(), interval, formatOffset(interval-worldOffset)), nil
}

func (s *Session) allocEnv(cmd string) (*allocEnv, error) {
	if s.alloc == nil {
		return nil, fmt.Errorf("%s: no allocator yet (run \"allocator\" first)", cmd)
	}
	return s.alloc, nil
}

// allocAgentCmd: alloc-agent ID RESOURCES (Allocator::addSlave).
func (s *Session) allocAgentCmd(c *Command) (string, error) {
	e, err := s.allocEnv("alloc-agent")
	if err != nil {
		return "", err
	}
	words := bareArgs(c)
	if len(words) != 2 {
		return "", errors.New("alloc-agent: want \"alloc-agent ID RESOURCES\"")
	}
	rs, err := resources.Parse(words[1], resources.DefaultRole)
	if err != nil {
		return "", fmt.Errorf("alloc-agent %s: %w", words[0], err)
	}
	e.a.AddAgent(words[0], rs, nil)
	e.agents[words[0]] = rs
	return e.after(s, "addSlave("+words[0]+")")
}

// allocFrameworkCmd: alloc-framework ID role=R (Allocator::addFramework).
func (s *Session) allocFrameworkCmd(c *Command) (string, error) {
	e, err := s.allocEnv("alloc-framework")
	if err != nil {
		return "", err
	}
	words := bareArgs(c)
	role, ok := stringArg(c, "role")
	if len(words) != 1 || !ok {
		return "", errors.New("alloc-framework: want \"alloc-framework ID role=ROLE\"")
	}
	e.a.AddFramework(allocator.FrameworkInfo{ID: words[0], Roles: strings.Split(role, ",")}, nil, true, nil)
	e.frameworks[words[0]] = strings.Split(role, ",")
	return e.after(s, "addFramework("+words[0]+")")
}

// allocRecoverCmd: alloc-recover FRAMEWORK AGENT RESOURCES [refuse=D]
// (Allocator::recoverResources).
func (s *Session) allocRecoverCmd(c *Command) (string, error) {
	e, err := s.allocEnv("alloc-recover")
	if err != nil {
		return "", err
	}
	words := bareArgs(c)
	if len(words) != 3 {
		return "", errors.New("alloc-recover: want \"alloc-recover FRAMEWORK AGENT RESOURCES [refuse=DURATION]\"")
	}
	rs, err := resources.Parse(words[2], resources.DefaultRole)
	if err != nil {
		return "", fmt.Errorf("alloc-recover: %w", err)
	}
	// What comes back carries the role it was allocated to, as in Mesos.
	cycles, err := e.a.Cycles(context.Background())
	if err != nil {
		return "", err
	}
	role := ""
	for _, cy := range cycles {
		for _, f := range cy.Frameworks {
			if f.FrameworkID == words[0] {
				role = f.Role
			}
		}
	}
	if role == "" {
		return "", fmt.Errorf("alloc-recover: framework %s was never offered anything", words[0])
	}
	rs.Allocate(role)
	var filters *allocator.Filters
	if v, ok := stringArg(c, "refuse"); ok {
		d, err := time.ParseDuration(v)
		if err != nil {
			return "", fmt.Errorf("alloc-recover: refuse=%q: want a duration", v)
		}
		filters = allocator.RefuseSeconds(d.Seconds())
	}
	e.a.RecoverResources(words[0], words[1], rs, filters)
	e.recovered(words[0], words[1], rs)
	return e.after(s, fmt.Sprintf("recoverResources(%s, %s)", words[0], words[1]))
}

// allocCyclesCmd: alloc-cycles — the allocation_runs counter.
func (s *Session) allocCyclesCmd(c *Command) (string, error) {
	e, err := s.allocEnv("alloc-cycles")
	if err != nil {
		return "", err
	}
	return e.runs(), nil
}

func (e *allocEnv) runs() string {
	snap := e.rt.Metrics().Snapshot(time.Second)
	return fmt.Sprintf("allocator/mesos/allocation_runs %g", snap["allocator/mesos/allocation_runs"])
}

// after settles and reports the cycles the call triggered, if any.
func (e *allocEnv) after(s *Session, what string) (string, error) {
	e.rt.Settle()
	lines := e.newCycles(s)
	if len(lines) == 0 {
		lines = []string{"no allocation cycle ran"}
	}
	return strings.Join(append([]string{what + " at " + s.clockText()}, lines...), "\n"), nil
}

// newCycles renders the cycles recorded since the last call (allocator.Describe).
func (e *allocEnv) newCycles(s *Session) []string {
	cycles, err := e.a.Cycles(context.Background())
	if err != nil {
		return []string{"error: " + err.Error()}
	}
	var out []string
	for _, cy := range cycles {
		if cy.Seq <= e.lastSeq {
			continue
		}
		e.lastSeq = cy.Seq
		out = append(out, strings.TrimRight(allocator.Describe(cy), "\n"))
	}
	return out
}

// newCyclesAll renders every recorded cycle without moving the report mark.
func (e *allocEnv) newCyclesAll() []string {
	cycles, err := e.a.Cycles(context.Background())
	if err != nil {
		return []string{"error: " + err.Error()}
	}
	out := make([]string, 0, len(cycles))
	for _, cy := range cycles {
		out = append(out, strings.TrimRight(allocator.Describe(cy), "\n"))
	}
	return out
}

// offered is the allocator's OfferCallback (on its goroutine): the offers join the
// outstanding ones, as in the master's books.
func (e *allocEnv) offered(_ string, offers []allocator.Offer) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, o := range offers {
		o.Resources = o.Resources.Clone()
		e.offers = append(e.offers, o)
	}
}

// recovered takes what came back off the framework's outstanding offers on the
// agent, as a decline of those offers does: an offer holding all of it gives it up,
// offers it covers go.
func (e *allocEnv) recovered(framework, agent string, rs resources.Resources) {
	e.mu.Lock()
	defer e.mu.Unlock()
	left := rs.Clone()
	kept := e.offers[:0]
	for _, o := range e.offers {
		if o.FrameworkID == framework && o.AgentID == agent && !left.IsEmpty() {
			switch {
			case o.Resources.Contains(left):
				o.Resources = o.Resources.Minus(left)
				left = resources.Resources{}
			case left.Contains(o.Resources):
				left = left.Minus(o.Resources)
				o.Resources = resources.Resources{}
			}
		}
		if !o.Resources.IsEmpty() {
			kept = append(kept, o)
		}
	}
	clear(e.offers[len(kept):])
	e.offers = kept
}

// outstanding returns a copy of the outstanding offers.
func (e *allocEnv) outstanding() []allocator.Offer {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Clone(e.offers)
}
