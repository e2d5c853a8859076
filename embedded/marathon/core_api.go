package marathon

import (
	"fmt"
	"slices"
	"time"
)

// checkRole refuses apps whose role the framework is not subscribed with.
func (c *core) checkRole(app *App) error {
	role := c.roleOf(app)
	if !slices.Contains(c.cfg.Roles, role) {
		v := violations{}
		v.add("/role", "role %q is not one of the framework's roles %v (--mesos_role)", role, c.cfg.Roles)
		return v.err()
	}
	return nil
}

// createApp stores a new app and deploys it (POST /v2/apps): steps
// StartApplication, then ScaleApplication to its instances.
func (c *core) createApp(now time.Time, app *App) (*deployment, error) {
	if c.apps[app.ID] != nil || c.deleted[app.ID] {
		return nil, fmt.Errorf("%w: an app with id [%s] already exists", ErrAppExists, app.ID)
	}
	if err := c.checkRole(app); err != nil {
		return nil, err
	}
	if d := c.deploymentFor(app.ID); d != nil {
		return nil, &ConflictError{App: app.ID, Deployments: []string{d.ID}}
	}
	app = app.Clone()
	app.Role = c.roleOf(app)
	app.Version = now
	app.VersionInfo = VersionInfo{LastScalingAt: now, LastConfigChangeAt: now}
	c.assignServicePorts(app, nil)
	d, err := c.newDeployment(now, app.ID, nil, false, StartApplication, ScaleApplication)
	if err != nil {
		return nil, err
	}
	d.ScaleTo = app.Instances
	c.apps[app.ID] = app
	c.touch(app.ID)
	c.settle(now)
	return d, nil
}

// updateApp replaces an app's definition (PUT /v2/apps/{id}): a change of
// the instance count only is a ScaleApplication, anything else a
// RestartApplication (or a ScaleApplication to 0); an unknown id is
// created. It reports whether the app was created.
func (c *core) updateApp(now time.Time, next *App, force bool) (d *deployment, created bool, err error) {
	old := c.apps[next.ID]
	if old == nil || c.deleted[next.ID] {
		d, err := c.createApp(now, next)
		return d, true, err
	}
	if err := c.checkRole(next); err != nil {
		return nil, false, err
	}
	if err := c.lockFree(next.ID, force); err != nil {
		return nil, false, err
	}
	next = next.Clone()
	next.Role = c.roleOf(next)
	next.Version = now
	c.assignServicePorts(next, old)
	upgrade := isUpgrade(old, next)
	var steps []ActionKind
	switch {
	case upgrade:
		next.VersionInfo = VersionInfo{LastScalingAt: now, LastConfigChangeAt: now}
		if next.Instances == 0 {
			steps = []ActionKind{ScaleApplication}
		} else {
			steps = []ActionKind{RestartApplication}
		}
	case next.Instances != old.Instances:
		next.VersionInfo = VersionInfo{LastScalingAt: now, LastConfigChangeAt: old.VersionInfo.LastConfigChangeAt}
		steps = []ActionKind{ScaleApplication}
	default:
		next.VersionInfo = VersionInfo{LastScalingAt: now, LastConfigChangeAt: old.VersionInfo.LastConfigChangeAt}
	}
	d, err = c.newDeployment(now, next.ID, old, force, steps...)
	if err != nil {
		return nil, false, err
	}
	d.ScaleTo = next.Instances
	if upgrade {
		c.limiter.ResetDelay(old)
	}
	c.apps[next.ID] = next
	c.touch(next.ID)
	c.settle(now)
	return d, false, nil
}

// scaleApp sets an app's instance count, killing the sentenced instances
// first (DELETE .../tasks?scale=true).
func (c *core) scaleApp(now time.Time, id string, instances int, sentenced []string, force bool) (*deployment, error) {
	old := c.apps[id]
	if old == nil || c.deleted[id] {
		return nil, fmt.Errorf("%w: app '%s'", ErrAppNotFound, id)
	}
	next := old.Clone()
	next.Instances = instances
	next.Version = now
	next.VersionInfo.LastScalingAt = now
	d, err := c.newDeployment(now, id, old, force, ScaleApplication)
	if err != nil {
		return nil, err
	}
	d.ScaleTo, d.Sentenced = instances, sentenced
	c.apps[id] = next
	c.touch(id)
	c.settle(now)
	return d, nil
}

// restartApp replaces every instance (POST /v2/apps/{id}/restart): a new
// version whose lastConfigChangeAt moves (markedForRestarting).
func (c *core) restartApp(now time.Time, id string, force bool) (*deployment, error) {
	old := c.apps[id]
	if old == nil || c.deleted[id] {
		return nil, fmt.Errorf("%w: app '%s'", ErrAppNotFound, id)
	}
	if err := c.lockFree(id, force); err != nil {
		return nil, err
	}
	next := old.Clone()
	next.Version = now
	next.VersionInfo = VersionInfo{LastScalingAt: now, LastConfigChangeAt: now}
	steps := []ActionKind{RestartApplication}
	if next.Instances == 0 {
		steps = nil
	}
	d, err := c.newDeployment(now, id, old, force, steps...)
	if err != nil {
		return nil, err
	}
	c.limiter.ResetDelay(old)
	c.apps[id] = next
	c.touch(id)
	c.settle(now)
	return d, nil
}

// deleteApp stops an app (DELETE /v2/apps/{id}): it disappears from the
// API at once; its tasks are killed by a StopApplication deployment.
func (c *core) deleteApp(now time.Time, id string, force bool) (*deployment, error) {
	old := c.apps[id]
	if old == nil || c.deleted[id] {
		return nil, fmt.Errorf("%w: app '%s'", ErrAppNotFound, id)
	}
	d, err := c.newDeployment(now, id, old, force, StopApplication)
	if err != nil {
		return nil, err
	}
	c.deleted[id] = true
	c.touch(id)
	c.settle(now)
	return d, nil
}

// killTasks kills tasks of an app (DELETE /v2/apps/{id}/tasks[/{task}],
// POST /v2/tasks/delete). Without scale the instances are relaunched;
// with scale the app is scaled down by their number, through a
// deployment. taskIDs nil with host set kills the tasks on that host.
func (c *core) killTasks(now time.Time, appID string, taskIDs []string, host string, scale, force bool) ([]*Instance, *deployment, error) {
	app := c.apps[appID]
	if app == nil || c.deleted[appID] {
		return nil, nil, fmt.Errorf("%w: app '%s'", ErrAppNotFound, appID)
	}
	var victims []*Instance
	for _, i := range c.appInstances(appID) {
		if i.Task == nil || i.Cond == Scheduled {
			continue
		}
		switch {
		case taskIDs != nil:
			if slices.Contains(taskIDs, i.Task.ID) {
				victims = append(victims, i)
			}
		case host == "" || i.Task.Site.Hostname == host:
			victims = append(victims, i)
		}
	}
	if taskIDs != nil && len(victims) < len(taskIDs) {
		for _, id := range taskIDs {
			if i := c.byTask[id]; i == nil || i.AppID != appID {
				return nil, nil, fmt.Errorf("%w: task '%s' of app '%s'", ErrTaskNotFound, id, appID)
			}
		}
	}
	if scale {
		ids := make([]string, len(victims))
		for k, i := range victims {
			ids[k] = i.ID
		}
		d, err := c.scaleApp(now, appID, max(0, app.Instances-len(victims)), ids, force)
		return victims, d, err
	}
	for _, i := range victims {
		c.kill(now, i)
	}
	c.settle(now)
	return victims, nil, nil
}

// resetDelay removes an app's launch delay (DELETE /v2/queue/{id}/delay). As
// Marathon's QueueResource.resetDelay, any app in the launch queue (instances
// to launch, or a delay) gets 204 whether or not it is delayed; any other, or
// an unknown one, gets 404 "Application /x not found in tasks queue.".
func (c *core) resetDelay(now time.Time, appID string) error {
	app := c.apps[appID]
	var delayed bool
	if app != nil && !c.deleted[appID] {
		_, delayed = c.limiter.Delay(app)
	}
	if app == nil || c.deleted[appID] || !delayed && c.schedN[appID] == 0 {
		return &notQueuedError{app: appID}
	}
	if !delayed {
		return nil
	}
	c.limiter.ResetDelay(app)
	c.rev.bump(c.roleOf(app))
	c.delayed[appID] = false
	c.settle(now)
	return nil
}

// cancelDeployment stops a deployment (DELETE /v2/deployments/{id}): with
// force it is just dropped; without, a new deployment rolls the app back
// to its definition before (deleting an app that the deployment created).
func (c *core) cancelDeployment(now time.Time, id string, force bool) (*deployment, error) {
	var d *deployment
	for _, x := range c.deployments {
		if x.ID == id {
			d = x
		}
	}
	if d == nil {
		return nil, fmt.Errorf("%w: '%s'", ErrDeploymentNotFound, id)
	}
	c.removeDeployment(d)
	if force {
		c.settle(now)
		return nil, nil
	}
	if d.Original == nil {
		return c.deleteApp(now, d.AppID, true)
	}
	if c.deleted[d.AppID] {
		delete(c.deleted, d.AppID)
	}
	back, _, err := c.updateApp(now, d.Original, true)
	return back, err
}

// assignServicePorts gives port definitions with port 0 a service port
// from [--local_port_min, --local_port_max], reusing old's ports by
// position (Marathon's servicePorts assignment).
func (c *core) assignServicePorts(app, old *App) {
	if app.RequirePorts {
		return
	}
	for p, owner := range c.ports {
		if owner == app.ID {
			delete(c.ports, p)
		}
	}
	for i := range app.PortDefinitions {
		p := &app.PortDefinitions[i]
		if p.Port == 0 && old != nil && i < len(old.PortDefinitions) && old.PortDefinitions[i].Port != 0 {
			p.Port = old.PortDefinitions[i].Port
		}
		if p.Port != 0 {
			c.ports[p.Port] = app.ID
		}
	}
	next := c.cfg.LocalPortMin
	for i := range app.PortDefinitions {
		p := &app.PortDefinitions[i]
		if p.Port != 0 {
			continue
		}
		for next <= c.cfg.LocalPortMax && c.ports[next] != "" {
			next++
		}
		if next > c.cfg.LocalPortMax {
			return // out of service ports: leave it 0
		}
		p.Port = next
		c.ports[next] = app.ID
	}
}
