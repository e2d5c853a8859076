package walkthroughs

import (
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Pointer ties a step of a tour to code: the mesoscope Go function that does what
// the step shows, and the Mesos 1.11.0 function it models (or, for the Marathon-like
// scheduler, the Marathon source it models: Project is then ProjectMarathon).
type Pointer struct {
	// Key is what a script's "where" command names.
	Key string
	// Go is the Go function, "pkg.Func", "pkg.(*Type).Method" or "pkg.Type.Method".
	Go string
	// GoFile is the file defining it, relative to the module root.
	GoFile string
	// Mesos is the Mesos function, as a reader would search for it.
	Mesos string
	// MesosFile is the file defining it, relative to the Mesos source root.
	MesosFile string
	// Match is the text that starts the definition in MesosFile; empty means Mesos.
	Match string
	// Project is "" for Mesos 1.11.0, or ProjectMarathon when Mesos and MesosFile
	// name Marathon's Scala source (mesosphere/marathon 1.10), which is not checked
	// against a checkout.
	Project string
}

// ProjectMarathon marks a Pointer into mesosphere/marathon's source.
const ProjectMarathon = "marathon"

// upstream is how a pointer's modelled side is labelled.
func (p Pointer) upstream() string {
	if p.Project == ProjectMarathon {
		return "Marathon"
	}
	return "Mesos"
}

// match is the text to look for in MesosFile.
func (p Pointer) match() string {
	if p.Match != "" {
		return p.Match
	}
	return p.Mesos
}

// Pointers returns the reviewed table every "where" command is checked against. The
// test verifies each entry against the Go source and, when a Mesos 1.11.0 checkout is
// at hand, against the Mesos source.
func Pointers() []Pointer {
	const (
		libprocess    = "3rdparty/libprocess/src/process.cpp"
		hier          = "src/master/allocator/mesos/hierarchical.cpp"
		drfSorter     = "src/master/allocator/mesos/sorter/drf/sorter.cpp"
		masterCpp     = "src/master/master.cpp"
		slaveCpp      = "src/slave/slave.cpp"
		tsum          = "src/slave/task_status_update_manager.cpp"
		mesosCont     = "src/slave/containerizer/mesos/containerizer.cpp"
		marathonMesos = "src/main/scala/mesosphere/mesos/"
		launchQueue   = "src/main/scala/mesosphere/marathon/core/launchqueue/impl/"
		fetcherCpp    = "src/slave/containerizer/fetcher.cpp"
		executor      = "src/launcher/executor.cpp"
		contGo        = "embedded/containerizer/containerizer.go"
		launchGo      = "embedded/containerizer/launch.go"
		destroyGo     = "embedded/containerizer/destroy.go"
	)
	return []Pointer{
		// libprocess
		{Key: "process.new", Go: "process.New", GoFile: "embedded/process/runtime.go",
			Mesos: "process::initialize", MesosFile: libprocess, Match: "bool initialize("},
		{Key: "process.workers", Go: "process.workerCount", GoFile: "embedded/process/runtime.go",
			Mesos: "ProcessManager::init_threads", MesosFile: libprocess},
		{Key: "process.builtins", Go: "process.(*Runtime).spawnBuiltins", GoFile: "embedded/process/builtins.go",
			Mesos: "ProcessManager::__processes__", MesosFile: libprocess},
		{Key: "process.spawn", Go: "process.(*Runtime).Spawn", GoFile: "embedded/process/runtime.go",
			Mesos: "ProcessManager::spawn", MesosFile: libprocess},
		{Key: "process.resume", Go: "process.(*worker).resume", GoFile: "embedded/process/runtime.go",
			Mesos: "ProcessManager::resume", MesosFile: libprocess},
		{Key: "process.enqueue", Go: "process.(*proc).enqueue", GoFile: "embedded/process/proc.go",
			Mesos: "ProcessBase::enqueue", MesosFile: libprocess},
		{Key: "process.send", Go: "process.(*Base).Send", GoFile: "embedded/process/base.go",
			Mesos: "ProcessBase::send", MesosFile: libprocess},
		{Key: "process.post", Go: "process.(*Runtime).Send", GoFile: "embedded/process/runtime.go",
			Mesos: "process::post", MesosFile: "3rdparty/libprocess/include/process/process.hpp", Match: "void post("},
		{Key: "process.install", Go: "process.Install", GoFile: "embedded/process/base.go",
			Mesos: "ProcessBase::install", MesosFile: "3rdparty/libprocess/include/process/process.hpp", Match: "void install("},
		{Key: "process.consume-message", Go: "process.(*Base).consumeMessage", GoFile: "embedded/process/base.go",
			Mesos: "ProcessBase::consume(MessageEvent&&)", MesosFile: libprocess, Match: "void ProcessBase::consume(MessageEvent&& event)"},
		{Key: "process.processes", Go: "process.(*Runtime).processesJSON", GoFile: "embedded/process/builtins.go",
			Mesos: "ProcessManager::__processes__", MesosFile: libprocess},
		{Key: "process.event-json", Go: "process.eventJSON", GoFile: "embedded/process/builtins.go",
			Mesos: "Event::operator JSON::Object", MesosFile: "3rdparty/libprocess/include/process/event.hpp", Match: "inline Event::operator JSON::Object() const"},
		{Key: "process.runqueue", Go: "process.(*runQueue).pop", GoFile: "embedded/process/runqueue.go",
			Mesos: "RunQueue", MesosFile: "3rdparty/libprocess/src/run_queue.hpp", Match: "class RunQueue"},
		{Key: "process.stats", Go: "process.(*Runtime).ProcessStats", GoFile: "embedded/process/builtins.go",
			Mesos: "ProcessManager::__processes__", MesosFile: libprocess},
		{Key: "process.dispatch", Go: "process.Dispatch", GoFile: "embedded/process/dispatch.go",
			Mesos: "process::dispatch", MesosFile: "3rdparty/libprocess/include/process/dispatch.hpp", Match: "Future<R> dispatch(const PID<T>& pid, R (T::*method)())"},
		{Key: "process.consume-dispatch", Go: "process.(*worker).handle", GoFile: "embedded/process/runtime.go",
			Mesos: "ProcessBase::consume(DispatchEvent&&)", MesosFile: libprocess, Match: "void ProcessBase::consume(DispatchEvent&& event)"},
		{Key: "process.future-onready", Go: "process.(*Future).OnReady", GoFile: "embedded/process/future.go",
			Mesos: "Future<T>::onReady", MesosFile: "3rdparty/libprocess/include/process/future.hpp", Match: "const Future<T>& Future<T>::onReady(ReadyCallback&& callback) const"},
		{Key: "process.defer", Go: "process.Defer", GoFile: "embedded/process/dispatch.go",
			Mesos: "process::defer", MesosFile: "3rdparty/libprocess/include/process/defer.hpp", Match: "Deferred<void()> defer(const PID<T>& pid, void (T::*method)())"},
		{Key: "process.terminate", Go: "process.(*Runtime).Terminate", GoFile: "embedded/process/runtime.go",
			Mesos: "process::terminate", MesosFile: libprocess, Match: "void terminate(const UPID& pid, bool inject)"},
		{Key: "process.pm-terminate", Go: "process.(*proc).enqueue", GoFile: "embedded/process/proc.go",
			Mesos: "ProcessManager::terminate", MesosFile: libprocess},
		{Key: "process.cleanup", Go: "process.(*Runtime).cleanup", GoFile: "embedded/process/runtime.go",
			Mesos: "ProcessManager::cleanup", MesosFile: libprocess},
		{Key: "process.link", Go: "process.(*Base).Link", GoFile: "embedded/process/base.go",
			Mesos: "ProcessBase::link", MesosFile: libprocess},
		{Key: "process.exited", Go: "process.(*linkTable).exited", GoFile: "embedded/process/link.go",
			Mesos: "SocketManager::exited(ProcessBase*)", MesosFile: libprocess, Match: "void SocketManager::exited(ProcessBase* process)"},
		{Key: "process.settle", Go: "process.(*Runtime).Settle", GoFile: "embedded/process/runtime.go",
			Mesos: "Clock::settle", MesosFile: libprocess, Match: "void Clock::settle()"},

		// DRF sorter
		{Key: "drf.new", Go: "drf.New", GoFile: "embedded/allocator/drf/sorter.go",
			Mesos: "DRFSorter::initialize", MesosFile: drfSorter},
		{Key: "drf.add-slave", Go: "drf.(*Sorter).AddAgent", GoFile: "embedded/allocator/drf/sorter.go",
			Mesos: "DRFSorter::addSlave", MesosFile: drfSorter},
		{Key: "drf.add", Go: "drf.(*Sorter).Add", GoFile: "embedded/allocator/drf/sorter.go",
			Mesos: "DRFSorter::add", MesosFile: drfSorter},
		{Key: "drf.activate", Go: "drf.(*Sorter).Activate", GoFile: "embedded/allocator/drf/sorter.go",
			Mesos: "DRFSorter::activate", MesosFile: drfSorter},
		{Key: "drf.sort", Go: "drf.(*Sorter).Sort", GoFile: "embedded/allocator/drf/sorter.go",
			Mesos: "DRFSorter::sort", MesosFile: drfSorter},
		{Key: "drf.share", Go: "drf.(*Sorter).calculateShare", GoFile: "embedded/allocator/drf/sorter.go",
			Mesos: "DRFSorter::calculateShare", MesosFile: drfSorter},
		{Key: "drf.compare", Go: "drf.compareDRF", GoFile: "embedded/allocator/drf/node.go",
			Mesos: "DRFSorter::Node::compareDRF", MesosFile: "src/master/allocator/mesos/sorter/drf/sorter.hpp", Match: "static bool compareDRF(const Node* left, const Node* right)"},
		{Key: "drf.allocated", Go: "drf.(*Sorter).Allocated", GoFile: "embedded/allocator/drf/sorter.go",
			Mesos: "DRFSorter::allocated", MesosFile: drfSorter},
		{Key: "drf.unallocated", Go: "drf.(*Sorter).Unallocated", GoFile: "embedded/allocator/drf/sorter.go",
			Mesos: "DRFSorter::unallocated", MesosFile: drfSorter},
		{Key: "drf.weight", Go: "drf.(*Sorter).UpdateWeight", GoFile: "embedded/allocator/drf/sorter.go",
			Mesos: "DRFSorter::updateWeight", MesosFile: drfSorter},
		{Key: "drf.get-weight", Go: "drf.(*Sorter).weight", GoFile: "embedded/allocator/drf/sorter.go",
			Mesos: "DRFSorter::getWeight", MesosFile: drfSorter},

		// Hierarchical allocator
		{Key: "alloc.initialize", Go: "allocator.(*Allocator).Initialize", GoFile: "embedded/allocator/allocator.go",
			Mesos: "HierarchicalAllocatorProcess::initialize", MesosFile: hier},
		{Key: "alloc.add-framework", Go: "allocator.(*Core).AddFramework", GoFile: "embedded/allocator/framework.go",
			Mesos: "HierarchicalAllocatorProcess::addFramework", MesosFile: hier},
		{Key: "alloc.track-framework", Go: "allocator.(*Core).trackFrameworkUnderRole", GoFile: "embedded/allocator/core.go",
			Mesos: "HierarchicalAllocatorProcess::trackFrameworkUnderRole", MesosFile: hier},
		{Key: "alloc.add-slave", Go: "allocator.(*Core).AddAgent", GoFile: "embedded/allocator/agent.go",
			Mesos: "HierarchicalAllocatorProcess::addSlave", MesosFile: hier},
		{Key: "alloc.generate-offers", Go: "allocator.(*Allocator).generateOffers", GoFile: "embedded/allocator/allocator.go",
			Mesos: "HierarchicalAllocatorProcess::generateOffers", MesosFile: hier, Match: "Future<Nothing> HierarchicalAllocatorProcess::generateOffers("},
		{Key: "alloc.cycle", Go: "allocator.(*Core).allocate1", GoFile: "embedded/allocator/cycle.go",
			Mesos: "HierarchicalAllocatorProcess::__generateOffers", MesosFile: hier},
		{Key: "alloc.track-allocated", Go: "allocator.(*Core).offer", GoFile: "embedded/allocator/cycle.go",
			Mesos: "HierarchicalAllocatorProcess::trackAllocatedResources", MesosFile: hier},
		{Key: "alloc.recover", Go: "allocator.(*Core).RecoverResources", GoFile: "embedded/allocator/agent.go",
			Mesos: "HierarchicalAllocatorProcess::recoverResources", MesosFile: hier},
		{Key: "alloc.is-filtered", Go: "allocator.(*frameworkRole).filteredBy", GoFile: "embedded/allocator/filter.go",
			Mesos: "HierarchicalAllocatorProcess::isFiltered", MesosFile: hier},
		{Key: "alloc.expire", Go: "allocator.(*Core).ExpireFilters", GoFile: "embedded/allocator/filter.go",
			Mesos: "HierarchicalAllocatorProcess::expire", MesosFile: hier},
		{Key: "alloc.revive", Go: "allocator.(*Core).ReviveOffers", GoFile: "embedded/allocator/framework.go",
			Mesos: "HierarchicalAllocatorProcess::reviveOffers", MesosFile: hier},
		{Key: "alloc.suppress", Go: "allocator.(*Core).SuppressOffers", GoFile: "embedded/allocator/framework.go",
			Mesos: "HierarchicalAllocatorProcess::suppressOffers", MesosFile: hier},

		// Master
		{Key: "master.initialize", Go: "master.New", GoFile: "embedded/master/master.go",
			Mesos: "Master::initialize", MesosFile: masterCpp},
		{Key: "master.register-slave", Go: "master.(*Master).registerSlave", GoFile: "embedded/master/agents.go",
			Mesos: "Master::registerSlave", MesosFile: masterCpp},
		{Key: "master.scheduler-http", Go: "master.(*Master).serveScheduler", GoFile: "embedded/master/scheduler_http.go",
			Mesos: "Master::Http::scheduler", MesosFile: "src/master/http.cpp"},
		{Key: "master.subscribe", Go: "master.(*Master).subscribe", GoFile: "embedded/master/framework.go",
			Mesos: "Master::subscribe(StreamingHttpConnection, ...)", MesosFile: masterCpp, Match: "void Master::subscribe(\n    StreamingHttpConnection<v1::scheduler::Event> http,"},
		{Key: "master.offer", Go: "master.(*Master).offer", GoFile: "embedded/master/offers.go",
			Mesos: "Master::offer", MesosFile: masterCpp},
		{Key: "master.decline", Go: "master.(*Master).decline", GoFile: "embedded/master/offers.go",
			Mesos: "Master::decline", MesosFile: masterCpp},
		{Key: "master.discard-offer", Go: "master.(*Master).removeOffer", GoFile: "embedded/master/offers.go",
			Mesos: "Master::discardOffer", MesosFile: masterCpp},
		{Key: "master.revive", Go: "master.(*Master).revive", GoFile: "embedded/master/offers.go",
			Mesos: "Master::revive", MesosFile: masterCpp},
		{Key: "master.suppress", Go: "master.(*Master).suppress", GoFile: "embedded/master/offers.go",
			Mesos: "Master::suppress", MesosFile: masterCpp},
		{Key: "master.offer-timeout", Go: "master.(*Master).newOffer", GoFile: "embedded/master/offers.go",
			Mesos: "Master::offerTimeout", MesosFile: masterCpp},
		{Key: "master.rescind", Go: "master.(*Master).rescindOffer", GoFile: "embedded/master/offers.go",
			Mesos: "Master::rescindOffer", MesosFile: masterCpp},
		{Key: "master.reconcile", Go: "master.(*Master).reconcile", GoFile: "embedded/master/tasks.go",
			Mesos: "Master::reconcile", MesosFile: masterCpp},
		{Key: "master.accept", Go: "master.(*Master).accept", GoFile: "embedded/master/tasks.go",
			Mesos: "Master::accept", MesosFile: masterCpp, Match: "void Master::accept("},
		{Key: "master.kill", Go: "master.(*Master).kill", GoFile: "embedded/master/tasks.go",
			Mesos: "Master::kill", MesosFile: masterCpp, Match: "void Master::kill(Framework* framework, const scheduler::Call::Kill& kill)"},
		{Key: "master.status-update", Go: "master.(*Master).statusUpdateMessage", GoFile: "embedded/master/tasks.go",
			Mesos: "Master::statusUpdate", MesosFile: masterCpp, Match: "void Master::statusUpdate(StatusUpdateMessage&& statusUpdateMessage)"},
		{Key: "master.acknowledge", Go: "master.(*Master).acknowledge", GoFile: "embedded/master/tasks.go",
			Mesos: "Master::acknowledge", MesosFile: masterCpp, Match: "void Master::acknowledge("},

		// Reliability: the agent's status update manager, agent recovery, master failover
		{Key: "agent.new", Go: "agent.New", GoFile: "embedded/agent/agent.go",
			Mesos: "Slave::initialize", MesosFile: slaveCpp, Match: "void Slave::initialize()"},
		{Key: "agent.recover", Go: "agent.(*Agent).recover", GoFile: "embedded/agent/recover.go",
			Mesos: "Slave::recover", MesosFile: slaveCpp, Match: "Future<Nothing> Slave::recover("},
		{Key: "agent.read-state", Go: "agent.readState", GoFile: "embedded/agent/state_recover.go",
			Mesos: "state::recover", MesosFile: "src/slave/state.cpp", Match: "Try<State> recover(const string& rootDir, bool strict)"},
		{Key: "agent.containers-recovered", Go: "agent.(*Agent).containersRecovered", GoFile: "embedded/agent/recover.go",
			Mesos: "Slave::_recover", MesosFile: slaveCpp, Match: "Future<Nothing> Slave::_recover()"},
		{Key: "agent.register", Go: "agent.(*Agent).doReliableRegistration", GoFile: "embedded/agent/registration.go",
			Mesos: "Slave::doReliableRegistration", MesosFile: slaveCpp, Match: "void Slave::doReliableRegistration("},
		{Key: "agent.reregister", Go: "agent.(*Agent).reregisterMessage", GoFile: "embedded/agent/registration.go",
			Mesos: "Slave::doReliableRegistration", MesosFile: slaveCpp, Match: "void Slave::doReliableRegistration("},
		{Key: "agent.checkpoint", Go: "agent.(*Agent).checkpointTask", GoFile: "embedded/agent/state_checkpoint.go",
			Mesos: "Executor::checkpointTask", MesosFile: slaveCpp, Match: "void Executor::checkpointTask(const TaskInfo& task)"},
		{Key: "agent.status-update", Go: "agent.(*Agent).statusUpdate", GoFile: "embedded/agent/statusupdate.go",
			Mesos: "Slave::statusUpdate", MesosFile: slaveCpp, Match: "void Slave::statusUpdate(StatusUpdate update"},
		{Key: "agent.update-manager", Go: "agent.(*UpdateManager).Update", GoFile: "embedded/agent/updatemanager.go",
			Mesos: "TaskStatusUpdateManagerProcess::forward", MesosFile: tsum, Match: "Timeout TaskStatusUpdateManagerProcess::forward("},
		{Key: "agent.update-timeout", Go: "agent.(*UpdateManager).Timeout", GoFile: "embedded/agent/updatemanager.go",
			Mesos: "TaskStatusUpdateManagerProcess::timeout", MesosFile: tsum, Match: "void TaskStatusUpdateManagerProcess::timeout("},
		{Key: "agent.acknowledgement", Go: "agent.(*UpdateManager).Acknowledge", GoFile: "embedded/agent/updatemanager.go",
			Mesos: "TaskStatusUpdateManagerProcess::acknowledgement", MesosFile: tsum, Match: "Future<bool> TaskStatusUpdateManagerProcess::acknowledgement("},
		{Key: "master.exited", Go: "master.(*Master).Exited", GoFile: "embedded/master/agents.go",
			Mesos: "Master::exited", MesosFile: masterCpp, Match: "void Master::exited(const UPID& pid)"},
		{Key: "master.recover", Go: "master.openRegistry", GoFile: "embedded/master/registry.go",
			Mesos: "Master::recover", MesosFile: masterCpp, Match: "Future<Nothing> Master::recover()"},
		{Key: "master.reregister-slave", Go: "master.(*Master).reregisterSlave", GoFile: "embedded/master/agents.go",
			Mesos: "Master::reregisterSlave", MesosFile: masterCpp, Match: "void Master::reregisterSlave("},

		// Containerizer
		{Key: "cont.create", Go: "containerizer.New", GoFile: contGo,
			Mesos: "Containerizer::create", MesosFile: "src/slave/containerizer/containerizer.cpp", Match: "Try<Containerizer*> Containerizer::create("},
		{Key: "cont.mesos-create", Go: "containerizer.(*Mesos).setupIsolators", GoFile: contGo,
			Mesos: "MesosContainerizer::create", MesosFile: mesosCont, Match: "Try<MesosContainerizer*> MesosContainerizer::create("},
		{Key: "cont.launch", Go: "containerizer.(*Mesos).Launch", GoFile: launchGo,
			Mesos: "MesosContainerizerProcess::launch", MesosFile: mesosCont, Match: "Future<Containerizer::LaunchResult> MesosContainerizerProcess::launch("},
		{Key: "cont.prepare", Go: "containerizer.(*Mesos).launchSteps", GoFile: launchGo,
			Mesos: "MesosContainerizerProcess::prepare", MesosFile: mesosCont, Match: "Future<Nothing> MesosContainerizerProcess::prepare("},
		{Key: "cont.fork", Go: "containerizer.forkShim", GoFile: "embedded/containerizer/launcher.go",
			Mesos: "MesosContainerizerProcess::_launch", MesosFile: mesosCont, Match: "Future<Containerizer::LaunchResult> MesosContainerizerProcess::_launch("},
		{Key: "cont.isolate", Go: "containerizer.(*Mesos).advance", GoFile: launchGo,
			Mesos: "MesosContainerizerProcess::isolate", MesosFile: mesosCont, Match: "Future<Nothing> MesosContainerizerProcess::isolate("},
		{Key: "cont.fetch", Go: "containerizer.(*Fetcher).Fetch", GoFile: "embedded/containerizer/fetcher.go",
			Mesos: "MesosContainerizerProcess::fetch", MesosFile: mesosCont, Match: "Future<Nothing> MesosContainerizerProcess::fetch("},
		{Key: "cont.exec", Go: "containerizer.(*Mesos).launchSteps", GoFile: launchGo,
			Mesos: "MesosContainerizerProcess::exec", MesosFile: mesosCont, Match: "Future<Containerizer::LaunchResult> MesosContainerizerProcess::exec("},
		{Key: "cont.transition", Go: "containerizer.(*Mesos).transitionLocked", GoFile: contGo,
			Mesos: "MesosContainerizerProcess::transition", MesosFile: mesosCont, Match: "void MesosContainerizerProcess::transition("},
		{Key: "cont.shim", Go: "shim.Run", GoFile: "embedded/containerizer/shim/shim.go",
			Mesos: "MesosContainerizerLaunch::execute", MesosFile: "src/slave/containerizer/mesos/launch.cpp", Match: "int MesosContainerizerLaunch::execute()"},
		{Key: "cont.launch-info", Go: "containerizer.(*Mesos).buildLaunchInfo", GoFile: launchGo,
			Mesos: "MesosContainerizerProcess::_launch", MesosFile: mesosCont, Match: "Future<Containerizer::LaunchResult> MesosContainerizerProcess::_launch("},
		{Key: "cont.wait", Go: "containerizer.(*Mesos).Wait", GoFile: destroyGo,
			Mesos: "MesosContainerizerProcess::wait", MesosFile: mesosCont, Match: "Future<Option<ContainerTermination>> MesosContainerizerProcess::wait("},
		{Key: "cont.reaped", Go: "containerizer.(*Mesos).onExit", GoFile: destroyGo,
			Mesos: "MesosContainerizerProcess::reaped", MesosFile: mesosCont, Match: "void MesosContainerizerProcess::reaped("},
		{Key: "cont.destroy", Go: "containerizer.(*Mesos).Destroy", GoFile: destroyGo,
			Mesos: "MesosContainerizerProcess::destroy", MesosFile: mesosCont, Match: "Future<Option<ContainerTermination>> MesosContainerizerProcess::destroy("},
		{Key: "cont.kill-grace", Go: "containerizer.(*Mesos).runDestroy", GoFile: destroyGo,
			Mesos: "CommandExecutor::kill", MesosFile: executor, Match: "void kill(const TaskID& _taskId, const Duration& gracePeriod)"},
		{Key: "cont.escalate", Go: "containerizer.(*Mesos).escalate", GoFile: destroyGo,
			Mesos: "CommandExecutor::escalated", MesosFile: executor, Match: "void escalated(const Duration& timeout)"},
		{Key: "cont.recover", Go: "containerizer.(*Mesos).Recover", GoFile: "embedded/containerizer/recover.go",
			Mesos: "MesosContainerizerProcess::recover", MesosFile: mesosCont, Match: "Future<Nothing> MesosContainerizerProcess::recover("},
		{Key: "cont.orphans", Go: "containerizer.(*Mesos).Recover", GoFile: "embedded/containerizer/recover.go",
			Mesos: "MesosContainerizerProcess::__recover", MesosFile: mesosCont, Match: "Future<Nothing> MesosContainerizerProcess::__recover("},
		{Key: "fetcher.fetch", Go: "containerizer.(*Fetcher).run", GoFile: "embedded/containerizer/fetcher.go",
			Mesos: "FetcherProcess::fetch", MesosFile: fetcherCpp, Match: "Future<Nothing> FetcherProcess::fetch("},
		{Key: "fetcher.cache-get", Go: "containerizer.(*fetchCache).get", GoFile: "embedded/containerizer/cache.go",
			Mesos: "FetcherProcess::Cache::get", MesosFile: fetcherCpp, Match: "FetcherProcess::Cache::get("},
		{Key: "docker.run", Go: "containerizer.(*Mesos).buildLaunchInfo", GoFile: launchGo,
			Mesos: "Docker::run", MesosFile: "src/docker/docker.cpp", Match: "Future<Option<int>> Docker::run("},
		// The Marathon-like scheduler (mesosphere/marathon's source)
		{Key: "marathon.match", Go: "marathon.Match", GoFile: "embedded/marathon/match.go", Project: ProjectMarathon,
			Mesos: "ResourceMatcher.matchResources", MesosFile: marathonMesos + "ResourceMatcher.scala"},
		{Key: "marathon.funnel", Go: "marathon.FirstReason", GoFile: "embedded/marathon/reason.go", Project: ProjectMarathon,
			Mesos: "NoOfferMatchReason.reasonFunnel", MesosFile: marathonMesos + "NoOfferMatchReason.scala"},
		{Key: "marathon.constraints", Go: "marathon.(*Constraint).Meets", GoFile: "embedded/marathon/constraint.go", Project: ProjectMarathon,
			Mesos: "Constraints.meetsConstraint", MesosFile: marathonMesos + "Constraints.scala"},
		{Key: "marathon.offers", Go: "marathon.(*core).matchOffer", GoFile: "embedded/marathon/core_offers.go", Project: ProjectMarathon,
			Mesos: "TaskLauncherActor (offer matching)", MesosFile: launchQueue + "TaskLauncherActor.scala"},
		{Key: "marathon.stats", Go: "marathon.(*OfferStats).LastOffersSummary", GoFile: "embedded/marathon/stats.go", Project: ProjectMarathon,
			Mesos: "OfferMatchStatistics", MesosFile: launchQueue + "OfferMatchStatistics.scala"},
		{Key: "marathon.revive", Go: "marathon.(*reviver).step", GoFile: "embedded/marathon/revive.go", Project: ProjectMarathon,
			Mesos: "ReviveOffersStreamLogic", MesosFile: launchQueue + "ReviveOffersStreamLogic.scala"},
		{Key: "marathon.restart", Go: "marathon.ComputeRestartStrategy", GoFile: "embedded/marathon/upgrade.go", Project: ProjectMarathon,
			Mesos: "TaskReplaceActor.computeRestartStrategy", MesosFile: "src/main/scala/mesosphere/marathon/core/deployment/impl/TaskReplaceActor.scala"},
		{Key: "docker.container-create", Go: "containerizer.(*Mesos).buildLaunchInfo", GoFile: launchGo,
			Mesos: "DockerContainerizerProcess::Container::create", MesosFile: "src/slave/containerizer/docker.cpp", Match: "DockerContainerizerProcess::Container::create("},
	}
}

// LookupPointer returns the pointer with that key.
func LookupPointer(key string) (Pointer, bool) {
	for _, p := range Pointers() {
		if p.Key == key {
			return p, true
		}
	}
	return Pointer{}, false
}

// ErrUnknownPointer is wrapped when a "where" names a key missing from Pointers.
var ErrUnknownPointer = errors.New("unknown pointer")

// whereCmd: where KEY... — the Go function and the Mesos function of each key.
func whereCmd(c *Command) (string, error) {
	keys := bareArgs(c)
	if len(keys) == 0 {
		return "", errors.New("where: want pointer keys")
	}
	var out []string
	for _, k := range keys {
		p, ok := LookupPointer(k)
		if !ok {
			return "", fmt.Errorf("where %s: %w (see Pointers)", k, ErrUnknownPointer)
		}
		out = append(out, describePointer(p))
	}
	return strings.Join(out, "\n"), nil
}

// describePointer renders a pointer on two lines.
func describePointer(p Pointer) string {
	return fmt.Sprintf("mesoscope  %s  (%s)\n%-10s %s  (%s)", p.Go, p.GoFile, p.upstream(), p.Mesos, p.MesosFile)
}

// pointerKeys returns every key, sorted.
func pointerKeys() []string {
	var keys []string
	for _, p := range Pointers() {
		keys = append(keys, p.Key)
	}
	sort.Strings(keys)
	return keys
}
