package readonly

// v1ShapeCases compares the v1 bodies with the operator API examples of
// docs/operator-http-api.md (the operator-*.json fixtures, Mesos 1.0-1.4
// era) and with the 1.11.0 source where the examples are outdated.
func v1ShapeCases() []shapeCase {
	getState := func(s *Snapshot) []byte { return GetState(s) }
	const (
		jsonify  = "jsonify writes it always (readonly_handler.cpp); the doc example omits the empty array"
		whenSet  = "written only when set; the example has none"
		drain    = "written only for a draining agent (1.9+)"
		docOld   = "the documentation example predates it"
		emptyRep = "an empty repeated field: stout's JSON::protobuf omits it; the doc example shows []"
	)
	return []shapeCase{
		{
			name: "GET_STATE get_tasks", got: getState, gotPath: "get_state.get_tasks",
			fixture: "operator-GET_STATE.response.json", wantPath: "get_state.get_tasks",
			extra: map[string]string{"tasks": jsonify, "unreachable_tasks": jsonify},
		},
		{
			name: "GET_STATE task", got: getState, gotPath: "get_state.get_tasks.completed_tasks[]",
			fixture: "operator-GET_STATE.response.json", wantPath: "get_state.get_tasks.completed_tasks[]",
			extra: map[string]string{"labels": whenSet, "container": whenSet, "user": whenSet},
		},
		{
			name: "GET_TASKS task", got: func(s *Snapshot) []byte { return GetTasks(s) }, gotPath: "get_tasks.tasks[]",
			fixture: "operator-GET_TASKS.response.json", wantPath: "get_tasks.tasks[]",
			extra:   map[string]string{"labels": whenSet, "discovery": whenSet, "health_check": whenSet},
			missing: map[string]string{"executor_id": "set only for tasks with an executor; the test's active tasks are command tasks"},
		},
		{
			name: "GET_TASKS status", got: func(s *Snapshot) []byte { return GetTasks(s) }, gotPath: "get_tasks.tasks[].statuses[]",
			fixture: "operator-GET_TASKS.response.json", wantPath: "get_tasks.tasks[].statuses[]",
			extra: map[string]string{"healthy": whenSet},
		},
		{
			name: "GET_AGENTS agent", got: func(s *Snapshot) []byte { return GetAgents(s) }, gotPath: "get_agents.agents[]",
			fixture: "operator-GET_AGENTS.response.jsonc", wantPath: "get_agents.agents[]",
			extra: map[string]string{
				"deactivated":         "createAgentResponse always sets it since 1.9; " + docOld,
				"reregistered_time":   whenSet,
				"allocated_resources": "createAgentResponse sets it since 1.3; " + docOld,
				"offered_resources":   "createAgentResponse sets it since 1.3; " + docOld,
				"capabilities":        "createAgentResponse sets it since 1.3; " + docOld,
				"drain_info":          drain, "estimated_drain_start_time": drain,
			},
		},
		{
			name: "GET_AGENTS agent_info", got: func(s *Snapshot) []byte { return GetAgents(s) }, gotPath: "get_agents.agents[].agent_info",
			fixture: "operator-GET_AGENTS.response.jsonc", wantPath: "get_agents.agents[].agent_info",
			extra: map[string]string{"attributes": whenSet, "domain": whenSet},
		},
		{
			name: "AGENT_ADDED agent", got: func(s *Snapshot) []byte { return AgentAdded(s.Agents[0]) }, gotPath: "agent_added.agent",
			fixture: "operator-event-AGENT_ADDED.jsonc", wantPath: "agent_added.agent",
			extra: map[string]string{"deactivated": "createAgentResponse always sets it since 1.9; " + docOld},
		},
		{
			name: "GET_FRAMEWORKS framework", got: func(s *Snapshot) []byte { return GetFrameworks(s) }, gotPath: "get_frameworks.frameworks[]",
			fixture: "operator-GET_FRAMEWORKS.response.json", wantPath: "get_frameworks.frameworks[]",
			extra: map[string]string{
				"recovered":           "model() sets it since 1.3; " + docOld,
				"offers":              whenSet,
				"allocated_resources": "model() sets it when not empty",
				"offered_resources":   "model() sets it when not empty",
				"offer_constraints":   "model() always sets it since 1.11",
			},
		},
		{
			name: "GET_FRAMEWORKS framework_info", got: func(s *Snapshot) []byte { return GetFrameworks(s) }, gotPath: "get_frameworks.frameworks[].framework_info",
			fixture: "operator-GET_FRAMEWORKS.response.json", wantPath: "get_frameworks.frameworks[].framework_info",
			extra:   map[string]string{"roles": "MULTI_ROLE", "webui_url": whenSet, "capabilities": whenSet, "labels": whenSet},
			missing: map[string]string{"role": "deprecated, written only when set; MULTI_ROLE frameworks set roles"},
		},
		{
			name: "GET_EXECUTORS executor", got: func(s *Snapshot) []byte { return GetExecutors(s) }, gotPath: "get_executors.executors[]",
			fixture: "operator-GET_EXECUTORS.response.json", wantPath: "get_executors.executors[]",
		},
		{
			name: "GET_EXECUTORS executor_info", got: func(s *Snapshot) []byte { return GetExecutors(s) }, gotPath: "get_executors.executors[].executor_info",
			fixture: "operator-GET_EXECUTORS.response.json", wantPath: "get_executors.executors[].executor_info",
			extra: map[string]string{"type": whenSet, "resources": whenSet, "name": whenSet, "labels": whenSet},
		},
		{
			name: "GET_ROLES role", got: func(s *Snapshot) []byte { return GetRoles(s) }, gotPath: "get_roles.roles[]",
			fixture: "operator-GET_ROLES.response.json", wantPath: "get_roles.roles[]",
		},
		{
			name: "GET_MASTER", got: func(s *Snapshot) []byte { return GetMaster(s) }, gotPath: "get_master",
			fixture: "operator-GET_MASTER.response.json", wantPath: "get_master",
			extra: map[string]string{"start_time": "always set (Master::Http::getMaster); " + docOld, "elected_time": "set when elected; " + docOld},
		},
		{
			name: "GET_MASTER master_info", got: func(s *Snapshot) []byte { return GetMaster(s) }, gotPath: "get_master.master_info",
			fixture: "operator-GET_MASTER.response.json", wantPath: "get_master.master_info",
			extra: map[string]string{"domain": whenSet, "capabilities": whenSet},
		},
		{
			name: "GET_VERSION", got: func(s *Snapshot) []byte { return GetVersion(s) }, gotPath: "get_version.version_info",
			fixture: "operator-GET_VERSION.response.json", wantPath: "get_version.version_info",
			extra: map[string]string{"git_sha": whenSet},
		},
		{
			name: "GET_HEALTH", got: func(*Snapshot) []byte { return GetHealth() }, fixture: "operator-GET_HEALTH.response.json",
		},
		{
			name: "SUBSCRIBED", got: func(s *Snapshot) []byte { return Subscribed(s, 0) }, gotPath: "subscribed",
			fixture: "operator-event-SUBSCRIBED.jsonc", wantPath: "subscribed",
			extra: map[string]string{"heartbeat_interval_seconds": "jsonifySubscribe always writes it; the example elides the event"},
		},
		{
			name: "HEARTBEAT", got: func(*Snapshot) []byte { return Heartbeat() }, fixture: "operator-event-HEARTBEAT.jsonc",
		},
		{
			name: "TASK_ADDED", got: func(s *Snapshot) []byte { return TaskAdded(s.Frameworks[0].Tasks[0]) }, gotPath: "task_added.task",
			fixture: "operator-event-TASK_ADDED.json", wantPath: "task_added.task",
			extra: map[string]string{
				"framework_id": "required in Task; the example is abridged", "state": "required in Task; the example is abridged",
				"resources": whenSet, "statuses": whenSet, "status_update_state": whenSet,
				"status_update_uuid": whenSet, "labels": whenSet,
			},
			missing: map[string]string{"command": "not a Task field (TaskInfo's); the example is wrong"},
		},
		{
			name: "TASK_UPDATED", got: func(s *Snapshot) []byte {
				t := s.Frameworks[0].Tasks[0]
				return TaskUpdated(t.FrameworkID.Value, &t.Statuses[1], t.State)
			}, gotPath: "task_updated",
			fixture: "operator-event-TASK_UPDATED.json", wantPath: "task_updated",
			extra: map[string]string{"status": "createTaskUpdated sets status (1.2+); the example is outdated"},
			missing: map[string]string{
				"task_id": "moved into status; the example is outdated", "agent_id": "moved into status; the example is outdated",
				"executor_id": "moved into status; the example is outdated",
			},
		},
		{
			name: "AGENT_REMOVED", got: func(s *Snapshot) []byte { return AgentRemoved("a") }, gotPath: "agent_removed",
			fixture: "operator-event-AGENT_REMOVED.json", wantPath: "agent_removed",
		},
		{
			name: "FRAMEWORK_ADDED", got: func(s *Snapshot) []byte { return FrameworkAdded(s.Frameworks[1]) }, gotPath: "framework_added.framework",
			fixture: "operator-event-FRAMEWORK_ADDED.json", wantPath: "framework_added.framework",
			extra: map[string]string{"unregistered_time": "createFrameworkAdded always sets it (1.11 code)"},
			missing: map[string]string{
				"allocated_resources": "not set by createFrameworkAdded; " + emptyRep,
				"inverse_offers":      "not set by createFrameworkAdded; " + emptyRep,
			},
		},
		{
			name: "FRAMEWORK_UPDATED", got: func(s *Snapshot) []byte { return FrameworkUpdated(s.Frameworks[1]) }, gotPath: "framework_updated.framework",
			fixture: "operator-event-FRAMEWORK_UPDATED.json", wantPath: "framework_updated.framework",
			extra: map[string]string{"unregistered_time": "createFrameworkUpdated always sets it (1.11 code)"},
			missing: map[string]string{
				"allocated_resources": "not set by createFrameworkUpdated; " + emptyRep,
				"inverse_offers":      "not set by createFrameworkUpdated; " + emptyRep,
			},
		},
		{
			name: "FRAMEWORK_REMOVED", got: func(s *Snapshot) []byte {
				info := s.Frameworks[1].Info
				info.Role = "*"
				info.Capabilities = nil
				return FrameworkRemoved(&info)
			}, gotPath: "framework_removed.framework_info",
			fixture: "operator-event-FRAMEWORK_REMOVED.json", wantPath: "framework_removed.framework_info",
			missing: map[string]string{"capabilities": "not set in the test framework"},
		},
	}
}
