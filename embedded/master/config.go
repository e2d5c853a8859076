package master

import (
	"fmt"
	"github.com/mesoscope/mesoscope/embedded/authorizer"
	"log/slog"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/mesoscope/mesoscope/embedded/allocator"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// Defaults from src/master/constants.hpp and src/master/flags.cpp.
const (
	// DefaultHeartbeatInterval is DEFAULT_HEARTBEAT_INTERVAL: how often a
	// subscribed scheduler or operator stream gets a HEARTBEAT event.
	DefaultHeartbeatInterval = 15 * time.Second
	// DefaultMaxCompletedFrameworks is --max_completed_frameworks.
	DefaultMaxCompletedFrameworks = 50
	// DefaultMaxCompletedTasksPerFramework is --max_completed_tasks_per_framework.
	DefaultMaxCompletedTasksPerFramework = 1000
	// DefaultMaxUnreachableTasksPerFramework is --max_unreachable_tasks_per_framework.
	DefaultMaxUnreachableTasksPerFramework = 1000
	// DefaultMaxBodyBytes bounds the body of every API call (Mesos has no
	// limit; mesoscope refuses bigger bodies with 400).
	DefaultMaxBodyBytes = 16 << 20
	// DefaultStreamBuffer bounds what a slow SUBSCRIBE client may leave
	// unread before the master closes its stream (Mesos buffers without
	// bound).
	DefaultStreamBuffer = 64 << 20
	// Version is the Mesos version the master reports.
	Version = "1.11.0"
)

// Config configures a master. The zero value means Mesos's defaults.
type Config struct {
	// ID is the master's id (a random UUID per start in Mesos); empty
	// means a new random one. Tests set it for stable output.
	ID string
	// Hostname is --hostname (default: the runtime's IP).
	Hostname string
	// Cluster is --cluster, shown in /master/state.
	Cluster string
	// AllocationInterval is --allocation_interval (1 s).
	AllocationInterval time.Duration
	// OfferTimeout is --offer_timeout: zero means offers never time out,
	// as in Mesos.
	OfferTimeout time.Duration
	// AgentPingTimeout and MaxAgentPingTimeouts are --agent_ping_timeout
	// (15 s) and --max_agent_ping_timeouts (5).
	AgentPingTimeout     time.Duration
	MaxAgentPingTimeouts int
	// Weights is --weights ("role1=2,role2=1.5"), parsed by ParseWeights.
	Weights map[string]float64
	// Roles is --roles, the deprecated role whitelist; empty allows any
	// role.
	Roles []string
	// HeartbeatInterval is the scheduler and operator streams' heartbeat
	// period (15 s).
	HeartbeatInterval time.Duration
	// MaxCompletedFrameworks, MaxCompletedTasksPerFramework and
	// MaxUnreachableTasksPerFramework bound the master's history.
	MaxCompletedFrameworks          int
	MaxCompletedTasksPerFramework   int
	MaxUnreachableTasksPerFramework int
	// MaxBodyBytes bounds API request bodies (16 MiB).
	MaxBodyBytes int
	// StreamBuffer bounds the unread bytes of one SUBSCRIBE stream (64 MiB).
	StreamBuffer int
	// AuthenticateHTTPReadonly, AuthenticateHTTPReadwrite and
	// AuthenticateHTTPFrameworks are --authenticate_http_readonly,
	// --authenticate_http_readwrite and --authenticate_http_frameworks:
	// HTTP basic authentication against HTTPCredentials
	// (--http_credentials) for the read-only endpoints, the operator API
	// and the scheduler API. FrameworkCredentials (--credentials) are also
	// accepted on the scheduler API (mesoscope has no SASL for v0 drivers).
	AuthenticateHTTPReadonly   bool
	AuthenticateHTTPReadwrite  bool
	AuthenticateHTTPFrameworks bool
	HTTPCredentials            Credentials
	FrameworkCredentials       Credentials
	// ACLs is --acls, the local authorizer's rules (nil: no authorizer,
	// everything allowed, as Mesos without --acls). See package authorizer
	// for what is enforced: registering frameworks in roles, running tasks
	// as users, tearing down frameworks, updating weights and quota,
	// marking agents gone.
	ACLs *authorizer.ACLs
	// WorkDir is --work_dir: when set, the registry of agents (admitted,
	// unreachable, gone) is kept in WorkDir/registry.log and a restarted
	// master waits AgentReregisterTimeout (--agent_reregister_timeout,
	// 10 min) for the agents it lists; empty means --registry=in_memory.
	WorkDir                string
	AgentReregisterTimeout time.Duration
	// Allocator configures the allocator; its AllocationInterval is
	// overridden by AllocationInterval when that is set, and its
	// OfferCallback is the master's.
	Allocator allocator.Config
	// Logger receives the master's log; nil discards it.
	Logger *slog.Logger
}

func (c Config) withDefaults() Config {
	if c.AgentPingTimeout <= 0 {
		c.AgentPingTimeout = DefaultAgentPingTimeout
	}
	if c.MaxAgentPingTimeouts <= 0 {
		c.MaxAgentPingTimeouts = DefaultMaxAgentPingTimeouts
	}
	if c.AgentReregisterTimeout <= 0 {
		c.AgentReregisterTimeout = DefaultAgentReregisterTimeout
	}
	if c.HeartbeatInterval <= 0 {
		c.HeartbeatInterval = DefaultHeartbeatInterval
	}
	if c.MaxCompletedFrameworks <= 0 {
		c.MaxCompletedFrameworks = DefaultMaxCompletedFrameworks
	}
	if c.MaxCompletedTasksPerFramework <= 0 {
		c.MaxCompletedTasksPerFramework = DefaultMaxCompletedTasksPerFramework
	}
	if c.MaxUnreachableTasksPerFramework <= 0 {
		c.MaxUnreachableTasksPerFramework = DefaultMaxUnreachableTasksPerFramework
	}
	if c.MaxBodyBytes <= 0 {
		c.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if c.StreamBuffer <= 0 {
		c.StreamBuffer = DefaultStreamBuffer
	}
	if c.AllocationInterval <= 0 {
		c.AllocationInterval = c.Allocator.AllocationInterval
	}
	if c.AllocationInterval <= 0 {
		c.AllocationInterval = allocator.DefaultAllocationInterval
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// ParseWeights parses --weights: comma-separated role=weight pairs with
// positive weights (Master::initialize's parsing of flags.weights).
func ParseWeights(s string) (map[string]float64, error) {
	out := map[string]float64{}
	if strings.TrimSpace(s) == "" {
		return out, nil
	}
	for i, pair := range strings.Split(s, ",") {
		role, w, ok := strings.Cut(strings.TrimSpace(pair), "=")
		if !ok {
			return nil, fmt.Errorf("master: --weights entry %d %q: expecting role=weight", i, pair)
		}
		if err := resources.ValidateRole(role); err != nil {
			return nil, fmt.Errorf("master: --weights entry %d: %w", i, err)
		}
		v, err := strconv.ParseFloat(w, 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v <= 0 {
			return nil, fmt.Errorf("master: --weights entry %d: weight %q of role %q must be a positive number", i, w, role)
		}
		if _, dup := out[role]; dup {
			return nil, fmt.Errorf("master: --weights: role %q appears twice", role)
		}
		out[role] = v
	}
	return out, nil
}

// ParseRoles parses --roles: a comma-separated whitelist of valid roles.
func ParseRoles(s string) ([]string, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var out []string
	for i, r := range strings.Split(s, ",") {
		r = strings.TrimSpace(r)
		if err := resources.ValidateRole(r); err != nil {
			return nil, fmt.Errorf("master: --roles entry %d: %w", i, err)
		}
		out = append(out, r)
	}
	sort.Strings(out)
	return out, nil
}
