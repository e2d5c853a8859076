package marathon

import (
	"math/rand/v2"
	"slices"
	"time"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// MatchConfig is what offer matching needs besides the app and the offer.
type MatchConfig struct {
	// GPUSchedulingRestricted keeps apps without GPUs off agents with GPUs
	// (--gpu_scheduling_behavior=restricted, Marathon's default):
	// DeclinedScarceResources.
	GPUSchedulingRestricted bool
	// MaintenanceMode declines offers of agents in a maintenance window
	// (--maintenance_mode): UnfulfilledConstraint and AgentMaintenance.
	MaintenanceMode bool
	// Now is the time of the match (maintenance windows).
	Now time.Time
	// Rand picks dynamic host ports; nil takes the lowest free ones.
	Rand *rand.Rand
}

// MatchResult is the outcome of matching one instance of an app against
// (what is left of) an offer.
type MatchResult struct {
	// Matched is true when the instance fits; Resources are then what it
	// consumes (with the offer's reservations and allocation info) and
	// HostPorts its host ports, in port definition order.
	Matched   bool
	Resources resources.Resources
	HostPorts []uint64
	// Reasons are every reason the offer did not match, in the order
	// ResourceMatcher finds them.
	Reasons []Reason
}

// Match decides whether one instance of app fits in avail, the unused
// part of offer, given the sites of the app's current instances, as
// Marathon's ResourceMatcher.matchResources does: resources are selected
// by role (acceptedResourceRoles), scalars are checked (cpus, mem, gpus,
// disk), then the role, constraints, maintenance and GPU scarcity; host
// ports are matched only when everything else fits.
func Match(app *App, offer *mesos.Offer, avail resources.Resources, placed []*Site, cfg MatchConfig) MatchResult {
	accepted := app.acceptedRoles()
	selected := func(r *resources.Resource) bool {
		if r.Disk != nil && (r.Disk.Persistence != nil || r.Disk.Volume != nil) {
			return false // volumes are matched by the volume matcher, or not at all
		}
		return slices.Contains(accepted, r.ReservationRole())
	}
	var res MatchResult
	var consumed []resources.Resource
	for _, s := range []struct {
		name   string
		need   float64
		reason Reason
	}{{"cpus", app.CPUs, InsufficientCpus}, {"mem", app.Mem, InsufficientMemory}, {"gpus", float64(app.GPUs), InsufficientGpus}, {"disk", app.Disk, InsufficientDisk}} {
		if resources.ScalarEqual(s.need, 0) {
			continue
		}
		got, ok := consumeScalar(avail, s.name, s.need, selected)
		if !ok {
			res.Reasons = append(res.Reasons, s.reason)
			continue
		}
		consumed = append(consumed, got...)
	}
	anySelected := false
	for r := range avail.All() {
		if selected(&r) {
			anySelected = true
			break
		}
	}
	if !anySelected {
		res.Reasons = append(res.Reasons, UnfulfilledRole)
	}
	site := siteOf(offer)
	for i := range app.Constraints {
		if !app.Constraints[i].Meets(&site, placed, app.Instances) {
			res.Reasons = append(res.Reasons, UnfulfilledConstraint)
			break
		}
	}
	if cfg.MaintenanceMode && inMaintenance(offer, cfg.Now) {
		res.Reasons = append(res.Reasons, UnfulfilledConstraint, AgentMaintenance)
	}
	if cfg.GPUSchedulingRestricted && app.GPUs == 0 {
		if gpus := avail.Named("gpus"); !gpus.IsEmpty() {
			total := 0.0
			for r := range gpus.All() {
				total = resources.ScalarAdd(total, r.Scalar)
			}
			if total > 0 {
				res.Reasons = append(res.Reasons, DeclinedScarceResources)
			}
		}
	}
	if len(res.Reasons) > 0 {
		return res
	}
	ports, hostPorts, ok := matchPorts(app, avail, selected, cfg.Rand)
	if !ok {
		res.Reasons = append(res.Reasons, InsufficientPorts)
		return res
	}
	consumed = append(consumed, ports...)
	rs, err := resources.New(consumed...)
	if err != nil {
		// Consumed resources are copies of offered ones with smaller values:
		// valid by construction. Report it rather than launch garbage.
		res.Reasons = append(res.Reasons, UnfulfilledRole)
		return res
	}
	res.Matched, res.Resources, res.HostPorts = true, rs, hostPorts
	return res
}

// consumeScalar takes need of the named scalar from the selected
// resources, in offer order (ResourceMatcher.consumeResources); disk is
// taken from root disks only.
func consumeScalar(avail resources.Resources, name string, need float64, selected func(*resources.Resource) bool) ([]resources.Resource, bool) {
	left := need
	var out []resources.Resource
	for r := range avail.All() {
		if r.Name != name || r.Type != resources.TypeScalar || !selected(&r) {
			continue
		}
		if name == "disk" && r.Disk != nil && r.Disk.Source != nil {
			continue
		}
		take := min(left, r.Scalar)
		if resources.ScalarLessEqual(take, 0) {
			continue
		}
		c := r.Clone()
		c.Scalar = resources.RoundScalar(take)
		out = append(out, c)
		left = resources.ScalarSub(left, take)
		if resources.ScalarLessEqual(left, 0) {
			return out, true
		}
	}
	return nil, false
}

// inMaintenance reports whether the offer's agent is in (or about to
// enter) a maintenance window at now (Availability.offerAvailable with no
// draining time).
func inMaintenance(o *mesos.Offer, now time.Time) bool {
	u := o.Unavailability
	if u == nil {
		return false
	}
	start := time.Unix(0, u.Start.Nanoseconds)
	if now.Before(start) {
		return false
	}
	if u.Duration == nil {
		return true
	}
	return now.Before(start.Add(time.Duration(u.Duration.Nanoseconds)))
}

// matchPorts finds the app's host ports in the selected port ranges
// (PortsMatcher): with requirePorts the defined ports themselves, else
// as many ports as definitions, picked at random.
func matchPorts(app *App, avail resources.Resources, selected func(*resources.Resource) bool, rng *rand.Rand) ([]resources.Resource, []uint64, bool) {
	if len(app.PortDefinitions) == 0 {
		return nil, nil, true
	}
	var pools []resources.Resource
	for r := range avail.All() {
		if r.Name == "ports" && r.Type == resources.TypeRanges && selected(&r) {
			pools = append(pools, r)
		}
	}
	chosen := make([][]uint64, len(pools)) // per pool
	hostPorts := make([]uint64, 0, len(app.PortDefinitions))
	if app.RequirePorts {
		for _, d := range app.PortDefinitions {
			p := uint64(d.Port)
			found := false
			for i, pool := range pools {
				if inRanges(pool.Ranges, p) && !slices.Contains(chosen[i], p) {
					chosen[i] = append(chosen[i], p)
					found = true
					break
				}
			}
			if !found {
				return nil, nil, false
			}
			hostPorts = append(hostPorts, p)
		}
	} else {
		var total uint64
		for _, pool := range pools {
			for _, rg := range pool.Ranges {
				total += rg.End - rg.Begin + 1
			}
		}
		n := uint64(len(app.PortDefinitions))
		if total < n {
			return nil, nil, false
		}
		picked := map[uint64]bool{}
		for uint64(len(picked)) < n {
			var idx uint64
			if rng != nil {
				idx = rng.Uint64N(total)
			} else {
				idx = uint64(len(picked))
			}
			if picked[idx] {
				continue
			}
			picked[idx] = true
			i, p := portAt(pools, idx)
			chosen[i] = append(chosen[i], p)
			hostPorts = append(hostPorts, p)
		}
	}
	var out []resources.Resource
	for i, ports := range chosen {
		if len(ports) == 0 {
			continue
		}
		rgs := make([]resources.Range, len(ports))
		for j, p := range ports {
			rgs[j] = resources.Range{Begin: p, End: p}
		}
		c := pools[i].Clone()
		c.Ranges = resources.CoalesceRanges(rgs)
		out = append(out, c)
	}
	return out, hostPorts, true
}

func inRanges(rs []resources.Range, p uint64) bool {
	for _, r := range rs {
		if r.Begin <= p && p <= r.End {
			return true
		}
	}
	return false
}

// portAt returns the idx-th port over the pools' ranges and its pool.
func portAt(pools []resources.Resource, idx uint64) (int, uint64) {
	for i, pool := range pools {
		for _, rg := range pool.Ranges {
			size := rg.End - rg.Begin + 1
			if idx < size {
				return i, rg.Begin + idx
			}
			idx -= size
		}
	}
	return 0, 0
}
