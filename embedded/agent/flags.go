package agent

import (
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mesoscope/mesoscope/embedded/containerizer"
	"github.com/mesoscope/mesoscope/embedded/mesos"
)

// flags returns the agent's configuration as mesos-agent flags (name → value), the
// "flags" of /state and /flags and GET_FLAGS. Only the flags mesoscope's agent has are
// listed; values are written the way stout stringifies them.
func (a *Agent) flags() map[string]string {
	c := a.cfg
	cc := c.Containerizer
	isolation := strings.Join(cc.Isolation, ",")
	if isolation == "" {
		isolation = "cgroups/cpu,cgroups/mem"
	}
	runtimeDir := cc.RuntimeDir
	if runtimeDir == "" {
		runtimeDir = filepath.Join(c.WorkDir, "run")
	}
	gcDelay := cc.GCDelay
	if gcDelay == 0 {
		gcDelay = 7 * 24 * time.Hour
	}
	fetchDir := cc.FetcherConfig.CacheDir
	if fetchDir == "" {
		fetchDir = filepath.Join(c.WorkDir, "fetch")
	}
	f := map[string]string{
		"authenticate_http_readonly":     strconv.FormatBool(c.AuthenticateHTTPReadonly),
		"authenticate_http_readwrite":    strconv.FormatBool(c.AuthenticateHTTPReadwrite),
		"containerizers":                 "mesos",
		"default_role":                   c.DefaultRole,
		"executor_shutdown_grace_period": formatDuration(c.ExecutorShutdownGracePeriod),
		"fetcher_cache_dir":              fetchDir,
		"gc_delay":                       formatDuration(gcDelay),
		"hostname":                       c.Hostname,
		"isolation":                      isolation,
		"launcher":                       "posix",
		"master":                         a.master.String(),
		"port":                           strconv.Itoa(int(a.Self().Address.Port())),
		"recover":                        c.Recover,
		"registration_backoff_factor":    formatDuration(c.RegistrationBackoffFactor),
		"runtime_dir":                    runtimeDir,
		"strict":                         strconv.FormatBool(c.Strict == nil || *c.Strict),
		"work_dir":                       c.WorkDir,
	}
	if c.Resources != "" {
		f["resources"] = c.Resources
	}
	if c.Attributes != "" {
		f["attributes"] = c.Attributes
	}
	if cc.CgroupsRoot != "" {
		f["cgroups_root"] = cc.CgroupsRoot
	}
	size := cc.FetcherConfig.CacheSize
	switch {
	case size == 0:
		size = containerizer.DefaultFetcherCacheSize
	case size < 0:
		size = 0
	}
	f["fetcher_cache_size"] = formatBytes(size)
	f["launch_supervisor"] = strconv.FormatBool(cc.Launcher == "" || cc.Launcher == containerizer.LauncherSupervisor)
	return f
}

// formatBytes writes a size the way stout's Bytes does: in the largest of
// B, KB, MB, GB and TB that divides it.
func formatBytes(n int64) string {
	for _, u := range []struct {
		suffix string
		shift  uint
	}{{"TB", 40}, {"GB", 30}, {"MB", 20}, {"KB", 10}} {
		if n >= 1<<u.shift && n%(1<<u.shift) == 0 {
			return strconv.FormatInt(n>>u.shift, 10) + u.suffix
		}
	}
	return strconv.FormatInt(n, 10) + "B"
}

// flagList returns the flags as GET_FLAGS lists them, ordered by name.
func (a *Agent) flagList() []mesos.Flag {
	f := a.flags()
	out := make([]mesos.Flag, 0, len(f))
	for _, name := range slices.Sorted(maps.Keys(f)) {
		v := f[name]
		out = append(out, mesos.Flag{Name: name, Value: &v})
	}
	return out
}

// formatDuration writes a duration as stout's operator<< for Duration does: in the
// largest unit among ns, us, ms, secs, mins, hrs, days and weeks that keeps a whole
// number one unit down ("1secs", "10mins", "1500ms", "2days").
func formatDuration(d time.Duration) string {
	if d < 0 {
		if d == time.Duration(-1<<63) {
			return "-" + formatDuration(time.Duration(1<<63-1))
		}
		return "-" + formatDuration(-d)
	}
	const day, week = 24 * time.Hour, 7 * 24 * time.Hour
	units := []struct {
		unit time.Duration
		name string
	}{
		{time.Nanosecond, "ns"}, {time.Microsecond, "us"}, {time.Millisecond, "ms"},
		{time.Second, "secs"}, {time.Minute, "mins"}, {time.Hour, "hrs"}, {day, "days"}, {week, "weeks"},
	}
	pick := 0
	for i := 1; i < len(units); i++ {
		if d >= units[i].unit {
			pick = i
		}
	}
	// A duration that is not a whole number of its bucket's unit but is one of the
	// unit below is written in the unit below.
	if pick > 0 && d%units[pick].unit != 0 && d%units[pick-1].unit == 0 {
		pick--
	}
	v := float64(d) / float64(units[pick].unit)
	return strconv.FormatFloat(v, 'g', 15, 64) + units[pick].name
}
