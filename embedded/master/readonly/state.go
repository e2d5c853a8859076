package readonly

// State renders /master/state (and its alias /state) as Mesos 1.11's
// Master::ReadOnlyHandler::state does (src/master/readonly_handler.cpp).
func State(s *Snapshot) []byte {
	return AppendState(make([]byte, 0, estimateState(s, 700)), s)
}

// AppendState appends the /master/state body to dst: version and build
// information, start_time, elected_time (when elected), id, pid,
// hostname, capabilities, activated_slaves, deactivated_slaves,
// unreachable_slaves, domain, leader and leader_info (when a leader is
// known), cluster, log_dir and external_log_file (when set), flags,
// slaves, recovered_slaves, frameworks, completed_frameworks, and the
// always empty orphan_tasks and unregistered_frameworks.
func AppendState(dst []byte, s *Snapshot) []byte {
	b := dst
	b = append(b, `{"version":`...)
	b = appendString(b, s.Version)
	if s.Build.GitSHA != "" {
		b = append(b, `,"git_sha":`...)
		b = appendString(b, s.Build.GitSHA)
	}
	if s.Build.GitBranch != "" {
		b = append(b, `,"git_branch":`...)
		b = appendString(b, s.Build.GitBranch)
	}
	if s.Build.GitTag != "" {
		b = append(b, `,"git_tag":`...)
		b = appendString(b, s.Build.GitTag)
	}
	b = append(b, `,"build_date":`...)
	b = appendString(b, s.Build.BuildDate)
	b = append(b, `,"build_time":`...)
	b = appendFloat(b, s.Build.BuildTime)
	b = append(b, `,"build_user":`...)
	b = appendString(b, s.Build.BuildUser)
	b = append(b, `,"start_time":`...)
	b = appendSecs(b, s.StartTime)
	if !s.ElectedTime.IsZero() {
		b = append(b, `,"elected_time":`...)
		b = appendSecs(b, s.ElectedTime)
	}
	b = append(b, `,"id":`...)
	b = appendString(b, s.Info.ID)
	b = append(b, `,"pid":`...)
	b = appendString(b, s.Info.PID)
	b = append(b, `,"hostname":`...)
	b = appendString(b, s.Info.Hostname)
	b = append(b, `,"capabilities":[`...)
	for i, c := range s.Info.Capabilities {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendString(b, c.Type.String())
	}
	active := 0
	for _, a := range s.Agents {
		if a != nil && a.Active {
			active++
		}
	}
	b = append(b, `],"activated_slaves":`...)
	b = appendFloat(b, float64(active))
	b = append(b, `,"deactivated_slaves":`...)
	b = appendFloat(b, float64(countAgents(s)-active))
	b = append(b, `,"unreachable_slaves":`...)
	b = appendFloat(b, float64(s.UnreachableAgents))
	if s.Info.Domain != nil {
		b = append(b, `,"domain":`...)
		b = appendDomain(b, s.Info.Domain)
	}
	if s.Leader != nil {
		b = append(b, `,"leader":`...)
		b = appendString(b, s.Leader.PID)
		b = append(b, `,"leader_info":`...)
		b = appendV0MasterInfo(b, s.Leader)
	}
	if s.Cluster != "" {
		b = append(b, `,"cluster":`...)
		b = appendString(b, s.Cluster)
	}
	for _, name := range [...]string{"log_dir", "external_log_file"} {
		if v, ok := flagValue(s, name); ok {
			b = append(b, ',')
			b = appendString(b, name)
			b = append(b, ':')
			b = appendString(b, v)
		}
	}
	b = append(b, `,"flags":`...)
	b = appendV0Flags(b, s)
	b = append(b, `,"slaves":[`...)
	n := 0
	for _, a := range s.Agents {
		if a == nil {
			continue
		}
		if n > 0 {
			b = append(b, ',')
		}
		n++
		b = append(b, '{')
		b = appendV0Agent(b, a)
		b = append(b, '}')
	}
	b = append(b, `],"recovered_slaves":`...)
	b = appendV0RecoveredAgents(b, s, IDFilter{})
	b = append(b, `,"frameworks":`...)
	b = appendV0Frameworks(b, s.Frameworks, IDFilter{})
	b = append(b, `,"completed_frameworks":`...)
	b = appendV0Frameworks(b, s.CompletedFrameworks, IDFilter{})
	b = append(b, `,"orphan_tasks":[],"unregistered_frameworks":[]}`...)
	return b
}

// countAgents returns the number of non-nil registered agents.
func countAgents(s *Snapshot) int {
	n := 0
	for _, a := range s.Agents {
		if a != nil {
			n++
		}
	}
	return n
}

// flagValue returns the value of the named flag, if set.
func flagValue(s *Snapshot, name string) (string, bool) {
	for _, f := range s.Flags {
		if f.Name == name && f.Value != nil {
			return *f.Value, true
		}
	}
	return "", false
}

// appendV0Flags appends the flags object {name: value}, leaving out
// flags without a value.
func appendV0Flags(b []byte, s *Snapshot) []byte {
	b = append(b, '{')
	n := 0
	for _, f := range s.Flags {
		if f.Value == nil {
			continue
		}
		if n > 0 {
			b = append(b, ',')
		}
		n++
		b = appendString(b, f.Name)
		b = append(b, ':')
		b = appendString(b, *f.Value)
	}
	return append(b, '}')
}

// appendV0RecoveredAgents appends the recovered agents (json of SlaveInfo)
// that f accepts, as an array.
func appendV0RecoveredAgents(b []byte, s *Snapshot, f IDFilter) []byte {
	b = append(b, '[')
	n := 0
	for i := range s.RecoveredAgents {
		a := &s.RecoveredAgents[i]
		if !f.Accept(agentID(a)) {
			continue
		}
		if n > 0 {
			b = append(b, ',')
		}
		n++
		b = append(b, '{')
		b = appendV0AgentInfo(b, a)
		b = append(b, '}')
	}
	return append(b, ']')
}

// appendV0Frameworks appends the frameworks f accepts as an array.
func appendV0Frameworks(b []byte, fws []*Framework, f IDFilter) []byte {
	b = append(b, '[')
	n := 0
	for _, fw := range fws {
		if fw == nil || !f.Accept(frameworkID(fw)) {
			continue
		}
		if n > 0 {
			b = append(b, ',')
		}
		n++
		b = appendV0Framework(b, fw)
	}
	return append(b, ']')
}

// estimateState guesses the size of the full state, given the size of a
// task (about 700 bytes in v0, 1500 in v1), so the buffer is allocated
// once in the common case.
func estimateState(s *Snapshot, perTask int) int {
	n := 4096 + 1200*len(s.Agents) + 200*len(s.RecoveredAgents)
	for _, fws := range [...][]*Framework{s.Frameworks, s.CompletedFrameworks} {
		for _, f := range fws {
			if f == nil {
				continue
			}
			n += 1500 + perTask*(len(f.Tasks)+len(f.PendingTasks)+len(f.UnreachableTasks)+len(f.CompletedTasks)) +
				300*(len(f.Offers)+len(f.Executors))
		}
	}
	return n
}
