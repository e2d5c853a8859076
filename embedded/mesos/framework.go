package mesos

import (
	"reflect"

	"github.com/mesoscope/mesoscope/embedded/mesos/internal/enum"
)

// FrameworkInfo is mesos.proto FrameworkInfo. FailoverTimeout and
// Checkpoint have proto defaults equal to Go's zero values (0.0 and false),
// and stout writes defaulted fields even when unset, so they are plain
// values that are always written. Role is deprecated (default "*", not
// written unless set); Roles is the MULTI_ROLE form.
type FrameworkInfo struct {
	User            string                  `json:"user"`
	Name            string                  `json:"name"`
	ID              *FrameworkID            `json:"id,omitempty"`
	FailoverTimeout float64                 `json:"failover_timeout"`
	Checkpoint      bool                    `json:"checkpoint"`
	Role            string                  `json:"role,omitempty"`
	Roles           []string                `json:"roles,omitempty"`
	Hostname        string                  `json:"hostname,omitempty"`
	Principal       string                  `json:"principal,omitempty"`
	WebuiURL        string                  `json:"webui_url,omitempty"`
	Capabilities    []FrameworkCapability   `json:"capabilities,omitempty"`
	Labels          *Labels                 `json:"labels,omitempty"`
	OfferFilters    map[string]OfferFilters `json:"offer_filters,omitempty"`
}

// HasCapability reports whether the framework declared capability t.
func (f *FrameworkInfo) HasCapability(t FrameworkCapabilityType) bool {
	for _, c := range f.Capabilities {
		if c.Type == t {
			return true
		}
	}
	return false
}

// AllRoles returns the roles the framework subscribes to: Roles for a
// MULTI_ROLE framework, else the single Role ("*" if unset), as
// protobuf::framework::getRoles does.
func (f *FrameworkInfo) AllRoles() []string {
	if f.HasCapability(FrameworkMultiRole) {
		return f.Roles
	}
	if f.Role == "" {
		return []string{"*"}
	}
	return []string{f.Role}
}

// FrameworkCapability is FrameworkInfo.Capability.
type FrameworkCapability struct {
	Type FrameworkCapabilityType `json:"type"`
}

// FrameworkCapabilityType is FrameworkInfo.Capability.Type.
type FrameworkCapabilityType int32

// Framework capabilities.
const (
	FrameworkUnknownCapability     FrameworkCapabilityType = 0
	FrameworkRevocableResources    FrameworkCapabilityType = 1
	FrameworkTaskKillingState      FrameworkCapabilityType = 2
	FrameworkGPUResources          FrameworkCapabilityType = 3
	FrameworkSharedResources       FrameworkCapabilityType = 4
	FrameworkPartitionAware        FrameworkCapabilityType = 5
	FrameworkMultiRole             FrameworkCapabilityType = 6
	FrameworkReservationRefinement FrameworkCapabilityType = 7
	FrameworkRegionAware           FrameworkCapabilityType = 8
)

var frameworkCapEnum = enum.New("FrameworkInfo.Capability.Type", map[int32]string{
	int32(0): "UNKNOWN",
	int32(1): "REVOCABLE_RESOURCES",
	int32(2): "TASK_KILLING_STATE",
	int32(3): "GPU_RESOURCES",
	int32(4): "SHARED_RESOURCES",
	int32(5): "PARTITION_AWARE",
	int32(6): "MULTI_ROLE",
	int32(7): "RESERVATION_REFINEMENT",
	int32(8): "REGION_AWARE",
})

// String returns the Mesos name of the value ("FrameworkInfo.Capability.Type(<n>)" if unknown).
func (x FrameworkCapabilityType) String() string { return frameworkCapEnum.Name(int32(x)) }

// IsKnown reports whether x is a value defined by Mesos 1.11.0.
func (x FrameworkCapabilityType) IsKnown() bool { return frameworkCapEnum.Known(int32(x)) }

// MarshalText writes the enum name, as stout's JSON::protobuf does.
func (x FrameworkCapabilityType) MarshalText() ([]byte, error) {
	return frameworkCapEnum.Marshal(int32(x))
}

// UnmarshalText reads an enum name; unknown names are an error.
func (x *FrameworkCapabilityType) UnmarshalText(b []byte) error {
	v, err := frameworkCapEnum.Unmarshal(b, reflect.TypeFor[FrameworkCapabilityType]())
	if err != nil {
		return err
	}
	*x = FrameworkCapabilityType(v)
	return nil
}

// OfferFilters is mesos.proto OfferFilters (per-role, in
// FrameworkInfo.offer_filters).
type OfferFilters struct {
	MinAllocatableResources *MinAllocatableResources `json:"min_allocatable_resources,omitempty"`
}

// MinAllocatableResources is OfferFilters.MinAllocatableResources: offers
// must contain at least one of the listed quantity sets.
type MinAllocatableResources struct {
	Quantities []ResourceQuantities `json:"quantities,omitempty"`
}

// ResourceQuantities is OfferFilters.ResourceQuantities: resource name to
// scalar quantity.
type ResourceQuantities struct {
	Quantities map[string]Scalar `json:"quantities,omitempty"`
}
