package marathon

import (
	"time"
)

// Delay is the launch delay of one app configuration
// (RateLimiter.Delay): no instance launches before Reference + Current.
type Delay struct {
	Reference time.Time
	Current   time.Duration
	Max       time.Duration
}

// Deadline is when launches may resume.
func (d Delay) Deadline() time.Time { return d.Reference.Add(d.Current) }

// configRef names an app configuration (RunSpecConfigRef): delays belong
// to a configuration, so a config change starts without one.
type configRef struct {
	app    string
	config time.Time
}

func refOf(a *App) configRef { return configRef{a.ID, a.VersionInfo.LastConfigChangeAt} }

// secondsDuration converts Marathon's seconds to a duration, saturating.
func secondsDuration(s float64) time.Duration {
	if s <= 0 {
		return 0
	}
	if s >= float64(1<<62)/float64(time.Second) {
		return 1 << 62
	}
	return time.Duration(s * float64(time.Second))
}

// RateLimiter keeps the launch delays of apps whose tasks fail
// (core/launchqueue/impl/RateLimiter.scala). It is pure: the caller passes
// the time.
type RateLimiter struct {
	delays map[configRef]Delay
}

// NewRateLimiter returns a limiter without delays.
func NewRateLimiter() *RateLimiter { return &RateLimiter{delays: map[configRef]Delay{}} }

// AddDelay records a failure of app at now (RateLimiter.addDelay): the
// first delay is backoffSeconds (capped at maxLaunchDelaySeconds), each
// further one the previous times backoffFactor, capped.
func (r *RateLimiter) AddDelay(app *App, now time.Time) Delay {
	maxDelay := secondsDuration(app.MaxLaunchDelaySeconds)
	ref := refOf(app)
	d, ok := r.delays[ref]
	if !ok {
		d = Delay{Reference: now, Current: min(secondsDuration(app.BackoffSeconds), maxDelay), Max: maxDelay}
	} else {
		next := time.Duration(float64(d.Current) * app.BackoffFactor)
		if next < d.Current { // overflow
			next = maxDelay
		}
		d = Delay{Reference: now, Current: min(maxDelay, next), Max: maxDelay}
	}
	r.delays[ref] = d
	return d
}

// AdvanceDelay restarts an existing delay's countdown at now, keeping its
// length (RateLimiter.advanceDelay, on STAGING/STARTING/RUNNING).
func (r *RateLimiter) AdvanceDelay(app *App, now time.Time) {
	ref := refOf(app)
	if d, ok := r.delays[ref]; ok {
		d.Reference = now
		r.delays[ref] = d
	}
}

// ResetDelay removes app's delay (DELETE /v2/queue/{app}/delay, restarts).
func (r *RateLimiter) ResetDelay(app *App) { delete(r.delays, refOf(app)) }

// Delay returns app's current delay.
func (r *RateLimiter) Delay(app *App) (Delay, bool) {
	d, ok := r.delays[refOf(app)]
	return d, ok
}

// LaunchAllowed reports whether app may launch at now.
func (r *RateLimiter) LaunchAllowed(app *App, now time.Time) bool {
	d, ok := r.delays[refOf(app)]
	return !ok || !now.Before(d.Deadline())
}

// Cleanup drops the delays whose reference is more than their maximum in
// the past (RateLimiter.cleanUpOverdueDelays) and of configurations that
// no longer exist (current reports whether a ref is still live).
func (r *RateLimiter) Cleanup(now time.Time, current func(app string, config time.Time) bool) {
	for ref, d := range r.delays {
		if now.After(d.Reference.Add(d.Max)) || !current(ref.app, ref.config) {
			delete(r.delays, ref)
		}
	}
}

// NextExpiry returns the earliest deadline after now, for timers.
func (r *RateLimiter) NextExpiry(now time.Time) (time.Time, bool) {
	var next time.Time
	for _, d := range r.delays {
		dl := d.Deadline()
		if dl.After(now) && (next.IsZero() || dl.Before(next)) {
			next = dl
		}
	}
	return next, !next.IsZero()
}

// QueueDelay is the "delay" of a /v2/queue entry (QueuedInstanceInfo.
// queueDelay): whole seconds left, truncated, and overdue when there is no
// delay or the truncated time left is negative. Marathon's truncation
// makes an entry read "overdue": false for up to a second past the
// deadline; this keeps it.
func (r *RateLimiter) QueueDelay(app *App, now time.Time) (timeLeftSeconds int64, overdue bool) {
	d, ok := r.delays[refOf(app)]
	if !ok {
		return 0, true
	}
	left := int64(d.Deadline().Sub(now) / time.Second)
	return max(0, left), left < 0
}
