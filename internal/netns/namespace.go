package netns

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
)

// RunDir is where `ip netns` keeps its namespaces (NETNS_RUN_DIR in
// iproute2's ip/ipnetns.c).
const RunDir = "/run/netns"

// maxNameLen bounds namespace names: they become file names under RunDir.
const maxNameLen = 64

// ErrBadName is wrapped by errors about invalid namespace names.
var ErrBadName = errors.New("netns: invalid namespace name")

// Namespace is a named network namespace, /run/netns/<Name>.
type Namespace struct {
	// Name is the name `ip netns` knows it by.
	Name string
}

// ValidName checks a namespace name: 1 to 64 characters of [a-z0-9-], not
// starting with '-' (names are passed to `ip` as arguments and become file
// names).
func ValidName(name string) error {
	if name == "" || len(name) > maxNameLen {
		return fmt.Errorf("%w %q: want 1 to %d characters", ErrBadName, name, maxNameLen)
	}
	if name[0] == '-' {
		return fmt.Errorf("%w %q: must not start with '-'", ErrBadName, name)
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return fmt.Errorf("%w %q: %q is not one of [a-z0-9-]", ErrBadName, name, r)
		}
	}
	return nil
}

// Add creates the namespace (`ip netns add NAME`) and brings its loopback up.
func Add(ctx context.Context, name string) (*Namespace, error) {
	if err := ValidName(name); err != nil {
		return nil, fmt.Errorf("netns: add: %w", err)
	}
	if err := ipCmd(ctx, "netns", "add", name); err != nil {
		return nil, fmt.Errorf("netns: add %s: %w", name, err)
	}
	n := &Namespace{Name: name}
	if err := n.IP(ctx, "link", "set", "lo", "up"); err != nil {
		_ = n.Delete(ctx)
		return nil, fmt.Errorf("netns: add %s: %w", name, err)
	}
	return n, nil
}

// Path is the namespace's bind mount, which setns(2) opens.
func (n *Namespace) Path() string { return filepath.Join(RunDir, n.Name) }

// IP runs `ip -n NAME args...` (an ip command inside the namespace).
func (n *Namespace) IP(ctx context.Context, args ...string) error {
	return ipCmd(ctx, append([]string{"-n", n.Name}, args...)...)
}

// Command returns a command that runs name with args inside the namespace
// (`ip netns exec NAME name args...`). The caller starts and waits for it.
func (n *Namespace) Command(ctx context.Context, name string, args ...string) *exec.Cmd {
	return exec.CommandContext(ctx, "ip", append([]string{"netns", "exec", n.Name, name}, args...)...)
}

// Delete removes the namespace (`ip netns delete NAME`); its veth ends go
// with it, and so do their peers. Processes still inside keep it alive
// without a name: stop them first.
func (n *Namespace) Delete(ctx context.Context) error {
	if err := ipCmd(ctx, "netns", "delete", n.Name); err != nil {
		return fmt.Errorf("netns: delete %s: %w", n.Name, err)
	}
	return nil
}

// Pids lists the processes inside the namespace (`ip netns pids NAME`).
func (n *Namespace) Pids(ctx context.Context) ([]int, error) {
	out, err := exec.CommandContext(ctx, "ip", "netns", "pids", n.Name).Output()
	if err != nil {
		return nil, fmt.Errorf("netns: pids of %s: %w", n.Name, err)
	}
	var pids []int
	for _, f := range strings.Fields(string(out)) {
		pid, err := strconv.Atoi(f)
		if err != nil || pid <= 0 {
			return nil, fmt.Errorf("netns: pids of %s: %q is not a pid", n.Name, f)
		}
		pids = append(pids, pid)
	}
	return pids, nil
}

// KillAll sends SIGKILL to every process inside the namespace, except
// this one (whose main thread may be inside during a Do), and returns
// their pids. Only for namespaces this package made: what runs in them was
// started by their owner.
func (n *Namespace) KillAll(ctx context.Context) ([]int, error) {
	all, err := n.Pids(ctx)
	if err != nil {
		return nil, err
	}
	pids := slices.DeleteFunc(all, func(pid int) bool { return pid == os.Getpid() })
	var errs []error
	for _, pid := range pids {
		if err := syscall.Kill(pid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
			errs = append(errs, fmt.Errorf("netns: kill %d in %s: %w", pid, n.Name, err))
		}
	}
	return pids, errors.Join(errs...)
}

// ipCmd runs ip with args; the error carries what ip printed.
func ipCmd(ctx context.Context, args ...string) error {
	var out bytes.Buffer
	cmd := exec.CommandContext(ctx, "ip", args...)
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("ip %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(out.String()))
	}
	return nil
}

// Available reports whether this process can build topologies: it must be
// root and have `ip` on PATH, and a probe namespace must come and go. The
// error says what is missing (callers print it when they skip).
func Available(ctx context.Context) error {
	if os.Geteuid() != 0 {
		return errors.New("netns: needs root (CAP_SYS_ADMIN, CAP_NET_ADMIN)")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		return fmt.Errorf("netns: needs iproute2's ip: %w", err)
	}
	probe := Prefix(os.Getpid()) + "probe"
	n, err := Add(ctx, probe)
	if err != nil {
		return err
	}
	return n.Delete(ctx)
}
