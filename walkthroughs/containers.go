package walkthroughs

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/mesoscope/mesoscope/embedded/containerizer"
)

// tourAgentID and tourFrameworkID place the containerizer tour's sandboxes where an
// agent of the offers tour would put them.
const (
	tourAgentID     = "walk-S0"
	tourFrameworkID = "walk-0000"
)

// containerEnv is the containerizer tour's world: the Mesos containerizer
// (embedded/containerizer) over a temporary work_dir, running real processes through
// its launch shim, with every timer (the kill grace period, the SIGKILL escalation,
// sandbox GC) on a manual clock, so that "five seconds later" is a command, not a wait.
type containerEnv struct {
	work  string
	clock *manualClock
	grace time.Duration
	m     *containerizer.Mesos

	mu          sync.Mutex
	transitions []containerizer.Transition
	terminated  []terminated   // for the TUI's stand-in (tuicontainers.go)
	shown       map[string]int // per container: transitions already printed
	dirs        map[string]string
	pids        map[string]int
	destroys    map[string]*destroyCall
}

// terminated is a container whose destroy finished, and when (by the tour's clock).
type terminated struct {
	id   string
	at   time.Time
	term containerizer.Termination
}

// destroyCall is a Destroy in progress on its own goroutine.
type destroyCall struct {
	id     string
	killAt time.Time // when the SIGKILL escalation is due; zero if not graceful
	done   chan struct{}
	term   *containerizer.Termination
	err    error
}

// artifacts are the files the tour fetches and runs, created by "artifact".
var artifacts = map[string]struct {
	mode os.FileMode
	text string
}{
	"greeting.txt": {0o644, "hello from the fetcher\n"},
	"show-args": {0o755, `#!/bin/sh
# Prints every argument it gets on a line of its own, so you see where each ends.
i=1
for a in "$@"; do
  echo "argv[$i] = <$a>"
  i=$((i+1))
done
`},
}

// containerizerCmd: containerizer [grace=3s] — containerizer.New over a new work_dir,
// posix isolation (so the tour is the same with or without cgroups v2), the default
// launch shim (a re-exec of this binary) and a manual clock.
func (s *Session) containerizerCmd(c *Command) (string, error) {
	if s.cont != nil {
		return "", errors.New("containerizer: already started")
	}
	grace, err := durationArg(c, "grace", containerizer.DefaultKillGracePeriod)
	if err != nil {
		return "", err
	}
	work, err := os.MkdirTemp("", "mesoscope-walk-")
	if err != nil {
		return "", fmt.Errorf("containerizer: %w", err)
	}
	if work, err = filepath.EvalSymlinks(work); err != nil {
		return "", fmt.Errorf("containerizer: %w", err)
	}
	e := &containerEnv{work: work, clock: newManualClock(walkEpoch), grace: grace,
		shown: map[string]int{}, dirs: map[string]string{}, pids: map[string]int{}, destroys: map[string]*destroyCall{}}
	if err := e.start(s); err != nil {
		os.RemoveAll(work)
		return "", err
	}
	s.cont = e
	s.replace(work, "$WORK")
	s.setWorldClock(e)
	return strings.Join([]string{
		"Mesos containerizer (embedded/containerizer) over a fresh work_dir",
		"  work_dir     $WORK",
		"  runtime_dir  $WORK/run",
		"  isolation    " + strings.Join(e.m.Isolators(), ","),
		"  launcher     the launch shim, forked for each container",
		"  kill grace   " + grace.String() + " unless the task's kill policy says otherwise",
	}, "\n"), nil
}

// start creates the containerizer over e.work.
func (e *containerEnv) start(s *Session) error {
	m, err := containerizer.New(containerizer.Config{
		WorkDir:                e.work,
		AgentID:                tourAgentID,
		Isolation:              []string{"posix/cpu", "posix/mem"},
		DefaultKillGracePeriod: e.grace,
		Shim:                   s.shim,
		Clock:                  e.clock,
		Logger:                 s.logger,
		OnTransition: func(t containerizer.Transition) {
			e.mu.Lock()
			e.transitions = append(e.transitions, t)
			e.mu.Unlock()
		},
		OnTerminated: func(id containerizer.ContainerID, t containerizer.Termination) {
			at := e.clock.Now()
			e.mu.Lock()
			e.terminated = append(e.terminated, terminated{id: id.String(), at: at, term: t})
			e.mu.Unlock()
		},
	})
	if err != nil {
		return fmt.Errorf("containerizer: %w", err)
	}
	e.m = m
	return nil
}

// Now and step make the manual clock the tour's world clock.
func (e *containerEnv) Now() time.Time { return e.clock.Now() }

func (e *containerEnv) step(d time.Duration) { e.clock.Advance(d) }

func (s *Session) contEnv(cmd string) (*containerEnv, error) {
	if s.cont == nil {
		return nil, fmt.Errorf("%s: no containerizer yet (run \"containerizer\" first)", cmd)
	}
	return s.cont, nil
}

// artifactCmd: artifact NAME — writes one of the tour's files under $WORK/artifacts.
func (s *Session) artifactCmd(c *Command) (string, error) {
	e, err := s.contEnv("artifact")
	if err != nil {
		return "", err
	}
	words := bareArgs(c)
	if len(words) != 1 {
		return "", errors.New("artifact: want \"artifact NAME\"")
	}
	a, ok := artifacts[words[0]]
	if !ok {
		return "", fmt.Errorf("artifact %s: unknown (known: %s)", words[0], strings.Join(sortedKeys(artifacts), ", "))
	}
	dir := filepath.Join(e.work, "artifacts")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("artifact: %w", err)
	}
	path := filepath.Join(dir, words[0])
	if err := os.WriteFile(path, []byte(a.text), a.mode); err != nil {
		return "", fmt.Errorf("artifact: %w", err)
	}
	return fmt.Sprintf("%s (mode %04o):\n%s", path, a.mode, indentLines(strings.TrimRight(a.text, "\n"), "  ")), nil
}

// launchCmd: launch ID (shell="CMD" | argv=PATH arg=ARG0 arg=... [joined]) [fetch=ARTIFACT]
// [cache=true] [grace=D] — Containerizer::launch, synchronous: it returns once the
// container is RUNNING (or the launch failed), and prints the transitions up to there.
// "joined" runs the argv the way a command line joined with spaces would run: as one
// string through /bin/sh -c.
func (s *Session) launchCmd(c *Command) (string, error) {
	e, err := s.contEnv("launch")
	if err != nil {
		return "", err
	}
	words := bareArgs(c)
	if len(words) < 1 {
		return "", errors.New("launch: want \"launch ID ...\"")
	}
	id := words[0]
	joined := slices.Contains(words[1:], "joined")
	cmd := containerizer.CommandInfo{}
	var head []string
	shell, hasShell := stringArg(c, "shell")
	argv, hasArgv := stringArg(c, "argv")
	switch {
	case hasShell == hasArgv:
		return "", errors.New("launch: want exactly one of shell=\"CMD\" and argv=PATH")
	case hasShell:
		cmd.Shell, cmd.Value = true, e.expand(shell)
		head = append(head, fmt.Sprintf("command: shell, /bin/sh -c %q", cmd.Value))
	case joined:
		args := e.expandAll(multiArg(c, "arg"))
		line := strings.Join(append([]string{e.expand(argv)}, args[min(1, len(args)):]...), " ")
		cmd.Shell, cmd.Value = true, line
		head = append(head, fmt.Sprintf("argv joined with spaces: %q", line),
			fmt.Sprintf("command: shell, /bin/sh -c %q", line))
	default:
		cmd.Value, cmd.Arguments = e.expand(argv), e.expandAll(multiArg(c, "arg"))
		quoted := make([]string, len(cmd.Arguments))
		for i, a := range cmd.Arguments {
			quoted[i] = fmt.Sprintf("%q", a)
		}
		head = append(head, fmt.Sprintf("command: argv, execve(%q, [%s])", cmd.Value, strings.Join(quoted, ", ")))
	}
	if name, ok := stringArg(c, "fetch"); ok {
		if _, known := artifacts[name]; !known {
			return "", fmt.Errorf("launch: fetch=%s: unknown artifact", name)
		}
		cache, err := boolArg(c, "cache", false)
		if err != nil {
			return "", err
		}
		u := containerizer.URI{Value: "file://" + filepath.Join(e.work, "artifacts", name), Cache: cache, Executable: artifacts[name].mode&0o100 != 0}
		cmd.URIs = append(cmd.URIs, u)
		head = append(head, fmt.Sprintf("fetch: %s (cache=%t)", u.Value, u.Cache))
	}
	cfg := containerizer.ContainerConfig{CommandInfo: cmd, FrameworkID: tourFrameworkID, ExecutorID: id}
	if v, ok := stringArg(c, "grace"); ok {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return "", fmt.Errorf("launch: grace=%q: want a duration such as 5s", v)
		}
		cfg.KillPolicy = &containerizer.KillPolicy{GracePeriod: &containerizer.DurationInfo{Nanoseconds: int64(d)}}
		head = append(head, "kill policy: grace period "+d.String())
	}
	ctx, cancel := context.WithTimeout(context.Background(), syncTimeout)
	defer cancel()
	res, err := e.m.Launch(ctx, containerizer.NewContainerID(id), cfg)
	var lerr *containerizer.LaunchError
	switch {
	case errors.As(err, &lerr):
		head = append(head, e.newTransitions(s, id, containerizer.Destroying)...)
		return strings.Join(append(head, "launch failed: "+lerr.Err.Error(), "termination: "+lerr.Termination.String()), "\n"), nil
	case err != nil:
		return "", err
	}
	for _, snap := range e.m.Snapshot() {
		if snap.ContainerID.Value == id {
			e.mu.Lock()
			e.dirs[id], e.pids[id] = snap.Directory, snap.PID
			e.mu.Unlock()
		}
	}
	out := append(head, e.newTransitions(s, id, containerizer.Running)...)
	out = append(out, fmt.Sprintf("Launch → %s; sandbox %s", res, e.sandboxDir(id)))
	return strings.Join(out, "\n"), nil
}

// newTransitions renders the container's transitions not printed yet, up to the
// first into last.
func (e *containerEnv) newTransitions(s *Session, id string, last containerizer.State) []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []string
	seen := 0
	for _, t := range e.transitions {
		if t.ContainerID.Value != id {
			continue
		}
		seen++
		if seen <= e.shown[id] {
			continue
		}
		out = append(out, formatOffset(t.Time.Sub(s.t0))+" "+t.String())
		e.shown[id] = seen
		if t.To == last {
			break
		}
	}
	return out
}

// waitTransition waits, in real time and bounded, until container id has been
// reported entering state.
func (e *containerEnv) waitTransition(id string, state containerizer.State, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for {
		e.mu.Lock()
		found := slices.ContainsFunc(e.transitions, func(t containerizer.Transition) bool {
			return t.ContainerID.Value == id && t.To == state
		})
		e.mu.Unlock()
		if found {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(time.Millisecond)
	}
}

func (e *containerEnv) sandboxDir(id string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.dirs[id]
}

// expand replaces $WORK by the work directory.
func (e *containerEnv) expand(v string) string { return strings.ReplaceAll(v, "$WORK", e.work) }

func (e *containerEnv) expandAll(vs []string) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = e.expand(v)
	}
	return out
}

// waitCmd: wait ID — Containerizer::wait: blocks until the container is destroyed,
// then prints the rest of its transitions and its termination.
func (s *Session) waitCmd(c *Command) (string, error) {
	e, err := s.contEnv("wait")
	if err != nil {
		return "", err
	}
	words := bareArgs(c)
	if len(words) != 1 {
		return "", errors.New("wait: want \"wait ID\"")
	}
	ctx, cancel := context.WithTimeout(context.Background(), syncTimeout)
	defer cancel()
	term, err := e.m.Wait(ctx, containerizer.NewContainerID(words[0]))
	if err != nil {
		return "", err
	}
	if term == nil {
		return fmt.Sprintf("wait %s: unknown container (Mesos's None)", words[0]), nil
	}
	out := e.newTransitions(s, words[0], containerizer.Destroying)
	return strings.Join(append(out, "termination: "+term.String()), "\n"), nil
}

// waitOutputCmd: wait-output ID TEXT — waits (in real time, bounded) until the
// container's stdout contains TEXT, then prints stdout. Processes run on their own
// time; this is how the tour knows a task got as far as it should.
func (s *Session) waitOutputCmd(c *Command) (string, error) {
	e, err := s.contEnv("wait-output")
	if err != nil {
		return "", err
	}
	words := bareArgs(c)
	if len(words) != 2 {
		return "", errors.New("wait-output: want \"wait-output ID TEXT\"")
	}
	dir := e.sandboxDir(words[0])
	if dir == "" {
		return "", fmt.Errorf("wait-output %s: no such container", words[0])
	}
	deadline := time.Now().Add(syncTimeout)
	for {
		b, err := os.ReadFile(filepath.Join(dir, "stdout"))
		if err != nil {
			return "", fmt.Errorf("wait-output: %w", err)
		}
		if strings.Contains(string(b), words[1]) {
			return "stdout:\n" + indentLines(strings.TrimRight(string(b), "\n"), "  "), nil
		}
		if time.Now().After(deadline) {
			return "", fmt.Errorf("wait-output %s: %q not in stdout after %s; stdout is %q", words[0], words[1], syncTimeout, b)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// sandboxCmd: sandbox ID — the files of the container's sandbox, and its stdout and
// stderr.
func (s *Session) sandboxCmd(c *Command) (string, error) {
	e, err := s.contEnv("sandbox")
	if err != nil {
		return "", err
	}
	words := bareArgs(c)
	if len(words) != 1 {
		return "", errors.New("sandbox: want \"sandbox ID\"")
	}
	dir := e.sandboxDir(words[0])
	if dir == "" {
		return "", fmt.Errorf("sandbox %s: no such container", words[0])
	}
	out := []string{dir + ":"}
	files, err := listTree(dir)
	if err != nil {
		return "", fmt.Errorf("sandbox: %w", err)
	}
	out = append(out, indentLines(strings.Join(files, "\n"), "  "))
	for _, name := range []string{"stdout", "stderr"} {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return "", fmt.Errorf("sandbox: %w", err)
		}
		text := strings.TrimRight(string(b), "\n")
		if text == "" {
			out = append(out, name+": (empty)")
			continue
		}
		out = append(out, name+":", indentLines(text, "  "))
	}
	return strings.Join(out, "\n"), nil
}

// listTree lists the files under dir, relative, sorted, with a "/" after
// directories and "*" after executables.
func listTree(dir string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == dir {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			rel += "/"
		case info.Mode()&os.ModeSymlink != 0:
			target, _ := os.Readlink(p)
			rel += " -> " + target
		case info.Mode()&0o100 != 0:
			rel += "*"
		}
		out = append(out, rel)
		return nil
	})
	sort.Strings(out)
	return out, err
}

// checkpointCmd: checkpoint ID — what the containerizer checkpointed for the
// container under runtime_dir, the files Recover reads.
func (s *Session) checkpointCmd(c *Command) (string, error) {
	e, err := s.contEnv("checkpoint")
	if err != nil {
		return "", err
	}
	words := bareArgs(c)
	if len(words) != 1 {
		return "", errors.New("checkpoint: want \"checkpoint ID\"")
	}
	dir := filepath.Join(e.work, "run", "containers", words[0])
	files, err := listTree(dir)
	if err != nil {
		return "", fmt.Errorf("checkpoint: %w", err)
	}
	out := []string{dir + ":"}
	for _, f := range files {
		line := "  " + f
		switch f {
		case "pid":
			line += "             the launch shim's pid"
		case "pid.start_time":
			line += "  its start time in /proc/<pid>/stat, to tell a recycled pid"
		case "config":
			line += "          the ContainerConfig (JSON here, protobuf in Mesos)"
		case "status":
			line += "          the task's wait status, filled in by the shim when the task ends"
		}
		out = append(out, strings.TrimRight(line, " "))
	}
	return strings.Join(out, "\n"), nil
}

// containersCmd: containers — every container the containerizer knows
// (Containerizer::containers) with its state and history (Mesos.Snapshot).
func (s *Session) containersCmd(c *Command) (string, error) {
	e, err := s.contEnv("containers")
	if err != nil {
		return "", err
	}
	snaps := e.m.Snapshot()
	if len(snaps) == 0 {
		return "no containers", nil
	}
	var out []string
	for _, sn := range snaps {
		var hist []string
		for _, h := range sn.History {
			entry := h.State.String() + "@" + formatOffset(h.Time.Sub(s.t0))
			if h.Recovered {
				entry += " (recovered)"
			}
			hist = append(hist, entry)
		}
		line := fmt.Sprintf("%s  %s  %s", sn.ContainerID, sn.State, strings.Join(hist, " → "))
		e.mu.Lock()
		if old, ok := e.pids[sn.ContainerID.Value]; ok && sn.PID != 0 {
			if old == sn.PID {
				line += "  (shim pid unchanged)"
			} else {
				line += "  (shim pid changed)"
			}
		}
		e.mu.Unlock()
		out = append(out, line)
	}
	return strings.Join(out, "\n"), nil
}

// fetcherCmd: fetcher — the fetcher's counters (Fetcher.Metrics) and its cache
// directory.
func (s *Session) fetcherCmd(c *Command) (string, error) {
	e, err := s.contEnv("fetcher")
	if err != nil {
		return "", err
	}
	m := e.m.Fetcher().Metrics()
	out := []string{
		fmt.Sprintf("containerizer/fetcher/cache_misses             %d", m.CacheMisses),
		fmt.Sprintf("containerizer/fetcher/cache_hits               %d", m.CacheHits),
		fmt.Sprintf("containerizer/fetcher/cache_entries            %d", m.CacheEntries),
		fmt.Sprintf("containerizer/fetcher/cache_size_used_bytes    %d", m.CacheSizeUsedBytes),
	}
	dir := filepath.Join(e.work, "fetch")
	files, err := listTree(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("fetcher: %w", err)
	}
	out = append(out, dir+":")
	if len(files) == 0 {
		out = append(out, "  (empty)")
	}
	for _, f := range files {
		out = append(out, "  "+f)
	}
	return strings.Join(out, "\n"), nil
}

// destroyCmd: destroy ID [wait] — Containerizer::destroy on a goroutine of its own.
// A running container gets SIGTERM, and SIGKILL once its kill grace period has
// passed on the clock; the command returns when the container is gone or, without
// "wait", as soon as that SIGKILL is scheduled.
func (s *Session) destroyCmd(c *Command) (string, error) {
	e, err := s.contEnv("destroy")
	if err != nil {
		return "", err
	}
	words := bareArgs(c)
	if len(words) < 1 {
		return "", errors.New("destroy: want \"destroy ID [wait]\"")
	}
	id := words[0]
	wait := slices.Contains(words[1:], "wait")
	e.mu.Lock()
	if e.destroys[id] != nil {
		e.mu.Unlock()
		return "", fmt.Errorf("destroy %s: already being destroyed", id)
	}
	e.mu.Unlock()
	grace := e.grace
	for _, sn := range e.m.Snapshot() {
		if sn.ContainerID.Value == id && sn.Config.KillPolicy != nil && sn.Config.KillPolicy.GracePeriod != nil {
			grace = sn.Config.KillPolicy.GracePeriod.Duration()
		}
	}
	d := &destroyCall{id: id, done: make(chan struct{})}
	before := e.clock.pending()
	go func() {
		defer close(d.done)
		ctx, cancel := context.WithTimeout(context.Background(), 2*syncTimeout)
		defer cancel()
		d.term, d.err = e.m.Destroy(ctx, containerizer.NewContainerID(id))
	}()
	e.mu.Lock()
	e.destroys[id] = d
	e.mu.Unlock()
	if !wait {
		// Wait for the SIGKILL escalation to be armed: a new timer at now+grace.
		armed := e.clock.waitArmed(func(p []time.Duration) bool {
			return countOf(p, grace) > countOf(before, grace)
		}, d.done, syncTimeout)
		select {
		case <-d.done:
		default:
			if !armed {
				return "", fmt.Errorf("destroy %s: no SIGKILL scheduled after %s", id, syncTimeout)
			}
			d.killAt = e.clock.Now().Add(grace)
			// The containerizer reports transitions outside its lock, on its own
			// goroutine: DESTROYING may reach OnTransition after the timer is armed.
			if !e.waitTransition(id, containerizer.Destroying, syncTimeout) {
				return "", fmt.Errorf("destroy %s: no DESTROYING transition after %s", id, syncTimeout)
			}
			out := e.newTransitions(s, id, containerizer.Destroying)
			out = append(out, fmt.Sprintf("SIGTERM sent to the task; SIGKILL scheduled at %s (grace %s)", formatOffset(d.killAt.Sub(s.t0)), grace))
			return strings.Join(out, "\n"), nil
		}
	}
	return e.finish(s, d)
}

// countOf counts v in ds.
func countOf(ds []time.Duration, v time.Duration) int {
	n := 0
	for _, d := range ds {
		if d == v {
			n++
		}
	}
	return n
}

// finish waits for a destroy and reports it.
func (e *containerEnv) finish(s *Session, d *destroyCall) (string, error) {
	select {
	case <-d.done:
	case <-time.After(2 * syncTimeout):
		return "", fmt.Errorf("destroy %s: not finished after %s", d.id, 2*syncTimeout)
	}
	e.mu.Lock()
	delete(e.destroys, d.id)
	e.mu.Unlock()
	if d.err != nil {
		return "", fmt.Errorf("destroy %s: %w", d.id, d.err)
	}
	out := e.newTransitions(s, d.id, containerizer.Destroying)
	if d.term == nil {
		return strings.Join(append(out, "destroy "+d.id+": unknown container"), "\n"), nil
	}
	return strings.Join(append(out, "destroy "+d.id+" finished: "+d.term.String()), "\n"), nil
}

// afterStep reports the destroys whose SIGKILL the last step of the clock fired.
func (e *containerEnv) afterStep(s *Session) ([]string, error) {
	now := e.clock.Now()
	e.mu.Lock()
	var due []*destroyCall
	for _, d := range e.destroys {
		if !d.killAt.IsZero() && !now.Before(d.killAt) {
			due = append(due, d)
		}
	}
	e.mu.Unlock()
	sort.Slice(due, func(i, j int) bool { return due[i].id < due[j].id })
	var out []string
	for _, d := range due {
		line, err := e.finish(s, d)
		if err != nil {
			return nil, err
		}
		out = append(out, s.clockText()+" SIGKILL: the grace period is over")
		out = append(out, line)
	}
	return out, nil
}

// restartCmd: restart [known=ID,...] — the agent restarts: the containerizer is
// closed (its containers keep running, as an agent's do when it exits) and a new one
// over the same work_dir recovers them (Containerizer::recover). Containers not in
// known are orphans, destroyed by the recovery; without known, every checkpointed
// container is recovered.
func (s *Session) restartCmd(c *Command) (string, error) {
	e, err := s.contEnv("restart")
	if err != nil {
		return "", err
	}
	e.mu.Lock()
	inFlight := len(e.destroys)
	e.mu.Unlock()
	if inFlight > 0 {
		return "", errors.New("restart: a destroy is in progress; advance the clock first")
	}
	var known []containerizer.ContainerID
	if v, ok := stringArg(c, "known"); ok {
		known = []containerizer.ContainerID{}
		for _, id := range strings.Split(v, ",") {
			if id != "" {
				known = append(known, containerizer.NewContainerID(id))
			}
		}
	}
	before := map[string]bool{}
	for _, sn := range e.m.Snapshot() {
		before[sn.ContainerID.Value] = true
	}
	if err := e.m.Close(); err != nil {
		return "", fmt.Errorf("restart: %w", err)
	}
	if err := e.start(s); err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(context.Background(), syncTimeout)
	defer cancel()
	if err := e.m.Recover(ctx, known); err != nil {
		return "", err
	}
	out := []string{"the old containerizer is closed; a new one recovers from $WORK/run"}
	recovered := map[string]bool{}
	for _, sn := range e.m.Snapshot() {
		recovered[sn.ContainerID.Value] = sn.State == containerizer.Running
	}
	for _, id := range sortedKeys(before) {
		if recovered[id] {
			continue
		}
		// An orphan (or a container whose helper died meanwhile): Recover started
		// destroying it.
		term, err := e.m.Wait(ctx, containerizer.NewContainerID(id))
		if err != nil {
			return "", err
		}
		status := "unknown"
		if term != nil {
			status = term.String()
		}
		out = append(out, e.newTransitions(s, id, containerizer.Destroying)...)
		out = append(out, fmt.Sprintf("%s is an orphan (not in known): destroyed, %s", id, status))
	}
	listing, err := s.containersCmd(c)
	if err != nil {
		return "", err
	}
	return strings.Join(append(out, listing), "\n"), nil
}

func (e *containerEnv) close() error {
	e.mu.Lock()
	var pending []*destroyCall
	for _, d := range e.destroys {
		pending = append(pending, d)
	}
	e.mu.Unlock()
	// Destroy what is left, so no process outlives the tour: escalations are on the
	// manual clock, so run it forward until every destroy is done.
	ctx, cancel := context.WithTimeout(context.Background(), 2*syncTimeout)
	defer cancel()
	for _, sn := range e.m.Snapshot() {
		d := &destroyCall{id: sn.ContainerID.Value, done: make(chan struct{})}
		id := sn.ContainerID
		go func() {
			defer close(d.done)
			d.term, d.err = e.m.Destroy(ctx, id)
		}()
		pending = append(pending, d)
	}
	var errs []error
	for _, d := range pending {
	wait:
		for {
			select {
			case <-d.done:
				break wait
			case <-ctx.Done():
				errs = append(errs, fmt.Errorf("destroy %s: %w", d.id, ctx.Err()))
				break wait
			case <-time.After(10 * time.Millisecond):
				e.clock.Advance(time.Second)
			}
		}
	}
	errs = append(errs, e.m.Close())
	errs = append(errs, os.RemoveAll(e.work))
	return errors.Join(errs...)
}
