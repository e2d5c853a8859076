package readonly

import (
	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/resources"
)

// The v1 operator API responses (POST /api/v1, Accept: application/json)
// as Master::ReadOnlyHandler::getState and friends write them
// (src/master/readonly_handler.cpp). GET_STATE, GET_AGENTS,
// GET_FRAMEWORKS, GET_EXECUTORS and GET_TASKS are written by hand-rolled
// jsonify writers in Mesos, which always write their top-level arrays,
// even empty ("agents":[], "recovered_agents":[]); their elements are
// protobuf JSON, which omits empty repeated fields. The other responses
// are plain protobuf JSON. Every body decodes with
// operator.DecodeResponse.

// GetState renders the GET_STATE response.
func GetState(s *Snapshot) []byte {
	return AppendGetState(make([]byte, 0, estimateState(s, 1500)), s)
}

// AppendGetState appends the GET_STATE response: {"type":"GET_STATE",
// "get_state":{"get_tasks":...,"get_executors":...,"get_frameworks":...,
// "get_agents":...}}.
func AppendGetState(dst []byte, s *Snapshot) []byte {
	b := append(dst, `{"type":"GET_STATE","get_state":`...)
	b = appendGetStateBody(b, s)
	return append(b, '}')
}

// appendGetStateBody appends the Response.GetState message.
func appendGetStateBody(b []byte, s *Snapshot) []byte {
	b = append(b, `{"get_tasks":`...)
	b = appendGetTasksBody(b, s)
	b = append(b, `,"get_executors":`...)
	b = appendGetExecutorsBody(b, s)
	b = append(b, `,"get_frameworks":`...)
	b = appendGetFrameworksBody(b, s)
	b = append(b, `,"get_agents":`...)
	b = appendGetAgentsBody(b, s)
	return append(b, '}')
}

// GetAgents renders the GET_AGENTS response: the registered agents
// (createAgentResponse) and the recovered agents' AgentInfo.
func GetAgents(s *Snapshot) []byte {
	b := make([]byte, 0, 1024+1500*len(s.Agents))
	b = append(b, `{"type":"GET_AGENTS","get_agents":`...)
	b = appendGetAgentsBody(b, s)
	return append(b, '}')
}

func appendGetAgentsBody(b []byte, s *Snapshot) []byte {
	b = append(b, `{"agents":[`...)
	n := 0
	for _, a := range s.Agents {
		if a == nil {
			continue
		}
		if n > 0 {
			b = append(b, ',')
		}
		n++
		b = appendV1Agent(b, a)
	}
	b = append(b, `],"recovered_agents":[`...)
	for i := range s.RecoveredAgents {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendV1AgentInfo(b, &s.RecoveredAgents[i])
	}
	return append(b, "]}"...)
}

// GetFrameworks renders the GET_FRAMEWORKS response: the registered and
// the completed frameworks (model(const Framework&)).
func GetFrameworks(s *Snapshot) []byte {
	b := make([]byte, 0, 1024+1000*(len(s.Frameworks)+len(s.CompletedFrameworks)))
	b = append(b, `{"type":"GET_FRAMEWORKS","get_frameworks":`...)
	b = appendGetFrameworksBody(b, s)
	return append(b, '}')
}

func appendGetFrameworksBody(b []byte, s *Snapshot) []byte {
	b = append(b, `{"frameworks":`...)
	b = appendV1Frameworks(b, s.Frameworks)
	b = append(b, `,"completed_frameworks":`...)
	b = appendV1Frameworks(b, s.CompletedFrameworks)
	return append(b, '}')
}

func appendV1Frameworks(b []byte, fws []*Framework) []byte {
	b = append(b, '[')
	n := 0
	for _, f := range fws {
		if f == nil {
			continue
		}
		if n > 0 {
			b = append(b, ',')
		}
		n++
		b = appendV1Framework(b, f)
	}
	return append(b, ']')
}

// GetExecutors renders the GET_EXECUTORS response: the executors of the
// registered and then the completed frameworks.
func GetExecutors(s *Snapshot) []byte {
	b := make([]byte, 0, 1024)
	b = append(b, `{"type":"GET_EXECUTORS","get_executors":`...)
	b = appendGetExecutorsBody(b, s)
	return append(b, '}')
}

func appendGetExecutorsBody(b []byte, s *Snapshot) []byte {
	b = append(b, `{"executors":[`...)
	n := 0
	for _, fws := range [...][]*Framework{s.Frameworks, s.CompletedFrameworks} {
		for _, f := range fws {
			if f == nil {
				continue
			}
			for i := range f.Executors {
				if n > 0 {
					b = append(b, ',')
				}
				n++
				b = appendV1Executor(b, &f.Executors[i])
			}
		}
	}
	return append(b, "]}"...)
}

// GetTasks renders the GET_TASKS response: tasks, unreachable_tasks and
// completed_tasks of the registered and then the completed frameworks;
// pending_tasks (which Mesos 1.11 never has) is written first when some
// framework has pending tasks.
func GetTasks(s *Snapshot) []byte {
	b := make([]byte, 0, 1024)
	b = append(b, `{"type":"GET_TASKS","get_tasks":`...)
	b = appendGetTasksBody(b, s)
	return append(b, '}')
}

func appendGetTasksBody(b []byte, s *Snapshot) []byte {
	b = append(b, '{')
	pending := false
	for _, fws := range [...][]*Framework{s.Frameworks, s.CompletedFrameworks} {
		for _, f := range fws {
			if f != nil && len(f.PendingTasks) > 0 {
				pending = true
			}
		}
	}
	if pending {
		b = append(b, `"pending_tasks":`...)
		b = appendV1TaskList(b, s, func(f *Framework) []*mesos.Task { return f.PendingTasks })
		b = append(b, ',')
	}
	b = append(b, `"tasks":`...)
	b = appendV1TaskList(b, s, func(f *Framework) []*mesos.Task { return f.Tasks })
	b = append(b, `,"unreachable_tasks":`...)
	b = appendV1TaskList(b, s, func(f *Framework) []*mesos.Task { return f.UnreachableTasks })
	b = append(b, `,"completed_tasks":`...)
	b = appendV1TaskList(b, s, func(f *Framework) []*mesos.Task { return f.CompletedTasks })
	return append(b, '}')
}

// appendV1TaskList appends the tasks pick selects of every registered and
// completed framework as one array.
func appendV1TaskList(b []byte, s *Snapshot, pick func(*Framework) []*mesos.Task) []byte {
	b = append(b, '[')
	n := 0
	for _, fws := range [...][]*Framework{s.Frameworks, s.CompletedFrameworks} {
		for _, f := range fws {
			if f == nil {
				continue
			}
			for _, t := range pick(f) {
				if t == nil {
					continue
				}
				if n > 0 {
					b = append(b, ',')
				}
				n++
				b = appendV1Task(b, t)
			}
		}
	}
	return append(b, ']')
}

// GetRoles renders the GET_ROLES response (Master::ReadOnlyHandler::
// getRoles): each known role's name, weight, frameworks, and as resources
// the cpus, disk, gpus and mem quantities allocated or offered to it.
func GetRoles(s *Snapshot) []byte {
	b := make([]byte, 0, 256+256*len(s.Roles))
	b = append(b, `{"type":"GET_ROLES","get_roles":{`...)
	if len(s.Roles) > 0 {
		b = append(b, `"roles":[`...)
		for i := range s.Roles {
			r := &s.Roles[i]
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"name":`...)
			b = appendString(b, r.Name)
			b = append(b, `,"weight":`...)
			b = appendFloat(b, r.Weight)
			if len(r.Frameworks) > 0 {
				b = append(b, `,"frameworks":[`...)
				for j, id := range r.Frameworks {
					if j > 0 {
						b = append(b, ',')
					}
					b = appendID(b, id)
				}
				b = append(b, ']')
			}
			q := r.Allocated.Quantities()
			q.Add(r.Offered.Quantities())
			n := 0
			for name, v := range q.All() {
				switch name {
				case "cpus", "mem", "disk", "gpus":
				default:
					continue
				}
				if n == 0 {
					b = append(b, `,"resources":[`...)
				} else {
					b = append(b, ',')
				}
				n++
				res := resources.Resource{Name: name, Type: resources.TypeScalar, Scalar: v}
				if out, err := res.AppendJSON(b, resources.FormatPostRefinement); err == nil {
					b = out
				} else {
					b = append(b, `{"name":`...)
					b = appendString(b, name)
					b = append(b, `,"type":"SCALAR","scalar":{"value":null}}`...)
				}
			}
			if n > 0 {
				b = append(b, ']')
			}
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	return append(b, "}}"...)
}

// GetMaster renders the GET_MASTER response: master_info, start_time and
// elected_time (float seconds; elected_time only when elected).
func GetMaster(s *Snapshot) []byte {
	b := make([]byte, 0, 512)
	b = append(b, `{"type":"GET_MASTER","get_master":{"master_info":`...)
	b = appendMarshal(b, &s.Info)
	b = append(b, `,"start_time":`...)
	b = appendSecs(b, s.StartTime)
	if !s.ElectedTime.IsZero() {
		b = append(b, `,"elected_time":`...)
		b = appendSecs(b, s.ElectedTime)
	}
	return append(b, "}}"...)
}

// GetHealth renders the GET_HEALTH response; a master that answers is
// healthy.
func GetHealth() []byte {
	return []byte(`{"type":"GET_HEALTH","get_health":{"healthy":true}}`)
}

// GetVersion renders the GET_VERSION response: version_info with version,
// build_date, build_time, build_user and the git fields that are set
// (evolve of version() in src/internal/evolve.cpp).
func GetVersion(s *Snapshot) []byte {
	v := s.Build
	b := make([]byte, 0, 256)
	b = append(b, `{"type":"GET_VERSION","get_version":{"version_info":{"version":`...)
	b = appendString(b, s.Version)
	b = append(b, `,"build_date":`...)
	b = appendString(b, v.BuildDate)
	b = append(b, `,"build_time":`...)
	b = appendFloat(b, v.BuildTime)
	b = append(b, `,"build_user":`...)
	b = appendString(b, v.BuildUser)
	for _, x := range [...]struct{ key, val string }{
		{`,"git_sha":`, v.GitSHA}, {`,"git_branch":`, v.GitBranch}, {`,"git_tag":`, v.GitTag},
	} {
		if x.val != "" {
			b = append(b, x.key...)
			b = appendString(b, x.val)
		}
	}
	return append(b, "}}}"...)
}

// GetFlags renders the GET_FLAGS response: the flags with a value, in
// name order.
func GetFlags(s *Snapshot) []byte {
	b := make([]byte, 0, 256+64*len(s.Flags))
	b = append(b, `{"type":"GET_FLAGS","get_flags":{`...)
	n := 0
	for _, f := range s.Flags {
		if f.Value == nil {
			continue
		}
		if n == 0 {
			b = append(b, `"flags":[`...)
		} else {
			b = append(b, ',')
		}
		n++
		b = append(b, `{"name":`...)
		b = appendString(b, f.Name)
		b = append(b, `,"value":`...)
		b = appendString(b, *f.Value)
		b = append(b, '}')
	}
	if n > 0 {
		b = append(b, ']')
	}
	return append(b, "}}"...)
}

// FlagsOf is a convenience for callers that hold flags as a
// map: it returns them as sorted mesos.Flag values.
func FlagsOf(m map[string]string) []mesos.Flag {
	out := make([]mesos.Flag, 0, len(m))
	for _, k := range sortedKeys(m) {
		v := m[k]
		out = append(out, mesos.Flag{Name: k, Value: &v})
	}
	return out
}
