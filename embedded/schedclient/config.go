package schedclient

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/mesos/scheduler"
)

// Defaults for the zero fields of Config.
const (
	// DefaultHeartbeatInterval is the master's DEFAULT_HEARTBEAT_INTERVAL
	// (src/master/constants.hpp), used until SUBSCRIBED says otherwise and
	// when it does not say.
	DefaultHeartbeatInterval = 15 * time.Second
	// DefaultMissedHeartbeats is how many heartbeat intervals may pass
	// without an event before the client reconnects (the doc's "5").
	DefaultMissedHeartbeats = 5
	// DefaultBackoffInitial is the first reconnect delay bound: the C++
	// library's DEFAULT_CONNECTION_DELAY_MAX (src/scheduler/constants.hpp).
	DefaultBackoffInitial = 500 * time.Millisecond
	// DefaultBackoffMax caps the reconnect delay ("exponential backoff ...
	// up to a maximum of 15s", docs/scheduler-http-api.md).
	DefaultBackoffMax = 15 * time.Second
	// DefaultCallTimeout bounds each non-SUBSCRIBE call ("a similar timeout
	// (e.g., 75s) for receiving responses to any HTTP requests").
	DefaultCallTimeout = 75 * time.Second
)

// ContentTypeJSON is the only content type the client speaks.
const ContentTypeJSON = "application/json"

// Config configures a Client. Master and Framework are required; every
// other zero field takes the default named on it.
type Config struct {
	// Master is the base URL of a master, "http://127.0.0.1:5050" (a bare
	// "host:port" means http); the client POSTs to Master +
	// "/api/v1/scheduler" and follows redirects to the leader from there.
	Master string

	// Framework is sent in every SUBSCRIBE. Set Framework.ID to fail over
	// to an existing framework; otherwise the master assigns one and the
	// client re-subscribes with it. User and Name are required.
	Framework mesos.FrameworkInfo
	// SuppressedRoles are the roles suppressed at the first SUBSCRIBE
	// (Call.Subscribe.suppressed_roles); later SUPPRESS, REVIVE and
	// UPDATE_FRAMEWORK calls change the set the client re-subscribes with.
	SuppressedRoles []string
	// OfferConstraints are sent in SUBSCRIBE (nil: none).
	OfferConstraints *scheduler.OfferConstraints

	// HTTPClient makes the requests. nil: a client of its own (keep-alive
	// transport cloned from http.DefaultTransport), whose idle connections
	// Run closes when it returns. A given client's Timeout applies to calls
	// only: the event stream is read through a copy without it, and the
	// client never follows redirects itself (its CheckRedirect is ignored).
	HTTPClient *http.Client
	// Headers are added to every request, e.g. Authorization for HTTP
	// basic authentication; they never replace Content-Type, Accept or
	// Mesos-Stream-Id.
	Headers http.Header
	// ContentType must be "" or "application/json": the client does not
	// speak application/x-protobuf.
	ContentType string
	// CallTimeout bounds each call (DefaultCallTimeout if 0; negative:
	// none beyond the caller's context).
	CallTimeout time.Duration

	// AutoAck makes Run ACKNOWLEDGE every UPDATE event whose status has a
	// uuid, after handle returns. Off by default: v1 frameworks acknowledge
	// explicitly (Client.Acknowledge) once they have processed an update.
	AutoAck bool

	// DeduplicateUpdates makes Run hand each status update to handle once.
	// Mesos delivers updates at least once: an acknowledgement lost with a
	// master or an agent makes the agent send the update again, with the same
	// uuid. With DeduplicateUpdates, a retry of an update the framework
	// acknowledged through this client (Acknowledge or AutoAck, whether or not
	// that call succeeded) is acknowledged again and not handed on;
	// DuplicateUpdates counts them. The C++ scheduler library
	// has no such option: its frameworks deduplicate themselves.
	DeduplicateUpdates bool
	// DedupTerminalTasks bounds how many ended tasks the deduplicator
	// remembers (DefaultDedupTerminalTasks if 0); running tasks are always
	// remembered.
	DedupTerminalTasks int

	// MissedHeartbeats is how many heartbeat intervals (SUBSCRIBED's
	// heartbeat_interval_seconds) may pass without an event before Run
	// drops the stream and re-subscribes (DefaultMissedHeartbeats if 0).
	MissedHeartbeats int
	// BackoffInitial and BackoffMax bound the reconnect delay: attempt n
	// waits a uniformly random time in [0, min(BackoffMax,
	// BackoffInitial·2ⁿ)) (defaults DefaultBackoffInitial,
	// DefaultBackoffMax).
	BackoffInitial time.Duration
	BackoffMax     time.Duration
	// MaxEventSize bounds one event's JSON (recordio.MaxRecordSize if 0).
	MaxEventSize int

	// Clock times the heartbeat watchdog and the backoff (nil: the time
	// package, which testing/synctest fakes). Call timeouts are context
	// deadlines and use the time package.
	Clock Clock
	// Rand jitters the backoff (nil: a generator seeded from the time). It
	// is used only by Run's goroutine.
	Rand *rand.Rand
	// Logger receives connection events (nil: discard). Events themselves
	// are not logged.
	Logger *slog.Logger

	// CallObserver, if set, sees every call Call makes (not SUBSCRIBE) just
	// before it is sent; see CallObserver.
	CallObserver CallObserver
}

// CallObserver is told about a call before it is POSTed: it may add headers to
// the request (a W3C traceparent, so the master's handling of the call joins the
// caller's trace) and returns a function, or nil, that Call runs with the
// outcome: the HTTP status (0 when none came back) and the error Call returns.
// The tracer's SchedulerCalls is one.
type CallObserver func(ctx context.Context, call *scheduler.Call, h http.Header) (done func(statusCode int, err error))
