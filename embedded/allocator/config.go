package allocator

import (
	"fmt"
	"github.com/mesoscope/mesoscope/embedded/process"
	"log/slog"
	"strings"
	"time"

	"github.com/mesoscope/mesoscope/embedded/resources"
)

// Defaults from src/master/constants.hpp and src/master/flags.cpp.
const (
	// DefaultAllocationInterval is DEFAULT_ALLOCATION_INTERVAL, the
	// --allocation_interval default.
	DefaultAllocationInterval = time.Second
	// DefaultRefuseSeconds is Filters.refuse_seconds's default
	// (include/mesos/mesos.proto), used when a decline gives none or an
	// invalid one.
	DefaultRefuseSeconds = 5.0
	// MaxRefuse caps refuse_seconds (Days(365) in recoverResources).
	MaxRefuse = 365 * 24 * time.Hour
	// DefaultMinAllocatableResources is the --min_allocatable_resources
	// default built from MIN_CPUS and MIN_MEM.
	DefaultMinAllocatableResources = "cpus:0.01|mem:32"
	// DefaultHistory is how many cycle explanations are kept.
	DefaultHistory = 32
)

// Config configures an allocator core and the process around it. The
// zero value is usable and means Mesos's defaults.
type Config struct {
	// Authenticate, when set, guards /mesoscope/v1/allocator: it returns nil to let
	// a request through, or the response to give (the master passes its read-only
	// realm's authentication).
	Authenticate func(*process.Request) *process.Response

	// AllocationInterval is --allocation_interval: the period of the batch
	// allocation loop and the shortest life of an offer filter. Zero means
	// DefaultAllocationInterval.
	AllocationInterval time.Duration

	// MinAllocatableResources is --min_allocatable_resources as parsed by
	// ParseMinAllocatable: an offer must contain at least one of the
	// quantity sets. Nil means DefaultMinAllocatableResources; an empty,
	// non-nil slice disables the check.
	MinAllocatableResources []resources.Quantities

	// FairSharingExcludedResourceNames is
	// --fair_sharing_excluded_resource_names (for example "gpus").
	FairSharingExcludedResourceNames []string

	// FilterGPUResources is --filter_gpu_resources: offer agents with GPUs
	// only to GPU_RESOURCES frameworks. Nil means true, the Mesos default.
	FilterGPUResources *bool

	// Seed seeds the agent shuffle (Mesos's std::random_shuffle), so a run
	// is reproducible.
	Seed uint64

	// History is the number of cycle explanations kept. Zero means
	// DefaultHistory.
	History int

	// OfferCallback receives the offers of each cycle, one call per
	// framework with offers, in framework ID order (Mesos's offerCallback,
	// i.e. Master::offer). It is called on the allocator's goroutine, must
	// not block and must not call back into the allocator synchronously
	// (dispatch instead). It may keep the offers but must treat their
	// Resources as read-only (Clone before changing them): they share
	// storage with the allocator's own records. Only the process uses it.
	OfferCallback func(frameworkID string, offers []Offer)

	// Logger receives the allocator's logs; nil discards them. Only the
	// process uses it.
	Logger *slog.Logger
}

func (c Config) interval() time.Duration {
	if c.AllocationInterval <= 0 {
		return DefaultAllocationInterval
	}
	return c.AllocationInterval
}

func (c Config) filterGPUs() bool { return c.FilterGPUResources == nil || *c.FilterGPUResources }

func (c Config) history() int {
	if c.History <= 0 {
		return DefaultHistory
	}
	return c.History
}

func (c Config) minAllocatable() []resources.Quantities {
	if c.MinAllocatableResources == nil {
		q, _ := ParseMinAllocatable(DefaultMinAllocatableResources)
		return q
	}
	return c.MinAllocatableResources
}

// ParseMinAllocatable parses a --min_allocatable_resources value: quantity
// sets separated by "|", each a ";"-separated list of name:value scalars
// ("cpus:0.01|mem:32"), as src/master/master.cpp's flag validation does.
// Every set must be non-empty, every name non-empty and every value a
// positive scalar.
func ParseMinAllocatable(text string) ([]resources.Quantities, error) {
	var out []resources.Quantities
	for part := range strings.SplitSeq(text, "|") {
		q, err := resources.ParseQuantities(strings.TrimSpace(part))
		if err != nil {
			return nil, fmt.Errorf("allocator: parse min_allocatable_resources %q: %w", text, err)
		}
		if q.IsEmpty() {
			return nil, fmt.Errorf("allocator: parse min_allocatable_resources %q: empty quantity set %q", text, part)
		}
		for name := range q.All() {
			if strings.TrimSpace(name) == "" || strings.ContainsAny(name, ";:|") {
				return nil, fmt.Errorf("allocator: parse min_allocatable_resources %q: bad resource name %q", text, name)
			}
		}
		out = append(out, q)
	}
	return out, nil
}
