package marathon

import (
	"cmp"
	"maps"
	"math"
	"slices"
	"time"
)

// RestartStrategy is how a restart begins (TaskReplaceActor.
// computeRestartStrategy): kill KillImmediately old instances at once and
// never run more than MaxCapacity instances.
type RestartStrategy struct {
	KillImmediately int
	MaxCapacity     int
}

// ComputeRestartStrategy is TaskReplaceActor.computeRestartStrategy for
// apps without persistent volumes: instances is the target count, healthy
// the instances with goal Running considered healthy, current all of the
// app's instances.
func ComputeRestartStrategy(instances int, us UpgradeStrategy, healthy, current int) RestartStrategy {
	minHealthy := int(math.Ceil(float64(instances) * us.MinimumHealthCapacity))
	maxCapacity := int(float64(instances) * (1 + us.MaximumOverCapacity))
	kill := max(0, healthy-minHealthy)
	if minHealthy == maxCapacity && maxCapacity <= healthy {
		// "maxCapacity == minHealthy: Allow temporary over-capacity of one
		// instance to allow restarting".
		maxCapacity++
	}
	if instances < current {
		kill = max(current-instances, kill)
	}
	return RestartStrategy{KillImmediately: kill, MaxCapacity: maxCapacity}
}

// killWeight orders instances for killing (ScalingProposition.weight):
// lower goes first. Scheduled instances, which Marathon weighs like
// running ones, go first here: dropping one costs nothing.
func killWeight(c Condition) int {
	switch c {
	case Scheduled:
		return 0
	case Unreachable:
		return 1
	case Staging, Provisioned:
		return 2
	case Starting:
		return 3
	case Running:
		return 4
	}
	return 5
}

// killOrder compares two instances for killing
// (ScalingProposition.sortByConditionAndDate): by weight, then by the
// time that fits their condition, youngest or oldest first.
func killOrder(sel KillSelection) func(a, b *Instance) int {
	pick := func(x, y time.Time) int {
		c := x.Compare(y)
		if sel == YoungestFirst {
			c = -c // later (younger) first
		}
		return c
	}
	return func(a, b *Instance) int {
		if c := cmp.Compare(killWeight(a.Cond), killWeight(b.Cond)); c != 0 {
			return c
		}
		var c int
		switch {
		case a.Cond == Staging && b.Cond == Staging, a.Cond == Provisioned && b.Cond == Provisioned:
			c = pick(a.Task.StagedAt, b.Task.StagedAt)
		case a.Cond == Starting && b.Cond == Starting, a.Cond == Scheduled && b.Cond == Scheduled:
			c = pick(a.Since, b.Since)
		default:
			as, bs := startedAt(a), startedAt(b)
			switch {
			case as.IsZero() && !bs.IsZero():
				c = -1
			case !as.IsZero() && bs.IsZero():
				c = 1
			default:
				c = pick(as, bs)
			}
		}
		if c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	}
}

func startedAt(i *Instance) time.Time {
	if i.Task == nil {
		return time.Time{}
	}
	return i.Task.StartedAt
}

// ProposeScaling is ScalingProposition.propose: which of the app's
// instances with goal Running to kill and how many to start to reach
// scaleTo. Sentenced instances (killed with scale=true) go first, then
// those GROUP_BY constraints want gone, then the rest in kill order.
func ProposeScaling(app *App, instances []*Instance, sentenced []string, scaleTo int) (kill []*Instance, start int) {
	var running, sentencedRunning, rest []*Instance
	for _, i := range instances {
		if i.Goal != GoalRunning {
			continue
		}
		running = append(running, i)
		if slices.Contains(sentenced, i.ID) {
			sentencedRunning = append(sentencedRunning, i)
		} else {
			rest = append(rest, i)
		}
	}
	count := max(len(running)-scaleTo, len(sentencedRunning))
	byConstraints := selectToKillForGroupBy(app, rest, count-len(sentencedRunning))
	remaining := slices.DeleteFunc(slices.Clone(rest), func(i *Instance) bool { return slices.Contains(byConstraints, i) })
	slices.SortFunc(remaining, killOrder(app.KillSelection))
	candidates := append(append(sentencedRunning, byConstraints...), remaining...)
	kill = candidates[:min(count, len(candidates))]
	start = scaleTo - len(running) + count
	return kill, start
}

// selectToKillForGroupBy picks up to n instances whose removal evens out
// the app's GROUP_BY constraints (Constraints.selectInstancesToKill): each
// pick comes from the fullest group of the first GROUP_BY field.
func selectToKillForGroupBy(app *App, candidates []*Instance, n int) []*Instance {
	var field string
	for _, c := range app.Constraints {
		if c.Operator == OpGroupBy {
			field = c.Field
			break
		}
	}
	if field == "" || n <= 0 {
		return nil
	}
	left := slices.Clone(candidates)
	slices.SortFunc(left, killOrder(app.KillSelection))
	var out []*Instance
	for len(out) < n && len(left) > 0 {
		groups := map[string][]*Instance{}
		for _, i := range left {
			v := ""
			if i.Task != nil {
				v, _ = i.Task.Site.field(field)
			}
			groups[v] = append(groups[v], i)
		}
		best, bestLen := "", -1
		for _, k := range slices.Sorted(maps.Keys(groups)) {
			if len(groups[k]) > bestLen {
				best, bestLen = k, len(groups[k])
			}
		}
		sizes := map[int]bool{}
		for _, g := range groups {
			sizes[len(g)] = true
		}
		if len(sizes) == 1 && len(out) > 0 {
			break // even: Marathon stops selecting by constraints
		}
		pick := groups[best][0]
		out = append(out, pick)
		left = slices.DeleteFunc(left, func(i *Instance) bool { return i == pick })
	}
	return out
}
