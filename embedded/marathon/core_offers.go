package marathon

import (
	"cmp"
	"maps"
	"slices"
	"time"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// offers handles an OFFERS event: each offer is matched against the apps
// that want offers of its role (OfferMatcherManager: apps in random order,
// one instance per match, until no app matches or
// --max_instances_per_offer instances are launched); offers that launch
// nothing are declined with --decline_offer_duration.
func (c *core) offers(now time.Time, offers []mesos.Offer) {
	var decline []mesos.OfferID
	for i := range offers {
		o := &offers[i]
		c.offersProcessed++
		tasks := c.matchOffer(now, o)
		if len(tasks) == 0 {
			decline = append(decline, o.ID)
			continue
		}
		c.tasksLaunched += len(tasks)
		c.launched = true
		c.emit(LaunchAction{OfferID: o.ID, Tasks: tasks})
	}
	if len(decline) > 0 {
		c.offersDeclined += len(decline)
		c.emit(DeclineAction{OfferIDs: decline, RefuseSeconds: c.cfg.DeclineOfferDuration.Seconds()})
	}
	c.settle(now)
}

// offerRole returns the role an offer is allocated to.
func (c *core) offerRole(o *mesos.Offer) string {
	if o.AllocationInfo != nil && o.AllocationInfo.Role != "" {
		return o.AllocationInfo.Role
	}
	for r := range o.Resources.Resources.All() {
		if role := r.AllocationRole(); role != "" {
			return role
		}
	}
	return c.cfg.Role
}

// matchOffer launches what fits in one offer and records every app's
// match or no-match in its statistics.
func (c *core) matchOffer(now time.Time, o *mesos.Offer) []mesos.TaskInfo {
	role := c.offerRole(o)
	var queue []*App
	for _, id := range slices.Sorted(maps.Keys(c.apps)) {
		app := c.apps[id]
		if c.deleted[id] || c.roleOf(app) != role || !c.limiter.LaunchAllowed(app, now) || c.nextScheduled(app) == nil {
			continue
		}
		queue = append(queue, app)
	}
	c.rng.Shuffle(len(queue), func(i, j int) { queue[i], queue[j] = queue[j], queue[i] })
	avail := o.Resources.Resources.Clone()
	mcfg := MatchConfig{GPUSchedulingRestricted: !c.cfg.GPUSchedulingUnrestricted, MaintenanceMode: c.cfg.MaintenanceMode, Now: now, Rand: c.rng}
	var tasks []mesos.TaskInfo
	// What the unmatched apps record of the offer: one copy per state of
	// avail, shared.
	var snapshot *resources.Resources
	for len(queue) > 0 && len(tasks) < c.cfg.MaxInstancesPerOffer {
		app := queue[0]
		queue = queue[1:]
		inst := c.nextScheduled(app)
		if inst == nil {
			continue
		}
		st := c.stats[app.ID]
		if st == nil {
			st = newOfferStats()
			c.stats[app.ID] = st
		}
		m := Match(app, o, avail, c.placed(app), mcfg)
		if !m.Matched {
			if snapshot == nil {
				cp := avail.Clone()
				snapshot = &cp
			}
			st.unmatched(now, o, *snapshot, m.Reasons)
			continue
		}
		st.matched(now)
		avail.Subtract(m.Resources)
		snapshot = nil
		tasks = append(tasks, c.launch(now, app, inst, o, m))
		if c.nextScheduled(app) != nil {
			queue = append(queue, app)
		}
	}
	return tasks
}

// nextScheduled returns the instance of app to launch next: the one
// scheduled first, or nil.
func (c *core) nextScheduled(app *App) *Instance {
	q := c.schedQ[app.ID]
	for len(q) > 0 {
		e := q[0]
		if e.inst.Cond == Scheduled && e.inst.schedSeq == e.seq && c.instances[e.inst.ID] == e.inst && e.inst.Goal == GoalRunning {
			c.schedQ[app.ID] = q
			return e.inst
		}
		q[0] = schedEntry{}
		q = q[1:]
	}
	delete(c.schedQ, app.ID)
	return nil
}

// placed returns the sites of app's instances that constraints count:
// launched, not lost, of the current configuration or newer
// (ResourceMatcher.meetsAllConstraints). Without constraints none are
// needed.
func (c *core) placed(app *App) []*Site {
	if len(app.Constraints) == 0 {
		return nil
	}
	if p, ok := c.placedCache[app.ID]; ok {
		return p
	}
	out := []*Site{}
	for _, i := range c.byApp[app.ID] {
		if i.Task == nil || i.Cond == Scheduled || i.Goal != GoalRunning {
			continue
		}
		if i.Config.Before(app.VersionInfo.LastConfigChangeAt) {
			continue
		}
		out = append(out, &i.Task.Site)
	}
	slices.SortFunc(out, func(a, b *Site) int { return cmp.Compare(a.Hostname, b.Hostname) })
	c.placedCache[app.ID] = out
	return out
}

// launch turns a match into a task of inst.
func (c *core) launch(now time.Time, app *App, inst *Instance, o *mesos.Offer, m MatchResult) mesos.TaskInfo {
	taskID := TaskIDPrefix(app.ID) + c.uuid()
	site := siteOf(o)
	site.Attributes = slices.Clone(site.Attributes)
	inst.Version, inst.Config = app.Version, app.VersionInfo.LastConfigChangeAt
	inst.Task = &Task{
		ID: taskID, AgentID: o.AgentID.Value, Site: site, HostPorts: m.HostPorts,
		ServicePorts: servicePorts(app), State: mesos.TaskStaging, StagedAt: now,
	}
	c.byTask[taskID] = inst
	c.setCond(inst, Provisioned, now)
	t := taskInfo(app, taskID, o, m.Resources, m.HostPorts)
	c.launchFinishedIfDone(app.ID)
	return t
}

// servicePorts are the app's service ports (its port definitions' ports).
func servicePorts(app *App) []int {
	out := make([]int, 0, len(app.PortDefinitions))
	for _, p := range app.PortDefinitions {
		out = append(out, p.Port)
	}
	return out
}

// launchFailed handles an ACCEPT the master refused: its instances wait
// for another offer.
func (c *core) launchFailed(now time.Time, taskIDs []string) {
	for _, id := range taskIDs {
		i := c.byTask[id]
		if i == nil || i.Cond != Provisioned {
			continue
		}
		delete(c.byTask, id)
		i.Task = nil
		if i.Goal != GoalRunning {
			c.removeInstance(i)
			continue
		}
		c.setCond(i, Scheduled, now)
		c.rev.bump(i.Role)
	}
	c.dirty = true
	c.settle(now)
}
