package marathon

import (
	"testing"
	"time"
)

// Delays grow by backoffFactor up to maxLaunchDelaySeconds
// (RateLimiterTest "addDelay" cases).
func TestRateLimiterGrowth(t *testing.T) {
	app := testApp("/a", 1, func(a *App) { a.BackoffSeconds, a.BackoffFactor, a.MaxLaunchDelaySeconds = 10, 2, 60 })
	app.VersionInfo.LastConfigChangeAt = t0
	r := NewRateLimiter()
	want := []time.Duration{10 * time.Second, 20 * time.Second, 40 * time.Second, 60 * time.Second, 60 * time.Second}
	for i, w := range want {
		now := t0.Add(time.Duration(i) * time.Minute)
		d := r.AddDelay(app, now)
		if d.Current != w || !d.Deadline().Equal(now.Add(w)) {
			t.Errorf("AddDelay #%d = %v until %v, want %v until %v", i+1, d.Current, d.Deadline(), w, now.Add(w))
		}
	}
}

// The first delay is backoffSeconds capped by maxLaunchDelaySeconds.
func TestRateLimiterFirstDelayCapped(t *testing.T) {
	app := testApp("/a", 1, func(a *App) { a.BackoffSeconds, a.MaxLaunchDelaySeconds = 100, 5 })
	if d := NewRateLimiter().AddDelay(app, t0); d.Current != 5*time.Second {
		t.Errorf("AddDelay() = %v, want 5s", d.Current)
	}
}

// QueueDelay truncates to whole seconds and is overdue only once the
// truncated time left is negative (LaunchStats.queueDelay).
func TestQueueDelay(t *testing.T) {
	app := testApp("/a", 1, func(a *App) { a.BackoffSeconds = 10 })
	r := NewRateLimiter()
	if left, overdue := r.QueueDelay(app, t0); left != 0 || !overdue {
		t.Errorf("QueueDelay(no delay) = %d, %v, want 0, true", left, overdue)
	}
	r.AddDelay(app, t0)
	tests := []struct {
		at      time.Duration
		left    int64
		overdue bool
		allowed bool
	}{
		{0, 10, false, false},
		{3500 * time.Millisecond, 6, false, false},
		{10 * time.Second, 0, false, true},
		{10500 * time.Millisecond, 0, false, true},
		{11 * time.Second, 0, true, true},
	}
	for _, tt := range tests {
		now := t0.Add(tt.at)
		left, overdue := r.QueueDelay(app, now)
		if left != tt.left || overdue != tt.overdue {
			t.Errorf("QueueDelay(+%v) = %d, %v, want %d, %v", tt.at, left, overdue, tt.left, tt.overdue)
		}
		if got := r.LaunchAllowed(app, now); got != tt.allowed {
			t.Errorf("LaunchAllowed(+%v) = %v, want %v", tt.at, got, tt.allowed)
		}
	}
}

// A task that starts restarts the countdown; a reset or a new
// configuration drops the delay; cleanup drops delays older than their
// maximum.
func TestRateLimiterAdvanceResetCleanup(t *testing.T) {
	app := testApp("/a", 1, func(a *App) { a.BackoffSeconds, a.MaxLaunchDelaySeconds = 10, 30 })
	r := NewRateLimiter()
	r.AddDelay(app, t0)
	r.AdvanceDelay(app, t0.Add(5*time.Second))
	if d, _ := r.Delay(app); !d.Deadline().Equal(t0.Add(15 * time.Second)) {
		t.Errorf("after AdvanceDelay deadline = %v, want %v", d.Deadline(), t0.Add(15*time.Second))
	}
	changed := app.Clone()
	changed.VersionInfo.LastConfigChangeAt = t0.Add(time.Hour)
	if !r.LaunchAllowed(changed, t0) {
		t.Errorf("LaunchAllowed(new configuration) = false, want true: delays belong to a configuration")
	}
	live := func(string, time.Time) bool { return true }
	r.Cleanup(t0.Add(30*time.Second), live)
	if _, ok := r.Delay(app); !ok {
		t.Errorf("Cleanup(+30s) dropped a delay referenced at +5s with max 30s")
	}
	r.Cleanup(t0.Add(36*time.Second), live)
	if _, ok := r.Delay(app); ok {
		t.Errorf("Cleanup(+36s) kept a delay past reference + max")
	}
	r.AddDelay(app, t0)
	r.ResetDelay(app)
	if _, ok := r.Delay(app); ok {
		t.Errorf("ResetDelay() kept the delay")
	}
}
