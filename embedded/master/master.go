package master

import (
	"crypto/rand"
	"encoding/binary"
	"fmt"
	"log/slog"
	"net/netip"
	"strconv"
	"time"

	"github.com/mesoscope/mesoscope/embedded/allocator"
	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/process"
)

// ID is the master's process id, as in Mesos ("master").
const ID = "master"

// Master is the Mesos master process (class Master in
// src/master/master.hpp): it registers agents and frameworks, turns the
// allocator's decisions into offers, launches tasks on agents, forwards
// status updates and acknowledgements, and serves the scheduler, operator
// and v0 HTTP APIs. All its state is owned by its process: every handler
// runs on the master's queue, one at a time.
type Master struct {
	process.Base
	rt    *process.Runtime
	cfg   Config
	log   *slog.Logger
	alloc *allocator.Allocator
	info  mesos.MasterInfo

	startTime   time.Time
	electedTime time.Time

	agents      map[string]*agent // registered agents by id
	agentsByPID map[string]*agent // by PID text
	unreachable map[string]unreachableAgent
	gone        map[string]time.Time
	// recovered are the agents of the registry that have not reregistered
	// since this master started (slaves.recovered).
	recovered map[string]mesos.AgentInfo
	reg       *registry

	frameworks          map[string]*framework
	completedFrameworks []*framework // oldest first, bounded

	offers map[string]*offer
	quotas map[string]allocator.Quota

	nextAgent, nextFramework, nextOffer int

	subscribers map[*subscriber]struct{}

	m     metrics
	hints sizeHints
}

type unreachableAgent struct {
	info mesos.AgentInfo
	at   time.Time
}

// New spawns a master (and its allocator) on rt; the runtime should be
// created with Delegate "master" so that /state, /api/v1 and friends reach
// it without the /master prefix.
func New(rt *process.Runtime, cfg Config) (*Master, error) {
	cfg = cfg.withDefaults()
	m := &Master{
		rt: rt, cfg: cfg, log: cfg.Logger,
		agents: map[string]*agent{}, agentsByPID: map[string]*agent{},
		unreachable: map[string]unreachableAgent{}, gone: map[string]time.Time{},
		frameworks: map[string]*framework{}, offers: map[string]*offer{}, quotas: map[string]allocator.Quota{},
		subscribers: map[*subscriber]struct{}{}, recovered: map[string]mesos.AgentInfo{},
	}
	if cfg.WorkDir != "" {
		reg, st, err := openRegistry(cfg.WorkDir)
		if err != nil {
			return nil, err
		}
		m.reg = reg
		m.recovered = st.admitted
		for id, at := range st.unreachable {
			m.unreachable[id] = unreachableAgent{at: at}
		}
		m.gone = st.gone
	}
	id := cfg.ID
	if id == "" {
		id = newUUIDString()
	}
	addr := rt.Address()
	host := cfg.Hostname
	if host == "" {
		host = addr.Addr().String()
	}
	self := rt.PID(ID)
	m.info = mesos.MasterInfo{
		ID: id, IP: ipUint32(addr.Addr()), Port: uint32(addr.Port()), PID: self.String(),
		Hostname: host, Version: Version,
		Address:      &mesos.Address{Hostname: host, IP: addr.Addr().String(), Port: int32(addr.Port())},
		Capabilities: masterCapabilities(),
	}
	acfg := cfg.Allocator
	acfg.AllocationInterval = cfg.AllocationInterval
	if acfg.Logger == nil {
		acfg.Logger = cfg.Logger
	}
	acfg.Authenticate = func(r *process.Request) *process.Response {
		_, denied := m.authenticate(r, RealmReadonly)
		return denied
	}
	acfg.OfferCallback = func(frameworkID string, offers []allocator.Offer) {
		process.Do(rt, self, "offer", func() { m.offer(frameworkID, offers) })
	}
	// The allocator exists before the master is spawned: the master's
	// handlers use it from their first message (an agent may reregister
	// at once after a master restart).
	alloc, err := allocator.New(rt, acfg)
	if err != nil {
		_ = m.reg.Close()
		return nil, fmt.Errorf("master: allocator: %w", err)
	}
	m.alloc = alloc
	if len(cfg.Weights) > 0 {
		alloc.UpdateWeights(cfg.Weights)
	}
	m.installHandlers()
	if _, err := rt.Spawn(ID, m); err != nil {
		rt.Terminate(alloc.Self(), true)
		_ = m.reg.Close()
		return nil, fmt.Errorf("master: spawn: %w", err)
	}
	rt.Alias("/mesoscope/v1/allocator", alloc.Self(), "/mesoscope/v1/allocator")
	return m, nil
}

// Initialize records the start (the master is elected at once: mesoscope
// runs standalone masters, like --master_contender/--master_detector
// unset without ZooKeeper) and registers metrics and routes.
func (m *Master) Initialize() {
	now := m.now()
	m.startTime, m.electedTime = now, now
	m.initMetrics()
	m.initRoutes()
	if len(m.recovered) > 0 {
		m.log.Info("recovered agents from the registry; waiting for them to reregister", "agents", len(m.recovered), "timeout", m.cfg.AgentReregisterTimeout)
		process.Delay(&m.Base, m.cfg.AgentReregisterTimeout, m.Self(), "recoveredSlavesTimeout", m.recoveredSlavesTimeout)
	}
}

// recoveredSlavesTimeout is Master::recoveredSlavesTimeout: agents of the
// registry that did not come back in time are marked unreachable.
func (m *Master) recoveredSlavesTimeout() {
	now := m.now()
	for _, id := range sortedKeys(m.recovered) {
		m.log.Warn("agent did not reregister after master failover; marking it unreachable", "agent_id", id)
		m.unreachable[id] = unreachableAgent{info: m.recovered[id], at: now}
		m.reg.append(registryOp{Op: "unreachable", ID: id, Time: now.UnixNano()})
		delete(m.recovered, id)
		m.m.recoverySlaveRemovals.Inc()
	}
}

// Finalize stops the allocator and closes every stream.
func (m *Master) Finalize() {
	for _, f := range m.frameworks {
		if f.stream != nil {
			f.stream.Close()
		}
	}
	for s := range m.subscribers {
		s.stream.Close()
	}
	m.removeMetrics()
	if err := m.reg.Close(); err != nil {
		m.log.Error("closing the registry", "err", err)
	}
	if m.alloc != nil {
		m.rt.Terminate(m.alloc.Self(), false)
	}
}

// Allocator returns the master's allocator.
func (m *Master) Allocator() *allocator.Allocator { return m.alloc }

// Info returns the MasterInfo the master advertises.
func (m *Master) Info() mesos.MasterInfo { return m.info }

func (m *Master) now() time.Time { return m.rt.Clock().Now() }

func (m *Master) installHandlers() {
	process.Install(&m.Base, mesos.RegisterSlaveMessageName, m.registerSlave)
	process.Install(&m.Base, mesos.ReregisterSlaveMessageName, m.reregisterSlave)
	process.Install(&m.Base, mesos.UnregisterSlaveMessageName, m.unregisterSlave)
	process.Install(&m.Base, mesos.StatusUpdateMessageName, m.statusUpdateMessage)
	process.Install(&m.Base, mesos.ExitedExecutorMessageName, m.exitedExecutor)
	process.Install(&m.Base, mesos.ExecutorToFrameworkMessageName, m.executorMessage)
	process.Install(&m.Base, mesos.UpdateSlaveMessageName, m.updateSlave)
}

func masterCapabilities() []mesos.MasterCapability {
	return []mesos.MasterCapability{{Type: mesos.MasterAgentUpdate}, {Type: mesos.MasterAgentDraining}}
}

// ipUint32 is net::IP::in().s_addr: the IPv4 bytes in network order read
// as a little-endian integer.
func ipUint32(a netip.Addr) uint32 {
	if !a.Is4() {
		return 0
	}
	b := a.As4()
	return binary.LittleEndian.Uint32(b[:])
}

func newUUID() []byte {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return b
}

func newUUIDString() string {
	b := newUUID()
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// newFrameworkID is "<master id>-%04d" (Master::newFrameworkId).
func (m *Master) newFrameworkID() string {
	id := fmt.Sprintf("%s-%04d", m.info.ID, m.nextFramework)
	m.nextFramework++
	return id
}

// newAgentID is "<master id>-S<n>" (Master::newSlaveId).
func (m *Master) newAgentID() string {
	id := m.info.ID + "-S" + strconv.Itoa(m.nextAgent)
	m.nextAgent++
	return id
}

// newOfferID is "<master id>-O<n>" (Master::newOfferId).
func (m *Master) newOfferID() string {
	id := m.info.ID + "-O" + strconv.Itoa(m.nextOffer)
	m.nextOffer++
	return id
}

func seconds(t time.Time) float64 { return float64(t.UnixNano()) / 1e9 }

type notFoundError string

func (e notFoundError) Error() string { return "master: unknown " + string(e) }

func errNotFound(what string) error { return notFoundError(what) }
