package resources

import (
	"encoding/json"
	"slices"
	"strconv"
)

// Resource is one mesos.proto Resource message in the
// "post-reservation-refinement" format that Mesos uses internally: the
// reservation state lives only in Reservations (the deprecated role and
// reservation fields are accepted when decoding JSON and produced when
// encoding in the endpoint format, see ResourceFormat).
//
// Exactly one of Scalar, Ranges or Set is meaningful, selected by Type.
// Slices and pointers inside a Resource are treated as immutable once the
// Resource is handed to this package: operations never modify them in place
// and callers must not either (copy them first).
type Resource struct {
	// ProviderID is provider_id.value; empty means no resource provider.
	ProviderID string
	Name       string
	Type       ValueType
	// Scalar is scalar.value for TypeScalar. Mesos keeps the double as
	// given and rounds to three decimals only in arithmetic and output.
	Scalar float64
	// Ranges is ranges.range for TypeRanges.
	Ranges []Range
	// Set is set.item for TypeSet.
	Set []string
	// AllocationInfo is allocation_info; nil when the resource is not
	// allocated to a role.
	AllocationInfo *AllocationInfo
	// Reservations is the reservation stack; the last entry is the role
	// the resource is reserved to. Empty means unreserved.
	Reservations []ReservationInfo
	// Disk is the DiskInfo of a "disk" resource (persistent volumes and
	// disk sources).
	Disk *DiskInfo
	// Revocable marks the resource revocable (revocable: {}).
	Revocable bool
	// Shared marks a shared persistent volume (shared: {}).
	Shared bool
	// Unknown holds the members of a decoded JSON Resource object that
	// are not fields of Mesos 1.11's Resource message, as a JSON object
	// ({"name": value, ...}), so they are written back on encoding. It
	// takes no part in equality or merging. Nil when there were none.
	Unknown json.RawMessage
}

// AllocationInfo is Resource.AllocationInfo.
type AllocationInfo struct {
	Role string `json:"role,omitempty"`
}

// ReservationType is Resource.ReservationInfo.Type.
type ReservationType int32

// The ReservationInfo.Type enum, with Mesos's numbers. ReservationUnknown
// is also what an absent type decodes to.
const (
	ReservationUnknown ReservationType = 0 // UNKNOWN
	ReservationStatic  ReservationType = 1 // STATIC
	ReservationDynamic ReservationType = 2 // DYNAMIC
)

var reservationTypeNames = [...]string{"UNKNOWN", "STATIC", "DYNAMIC"}

// String returns the protobuf enum name.
func (t ReservationType) String() string {
	if t >= 0 && int(t) < len(reservationTypeNames) {
		return reservationTypeNames[t]
	}
	return strconv.Itoa(int(t))
}

// ReservationInfo is one entry of Resource.reservations.
type ReservationInfo struct {
	Type ReservationType
	Role string
	// Principal of a dynamic reservation; empty means unset.
	Principal string
	// Labels attached to a dynamic reservation; nil means unset.
	Labels *Labels
}

// Labels is mesos.proto Labels.
type Labels struct {
	Labels []Label `json:"labels"`
}

// Label is mesos.proto Label; Value is optional.
type Label struct {
	Key   string  `json:"key"`
	Value *string `json:"value,omitempty"`
}

// DiskInfo is Resource.DiskInfo.
type DiskInfo struct {
	Persistence *Persistence `json:"persistence,omitempty"`
	Volume      *Volume      `json:"volume,omitempty"`
	Source      *DiskSource  `json:"source,omitempty"`
}

// Persistence is Resource.DiskInfo.Persistence.
type Persistence struct {
	ID        string `json:"id"`
	Principal string `json:"principal,omitempty"`
}

// Volume is the part of mesos.proto Volume that resources need (how a
// persistent volume is mounted). Mesos ignores it when comparing
// resources; image and source are kept verbatim.
type Volume struct {
	Mode          string          `json:"mode,omitempty"` // "RW" or "RO"
	ContainerPath string          `json:"container_path"`
	HostPath      string          `json:"host_path,omitempty"`
	Image         json.RawMessage `json:"image,omitempty"`
	Source        json.RawMessage `json:"source,omitempty"`
}

// DiskSourceType is Resource.DiskInfo.Source.Type.
type DiskSourceType int32

// The DiskInfo.Source.Type enum, with Mesos's numbers.
const (
	DiskSourceUnknown DiskSourceType = 0 // UNKNOWN
	DiskSourcePath    DiskSourceType = 1 // PATH
	DiskSourceMount   DiskSourceType = 2 // MOUNT
	DiskSourceBlock   DiskSourceType = 3 // BLOCK
	DiskSourceRaw     DiskSourceType = 4 // RAW
)

var diskSourceTypeNames = [...]string{"UNKNOWN", "PATH", "MOUNT", "BLOCK", "RAW"}

// String returns the protobuf enum name.
func (t DiskSourceType) String() string {
	if t >= 0 && int(t) < len(diskSourceTypeNames) {
		return diskSourceTypeNames[t]
	}
	return strconv.Itoa(int(t))
}

// DiskSource is Resource.DiskInfo.Source. Path and Mount carry only an
// optional root; a nil pointer means the sub-message is absent.
type DiskSource struct {
	Type     DiskSourceType
	Path     *DiskSourceRoot
	Mount    *DiskSourceRoot
	Vendor   string
	ID       string
	Metadata *Labels
	Profile  string
}

// DiskSourceRoot is DiskInfo.Source.Path or .Mount; Root is optional.
type DiskSourceRoot struct {
	Root *string `json:"root,omitempty"`
}

// IsEmpty reports whether the resource has no quantity (zero scalar, no
// ranges, no set items), as Resources::isEmpty.
func (r Resource) IsEmpty() bool {
	switch r.Type {
	case TypeScalar:
		return toFixed(r.Scalar) == 0
	case TypeRanges:
		return len(r.Ranges) == 0
	case TypeSet:
		return len(r.Set) == 0
	}
	return false
}

// IsUnreserved reports whether the reservation stack is empty.
func (r Resource) IsUnreserved() bool { return len(r.Reservations) == 0 }

// IsReserved reports whether the resource is reserved, to any role when
// role is empty or to exactly role otherwise (Resources::isReserved).
func (r Resource) IsReserved(role string) bool {
	return len(r.Reservations) > 0 && (role == "" || r.ReservationRole() == role)
}

// ReservationRole returns the role of the last reservation (the role the
// resource is reserved to), or "*" when unreserved.
func (r Resource) ReservationRole() string {
	if len(r.Reservations) == 0 {
		return DefaultRole
	}
	return r.Reservations[len(r.Reservations)-1].Role
}

// IsDynamicallyReserved reports whether the last reservation is DYNAMIC.
func (r Resource) IsDynamicallyReserved() bool {
	return len(r.Reservations) > 0 &&
		r.Reservations[len(r.Reservations)-1].Type == ReservationDynamic
}

// HasRefinedReservations reports whether more than one reservation is
// stacked.
func (r Resource) HasRefinedReservations() bool { return len(r.Reservations) > 1 }

// IsAllocatableTo reports whether the resource may be offered to role: it
// is unreserved or reserved to role or one of role's ancestors
// (Resources::isAllocatableTo).
func (r Resource) IsAllocatableTo(role string) bool {
	if len(r.Reservations) == 0 {
		return true
	}
	rr := r.ReservationRole()
	return role == rr || IsStrictSubroleOf(role, rr)
}

// IsReservedToRoleSubtree reports whether the resource is reserved to role
// or a descendant of it.
func (r Resource) IsReservedToRoleSubtree(role string) bool {
	if len(r.Reservations) == 0 {
		return false
	}
	rr := r.ReservationRole()
	return rr == role || IsStrictSubroleOf(rr, role)
}

// IsAllocatedToRoleSubtree reports whether allocation_info.role is role or
// a descendant of it.
func (r Resource) IsAllocatedToRoleSubtree(role string) bool {
	ar := r.AllocationRole()
	return ar == role || IsStrictSubroleOf(ar, role)
}

// AllocationRole returns allocation_info.role, or "" when unallocated.
func (r Resource) AllocationRole() string {
	if r.AllocationInfo == nil {
		return ""
	}
	return r.AllocationInfo.Role
}

// IsPersistentVolume reports whether the resource is a disk with a
// persistence ID.
func (r Resource) IsPersistentVolume() bool {
	return r.Disk != nil && r.Disk.Persistence != nil
}

// IsDisk reports whether the resource is a disk with a source of type t.
func (r Resource) IsDisk(t DiskSourceType) bool {
	return r.Disk != nil && r.Disk.Source != nil && r.Disk.Source.Type == t
}

// Clone returns a deep copy of r.
func (r Resource) Clone() Resource {
	r.Ranges = slices.Clone(r.Ranges)
	r.Set = slices.Clone(r.Set)
	r.Unknown = slices.Clone(r.Unknown)
	if r.AllocationInfo != nil {
		a := *r.AllocationInfo
		r.AllocationInfo = &a
	}
	if r.Reservations != nil {
		rs := make([]ReservationInfo, len(r.Reservations))
		for i, ri := range r.Reservations {
			ri.Labels = ri.Labels.clone()
			rs[i] = ri
		}
		r.Reservations = rs
	}
	if r.Disk != nil {
		r.Disk = r.Disk.clone()
	}
	return r
}

func (l *Labels) clone() *Labels {
	if l == nil {
		return nil
	}
	out := &Labels{Labels: make([]Label, len(l.Labels))}
	for i, lb := range l.Labels {
		if lb.Value != nil {
			v := *lb.Value
			lb.Value = &v
		}
		out.Labels[i] = lb
	}
	return out
}

func (d *DiskInfo) clone() *DiskInfo {
	out := &DiskInfo{}
	if d.Persistence != nil {
		p := *d.Persistence
		out.Persistence = &p
	}
	if d.Volume != nil {
		v := *d.Volume
		v.Image = slices.Clone(v.Image)
		v.Source = slices.Clone(v.Source)
		out.Volume = &v
	}
	if d.Source != nil {
		s := *d.Source
		s.Path = s.Path.clone()
		s.Mount = s.Mount.clone()
		s.Metadata = s.Metadata.clone()
		out.Source = &s
	}
	return out
}

func (d *DiskSourceRoot) clone() *DiskSourceRoot {
	if d == nil {
		return nil
	}
	out := &DiskSourceRoot{}
	if d.Root != nil {
		r := *d.Root
		out.Root = &r
	}
	return out
}
