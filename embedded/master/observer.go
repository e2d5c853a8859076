package master

import (
	"time"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/observe"
	"github.com/mesoscope/mesoscope/embedded/process"
)

// Defaults of the health-check flags (src/master/constants.hpp).
const (
	DefaultAgentPingTimeout     = 15 * time.Second
	DefaultMaxAgentPingTimeouts = 5
)

// ObserverConfig configures a SlaveObserver.
type ObserverConfig struct {
	// Agent is the agent's PID ("slave(1)@10.0.0.2:5051").
	Agent process.PID
	// AgentID names the agent in events and callbacks.
	AgentID string
	// PingTimeout is --agent_ping_timeout; zero means 15 s.
	PingTimeout time.Duration
	// MaxPingTimeouts is --max_agent_ping_timeouts; zero means 5.
	MaxPingTimeouts int
	// Unreachable is called on the observer's goroutine when the agent has missed
	// MaxPingTimeouts pings in a row (Master::markUnreachable). It must not block.
	Unreachable func(agentID string)
}

// SlaveObserver health-checks one agent, as the class of that name in
// src/master/master.cpp: ping, and on each timeout without a pong count a miss; after
// MaxPingTimeouts misses ask for the agent to be marked unreachable, but keep pinging so a
// late pong can still be seen.
type SlaveObserver struct {
	process.Base
	cfg       ObserverConfig
	timeouts  int
	pinged    bool
	connected bool
	marked    bool
}

// NewSlaveObserver returns an observer; spawn it under rt.GenerateID("slave-observer").
func NewSlaveObserver(cfg ObserverConfig) *SlaveObserver {
	if cfg.PingTimeout <= 0 {
		cfg.PingTimeout = DefaultAgentPingTimeout
	}
	if cfg.MaxPingTimeouts <= 0 {
		cfg.MaxPingTimeouts = DefaultMaxAgentPingTimeouts
	}
	o := &SlaveObserver{cfg: cfg, connected: true}
	process.Install(&o.Base, mesos.PongSlaveMessageName, func(process.PID, mesos.PongSlaveMessage) { o.pong() })
	return o
}

// Initialize sends the first ping (SlaveObserver::initialize).
func (o *SlaveObserver) Initialize() { o.ping() }

func (o *SlaveObserver) ping() {
	o.Send(o.cfg.Agent, mesos.PingSlaveMessageName, mesos.PingSlaveMessage{Connected: o.connected})
	o.pinged = true
	process.Delay(&o.Base, o.cfg.PingTimeout, o.Self(), "timeout", o.timeout)
}

// pong resets the miss count (SlaveObserver::pong).
func (o *SlaveObserver) pong() {
	o.timeouts = 0
	o.pinged = false
	if o.marked {
		o.marked = false
		o.Event("agent.reachable", observe.Attr{Key: "agent_id", Value: o.cfg.AgentID})
	}
}

// timeout counts a miss if no pong came since the last ping, then pings again
// (SlaveObserver::timeout).
func (o *SlaveObserver) timeout() {
	if o.pinged {
		o.timeouts++
		if o.timeouts >= o.cfg.MaxPingTimeouts && !o.marked {
			o.marked = true
			o.Event("agent.unreachable", observe.Attr{Key: "agent_id", Value: o.cfg.AgentID})
			if o.cfg.Unreachable != nil {
				o.cfg.Unreachable(o.cfg.AgentID)
			}
		}
	}
	o.ping()
}

// Reconnect and Disconnect set what the next ping tells the agent
// (SlaveObserver::reconnect/disconnect); call them on the observer (Dispatch).
func (o *SlaveObserver) Reconnect() { o.connected = true }

// Disconnect marks the agent disconnected for the next pings.
func (o *SlaveObserver) Disconnect() { o.connected = false }

// Misses returns the pings missed in a row; call it on the observer (Dispatch).
func (o *SlaveObserver) Misses() int { return o.timeouts }
