package tracer

import (
	"strings"

	"github.com/mesoscope/mesoscope/embedded/observe"
)

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
	hierarchicalCpp  = "src/master/allocator/mesos/hierarchical.cpp"
	masterCpp        = "src/master/master.cpp"
	masterHTTPCpp    = "src/master/http.cpp"
	slaveCpp         = "src/slave/slave.cpp"
	slaveHTTPCpp     = "src/slave/http.cpp"
	containerizerCpp = "src/slave/containerizer/mesos/containerizer.cpp"
	filesCpp         = "src/files/files.cpp"
	libprocessCpp    = "3rdparty/libprocess/src/process.cpp"
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
	{"master", observe.KindExited, ""}:                           {masterCpp, "Master::exited"},                             // :1287 Master::exited(const UPID&)
	{"", observe.KindTerminate, ""}:                              {libprocessCpp, "ProcessBase::consume(TerminateEvent&&)"}, // :3895, any process

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

	// The master (master.cpp Master::initialize installs the messages, :872-904, and
	// routes the endpoints to Master::Http, :911-1093). The scheduler API's calls
	// (SUBSCRIBE, ACCEPT, DECLINE, ...) all arrive as the one route /api/v1/scheduler;
	// ACCEPT goes on to Master::accept (master.cpp:3913) and Master::_accept (:4367).
	{"master", observe.KindMessage, "mesos.internal.RegisterSlaveMessage"}:       {masterCpp, "Master::registerSlave"},            // :6217
	{"master", observe.KindMessage, "mesos.internal.ReregisterSlaveMessage"}:     {masterCpp, "Master::reregisterSlave"},          // :6542
	{"master", observe.KindMessage, "mesos.internal.UnregisterSlaveMessage"}:     {masterCpp, "Master::unregisterSlave"},          // :7466
	{"master", observe.KindMessage, "mesos.internal.StatusUpdateMessage"}:        {masterCpp, "Master::statusUpdate"},             // :8117
	{"master", observe.KindMessage, "mesos.internal.ExitedExecutorMessage"}:      {masterCpp, "Master::exitedExecutor"},           // :8455
	{"master", observe.KindMessage, "mesos.internal.ExecutorToFrameworkMessage"}: {masterCpp, "Master::executorMessage"},          // :6097
	{"master", observe.KindMessage, "mesos.internal.UpdateSlaveMessage"}:         {masterCpp, "Master::updateSlave"},              // :7518
	{"master", observe.KindDispatch, "offer"}:                                    {masterCpp, "Master::offer"},                    // :9372, the allocator's offer callback
	{"master", observe.KindDispatch, "offerTimeout"}:                             {masterCpp, "Master::offerTimeout"},             // :11805
	{"master", observe.KindDispatch, "frameworkFailoverTimeout"}:                 {masterCpp, "Master::frameworkFailoverTimeout"}, // :9354
	{"master", observe.KindDispatch, "disconnect"}:                               {masterCpp, "Master::disconnect"},               // :3402 Master::disconnect(Framework*)
	{"master", observe.KindHTTP, "/api/v1/scheduler"}:                            {masterHTTPCpp, "Master::Http::scheduler"},      // :468
	{"master", observe.KindHTTP, "/api/v1"}:                                      {masterHTTPCpp, "Master::Http::api"},            // :198
	{"master", observe.KindHTTP, "/state"}:                                       {masterHTTPCpp, "Master::Http::state"},          // :2289
	{"master", observe.KindHTTP, "/state.json"}:                                  {masterHTTPCpp, "Master::Http::state"},
	{"master", observe.KindHTTP, "/state-summary"}:                               {masterHTTPCpp, "Master::Http::stateSummary"}, // :2548
	{"master", observe.KindHTTP, "/frameworks"}:                                  {masterHTTPCpp, "Master::Http::frameworks"},   // :1223
	{"master", observe.KindHTTP, "/slaves"}:                                      {masterHTTPCpp, "Master::Http::slaves"},       // :2015
	{"master", observe.KindHTTP, "/tasks"}:                                       {masterHTTPCpp, "Master::Http::tasks"},        // :2910
	{"master", observe.KindHTTP, "/roles"}:                                       {masterHTTPCpp, "Master::Http::roles"},        // :2606
	{"master", observe.KindHTTP, "/flags"}:                                       {masterHTTPCpp, "Master::Http::flags"},        // :1418
	{"master", observe.KindHTTP, "/health"}:                                      {masterHTTPCpp, "Master::Http::health"},       // :1542
	{"master", observe.KindHTTP, "/redirect"}:                                    {masterHTTPCpp, "Master::Http::redirect"},     // :1746
	{"slave-observer", observe.KindDispatch, "reconnect"}:                        {masterCpp, "SlaveObserver::reconnect"},       // :190
	{"slave-observer", observe.KindDispatch, "disconnect"}:                       {masterCpp, "SlaveObserver::disconnect"},      // :195

	// The agent (slave.cpp Slave::initialize installs the messages, :681-770, and
	// routes the endpoints to the agent's Http class in slave/http.cpp). The embedded
	// agent also plays the command executor and the default executor, whose timers
	// are in src/launcher.
	{"slave", observe.KindMessage, "mesos.internal.SlaveRegisteredMessage"}:             {slaveCpp, "Slave::registered"},                                                         // :1675
	{"slave", observe.KindMessage, "mesos.internal.SlaveReregisteredMessage"}:           {slaveCpp, "Slave::reregistered"},                                                       // :1800
	{"slave", observe.KindMessage, "mesos.internal.RunTaskMessage"}:                     {slaveCpp, "Slave::handleRunTaskMessage"},                                               // :2142, then Slave::runTask :2160
	{"slave", observe.KindMessage, "mesos.internal.RunTaskGroupMessage"}:                {slaveCpp, "Slave::handleRunTaskGroupMessage"},                                          // :3906
	{"slave", observe.KindMessage, "mesos.internal.KillTaskMessage"}:                    {slaveCpp, "Slave::killTask"},                                                           // :3965
	{"slave", observe.KindMessage, "mesos.internal.StatusUpdateAcknowledgementMessage"}: {slaveCpp, "Slave::statusUpdateAcknowledgement"},                                        // :5024
	{"slave", observe.KindMessage, "mesos.internal.ShutdownFrameworkMessage"}:           {slaveCpp, "Slave::shutdownFramework"},                                                  // :4270
	{"slave", observe.KindMessage, "mesos.internal.ShutdownExecutorMessage"}:            {slaveCpp, "Slave::shutdownExecutor"},                                                   // :7391
	{"slave", observe.KindMessage, "mesos.internal.UpdateFrameworkMessage"}:             {slaveCpp, "Slave::updateFramework"},                                                    // :4426
	{"slave", observe.KindMessage, "mesos.internal.ShutdownMessage"}:                    {slaveCpp, "Slave::shutdown"},                                                           // :1029
	{"slave", observe.KindDispatch, "doReliableRegistration"}:                           {slaveCpp, "Slave::doReliableRegistration"},                                             // :1953
	{"slave", observe.KindDispatch, "pingTimeout"}:                                      {slaveCpp, "Slave::pingTimeout"},                                                        // :6691
	{"slave", observe.KindDispatch, "executorLaunched"}:                                 {slaveCpp, "Slave::executorLaunched"},                                                   // :6958
	{"slave", observe.KindDispatch, "executorTerminated"}:                               {slaveCpp, "Slave::executorTerminated"},                                                 // :7074
	{"slave", observe.KindDispatch, "shutdownExecutorTimeout"}:                          {slaveCpp, "Slave::shutdownExecutorTimeout"},                                            // :7507
	{"slave", observe.KindDispatch, "statusUpdateTimeout"}:                              {"src/slave/task_status_update_manager.cpp", "TaskStatusUpdateManagerProcess::timeout"}, // :470
	{"slave", observe.KindDispatch, "escalated"}:                                        {"src/launcher/executor.cpp", "CommandExecutor::escalated"},                             // :1074 (the default executor's is DefaultExecutor::escalated)
	{"slave", observe.KindDispatch, "maxCompletion"}:                                    {"src/launcher/default_executor.cpp", "DefaultExecutor::maxCompletion"},                 // :1321
	{"slave", observe.KindDispatch, "childTerminated"}:                                  {"src/launcher/default_executor.cpp", "DefaultExecutor::waited"},                        // :798
	{"slave", observe.KindHTTP, "/api/v1"}:                                              {slaveHTTPCpp, "Http::api"},                                                             // :369
	{"slave", observe.KindHTTP, "/state"}:                                               {slaveHTTPCpp, "Http::state"},                                                           // :1331
	{"slave", observe.KindHTTP, "/flags"}:                                               {slaveHTTPCpp, "Http::flags"},                                                           // :924
	{"slave", observe.KindHTTP, "/health"}:                                              {slaveHTTPCpp, "Http::health"},                                                          // :1016
	{"slave", observe.KindHTTP, "/monitor/statistics"}:                                  {slaveHTTPCpp, "Http::statistics"},                                                      // :2680
	{"slave", observe.KindHTTP, "/containers"}:                                          {slaveHTTPCpp, "Http::containers"},                                                      // :2789
	{"files", observe.KindHTTP, "/browse"}:                                              {filesCpp, "FilesProcess::browse"},                                                      // :426
	{"files", observe.KindHTTP, "/read"}:                                                {filesCpp, "FilesProcess::read"},                                                        // :600
	{"files", observe.KindHTTP, "/debug"}:                                               {filesCpp, "FilesProcess::debug"},                                                       // :809

	// The containerizer process (containerizer.cpp MesosContainerizerProcess), by the
	// dispatch names embedded/containerizer's Process uses.
	{"mesos-containerizer", observe.KindDispatch, "launch"}:     {containerizerCpp, "MesosContainerizerProcess::launch"},     // :1297
	{"mesos-containerizer", observe.KindDispatch, "wait"}:       {containerizerCpp, "MesosContainerizerProcess::wait"},       // :2379
	{"mesos-containerizer", observe.KindDispatch, "destroy"}:    {containerizerCpp, "MesosContainerizerProcess::destroy"},    // :2675
	{"mesos-containerizer", observe.KindDispatch, "usage"}:      {containerizerCpp, "MesosContainerizerProcess::usage"},      // :2566
	{"mesos-containerizer", observe.KindDispatch, "recover"}:    {containerizerCpp, "MesosContainerizerProcess::recover"},    // :827
	{"mesos-containerizer", observe.KindDispatch, "transition"}: {containerizerCpp, "MesosContainerizerProcess::transition"}, // :3405
	{"mesos-containerizer", observe.KindDispatch, "terminated"}: {containerizerCpp, "MesosContainerizerProcess::reaped"},     // :3246

	// initialize(), which the runtime runs as a process's first dispatch
	// (ProcessBase::initialize overridden by each process).
	{"master", observe.KindDispatch, "initialize"}:         {masterCpp, "Master::initialize"},                             // :448
	{"slave", observe.KindDispatch, "initialize"}:          {slaveCpp, "Slave::initialize"},                               // :279
	{"allocator", observe.KindDispatch, "initialize"}:      {hierarchicalCpp, "HierarchicalAllocatorProcess::initialize"}, // :621
	{"files", observe.KindDispatch, "initialize"}:          {filesCpp, "FilesProcess::initialize"},                        // :223
	{"slave-observer", observe.KindDispatch, "initialize"}: {masterCpp, "SlaveObserver::initialize"},                      // :201 (in class SlaveObserver)

	// Heartbeats to a scheduler's event stream (the master keeps one
	// ResponseHeartbeater per HTTP framework), the agent's health checks of
	// tasks (it plays the executor's checker), and the sandbox attach the agent
	// asks the files process for (Files::attach, a dispatch in Mesos).
	{"master", observe.KindDispatch, "heartbeat"}:            {"src/common/heartbeater.hpp", "ResponseHeartbeaterProcess::heartbeat"}, // :74
	{"slave", observe.KindDispatch, "healthCheck"}:           {"src/checks/checker_process.cpp", "CheckerProcess::performCheck"},      // :284
	{"slave", observe.KindDispatch, "healthCheckResult"}:     {"src/checks/health_checker.cpp", "HealthChecker::processCheckResult"},  // :269
	{"files", observe.KindMessage, "mesoscope.files.Attach"}: {filesCpp, "FilesProcess::attach"},                                      // :280
	{"files", observe.KindMessage, "mesoscope.files.Detach"}: {filesCpp, "FilesProcess::detach"},                                      // :322
	{"slave", observe.KindDispatch, "shutdown"}:              {slaveCpp, "Slave::shutdown"},                                           // :1029, Agent.Stop

	// libprocess's built-in processes (HTTP routes).
	{"__processes__", observe.KindHTTP, "/__processes__"}: {libprocessCpp, "ProcessManager::__processes__"},                             // :3438
	{"metrics", observe.KindHTTP, "/metrics/snapshot"}:    {"3rdparty/libprocess/src/metrics/metrics.cpp", "MetricsProcess::_snapshot"}, // :191
	{"help", observe.KindHTTP, "/help"}:                   {"3rdparty/libprocess/src/help.cpp", "Help::help"},                           // :194
}

// lookupSource returns the Mesos function the event models, if the table knows it.
// process is the full process id; HTTP names may carry the method ("GET /help"), and
// their path the process id ("/slave(1)/state" is the table's "/state" of a slave).
func lookupSource(process string, kind observe.Kind, name string) (Source, bool) {
	pk := processKind(process)
	switch kind {
	case observe.KindHTTP:
		name = httpPath(name)
		if s, ok := lookupKey(pk, kind, name); ok {
			return s, true
		}
		if rest, ok := strings.CutPrefix(name, "/"+process); ok && (rest == "" || rest[0] == '/') {
			name = rest
		}
	case observe.KindExited, observe.KindTerminate:
		name = ""
	}
	return lookupKey(pk, kind, name)
}

// lookupKey looks name up for the process kind, then for any process.
func lookupKey(pk string, kind observe.Kind, name string) (Source, bool) {
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
