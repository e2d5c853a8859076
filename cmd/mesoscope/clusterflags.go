package main

import (
	"fmt"
	"github.com/mesoscope/mesoscope/embedded/authorizer"
	"github.com/mesoscope/mesoscope/embedded/httpauth"
	"io"
	"net"
	"net/http"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/mesoscope/mesoscope/embedded/allocator"
	"github.com/mesoscope/mesoscope/embedded/master"
	"github.com/mesoscope/mesoscope/embedded/process"
)

// masterFlags are mesos-master's flags (src/master/flags.cpp) that
// mesoscope models.
type masterFlags struct {
	hostname           string
	cluster            string
	allocationInterval string
	offerTimeout       string
	weights            string
	roles              string
	pingTimeout        string
	maxPingTimeouts    int
	reregisterTimeout  string
	authReadonly       bool
	authReadwrite      bool
	authFrameworks     bool
	httpCredentials    string
	credentials        string
	acls               string
	minAllocatable     string
	filterGPUs         bool
	fairExcluded       string
}

func (f *masterFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.hostname, "hostname", "", "hostname the master advertises (default: its IP)")
	fs.StringVar(&f.cluster, "cluster", "", "human readable name of the cluster, shown in /master/state")
	fs.StringVar(&f.allocationInterval, "allocation_interval", "1secs", "period of the batch allocation loop")
	fs.StringVar(&f.offerTimeout, "offer_timeout", "", "duration after which an unused offer is rescinded (default: never)")
	fs.StringVar(&f.weights, "weights", "", "role weights, role1=weight1,role2=weight2")
	fs.StringVar(&f.roles, "roles", "", "comma-separated whitelist of roles (deprecated in Mesos; default: any role)")
	fs.StringVar(&f.pingTimeout, "agent_ping_timeout", "15secs", "time between health pings to each agent")
	fs.IntVar(&f.maxPingTimeouts, "max_agent_ping_timeouts", 5, "missed pings before an agent is marked unreachable")
	fs.StringVar(&f.reregisterTimeout, "agent_reregister_timeout", "10mins", "how long a restarted master waits for the agents of its registry (at least 10mins, as in Mesos)")
	fs.BoolVar(&f.authReadonly, "authenticate_http_readonly", false, "require HTTP basic authentication on the read-only endpoints (/master/state, ...)")
	fs.BoolVar(&f.authReadwrite, "authenticate_http_readwrite", false, "require HTTP basic authentication on the operator API (/api/v1)")
	fs.BoolVar(&f.authFrameworks, "authenticate_http_frameworks", false, "require HTTP basic authentication on the scheduler API (/api/v1/scheduler)")
	fs.StringVar(&f.httpCredentials, "http_credentials", "", "file of HTTP credentials: JSON {\"credentials\":[{\"principal\":..,\"secret\":..}]} or 'principal secret' lines")
	fs.StringVar(&f.credentials, "credentials", "", "file of framework credentials (same formats), accepted on the scheduler API")
	fs.StringVar(&f.minAllocatable, "min_allocatable_resources", allocator.DefaultMinAllocatableResources, "sets of quantities the allocator requires at least one of before it offers an agent: sets separated by '|', quantities in a set by ';' (ranges and sets count their members: ports:1)")
	fs.BoolVar(&f.filterGPUs, "filter_gpu_resources", true, "offer agents with GPUs only to frameworks with the GPU_RESOURCES capability")
	fs.StringVar(&f.fairExcluded, "fair_sharing_excluded_resource_names", "", "comma-separated resource names (e.g. gpus) left out of DRF shares")
	fs.StringVar(&f.acls, "acls", "", "the local authorizer's ACLs: JSON, or a path or file:// URI of a JSON file (register_frameworks, run_tasks, teardown_frameworks, update_weights, update_quotas, mark_agents_gone)")
}

// readCredentials reads a --*credentials file (a path or file:// URI),
// bounded in size.
func readCredentials(flag, path string) (master.Credentials, error) {
	if path == "" {
		return nil, nil
	}
	path = strings.TrimPrefix(path, "file://")
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--%s: %w", flag, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, 1<<20+1))
	if err != nil {
		return nil, fmt.Errorf("--%s: %w", flag, err)
	}
	if len(data) > 1<<20 {
		return nil, fmt.Errorf("--%s: %s is larger than 1 MiB", flag, path)
	}
	c, err := master.ParseCredentials(data)
	if err != nil {
		return nil, fmt.Errorf("--%s=%s: %w", flag, path, err)
	}
	return c, nil
}

// config checks the flags and returns the master's configuration; every
// error names the flag.
func (f *masterFlags) config() (master.Config, error) {
	var c master.Config
	var err error
	if c.AllocationInterval, err = positiveDuration("allocation_interval", f.allocationInterval); err != nil {
		return c, err
	}
	if f.offerTimeout != "" {
		if c.OfferTimeout, err = positiveDuration("offer_timeout", f.offerTimeout); err != nil {
			return c, err
		}
	}
	if c.AgentPingTimeout, err = positiveDuration("agent_ping_timeout", f.pingTimeout); err != nil {
		return c, err
	}
	if f.maxPingTimeouts < 1 {
		return c, fmt.Errorf("--max_agent_ping_timeouts=%d: must be at least 1", f.maxPingTimeouts)
	}
	c.MaxAgentPingTimeouts = f.maxPingTimeouts
	if c.AgentReregisterTimeout, err = positiveDuration("agent_reregister_timeout", f.reregisterTimeout); err != nil {
		return c, err
	}
	if c.AgentReregisterTimeout < master.DefaultAgentReregisterTimeout {
		return c, fmt.Errorf("--agent_reregister_timeout=%s: must be at least 10mins (MIN_AGENT_REREGISTER_TIMEOUT)", f.reregisterTimeout)
	}
	if c.Weights, err = master.ParseWeights(f.weights); err != nil {
		return c, err
	}
	if c.Roles, err = master.ParseRoles(f.roles); err != nil {
		return c, err
	}
	if c.Allocator.MinAllocatableResources, err = allocator.ParseMinAllocatable(f.minAllocatable); err != nil {
		return c, fmt.Errorf("--min_allocatable_resources=%q: %w", f.minAllocatable, err)
	}
	c.Allocator.FilterGPUResources = &f.filterGPUs
	for name := range strings.SplitSeq(f.fairExcluded, ",") {
		switch name = strings.TrimSpace(name); {
		case name == "":
		case strings.ContainsAny(name, " ;:|{}[]()"):
			return c, fmt.Errorf("--fair_sharing_excluded_resource_names=%q: %q is not a resource name", f.fairExcluded, name)
		default:
			c.Allocator.FairSharingExcludedResourceNames = append(c.Allocator.FairSharingExcludedResourceNames, name)
		}
	}
	c.Hostname, c.Cluster = f.hostname, f.cluster
	if c.HTTPCredentials, err = readCredentials("http_credentials", f.httpCredentials); err != nil {
		return c, err
	}
	if c.FrameworkCredentials, err = readCredentials("credentials", f.credentials); err != nil {
		return c, err
	}
	c.AuthenticateHTTPReadonly, c.AuthenticateHTTPReadwrite, c.AuthenticateHTTPFrameworks = f.authReadonly, f.authReadwrite, f.authFrameworks
	if f.acls != "" {
		if c.ACLs, err = authorizer.Load(f.acls); err != nil {
			return c, fmt.Errorf("--acls: %w", err)
		}
	}
	if (f.authReadonly || f.authReadwrite || f.authFrameworks) && len(c.HTTPCredentials) == 0 && len(c.FrameworkCredentials) == 0 {
		return c, fmt.Errorf("--authenticate_http_*: no credentials to check against; give --http_credentials")
	}
	return c, nil
}

func positiveDuration(flag, s string) (time.Duration, error) {
	d, err := process.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("--%s=%q: want a positive duration such as 1secs or 500ms", flag, s)
	}
	return d, nil
}

// listen opens --ip:--port; the error names both flags.
func listen(ip string, port int) (net.Listener, error) {
	if port < 0 || port > 65535 {
		return nil, fmt.Errorf("--port=%d: must be between 0 and 65535", port)
	}
	if _, err := netip.ParseAddr(ip); err != nil {
		return nil, fmt.Errorf("--ip=%q: not an IP address", ip)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(ip, strconv.Itoa(port)))
	if err != nil {
		return nil, fmt.Errorf("listen on --ip=%s --port=%d: %w", ip, port, err)
	}
	return ln, nil
}

// masterPID turns --master=HOST:PORT into the master's PID, resolving a
// host name; ZooKeeper URLs are refused (mesoscope has no detector).
func masterPID(s string) (process.PID, error) {
	if strings.HasPrefix(s, "zk://") || strings.HasPrefix(s, "file://") {
		return process.PID{}, fmt.Errorf("--master=%q: mesoscope has no ZooKeeper or file detector; give HOST:PORT", s)
	}
	s = strings.TrimPrefix(strings.TrimPrefix(s, "http://"), "master@")
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return process.PID{}, fmt.Errorf("--master=%q: want HOST:PORT: %w", s, err)
	}
	p, err := strconv.ParseUint(port, 10, 16)
	if err != nil || p == 0 {
		return process.PID{}, fmt.Errorf("--master=%q: bad port %q", s, port)
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		ips, lerr := net.LookupHost(host)
		if lerr != nil || len(ips) == 0 {
			return process.PID{}, fmt.Errorf("--master=%q: cannot resolve %q: %v", s, host, lerr)
		}
		if addr, err = netip.ParseAddr(ips[0]); err != nil {
			return process.PID{}, fmt.Errorf("--master=%q: %w", s, err)
		}
	}
	return process.PID{ID: master.ID, Address: netip.AddrPortFrom(addr.Unmap(), uint16(p))}, nil
}

// readonlyGuardFor returns what wraps a net/http handler mounted on the master's
// runtime (the tracer's /mesoscope/v1/spans, /debug/pprof) with the master's read-only
// realm when --authenticate_http_readonly is on.
func readonlyGuardFor(c master.Config) func(http.Handler) http.Handler {
	return func(h http.Handler) http.Handler {
		if !c.AuthenticateHTTPReadonly {
			return h
		}
		return httpauth.Handler(h, master.RealmReadonly, c.HTTPCredentials)
	}
}
