package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"syscall"

	"github.com/jedib0t/go-pretty/v6/table"

	"github.com/mesoscope/mesoscope/embedded/cluster"
)

// listenMarathon opens the listener of the demo's Marathon on ip:port.
// When the port is the default (not set on the command line) and taken —
// another Marathon, or anything else on 8080 — it takes a free port
// instead, since the demo prints the URL anyway.
func listenMarathon(ip string, port int, explicit bool) (net.Listener, error) {
	if port < 0 || port > 65535 {
		return nil, fmt.Errorf("--marathon_port=%d: must be between 0 and 65535", port)
	}
	if _, err := netip.ParseAddr(ip); err != nil {
		return nil, fmt.Errorf("--ip=%q: not an IP address", ip)
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(ip, strconv.Itoa(port)))
	if err != nil && !explicit && port != 0 && errors.Is(err, syscall.EADDRINUSE) {
		ln, err = net.Listen("tcp", net.JoinHostPort(ip, "0"))
	}
	if err != nil {
		return nil, fmt.Errorf("listen on --ip=%s --marathon_port=%d: %w", ip, port, err)
	}
	return ln, nil
}

// appStatus is the summary's one-phrase state of a Marathon app.
func appStatus(s cluster.AppStats) string {
	switch {
	case s.Waiting && s.OffersProcessed == 0:
		return "Waiting: no offers"
	case s.Waiting && strings.HasPrefix(s.Reason, "Insufficient"):
		return "Waiting: no offer was big enough (" + s.Reason + ")"
	case s.Waiting && s.Reason != "":
		return "Waiting: every offer declined (" + s.Reason + ")"
	case s.Waiting:
		return "Waiting"
	case s.Delayed:
		msg := fmt.Sprintf("backing off, %s left", s.DelayLeft)
		if state, _, _ := strings.Cut(s.LastFailure, ":"); state != "" {
			msg += " (last: " + state + ")"
		}
		return msg
	case s.Queued > 0:
		return "launching"
	case s.Running < s.Instances:
		return "deploying"
	case s.HealthChecks > 0 && s.Healthy+s.Unhealthy == 0:
		return "running, health not reported"
	case s.HealthChecks > 0:
		return fmt.Sprintf("running, %d/%d healthy", s.Healthy, s.Instances)
	}
	return "running"
}

// printDemoApps prints the Marathon's apps as the summary's second table.
func printDemoApps(out io.Writer, apps []cluster.AppStats) {
	t := table.NewWriter()
	t.SetOutputMirror(out)
	t.SetStyle(table.StyleLight)
	t.AppendHeader(table.Row{"marathon app", "role", "wants per instance", "instances", "running", "healthy", "queued", "offers processed", "offers declined", "status"})
	for _, s := range apps {
		healthy := "-"
		if s.HealthChecks > 0 {
			healthy = strconv.Itoa(s.Healthy)
		}
		t.AppendRow(table.Row{s.ID, s.Role, s.Wants, s.Instances, s.Running, healthy, s.Queued, s.OffersProcessed, s.OffersUnused, appStatus(s)})
	}
	t.Render()
}
