package walkthroughs

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/mesoscope/mesoscope/embedded/process"
	"github.com/mesoscope/mesoscope/inspector"
)

// TUISource is where the TUI beside a tour (`mesoscope walk --tui`) reads the tour's
// world: an inspector client over the world's master endpoints, and the Marathon URL
// when the tour runs the Marathon-like scheduler. Key names the source: when it
// changes, the TUI is started again.
type TUISource struct {
	Key      string
	Client   *inspector.Client
	Marathon string
	// Now is the clock the client reads times with, for the TUI's "read 2s ago";
	// nil means time.Now.
	Now func() time.Time
}

// TUISource returns what the TUI can read of the world built so far: the master of
// the offers and Goodbye Waiting tours, over HTTP as any master; for the worlds
// without a master, a stand-in (standIn) rendered from the world now: the libprocess
// tour's runtime (a master with nothing in it, the runtime's own endpoints), the DRF
// tour's allocator (allocStandIn) or, before it, its sorter (drfStandIn), the
// containerizer tour's containerizer (contStandIn). ok is false for an empty world.
//
// It must be called on the session's goroutine (after each step): the stand-in's
// answers are taken from the world here, and served from that copy until the next
// call.
func (s *Session) TUISource() (TUISource, bool, error) {
	if s.offers != nil {
		c, err := inspector.New(inspector.Config{Master: s.offers.base, Logger: s.logger, PinMaster: true})
		if err != nil {
			return TUISource{}, false, fmt.Errorf("tui source: %w", err)
		}
		src := TUISource{Key: s.offers.base, Client: c}
		if s.mara != nil {
			src.Marathon = s.mara.url
			src.Key += " " + s.mara.url
		}
		return src, true, nil
	}
	var (
		key    string
		rt     *process.Runtime
		alias  map[string]string
		bodies map[string][]byte
		world  time.Time
		err    error
	)
	switch {
	case s.lib != nil:
		key, rt = "libprocess", s.lib.rt
		world = rt.Clock().Now()
		bodies = masterBodies(standInMaster(world, world))
	case s.alloc != nil:
		key, rt = "drf allocator", s.alloc.rt
		alias = map[string]string{inspector.MesoscopeAllocator: "/" + s.alloc.a.Self().ID + inspector.MesoscopeAllocator}
		world = rt.Clock().Now()
		bodies = allocStandIn(s, s.alloc)
	case s.drf != nil:
		key, world = "drf sorter", walkEpoch
		bodies, err = drfStandIn(s, s.drf)
	case s.cont != nil:
		key, world = "containerizer", s.cont.clock.Now()
		bodies, err = contStandIn(s, s.cont)
	default:
		return TUISource{}, false, nil
	}
	if err != nil {
		return TUISource{}, false, fmt.Errorf("tui source: %w", err)
	}
	if s.standIn == nil || s.standIn.key != key {
		s.standIn = newStandIn(key, rt, alias)
	}
	s.standIn.set(bodies, world)
	c, err := inspector.New(inspector.Config{
		Master:     "http://" + walkAddress.String(),
		HTTPClient: &http.Client{Transport: s.standIn},
		Logger:     s.logger,
		Now:        s.standIn.now,
	})
	if err != nil {
		return TUISource{}, false, fmt.Errorf("tui source: %w", err)
	}
	return TUISource{Key: key, Client: c, Now: s.standIn.now}, true, nil
}

// TextView renders a view as text: the DRF sorter's tree, or the allocator's last
// cycle, for "drf"; the containerizer's containers and fetcher for "containers". It
// returns "" for a view it has no text for. (The terminal walk, and WalkTUI for a
// world TUISource cannot read.)
func (s *Session) TextView(view string) (string, error) {
	name, _, _ := strings.Cut(view, " ")
	var parts []string
	switch name {
	case "drf":
		if s.alloc != nil {
			cycles := s.alloc.newCyclesAll()
			parts = append(parts, "allocator: "+s.alloc.runs())
			if len(cycles) > 0 {
				parts = append(parts, "last allocation cycle:", cycles[len(cycles)-1])
			}
		}
		if s.drf != nil {
			tree, err := s.treeCmd(&Command{Name: "tree"})
			if err != nil {
				return "", err
			}
			parts = append(parts, "DRF sorter:", tree)
		}
	case "containers", "ct":
		if s.cont != nil {
			list, err := s.containersCmd(&Command{Name: "containers"})
			if err != nil {
				return "", err
			}
			fetch, err := s.fetcherCmd(&Command{Name: "fetcher"})
			if err != nil {
				return "", err
			}
			parts = append(parts, "containers (Mesos.Snapshot):", list, "", "fetcher:", fetch)
		}
	}
	return s.normalize(strings.Join(parts, "\n")), nil
}
