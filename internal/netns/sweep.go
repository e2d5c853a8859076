package netns

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
)

// NamePrefix starts the name of every namespace this package makes.
const NamePrefix = "msc-"

// Prefix is the name prefix of the namespaces of process pid: "msc-<pid>-".
func Prefix(pid int) string { return NamePrefix + strconv.Itoa(pid) + "-" }

// ParseList reads the output of `ip netns list`: one namespace per line,
// "NAME" or "NAME (id: N)". Blank lines are skipped. Names made by others
// are listed as they are; a line of another shape, or a name that cannot be
// a file name, is an error naming the line.
func ParseList(out string) ([]string, error) {
	var names []string
	for i, line := range strings.Split(out, "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		name, rest, _ := strings.Cut(line, " ")
		if rest != "" && !(strings.HasPrefix(rest, "(id: ") && strings.HasSuffix(rest, ")")) {
			return nil, fmt.Errorf("netns: parse ip netns list: line %d %q: want NAME or NAME (id: N)", i+1, line)
		}
		if strings.ContainsAny(name, "/\x00") {
			return nil, fmt.Errorf("netns: parse ip netns list: line %d: name %q has a '/' or NUL", i+1, name)
		}
		names = append(names, name)
	}
	return names, nil
}

// List returns the names of the namespaces `ip netns list` shows.
func List(ctx context.Context) ([]string, error) {
	out, err := exec.CommandContext(ctx, "ip", "netns", "list").Output()
	if err != nil {
		return nil, fmt.Errorf("netns: ip netns list: %w", err)
	}
	return ParseList(string(out))
}

// OwnerPID returns the pid in a name made with Prefix ("msc-<pid>-..."),
// or false for a name this package did not make.
func OwnerPID(name string) (int, bool) {
	rest, ok := strings.CutPrefix(name, NamePrefix)
	if !ok {
		return 0, false
	}
	digits, _, ok := strings.Cut(rest, "-")
	if !ok || digits == "" || strings.Trim(digits, "0123456789") != "" {
		return 0, false
	}
	pid, err := strconv.Atoi(digits)
	if err != nil || pid <= 0 || strconv.Itoa(pid) != digits {
		return 0, false
	}
	return pid, true
}

// alive reports whether process pid exists (signal 0; EPERM means it does).
func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// Sweep deletes the namespaces named by Prefix whose owning process no
// longer runs (left by a test that was killed), after killing the
// processes still inside them (that test's tasks), and returns their
// names. Namespaces of live processes, this one included, are left alone.
func Sweep(ctx context.Context) ([]string, error) {
	names, err := List(ctx)
	if err != nil {
		return nil, err
	}
	var deleted []string
	var errs []error
	for _, name := range names {
		pid, ok := OwnerPID(name)
		if !ok || pid == os.Getpid() || alive(pid) {
			continue
		}
		n := &Namespace{Name: name}
		if _, err := n.KillAll(ctx); err != nil {
			errs = append(errs, err)
		}
		if err := n.Delete(ctx); err != nil {
			errs = append(errs, err)
			continue
		}
		deleted = append(deleted, name)
	}
	return deleted, errors.Join(errs...)
}
