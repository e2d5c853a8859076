package marathon

import (
	"cmp"
	"maps"
	"slices"
	"time"
)

// ActionKind is a deployment action (core/deployment/DeploymentPlan.scala).
type ActionKind string

// Deployment actions.
const (
	StartApplication   ActionKind = "StartApplication"
	ScaleApplication   ActionKind = "ScaleApplication"
	RestartApplication ActionKind = "RestartApplication"
	StopApplication    ActionKind = "StopApplication"
)

// deployment moves one app from Original to Target, one step at a time
// (DeploymentPlan with one run spec; each step has one action).
type deployment struct {
	ID      string
	Version time.Time
	AppID   string
	Steps   []ActionKind
	// Current is the index of the step in progress; Started tells whether
	// its action has begun.
	Current int
	Started bool
	// Original is the app before (nil for a new app), for rollbacks.
	Original *App
	// ScaleTo and Sentenced parametrize ScaleApplication; Killed are the
	// instances it decommissioned.
	ScaleTo   int
	Sentenced []string
	Killed    []string
	// Replace is RestartApplication's state (TaskReplaceActor).
	Replace *replaceState
}

// replaceState is TaskReplaceActor.State.
type replaceState struct {
	MaxCapacity int
	ToKill      []string        // old instances, in kill order
	OldActive   map[string]bool // old instances with goal Running
	Started     int             // new instances scheduled or running
	HealthySeen map[string]bool // new instances whose health was counted
}

// currentAction returns the action in progress ("" when done).
func (d *deployment) currentAction() ActionKind {
	if d.Current >= len(d.Steps) {
		return ""
	}
	return d.Steps[d.Current]
}

// deploymentFor returns the deployment holding app (nil if none).
func (c *core) deploymentFor(appID string) *deployment {
	for _, d := range c.deployments {
		if d.AppID == appID {
			return d
		}
	}
	return nil
}

// newDeployment registers a deployment of steps for app; a running one
// for the same app is replaced when force is set, else the change is a
// conflict.
func (c *core) newDeployment(now time.Time, appID string, original *App, force bool, steps ...ActionKind) (*deployment, error) {
	if err := c.lockFree(appID, force); err != nil {
		return nil, err
	}
	d := &deployment{ID: c.uuid(), Version: now, AppID: appID, Steps: steps, Original: original}
	c.deployments = append(c.deployments, d)
	c.dirty = true
	return d, nil
}

// lockFree checks (and with force, cancels) a deployment of appID.
func (c *core) lockFree(appID string, force bool) error {
	old := c.deploymentFor(appID)
	if old == nil {
		return nil
	}
	if !force {
		return &ConflictError{App: appID, Deployments: []string{old.ID}}
	}
	c.removeDeployment(old)
	return nil
}

func (c *core) removeDeployment(d *deployment) {
	c.deployments = slices.DeleteFunc(c.deployments, func(x *deployment) bool { return x == d })
	c.dirty = true
}

// advanceDeployments starts and finishes actions until every deployment
// waits for something.
func (c *core) advanceDeployments(now time.Time) {
	touched := c.touched
	c.touched = map[string]bool{}
	for _, d := range slices.Clone(c.deployments) {
		if d.Started && !touched[d.AppID] {
			continue // nothing of its app changed
		}
		for {
			kind := d.currentAction()
			if kind == "" {
				c.finishDeployment(d)
				break
			}
			if !d.Started {
				c.startAction(now, d)
				d.Started = true
				c.dirty = true
			}
			if !c.actionDone(now, d) {
				break
			}
			d.Current++
			d.Started = false
			c.dirty = true
		}
	}
}

// finishDeployment removes a finished deployment; a stopped app goes away.
func (c *core) finishDeployment(d *deployment) {
	c.removeDeployment(d)
	if slices.Contains(d.Steps, StopApplication) && c.deleted[d.AppID] {
		c.forgetApp(d.AppID)
	}
}

// forgetApp removes an app whose instances are gone.
func (c *core) forgetApp(id string) {
	for _, i := range c.appInstances(id) {
		c.removeInstance(i)
	}
	if app := c.apps[id]; app != nil {
		c.limiter.ResetDelay(app)
	}
	delete(c.apps, id)
	delete(c.deleted, id)
	delete(c.stats, id)
	delete(c.failures, id)
	delete(c.delayed, id)
	for p, a := range c.ports {
		if a == id {
			delete(c.ports, p)
		}
	}
	c.dirty = true
}

// startAction begins the current action of d.
func (c *core) startAction(now time.Time, d *deployment) {
	app := c.apps[d.AppID]
	if app == nil {
		return
	}
	switch d.currentAction() {
	case ScaleApplication:
		kill, start := ProposeScaling(app, c.appInstances(app.ID), d.Sentenced, d.ScaleTo)
		for _, i := range kill {
			d.Killed = append(d.Killed, i.ID)
			c.decommission(now, i)
		}
		for range max(0, start) {
			c.addInstance(now, app)
		}
	case RestartApplication:
		c.startRestart(now, d, app)
	case StopApplication:
		for _, i := range c.appInstances(app.ID) {
			c.decommission(now, i)
		}
		c.limiter.ResetDelay(app)
	}
}

// actionDone reports whether the current action of d has finished.
func (c *core) actionDone(now time.Time, d *deployment) bool {
	app := c.apps[d.AppID]
	if app == nil {
		return true
	}
	switch d.currentAction() {
	case StartApplication:
		return true
	case ScaleApplication:
		for _, id := range d.Killed {
			if c.instances[id] != nil {
				return false
			}
		}
		return c.readyCount(app, false) >= d.ScaleTo
	case RestartApplication:
		return c.progressRestart(now, d, app)
	case StopApplication:
		return len(c.byApp[app.ID]) == 0
	}
	return true
}

// readyCount counts app's instances with goal Running that are ready;
// currentOnly restricts it to the current configuration.
func (c *core) readyCount(app *App, currentOnly bool) int {
	n := 0
	for _, i := range c.byApp[app.ID] {
		if i.Goal != GoalRunning || !i.ready(app) {
			continue
		}
		if currentOnly && !i.Config.Equal(app.VersionInfo.LastConfigChangeAt) {
			continue
		}
		n++
	}
	return n
}

// startRestart is TaskReplaceActor's start: compute the strategy, kill
// what may be killed at once, schedule what fits, reset the backoff.
func (c *core) startRestart(now time.Time, d *deployment, app *App) {
	all := c.appInstances(app.ID)
	healthy := 0
	var old []*Instance
	started := 0
	for _, i := range all {
		if i.Goal == GoalRunning && i.active() && i.consideredHealthy() {
			healthy++
		}
		if i.Config.Equal(app.VersionInfo.LastConfigChangeAt) {
			started++
		} else if i.Goal == GoalRunning {
			old = append(old, i)
		}
	}
	s := ComputeRestartStrategy(app.Instances, app.UpgradeStrategy, healthy, len(all))
	// Unhealthy instances are killed first, then in id order.
	slices.SortStableFunc(old, func(a, b *Instance) int {
		ah, bh := a.consideredHealthy() && a.active(), b.consideredHealthy() && b.active()
		if ah != bh {
			if !ah {
				return -1
			}
			return 1
		}
		return cmp.Compare(a.ID, b.ID)
	})
	r := &replaceState{MaxCapacity: s.MaxCapacity, OldActive: map[string]bool{}, HealthySeen: map[string]bool{}, Started: started}
	for _, i := range old {
		r.ToKill = append(r.ToKill, i.ID)
		r.OldActive[i.ID] = true
	}
	for _, i := range all {
		if i.Config.Equal(app.VersionInfo.LastConfigChangeAt) && i.ready(app) {
			r.HealthySeen[i.ID] = true // reconcileAlreadyStartedInstances
		}
	}
	d.Replace = r
	for range s.KillImmediately {
		c.killNextOld(now, r)
	}
	c.launchNew(now, r, app)
	c.limiter.ResetDelay(app)
}

// killNextOld decommissions the next old instance.
func (c *core) killNextOld(now time.Time, r *replaceState) {
	for len(r.ToKill) > 0 {
		id := r.ToKill[0]
		r.ToKill = r.ToKill[1:]
		if i := c.instances[id]; i != nil && i.Goal == GoalRunning {
			c.decommission(now, i)
			return
		}
	}
}

// launchNew schedules as many new instances as the capacity allows
// (TaskReplaceActor.launchInstances).
func (c *core) launchNew(now time.Time, r *replaceState, app *App) {
	left := max(0, r.MaxCapacity-len(r.OldActive)-r.Started)
	notYet := max(0, app.Instances-r.Started)
	n := min(notYet, left)
	for range n {
		c.addInstance(now, app)
	}
	r.Started += n
}

// progressRestart reacts to what happened since the last call: each new
// instance that became ready lets one old instance go; each old instance
// gone makes room for a new one. It reports whether the restart is done.
func (c *core) progressRestart(now time.Time, d *deployment, app *App) bool {
	r := d.Replace
	if r == nil {
		return true
	}
	for _, i := range c.appInstances(app.ID) {
		if i.Goal == GoalRunning && i.Config.Equal(app.VersionInfo.LastConfigChangeAt) && i.ready(app) && !r.HealthySeen[i.ID] {
			r.HealthySeen[i.ID] = true
			c.killNextOld(now, r)
		}
	}
	gone := false
	for _, id := range slices.Sorted(maps.Keys(r.OldActive)) {
		if i := c.instances[id]; i == nil {
			delete(r.OldActive, id)
			gone = true
		}
	}
	if gone {
		c.launchNew(now, r, app)
	}
	return len(r.OldActive) == 0 && c.readyCount(app, true) >= app.Instances
}
