package tracer

import "github.com/mesoscope/mesoscope/embedded/observe"

// Source is the Mesos 1.11.0 function an event models: the span attributes
// mesos.source.path and mesos.source.function.
type Source struct {
	// Path is relative to the Mesos source tree, e.g. "src/slave/slave.cpp".
	Path string
	// Function is the C++ function, e.g. "Slave::ping".
	Function string
}

// sourceKey identifies an event for the source table: the kind of process handling
// it ("" matches any process), the event kind, and its name (for HTTP events the
// URL path without the method).
type sourceKey struct {
	process string
	kind    observe.Kind
	name    string
}

const (
	hierarchicalCpp = "src/master/allocator/mesos/hierarchical.cpp"
	masterCpp       = "src/master/master.cpp"
	libprocessCpp   = "3rdparty/libprocess/src/process.cpp"
)

// sources is THE reviewed table from mesoscope events to the Mesos 1.11.0 functions
// they model. Every entry was checked against /work/mesos-1.11.0: a path exists and
// the function is defined there (line numbers are in the comments as a reviewing aid).
// Add an entry when a new message or dispatch name is wired into the embedded Mesos;
// sources_test.go checks each path and function against the Mesos tree when it is
// present.
var sources = map[sourceKey]Source{
	// Agent health checks (master.cpp class SlaveObserver, slave.cpp Slave::ping).
	{"", observe.KindMessage, "mesos.internal.PingSlaveMessage"}: {"src/slave/slave.cpp", "Slave::ping"}, // slave.cpp:6663
	{"", observe.KindMessage, "mesos.internal.PongSlaveMessage"}: {masterCpp, "SlaveObserver::pong"},     // master.cpp:187 install<PongSlaveMessage>
	{"slave-observer", observe.KindDispatch, "timeout"}:          {masterCpp, "SlaveObserver::timeout"},  // master.cpp:213 delay(..., &SlaveObserver::timeout)
	{"master", observe.KindDispatch, "markUnreachable"}:          {masterCpp, "Master::markUnreachable"}, // master.cpp:8559
	{"slave-observer", observe.KindExited, ""}:                   {libprocessCpp, "ProcessBase::consume(ExitedEvent&&)"},

	// The allocator process (hierarchical.cpp HierarchicalAllocatorProcess), by the
	// dispatch names embedded/allocator uses.
	{"allocator", observe.KindDispatch, "batch"}:               {hierarchicalCpp, "HierarchicalAllocatorProcess::generateOffers"},  // :669 the initialize() loop, :1894
	{"allocator", observe.KindDispatch, "_generateOffers"}:     {hierarchicalCpp, "HierarchicalAllocatorProcess::_generateOffers"}, // :1928
	{"allocator", observe.KindDispatch, "expire"}:              {hierarchicalCpp, "HierarchicalAllocatorProcess::expire"},          // :2675
	{"allocator", observe.KindDispatch, "addFramework"}:        {hierarchicalCpp, "HierarchicalAllocatorProcess::addFramework"},    // :733
	{"allocator", observe.KindDispatch, "removeFramework"}:     {hierarchicalCpp, "HierarchicalAllocatorProcess::removeFramework"}, // :799
	{"allocator", observe.KindDispatch, "activateFramework"}:   {hierarchicalCpp, "HierarchicalAllocatorProcess::activateFramework"},
	{"allocator", observe.KindDispatch, "deactivateFramework"}: {hierarchicalCpp, "HierarchicalAllocatorProcess::deactivateFramework"},
	{"allocator", observe.KindDispatch, "updateFramework"}:     {hierarchicalCpp, "HierarchicalAllocatorProcess::updateFramework"},
	{"allocator", observe.KindDispatch, "addSlave"}:            {hierarchicalCpp, "HierarchicalAllocatorProcess::addSlave"}, // :974
	{"allocator", observe.KindDispatch, "removeSlave"}:         {hierarchicalCpp, "HierarchicalAllocatorProcess::removeSlave"},
	{"allocator", observe.KindDispatch, "updateSlave"}:         {hierarchicalCpp, "HierarchicalAllocatorProcess::updateSlave"},
	{"allocator", observe.KindDispatch, "activateSlave"}:       {hierarchicalCpp, "HierarchicalAllocatorProcess::activateSlave"},
	{"allocator", observe.KindDispatch, "deactivateSlave"}:     {hierarchicalCpp, "HierarchicalAllocatorProcess::deactivateSlave"},
	{"allocator", observe.KindDispatch, "updateAllocation"}:    {hierarchicalCpp, "HierarchicalAllocatorProcess::updateAllocation"},
	{"allocator", observe.KindDispatch, "recoverResources"}:    {hierarchicalCpp, "HierarchicalAllocatorProcess::recoverResources"}, // :1619
	{"allocator", observe.KindDispatch, "suppressOffers"}:      {hierarchicalCpp, "HierarchicalAllocatorProcess::suppressOffers"},
	{"allocator", observe.KindDispatch, "reviveOffers"}:        {hierarchicalCpp, "HierarchicalAllocatorProcess::reviveOffers"},
	{"allocator", observe.KindDispatch, "updateWeights"}:       {hierarchicalCpp, "HierarchicalAllocatorProcess::updateWeights"},
	{"allocator", observe.KindDispatch, "updateQuota"}:         {hierarchicalCpp, "HierarchicalAllocatorProcess::updateQuota"},
	{"allocator", observe.KindDispatch, "pause"}:               {hierarchicalCpp, "HierarchicalAllocatorProcess::pause"},  // :1874
	{"allocator", observe.KindDispatch, "resume"}:              {hierarchicalCpp, "HierarchicalAllocatorProcess::resume"}, // :1884

	// libprocess's built-in processes (HTTP routes).
	{"__processes__", observe.KindHTTP, "/__processes__"}: {libprocessCpp, "ProcessManager::__processes__"},                             // :3438
	{"metrics", observe.KindHTTP, "/metrics/snapshot"}:    {"3rdparty/libprocess/src/metrics/metrics.cpp", "MetricsProcess::_snapshot"}, // :191
	{"help", observe.KindHTTP, "/help"}:                   {"3rdparty/libprocess/src/help.cpp", "Help::help"},                           // :194
}

// lookupSource returns the Mesos function the event models, if the table knows it.
// process is the full process id; HTTP names may carry the method ("GET /help").
func lookupSource(process string, kind observe.Kind, name string) (Source, bool) {
	pk := processKind(process)
	switch kind {
	case observe.KindHTTP:
		name = httpPath(name)
	case observe.KindExited, observe.KindTerminate:
		name = ""
	}
	if s, ok := sources[sourceKey{pk, kind, name}]; ok {
		return s, true
	}
	s, ok := sources[sourceKey{"", kind, name}]
	return s, ok
}

// Sources returns a copy of the source table, for documentation and review tools.
func Sources() map[string]Source {
	out := make(map[string]Source, len(sources))
	for k, v := range sources {
		p := k.process
		if p == "" {
			p = "*"
		}
		out[p+" "+k.kind.String()+" "+k.name] = v
	}
	return out
}
