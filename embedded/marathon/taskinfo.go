package marathon

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// taskInfo builds the TaskInfo of one launch (TaskBuilder.build for the
// command executor): the command (shell for cmd, argv for args), the
// environment Marathon adds (HOST, PORT0..., PORTS, MARATHON_APP_*,
// MESOS_TASK_ID), the fetch URIs, labels, kill policy and the COMMAND
// health check.
func taskInfo(app *App, taskID string, offer *mesos.Offer, res resources.Resources, hostPorts []uint64) mesos.TaskInfo {
	cmd := &mesos.CommandInfo{User: app.User}
	if len(app.Args) > 0 {
		shell := false
		cmd.Shell = &shell
		v := app.Args[0]
		cmd.Value = &v
		cmd.Arguments = slices.Clone(app.Args)
	} else {
		shell := true
		v := app.Cmd
		cmd.Shell = &shell
		cmd.Value = &v
	}
	for _, f := range app.Fetch {
		u := mesos.CommandURI{Value: f.URI}
		ex, extract, cache := f.Executable, f.Extract, f.Cache
		u.Executable, u.Extract, u.Cache = &ex, &extract, &cache
		u.OutputFile = f.DestPath
		cmd.URIs = append(cmd.URIs, u)
	}
	env := taskEnv(app, taskID, offer.Hostname, hostPorts)
	for _, k := range slices.Sorted(maps.Keys(env)) {
		v := env[k]
		cmd.Environment = appendEnv(cmd.Environment, k, v)
	}
	t := mesos.TaskInfo{
		Name:      taskName(app.ID),
		TaskID:    mesos.TaskID{Value: taskID},
		AgentID:   offer.AgentID,
		Resources: mesos.ResourcesOf(res),
		Command:   cmd,
	}
	if len(app.Labels) > 0 {
		t.Labels = &mesos.Labels{}
		for _, k := range slices.Sorted(maps.Keys(app.Labels)) {
			v := app.Labels[k]
			t.Labels.Labels = append(t.Labels.Labels, mesos.Label{Key: k, Value: &v})
		}
	}
	if app.TaskKillGracePeriodSeconds != nil {
		t.KillPolicy = &mesos.KillPolicy{GracePeriod: &mesos.DurationInfo{Nanoseconds: int64(*app.TaskKillGracePeriodSeconds) * int64(time.Second)}}
	}
	if len(app.HealthChecks) > 0 {
		// Mesos takes one health check per task; Marathon sends the first
		// Mesos-executed one (MesosHealthCheck.toMesos).
		h := app.HealthChecks[0]
		shell := true
		value := h.Command
		delay, interval, timeout, grace := float64(h.DelaySeconds), float64(h.IntervalSeconds), float64(h.TimeoutSeconds), float64(h.GracePeriodSeconds)
		failures := uint32(h.MaxConsecutiveFailures)
		t.HealthCheck = &mesos.HealthCheck{
			Type: mesos.HealthCheckCommand, Command: &mesos.CommandInfo{Shell: &shell, Value: &value, Environment: cmd.Environment},
			DelaySeconds: &delay, IntervalSeconds: &interval, TimeoutSeconds: &timeout, GracePeriodSeconds: &grace,
			ConsecutiveFailures: &failures,
		}
	}
	return t
}

func appendEnv(e *mesos.Environment, k, v string) *mesos.Environment {
	if e == nil {
		e = &mesos.Environment{}
	}
	e.Variables = append(e.Variables, mesos.EnvironmentVariable{Name: k, Value: &v})
	return e
}

// taskEnv is the task's environment: the app's env, then Marathon's
// variables (EnvironmentHelper / TaskBuilder.taskContextEnv).
func taskEnv(app *App, taskID, host string, hostPorts []uint64) map[string]string {
	env := maps.Clone(app.Env)
	if env == nil {
		env = map[string]string{}
	}
	env["HOST"] = host
	ports := make([]string, len(hostPorts))
	for i, p := range hostPorts {
		s := strconv.FormatUint(p, 10)
		ports[i] = s
		env["PORT"+strconv.Itoa(i)] = s
		if i < len(app.PortDefinitions) {
			if d := app.PortDefinitions[i]; d.Port != 0 {
				env["PORT_"+strconv.Itoa(d.Port)] = s
			}
			if name := app.PortDefinitions[i].Name; name != "" {
				env["PORT_"+strings.ToUpper(envName(name))] = s
			}
		}
	}
	if len(hostPorts) > 0 {
		env["PORT"] = ports[0]
		env["PORTS"] = strings.Join(ports, ",")
	}
	env["MESOS_TASK_ID"] = taskID
	env["MARATHON_APP_ID"] = app.ID
	env["MARATHON_APP_VERSION"] = formatTime(app.Version)
	env["MARATHON_APP_RESOURCE_CPUS"] = formatDecimal(app.CPUs)
	env["MARATHON_APP_RESOURCE_MEM"] = formatDecimal(app.Mem)
	env["MARATHON_APP_RESOURCE_DISK"] = formatDecimal(app.Disk)
	env["MARATHON_APP_RESOURCE_GPUS"] = strconv.Itoa(app.GPUs)
	if len(app.Labels) > 0 {
		keys := slices.Sorted(maps.Keys(app.Labels))
		env["MARATHON_APP_LABELS"] = strings.Join(func() []string {
			out := make([]string, len(keys))
			for i, k := range keys {
				out[i] = strings.ToUpper(envName(k))
			}
			return out
		}(), " ")
		for _, k := range keys {
			env["MARATHON_APP_LABEL_"+strings.ToUpper(envName(k))] = app.Labels[k]
		}
	}
	return env
}

// envName replaces what may not appear in a variable name by '_'.
func envName(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' {
			return r
		}
		return '_'
	}, s)
}
