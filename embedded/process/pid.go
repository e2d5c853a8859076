package process

import (
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"sync"
)

// PID names a process: an id unique within its runtime and the address of the runtime's
// HTTP server, written "id@ip:port" (libprocess UPID, 3rdparty/libprocess/include/process/
// pid.hpp). PIDs are comparable values and safe to use as map keys.
type PID struct {
	// ID is the process id, e.g. "master", "slave(1)", "allocator".
	ID string
	// Address is the IP and port of the runtime that hosts the process.
	Address netip.AddrPort
}

// String returns "id@ip:port", or "" for the zero PID.
func (p PID) String() string {
	if p.ID == "" && !p.Address.IsValid() {
		return ""
	}
	return p.ID + "@" + p.Address.String()
}

// IsZero reports whether p is the zero PID (libprocess's empty UPID).
func (p PID) IsZero() bool { return p == PID{} }

// Valid reports whether p names a reachable process: a non-empty id, a specified IP and a
// non-zero port, like UPID's operator bool.
func (p PID) Valid() bool {
	return p.ID != "" && p.Address.IsValid() && !p.Address.Addr().IsUnspecified() && p.Address.Port() != 0
}

// MarshalText writes the "id@ip:port" form.
func (p PID) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText parses the "id@ip:port" form.
func (p *PID) UnmarshalText(b []byte) error {
	q, err := ParsePID(string(b))
	if err != nil {
		return err
	}
	*p = q
	return nil
}

// ErrBadPID is wrapped by every ParsePID error.
var ErrBadPID = errors.New("bad pid")

// maxPIDLen bounds the text form: libprocess ids are short, and PIDs arrive in HTTP headers.
const maxPIDLen = 1024

// ParsePID parses "id@host:port". The host must be an IP literal or "localhost"
// (libprocess resolves hostnames; mesoscope does not resolve names on this path, so a PID
// never blocks on DNS). The id is everything before the first '@' and must not be empty or
// contain '/' (it is the first segment of the process's URLs).
func ParsePID(s string) (PID, error) {
	fail := func(why string) (PID, error) {
		return PID{}, fmt.Errorf("process: parse pid %q: %s: %w", truncate(s), why, ErrBadPID)
	}
	if len(s) > maxPIDLen {
		return fail(fmt.Sprintf("longer than %d bytes", maxPIDLen))
	}
	id, addr, ok := strings.Cut(s, "@")
	if !ok {
		return fail("missing '@' between id and address")
	}
	if id == "" {
		return fail("empty id")
	}
	if err := validID(id); err != nil {
		return fail(err.Error())
	}
	host, port, err := splitHostPort(addr)
	if err != nil {
		return fail(err.Error())
	}
	var ip netip.Addr
	if host == "localhost" {
		ip = netip.AddrFrom4([4]byte{127, 0, 0, 1})
	} else if ip, err = netip.ParseAddr(host); err != nil {
		return fail(fmt.Sprintf("host %q is not an IP address", host))
	}
	return PID{ID: id, Address: netip.AddrPortFrom(ip.Unmap(), port)}, nil
}

func splitHostPort(addr string) (string, uint16, error) {
	i := strings.LastIndexByte(addr, ':')
	if i < 0 {
		return "", 0, errors.New("missing ':port' in address")
	}
	host, ps := addr[:i], addr[i+1:]
	if strings.HasPrefix(host, "[") && strings.HasSuffix(host, "]") {
		host = host[1 : len(host)-1]
	}
	if host == "" {
		return "", 0, errors.New("empty host in address")
	}
	n, err := strconv.ParseUint(ps, 10, 16)
	if err != nil {
		return "", 0, fmt.Errorf("port %q is not a number in 0..65535", ps)
	}
	return host, uint16(n), nil
}

// validID checks a process id: non-empty, no '/', no '@', no control characters or
// spaces, at most 256 bytes.
func validID(id string) error {
	if id == "" {
		return errors.New("empty id")
	}
	if len(id) > 256 {
		return errors.New("id longer than 256 bytes")
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		switch {
		case c == '/':
			return fmt.Errorf("id %q contains '/'", id)
		case c == '@':
			return fmt.Errorf("id %q contains '@'", id)
		case c <= ' ' || c == 0x7f:
			return fmt.Errorf("id %q contains a space or control character", id)
		}
	}
	return nil
}

func truncate(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}

// idGenerator hands out "prefix(N)" ids with a counter per prefix starting at 1, like
// libprocess's ID::generate (3rdparty/libprocess/src/id.cpp).
type idGenerator struct {
	mu       sync.Mutex
	counters map[string]int
}

func (g *idGenerator) generate(prefix string) string {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.counters == nil {
		g.counters = make(map[string]int)
	}
	g.counters[prefix]++
	return prefix + "(" + strconv.Itoa(g.counters[prefix]) + ")"
}
