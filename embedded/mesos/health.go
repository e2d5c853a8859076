package mesos

import (
	"reflect"

	"github.com/mesoscope/mesoscope/embedded/mesos/internal/enum"
)

// Proto defaults of HealthCheck (include/mesos/v1/mesos.proto HealthCheck).
const (
	DefaultHealthCheckDelaySeconds        = 15.0
	DefaultHealthCheckIntervalSeconds     = 10.0
	DefaultHealthCheckTimeoutSeconds      = 20.0
	DefaultHealthCheckConsecutiveFailures = 3
	DefaultHealthCheckGracePeriodSeconds  = 10.0
)

// HealthCheck is mesos.proto HealthCheck: a COMMAND, HTTP or TCP check.
// The timing fields are optional with proto defaults: nil means the
// default (Get* methods), and they are always written.
type HealthCheck struct {
	DelaySeconds        *float64        `json:"delay_seconds"`
	IntervalSeconds     *float64        `json:"interval_seconds"`
	TimeoutSeconds      *float64        `json:"timeout_seconds"`
	ConsecutiveFailures *uint32         `json:"consecutive_failures"`
	GracePeriodSeconds  *float64        `json:"grace_period_seconds"`
	Type                HealthCheckType `json:"type,omitempty"`
	Command             *CommandInfo    `json:"command,omitempty"`
	HTTP                *HTTPCheckInfo  `json:"http,omitempty"`
	TCP                 *TCPCheckInfo   `json:"tcp,omitempty"`
}

func orDefault[T any](p *T, d T) T {
	if p == nil {
		return d
	}
	return *p
}

// GetDelaySeconds returns DelaySeconds or 15.
func (h *HealthCheck) GetDelaySeconds() float64 {
	return orDefault(h.DelaySeconds, DefaultHealthCheckDelaySeconds)
}

// GetIntervalSeconds returns IntervalSeconds or 10.
func (h *HealthCheck) GetIntervalSeconds() float64 {
	return orDefault(h.IntervalSeconds, DefaultHealthCheckIntervalSeconds)
}

// GetTimeoutSeconds returns TimeoutSeconds or 20.
func (h *HealthCheck) GetTimeoutSeconds() float64 {
	return orDefault(h.TimeoutSeconds, DefaultHealthCheckTimeoutSeconds)
}

// GetConsecutiveFailures returns ConsecutiveFailures or 3.
func (h *HealthCheck) GetConsecutiveFailures() uint32 {
	return orDefault(h.ConsecutiveFailures, DefaultHealthCheckConsecutiveFailures)
}

// GetGracePeriodSeconds returns GracePeriodSeconds or 10.
func (h *HealthCheck) GetGracePeriodSeconds() float64 {
	return orDefault(h.GracePeriodSeconds, DefaultHealthCheckGracePeriodSeconds)
}

// MarshalJSON writes the check with every defaulted field filled in.
func (h HealthCheck) MarshalJSON() ([]byte, error) {
	type plain HealthCheck
	d, i, t, c, g := h.GetDelaySeconds(), h.GetIntervalSeconds(), h.GetTimeoutSeconds(), h.GetConsecutiveFailures(), h.GetGracePeriodSeconds()
	h.DelaySeconds, h.IntervalSeconds, h.TimeoutSeconds, h.ConsecutiveFailures, h.GracePeriodSeconds = &d, &i, &t, &c, &g
	return Marshal(plain(h))
}

// HTTPCheckInfo is HealthCheck.HTTPCheckInfo. The zero Protocol is written
// as its default, IPv4.
type HTTPCheckInfo struct {
	Protocol NetworkProtocol `json:"protocol"`
	Scheme   string          `json:"scheme,omitempty"`
	Port     uint32          `json:"port"`
	Path     string          `json:"path,omitempty"`
	Statuses []uint32        `json:"statuses,omitempty"`
}

// TCPCheckInfo is HealthCheck.TCPCheckInfo.
type TCPCheckInfo struct {
	Protocol NetworkProtocol `json:"protocol"`
	Port     uint32          `json:"port"`
}

// HealthCheckType is HealthCheck.Type; the zero value UNKNOWN is omitted.
type HealthCheckType int32

// Health check types.
const (
	HealthCheckUnknown HealthCheckType = 0
	HealthCheckCommand HealthCheckType = 1
	HealthCheckHTTP    HealthCheckType = 2
	HealthCheckTCP     HealthCheckType = 3
)

var healthCheckTypeEnum = enum.New("HealthCheck.Type", map[int32]string{
	int32(0): "UNKNOWN",
	int32(1): "COMMAND",
	int32(2): "HTTP",
	int32(3): "TCP",
})

// String returns the Mesos name of the value ("HealthCheck.Type(<n>)" if unknown).
func (x HealthCheckType) String() string { return healthCheckTypeEnum.Name(int32(x)) }

// IsKnown reports whether x is a value defined by Mesos 1.11.0.
func (x HealthCheckType) IsKnown() bool { return healthCheckTypeEnum.Known(int32(x)) }

// MarshalText writes the enum name, as stout's JSON::protobuf does.
func (x HealthCheckType) MarshalText() ([]byte, error) { return healthCheckTypeEnum.Marshal(int32(x)) }

// UnmarshalText reads an enum name; unknown names are an error.
func (x *HealthCheckType) UnmarshalText(b []byte) error {
	v, err := healthCheckTypeEnum.Unmarshal(b, reflect.TypeFor[HealthCheckType]())
	if err != nil {
		return err
	}
	*x = HealthCheckType(v)
	return nil
}

// KillPolicy is mesos.proto KillPolicy: how long to wait between the
// graceful (SIGTERM) and the forcible (SIGKILL) kill.
type KillPolicy struct {
	GracePeriod *DurationInfo `json:"grace_period,omitempty"`
}
