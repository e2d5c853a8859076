package tracer

import (
	"strings"

	"github.com/mesoscope/mesoscope/embedded/observe"
)

// processKind strips libprocess's ID::generate suffix "(N)" from a process id, so
// "slave-observer(12)" names the kind of process, "slave-observer". Span names use it
// to stay low-cardinality; the full id stays in the mesos.process.id attribute.
func processKind(id string) string {
	if !strings.HasSuffix(id, ")") {
		return id
	}
	open := strings.LastIndexByte(id, '(')
	if open <= 0 {
		return id
	}
	for _, c := range id[open+1 : len(id)-1] {
		if c < '0' || c > '9' {
			return id
		}
	}
	if open+1 == len(id)-1 {
		return id // "()" is not a generated suffix
	}
	return id[:open]
}

// eventName is the event part of a span name: the message or dispatch name, the URL
// path of an HTTP event, the kind of process that exited for EXITED, and the kind's
// name when the event has none.
func eventName(kind observe.Kind, name string) string {
	switch kind {
	case observe.KindExited:
		if name == "" {
			return "EXITED"
		}
		if at := strings.IndexByte(name, '@'); at >= 0 {
			name = name[:at]
		}
		return "EXITED " + processKind(name)
	case observe.KindTerminate:
		return "TERMINATE"
	}
	if name == "" {
		return kind.String()
	}
	return name
}

// httpPath returns the path of an HTTP event name ("GET /metrics/snapshot").
func httpPath(name string) string {
	if sp := strings.IndexByte(name, ' '); sp >= 0 {
		return name[sp+1:]
	}
	return name
}

// spanName is "<process kind> <event name>", e.g. "slave-observer PongSlaveMessage"
// is spelled "slave-observer mesos.internal.PongSlaveMessage".
func spanName(process string, kind observe.Kind, name string) string {
	return processKind(process) + " " + eventName(kind, name)
}
