// Package mesos is the shared vocabulary of the embedded Mesos, named after
// Mesos's v1 API (include/mesos/v1/mesos.proto of Mesos 1.11.0): the IDs,
// FrameworkInfo, AgentInfo, Offer and Offer.Operation, TaskInfo,
// TaskGroupInfo, CommandInfo, ExecutorInfo, ContainerInfo, HealthCheck,
// KillPolicy, Filters, TaskStatus with TaskState and its Source and Reason
// enums, Task, MasterInfo, DomainInfo, TimeInfo/DurationInfo; the
// internal master ⇄ agent ⇄ executor messages of src/messages/
// messages.proto (RegisterSlaveMessage, RunTaskMessage, ...; each with
// its libprocess message name); structural validation with errors that
// name the field; and one canonical text rendering per state type
// (Describe*).
//
// Subpackages: scheduler (the v1 scheduler API: Call, Event), operator
// (the v1 operator API of master and agent: Call, Response, Event,
// AgentCall, AgentResponse) and recordio (the stream framing). Resources
// come from embedded/resources.
//
// # JSON
//
// Every type encodes to and decodes from exactly the JSON Mesos's stout
// JSON::protobuf produces and accepts (3rdparty/stout/include/stout/
// protobuf.hpp): snake_case protobuf field names; enums as their names
// ("TASK_RUNNING"); int64/uint64 as JSON numbers (TimeInfo.nanoseconds
// decodes exactly into int64); bytes as standard base64 (TaskStatus.uuid,
// data); unset optional fields and empty repeated fields omitted; and
// fields with a proto default ([default = ...]) always written, with the
// default when unset, as stout does since it writes has_default_value
// fields: CommandInfo.shell (true), CommandInfo.URI.extract (true),
// Filters.refuse_seconds (5), FrameworkInfo.failover_timeout (0) and
// checkpoint (false), AgentInfo.port (5051), HealthCheck timings,
// NetworkInfo protocols (IPv4), Environment.Variable.type (VALUE),
// DrainConfig.mark_gone (false). Such fields are pointers with Get*
// methods returning the default where the zero value would be a wrong
// default (Shell, Extract, RefuseSeconds, HealthCheck timings, Type), and
// plain values where the default is the zero value or where zero is not a
// meaningful value (AgentInfo.Port, NetworkProtocol: zero is written as
// the default).
//
// Marshal encodes like json.Marshal without HTML escaping, as Mesos
// writes JSON; json.Marshal gives the same JSON values with "<", ">" and
// "&" escaped.
//
// Resource lists are the Resources type: a resources.Resources plus the
// format it is written in (Mesos converts per audience: ENDPOINT for the
// operator API, PRE-refinement for frameworks without
// RESERVATION_REFINEMENT); decoding records the format it saw so real
// payloads round-trip.
//
// Every payload of the Mesos documentation in /work/shared/fixtures/mesos
// round-trips through these types (see the tests of the subpackages for
// the few doc examples that a 1.11.0 master cannot produce and why).
//
// # Deliberate differences from Mesos
//
//   - Unknown enum names are an error that names the field, on optional
//     fields too; stout drops an unknown value of an optional enum
//     silently. Enums given as JSON numbers are rejected, as stout rejects
//     them; a Go value outside the enum fails to encode and to validate.
//   - Numbers and booleans must be JSON numbers and booleans: stout also
//     accepts them as strings ("5", "true", and "Infinity"/"-Infinity"
//     for doubles, as in TaskInfo.limits, which is kept raw here).
//   - Rarely used sub-messages are kept as raw JSON and round-trip
//     untouched without being interpreted: ContainerInfo's docker,
//     volumes, linux_info, rlimit_info, tty_info and MesosInfo.image;
//     ContainerStatus.cgroup_info; TaskInfo.check and limits;
//     TaskStatus.check_status; the agent list of resource providers; the
//     nested-container and resource-provider agent calls.
//     ResourceStatistics models the common fields only and drops the rest.
//   - Environment.Variable.type UNKNOWN and an unset type are told apart
//     (pointer), but Secret.Type, ExecutorInfo.Type and HealthCheck.Type
//     treat UNKNOWN (0) as unset and omit it.
//   - TaskStatus.timestamp 0 is treated as unset and omitted (Mesos always
//     sets it).
//   - The internal messages travel as this package's JSON, not as
//     serialized protobuf; their field names are those of messages.proto
//     (slave_id, slave) with the v1 types inside (AgentInfo for
//     SlaveInfo).
//   - Validation checks structure (required fields, enum values, IDs as
//     common::validation::validateID, our size limits MaxRepeated and
//     MaxDataBytes) and the checks of scheduler::call::validate and
//     master::call::validate; what needs master state (offers exist,
//     resources fit, authorization) is the master's. Messages are Mesos's
//     lowercased, prefixed with the field path.
package mesos
