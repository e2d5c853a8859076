package mesos

import "time"

// TimeInfo is mesos.proto TimeInfo: nanoseconds since the epoch, an int64
// written as a JSON number.
type TimeInfo struct {
	Nanoseconds int64 `json:"nanoseconds"`
}

// DurationInfo is mesos.proto DurationInfo: a duration in nanoseconds.
type DurationInfo struct {
	Nanoseconds int64 `json:"nanoseconds"`
}

// TimeOf returns the TimeInfo of t.
func TimeOf(t time.Time) *TimeInfo { return &TimeInfo{Nanoseconds: t.UnixNano()} }

// Time returns the instant as a time.Time.
func (t TimeInfo) Time() time.Time { return time.Unix(0, t.Nanoseconds) }

// DurationOf returns the DurationInfo of d.
func DurationOf(d time.Duration) *DurationInfo { return &DurationInfo{Nanoseconds: int64(d)} }

// Duration returns the duration as a time.Duration.
func (d DurationInfo) Duration() time.Duration { return time.Duration(d.Nanoseconds) }
