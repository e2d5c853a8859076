// Package resources models Mesos resources: the Resource message of
// include/mesos/mesos.proto and the Resources collection of
// src/common/resources.cpp, with the value arithmetic of
// src/common/values.cpp, the role rules of src/common/roles.cpp and the
// ResourceQuantities of src/common/resource_quantities.cpp. It is a leaf
// package (standard library only) used by the allocator, the DRF sorter,
// the master, the agent and the containerizer.
//
// What it models, as Mesos 1.11.0 does:
//
//   - Scalars are float64 values compared, added and subtracted in a
//     fixed-point representation with three decimals (llround(v*1000)), so
//     0.1+0.2 == 0.3 and 3.5+3.5 == 7 exactly; a resource keeps the value
//     it was given until arithmetic rounds it, as a protobuf does.
//   - RANGES (ports) are coalesced on addition; SETs keep insertion order.
//   - Reservations are a stack (post-reservation-refinement format): a
//     static reservation "cpus(role):4" is [{STATIC, role}], refinements
//     push DYNAMIC reservations of descendant roles, and the reserved role
//     is the last one. Allocation info, the revocable marker, resource
//     providers, disk info (persistent volumes, disk sources) and shared
//     persistent volumes (counted per copy) take part in merging exactly
//     as internal::addable and internal::subtractable decide.
//   - Parse accepts the --resources syntax (simple text or a JSON array) and
//     validates like Resources::parse; Validate implements
//     Resources::validate and ValidateCommandLine
//     validateCommandLineResources; errors name the offending resource.
//   - Three JSON forms: the v1 Resource list (Resource and Resources
//     implement json.Marshaler/Unmarshaler; decoding accepts the pre- and
//     post-refinement and endpoint formats and upgrades, encoding follows
//     protobuf field order and rapidjson number format), and the v0 map
//     of /master/state (type V0).
//   - Quantities is ResourceQuantities: scalar quantities by name only, the
//     unit of DRF shares and quota.
//   - String is Mesos's operator<< text ("cpus:4; mem:1024;
//     ports:[31000-32000]"), the canonical form for logs and walkthroughs;
//     Format is a text form Parse reads back.
//
// Deliberate differences from Mesos:
//
//   - Ranges are coalesced when a resource enters a Resources (Mesos keeps
//     a single un-merged resource's ranges as given until arithmetic
//     touches them); equality and containment are unaffected, only the
//     printed order of a never-merged resource can differ.
//   - Mesos's Value::Set operator== compares item(i) with item(i) (a typo
//     that makes it order-sensitive); Equal compares sets as sets.
//   - Unknown members of a JSON Resource object are preserved
//     (Resource.Unknown) and written back after the known fields; Mesos's
//     stout parser drops them. Unknown members of sub-messages are
//     dropped, as in Mesos. Volume.image and Volume.source are kept as raw
//     JSON. An empty or absent string stands for an unset optional
//     string (ReservationInfo.principal, provider_id, allocation_info.role),
//     and an explicit "UNKNOWN" reservation type reads as unset.
//   - JSON strings cannot carry invalid UTF-8; like encoding/json we write
//     U+FFFD for it, so such names round-trip only through the text form.
//   - Decoding checks the deprecated role/reservation fields against the
//     reservations stack (the checks Resources::validate makes before the
//     master upgrades a framework's resources) also on the --resources JSON
//     path, where Mesos upgrades first and so never sees a mismatch.
//   - Invalid input never aborts: where Mesos CHECK-fails or LOG(FATAL)s
//     (a TEXT resource in arithmetic, printing an invalid type) we skip or
//     print a placeholder, and fixed-point conversion of NaN, infinities
//     and |v| > ~9.2e15 always yields math.MinInt64 (what glibc's llround
//     returns on x86), so such scalars are rejected as "value <= 0" on
//     every platform.
//   - Messages are Mesos's with the first letter lowercased and wrapped
//     with the operation ("resources: parse \"cpus:x\": ...").
//
// Resources and Quantities have slice semantics: the zero value is empty
// and ready to use, pointer-receiver methods (Add, Subtract, Allocate, ...)
// mutate in place, and a copy shares storage until Clone. Nested slices of
// a Resource are never mutated by this package, so values handed out stay
// valid. Scalar arithmetic on existing entries does not allocate.
package resources
