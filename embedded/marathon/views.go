package marathon

import (
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// The JSON the REST API writes, in Marathon's shapes (the raml types
// named on each). Views are built on the core's goroutine from fresh
// values, so they may be encoded anywhere.

// appInfoJSON is raml AppInfo: the definition plus task counts,
// deployments and, when embedded, tasks and the last failure.
type appInfoJSON struct {
	appJSON
	TasksStaged     int              `json:"tasksStaged"`
	TasksRunning    int              `json:"tasksRunning"`
	TasksHealthy    int              `json:"tasksHealthy"`
	TasksUnhealthy  int              `json:"tasksUnhealthy"`
	Deployments     []idJSON         `json:"deployments"`
	Tasks           *[]taskJSON      `json:"tasks,omitempty"`
	LastTaskFailure *taskFailureJSON `json:"lastTaskFailure,omitempty"`
}

type idJSON struct {
	ID string `json:"id"`
}

// taskJSON is raml EnrichedTask (/v2/tasks, /v2/apps/{id}/tasks).
type taskJSON struct {
	AppID              string       `json:"appId"`
	HealthCheckResults []healthJSON `json:"healthCheckResults,omitempty"`
	Host               string       `json:"host"`
	ID                 string       `json:"id"`
	Ports              []uint64     `json:"ports"`
	ServicePorts       []int        `json:"servicePorts"`
	SlaveID            string       `json:"slaveId"`
	StagedAt           string       `json:"stagedAt,omitempty"`
	StartedAt          string       `json:"startedAt,omitempty"`
	State              string       `json:"state"`
	Version            string       `json:"version"`
	Region             string       `json:"region,omitempty"`
	Zone               string       `json:"zone,omitempty"`
	Role               string       `json:"role"`
}

// healthJSON is raml Health.
type healthJSON struct {
	Alive               bool   `json:"alive"`
	ConsecutiveFailures int    `json:"consecutiveFailures"`
	FirstSuccess        string `json:"firstSuccess,omitempty"`
	LastSuccess         string `json:"lastSuccess,omitempty"`
	LastFailure         string `json:"lastFailure,omitempty"`
	InstanceID          string `json:"instanceId"`
}

// taskFailureJSON is raml TaskFailure.
type taskFailureJSON struct {
	AppID     string `json:"appId"`
	Host      string `json:"host"`
	Message   string `json:"message"`
	State     string `json:"state"`
	TaskID    string `json:"taskId"`
	Timestamp string `json:"timestamp"`
	Version   string `json:"version"`
	SlaveID   string `json:"slaveId"`
}

// queueJSON is raml Queue.
type queueJSON struct {
	Queue []queueItemJSON `json:"queue"`
}

// queueItemJSON is raml QueueApp.
type queueItemJSON struct {
	App                    appJSON            `json:"app"`
	Count                  int                `json:"count"`
	Role                   string             `json:"role"`
	Delay                  queueDelayJSON     `json:"delay"`
	Since                  string             `json:"since"`
	ProcessedOffersSummary summaryJSON        `json:"processedOffersSummary"`
	LastUnusedOffers       *[]unusedOfferJSON `json:"lastUnusedOffers,omitempty"`
}

type queueDelayJSON struct {
	TimeLeftSeconds int64 `json:"timeLeftSeconds"`
	Overdue         bool  `json:"overdue"`
}

type summaryJSON struct {
	ProcessedOffersCount       int                 `json:"processedOffersCount"`
	UnusedOffersCount          int                 `json:"unusedOffersCount"`
	LastUnusedOfferAt          string              `json:"lastUnusedOfferAt,omitempty"`
	LastUsedOfferAt            string              `json:"lastUsedOfferAt,omitempty"`
	RejectSummaryLastOffers    []DeclinedOfferStep `json:"rejectSummaryLastOffers"`
	RejectSummaryLaunchAttempt []DeclinedOfferStep `json:"rejectSummaryLaunchAttempt"`
}

// unusedOfferJSON is raml UnusedOffer.
type unusedOfferJSON struct {
	Offer     offerJSON `json:"offer"`
	Reason    []Reason  `json:"reason"`
	Timestamp string    `json:"timestamp"`
}

// offerJSON is raml Offer (flattened resources and attributes).
type offerJSON struct {
	ID         string          `json:"id"`
	AgentID    string          `json:"agentId"`
	Hostname   string          `json:"hostname"`
	Resources  []resourceJSON  `json:"resources"`
	Attributes []attributeJSON `json:"attributes"`
}

type rangeJSON struct {
	Begin uint64 `json:"begin"`
	End   uint64 `json:"end"`
}

type resourceJSON struct {
	Name   string      `json:"name"`
	Role   string      `json:"role"`
	Scalar *float64    `json:"scalar,omitempty"`
	Ranges []rangeJSON `json:"ranges,omitempty"`
	Set    []string    `json:"set,omitempty"`
}

type attributeJSON struct {
	Name   string      `json:"name"`
	Text   *string     `json:"text,omitempty"`
	Scalar *float64    `json:"scalar,omitempty"`
	Ranges []rangeJSON `json:"ranges,omitempty"`
	Set    []string    `json:"set,omitempty"`
}

// deploymentJSON is raml Deployment.
type deploymentJSON struct {
	ID             string              `json:"id"`
	Version        string              `json:"version"`
	AffectedApps   []string            `json:"affectedApps"`
	AffectedPods   []string            `json:"affectedPods"`
	Steps          []stepJSON          `json:"steps"`
	CurrentActions []currentActionJSON `json:"currentActions"`
	CurrentStep    int                 `json:"currentStep"`
	TotalSteps     int                 `json:"totalSteps"`
}

type stepJSON struct {
	Actions []actionJSON `json:"actions"`
}

type actionJSON struct {
	Action ActionKind `json:"action"`
	App    string     `json:"app"`
}

type currentActionJSON struct {
	Action                ActionKind `json:"action"`
	App                   string     `json:"app"`
	ReadinessCheckResults []struct{} `json:"readinessCheckResults"`
}

// deploymentResultJSON is raml DeploymentResult.
type deploymentResultJSON struct {
	DeploymentID string `json:"deploymentId"`
	Version      string `json:"version"`
}

// appView renders an app; tasks embeds its tasks.
func (c *core) appView(app *App, tasks bool) appInfoJSON {
	v := appInfoJSON{appJSON: app.toJSON(), Deployments: []idJSON{}}
	for _, i := range c.appInstances(app.ID) {
		if i.Task == nil || i.Cond == Scheduled {
			continue
		}
		switch i.Cond {
		case Provisioned, Staging, Starting:
			v.TasksStaged++
		case Running:
			v.TasksRunning++
		}
		if i.Task.Healthy != nil && app.hasHealthChecks() {
			if *i.Task.Healthy {
				v.TasksHealthy++
			} else {
				v.TasksUnhealthy++
			}
		}
	}
	if d := c.deploymentFor(app.ID); d != nil {
		v.Deployments = append(v.Deployments, idJSON{d.ID})
	}
	if tasks {
		ts := c.appTasks(app.ID)
		v.Tasks = &ts
	}
	if f := c.failures[app.ID]; f != nil {
		v.LastTaskFailure = &taskFailureJSON{AppID: f.AppID, Host: f.Host, Message: f.Message, State: f.State.String(),
			TaskID: f.TaskID, Timestamp: formatTime(f.Timestamp), Version: formatTime(f.Version), SlaveID: f.AgentID}
	}
	return v
}

// appsView lists the apps (GET /v2/apps), filtered by id and cmd
// substrings as Marathon's ?id= and ?cmd= do.
func (c *core) appsView(idFilter, cmdFilter string, tasks bool) []appInfoJSON {
	out := []appInfoJSON{}
	for _, id := range slices.Sorted(maps.Keys(c.apps)) {
		if c.deleted[id] {
			continue
		}
		app := c.apps[id]
		if idFilter != "" && !strings.Contains(id, idFilter) || cmdFilter != "" && !strings.Contains(app.Cmd, cmdFilter) {
			continue
		}
		out = append(out, c.appView(app, tasks))
	}
	return out
}

// appTasks lists an app's launched tasks.
func (c *core) appTasks(appID string) []taskJSON {
	out := []taskJSON{}
	app := c.apps[appID]
	for _, i := range c.appInstances(appID) {
		if i.Task == nil || i.Cond == Scheduled {
			continue
		}
		out = append(out, taskView(app, i))
	}
	return out
}

// tasksView lists every task (GET /v2/tasks), optionally only those in
// the given Mesos states ("running" matches TASK_RUNNING, as ?status=).
func (c *core) tasksView(states []string) []taskJSON {
	out := []taskJSON{}
	for _, id := range slices.Sorted(maps.Keys(c.apps)) {
		for _, t := range c.appTasks(id) {
			if len(states) > 0 && !slices.ContainsFunc(states, func(s string) bool {
				return strings.EqualFold("TASK_"+s, t.State) || strings.EqualFold(s, t.State)
			}) {
				continue
			}
			out = append(out, t)
		}
	}
	return out
}

// taskView renders one instance's task.
func taskView(app *App, i *Instance) taskJSON {
	t := i.Task
	v := taskJSON{
		AppID: i.AppID, Host: t.Site.Hostname, ID: t.ID, Ports: slices.Clone(t.HostPorts), ServicePorts: slices.Clone(t.ServicePorts),
		SlaveID: t.AgentID, State: t.State.String(), Version: formatTime(i.Version), Region: t.Site.Region, Zone: t.Site.Zone, Role: i.Role,
	}
	if v.Ports == nil {
		v.Ports = []uint64{}
	}
	if v.ServicePorts == nil {
		v.ServicePorts = []int{}
	}
	if !t.StagedAt.IsZero() {
		v.StagedAt = formatTime(t.StagedAt)
	}
	if !t.StartedAt.IsZero() {
		v.StartedAt = formatTime(t.StartedAt)
	}
	if t.Healthy != nil && app != nil && app.hasHealthChecks() {
		h := healthJSON{Alive: *t.Healthy, ConsecutiveFailures: t.ConsecutiveFailures, InstanceID: i.ID}
		if !t.FirstSuccess.IsZero() {
			h.FirstSuccess = formatTime(t.FirstSuccess)
		}
		if !t.LastSuccess.IsZero() {
			h.LastSuccess = formatTime(t.LastSuccess)
		}
		if !t.LastFailure.IsZero() {
			h.LastFailure = formatTime(t.LastFailure)
		}
		v.HealthCheckResults = []healthJSON{h}
	}
	return v
}

// queueView is GET /v2/queue: one entry per app with instances to launch.
func (c *core) queueView(now time.Time, embedOffers bool) queueJSON {
	q := queueJSON{Queue: []queueItemJSON{}}
	for _, id := range slices.Sorted(maps.Keys(c.apps)) {
		if c.deleted[id] {
			continue
		}
		if item, ok := c.queueItem(now, id, embedOffers); ok {
			q.Queue = append(q.Queue, item)
		}
	}
	return q
}

// queueItem renders an app's launch queue entry (QueueInfoConversion).
func (c *core) queueItem(now time.Time, id string, embedOffers bool) (queueItemJSON, bool) {
	app := c.apps[id]
	count := 0
	var since time.Time
	for _, i := range c.byApp[id] {
		if i.Cond == Scheduled && i.Goal == GoalRunning {
			count++
			if since.IsZero() || i.Since.Before(since) {
				since = i.Since
			}
		}
	}
	if count == 0 {
		return queueItemJSON{}, false
	}
	left, overdue := c.limiter.QueueDelay(app, now)
	st := c.stats[id]
	if st == nil {
		st = newOfferStats()
	}
	lastProcessed, lastDeclined := st.LastOffersSummary()
	item := queueItemJSON{
		App: app.toJSON(), Count: count, Role: c.roleOf(app),
		Delay: queueDelayJSON{TimeLeftSeconds: left, Overdue: overdue}, Since: formatTime(since),
		ProcessedOffersSummary: summaryJSON{
			ProcessedOffersCount: st.Processed, UnusedOffersCount: st.Unused,
			RejectSummaryLastOffers:    FunnelSteps(lastProcessed, lastDeclined),
			RejectSummaryLaunchAttempt: FunnelSteps(st.Processed, st.Rejected),
		},
	}
	if !st.LastNoMatch.IsZero() {
		item.ProcessedOffersSummary.LastUnusedOfferAt = formatTime(st.LastNoMatch)
	}
	if !st.LastMatch.IsZero() {
		item.ProcessedOffersSummary.LastUsedOfferAt = formatTime(st.LastMatch)
	}
	if embedOffers {
		offers := []unusedOfferJSON{}
		agents := slices.Sorted(maps.Keys(st.LastNoMatches))
		for _, a := range agents {
			offers = append(offers, unusedOfferView(st.LastNoMatches[a]))
		}
		item.LastUnusedOffers = &offers
	}
	return item, true
}

// unusedOfferView renders an unused offer as OfferConversion does.
func unusedOfferView(u *UnusedOffer) unusedOfferJSON {
	o := offerJSON{ID: u.OfferID, AgentID: u.AgentID, Hostname: u.Hostname, Resources: []resourceJSON{}, Attributes: []attributeJSON{}}
	for r := range u.Resources.All() {
		rj := resourceJSON{Name: r.Name, Role: r.ReservationRole()}
		switch r.Type {
		case resources.TypeScalar:
			v := r.Scalar
			rj.Scalar = &v
		case resources.TypeRanges:
			for _, rg := range r.Ranges {
				rj.Ranges = append(rj.Ranges, rangeJSON{rg.Begin, rg.End})
			}
		case resources.TypeSet:
			rj.Set = slices.Clone(r.Set)
		}
		o.Resources = append(o.Resources, rj)
	}
	for _, a := range u.Attributes {
		aj := attributeJSON{Name: a.Name}
		switch a.Type {
		case mesos.ValueScalar:
			if a.Scalar != nil {
				v := a.Scalar.Value
				aj.Scalar = &v
			}
		case mesos.ValueRanges:
			if a.Ranges != nil {
				for _, rg := range a.Ranges.Range {
					aj.Ranges = append(aj.Ranges, rangeJSON{rg.Begin, rg.End})
				}
			}
		case mesos.ValueSet:
			if a.Set != nil {
				aj.Set = slices.Clone(a.Set.Item)
			}
		case mesos.ValueText:
			if a.Text != nil {
				t := a.Text.Value
				aj.Text = &t
			}
		}
		o.Attributes = append(o.Attributes, aj)
	}
	reasons := slices.Clone(u.Reasons)
	if reasons == nil {
		reasons = []Reason{}
	}
	return unusedOfferJSON{Offer: o, Reason: reasons, Timestamp: formatTime(u.At)}
}

// deploymentsView is GET /v2/deployments.
func (c *core) deploymentsView() []deploymentJSON {
	out := []deploymentJSON{}
	ds := slices.Clone(c.deployments)
	slices.SortStableFunc(ds, func(a, b *deployment) int { return a.Version.Compare(b.Version) })
	for _, d := range ds {
		v := deploymentJSON{ID: d.ID, Version: formatTime(d.Version), AffectedApps: []string{d.AppID}, AffectedPods: []string{},
			Steps: []stepJSON{}, CurrentActions: []currentActionJSON{}, CurrentStep: min(d.Current+1, len(d.Steps)), TotalSteps: len(d.Steps)}
		for _, s := range d.Steps {
			v.Steps = append(v.Steps, stepJSON{Actions: []actionJSON{{Action: s, App: d.AppID}}})
		}
		if a := d.currentAction(); a != "" {
			v.CurrentActions = append(v.CurrentActions, currentActionJSON{Action: a, App: d.AppID, ReadinessCheckResults: []struct{}{}})
		}
		out = append(out, v)
	}
	return out
}
