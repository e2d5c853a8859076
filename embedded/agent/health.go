package agent

import (
	"fmt"
	"math"
	"time"

	"github.com/mesoscope/mesoscope/embedded/mesos"
)

// healthStatus is TaskHealthStatus (src/messages/messages.proto): what a health
// checker tells its executor after a check result that counts.
type healthStatus struct {
	healthy             bool
	consecutiveFailures uint32 // set on failures
	killTask            bool   // consecutive failures reached HealthCheck.consecutive_failures
}

// healthState is the verdict logic of HealthChecker (src/checks/health_checker.cpp:
// processCheckResult, failure and success), a synchronous core with no clock or
// goroutine of its own: the caller passes the time of each result.
//
//   - A failure while the checker is still initializing (no success yet) and at most
//     grace_period_seconds after the checker started is ignored.
//   - Every other failure counts: consecutive_failures grows and the executor is told
//     (healthy = false) each time, with kill_task once the count reaches
//     HealthCheck.consecutive_failures.
//   - A success is reported only when it is the first one or follows failures; it
//     ends initialization and resets the count.
type healthState struct {
	start       time.Time     // HealthChecker's startTime
	grace       time.Duration // grace_period_seconds
	maxFailures uint32        // consecutive_failures
	failures    uint32        // consecutiveFailures
	initialized bool          // !initializing: a check has passed
}

// newHealthState starts the verdict logic of a check at start.
func newHealthState(start time.Time, grace time.Duration, maxFailures uint32) healthState {
	return healthState{start: start, grace: grace, maxFailures: maxFailures}
}

// result is HealthChecker::processCheckResult for a check that ended at now with err
// (nil: the check passed). It returns the status to report, if any, and whether the
// result was ignored for the grace period.
func (s *healthState) result(now time.Time, err error) (st healthStatus, report bool, ignored bool) {
	if err == nil {
		st, report = s.success()
		return st, report, false
	}
	return s.failure(now)
}

// failure is HealthChecker::failure.
func (s *healthState) failure(now time.Time) (st healthStatus, report bool, ignored bool) {
	if !s.initialized && s.grace > 0 && now.Sub(s.start) <= s.grace {
		return healthStatus{}, false, true
	}
	s.failures++
	return healthStatus{
		healthy:             false,
		consecutiveFailures: s.failures,
		killTask:            s.failures >= s.maxFailures,
	}, true, false
}

// success is HealthChecker::success.
func (s *healthState) success() (healthStatus, bool) {
	report := !s.initialized || s.failures > 0
	s.initialized = true
	s.failures = 0
	return healthStatus{healthy: true}, report
}

// healthTimings are a HealthCheck's durations, defaults applied (mesos.proto:
// delay_seconds 15, interval_seconds 10, timeout_seconds 20, grace_period_seconds 10,
// consecutive_failures 3).
type healthTimings struct {
	delay       time.Duration
	interval    time.Duration
	timeout     time.Duration // 0: none (CheckerProcess makes timeout_seconds 0 infinite)
	grace       time.Duration
	maxFailures uint32
}

// timingsOf reads a validated HealthCheck's timings. Seconds too large for a
// time.Duration become the largest one (Mesos's Duration::create fails on them and
// the checker CHECK-fails).
func timingsOf(h *mesos.HealthCheck) healthTimings {
	return healthTimings{
		delay:       secondsDuration(h.GetDelaySeconds()),
		interval:    secondsDuration(h.GetIntervalSeconds()),
		timeout:     secondsDuration(h.GetTimeoutSeconds()),
		grace:       secondsDuration(h.GetGracePeriodSeconds()),
		maxFailures: h.GetConsecutiveFailures(),
	}
}

// secondsDuration converts non-negative seconds to a duration, saturating.
func secondsDuration(s float64) time.Duration {
	if math.IsNaN(s) || s <= 0 {
		return 0
	}
	if s >= float64(math.MaxInt64)/float64(time.Second) {
		return time.Duration(math.MaxInt64)
	}
	return time.Duration(s * float64(time.Second))
}

// validateHealthCheck is common::validation::validateHealthCheck
// (src/common/validation.cpp), which HealthChecker::create runs: the checks of
// mesos.HealthCheck.Validate plus the executable path a non-shell COMMAND check
// needs. The master already refuses such tasks with TASK_ERROR; the agent meets
// them only from a master that does not validate.
func validateHealthCheck(h *mesos.HealthCheck) error {
	if err := h.Validate(); err != nil {
		return fmt.Errorf("invalid health check: %w", err)
	}
	if h.Type == mesos.HealthCheckCommand && h.Command.Value == nil {
		return fmt.Errorf("invalid health check: command health check must contain 'executable path'")
	}
	return nil
}
