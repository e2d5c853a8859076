package authorizer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// EntityType is ACL.Entity.Type.
type EntityType int

// The entity types; SOME is the default, as in acls.proto.
const (
	Some EntityType = iota
	Any
	None
)

func (t EntityType) String() string {
	switch t {
	case Any:
		return "ANY"
	case None:
		return "NONE"
	}
	return "SOME"
}

// Entity is ACL.Entity: SOME with values, ANY, or NONE.
type Entity struct {
	Type   EntityType
	Values []string
}

// UnmarshalJSON reads {"type": "ANY"|"NONE"|"SOME", "values": [...]} (type defaults to
// SOME; values are ignored for ANY and NONE, as acls.proto says).
func (e *Entity) UnmarshalJSON(b []byte) error {
	var raw struct {
		Type   *string  `json:"type"`
		Values []string `json:"values"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&raw); err != nil {
		return err
	}
	e.Type, e.Values = Some, raw.Values
	if raw.Type != nil {
		switch *raw.Type {
		case "SOME":
		case "ANY":
			e.Type, e.Values = Any, nil
		case "NONE":
			e.Type, e.Values = None, nil
		default:
			return fmt.Errorf("type %q is not one of SOME, ANY, NONE", *raw.Type)
		}
	}
	return nil
}

// ACL is a generic ACL: who (subjects) may act on what (objects).
type ACL struct {
	Subjects Entity
	Objects  Entity
}

// ACLs is Mesos's ACLs message, reduced to the kinds mesoscope enforces.
type ACLs struct {
	// Permissive decides when no ACL matches (default true).
	Permissive         bool
	RegisterFrameworks []ACL // principals → roles
	RunTasks           []ACL // principals → users
	TeardownFrameworks []ACL // principals → framework_principals
	UpdateWeights      []ACL // principals → roles
	UpdateQuotas       []ACL // principals → roles
	MarkAgentsGone     []ACL // principals → agents (ANY or NONE)
}

type aclKind struct {
	field, subject, object string
	dst                    func(*ACLs) *[]ACL
}

// aclKinds maps each enforced JSON field to its destination and the JSON names of its
// subject and object entities.
var aclKinds = []aclKind{
	{"register_frameworks", "principals", "roles", func(a *ACLs) *[]ACL { return &a.RegisterFrameworks }},
	{"run_tasks", "principals", "users", func(a *ACLs) *[]ACL { return &a.RunTasks }},
	{"teardown_frameworks", "principals", "framework_principals", func(a *ACLs) *[]ACL { return &a.TeardownFrameworks }},
	{"update_weights", "principals", "roles", func(a *ACLs) *[]ACL { return &a.UpdateWeights }},
	{"update_quotas", "principals", "roles", func(a *ACLs) *[]ACL { return &a.UpdateQuotas }},
	{"mark_agents_gone", "principals", "agents", func(a *ACLs) *[]ACL { return &a.MarkAgentsGone }},
}

// unenforced are the ACL kinds of acls.proto mesoscope does not enforce.
var unenforced = []string{
	"reserve_resources", "unreserve_resources", "create_volumes", "destroy_volumes", "get_endpoints",
	"get_quotas", "view_frameworks", "view_tasks", "view_executors", "access_sandboxes",
	"access_mesos_logs", "view_roles", "view_flags", "launch_nested_containers",
	"launch_nested_containers_under_parent_with_user", "kill_nested_containers",
	"wait_nested_containers", "launch_nested_container_sessions",
	"launch_nested_container_sessions_under_parent_with_user", "attach_containers_input",
	"attach_containers_output", "view_containers", "set_log_level", "remove_nested_containers",
	"register_agents", "update_maintenance_schedules", "get_maintenance_schedules",
	"start_maintenances", "stop_maintenances", "get_maintenance_statuses", "drain_agents",
	"deactivate_agents", "reactivate_agents", "launch_standalone_containers",
	"kill_standalone_containers", "wait_standalone_containers", "remove_standalone_containers",
	"view_standalone_containers", "modify_resource_provider_configs",
	"mark_resource_providers_gone", "view_resource_providers", "prune_images", "resize_volumes",
	"create_mount_disks", "destroy_mount_disks", "create_block_disks", "destroy_block_disks",
	"destroy_raw_disks", "view_resource_providers",
}

// MaxSize bounds the ACLs document.
const MaxSize = 1 << 20

// ErrInvalid is wrapped by every error of Parse and Load.
var ErrInvalid = errors.New("invalid ACLs")

// Parse reads the JSON form of Mesos's ACLs message (the --acls flag's value).
func Parse(data []byte) (*ACLs, error) {
	fail := func(format string, args ...any) (*ACLs, error) {
		return nil, fmt.Errorf("acls: %s: %w", fmt.Sprintf(format, args...), ErrInvalid)
	}
	if len(data) > MaxSize {
		return fail("%d bytes is more than the %d allowed", len(data), MaxSize)
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return fail("not a JSON object: %v", err)
	}
	out := &ACLs{Permissive: true}
	for field, raw := range top {
		if field == "permissive" {
			if err := json.Unmarshal(raw, &out.Permissive); err != nil {
				return fail("permissive: want true or false")
			}
			continue
		}
		i := slices.IndexFunc(aclKinds, func(k aclKind) bool { return k.field == field })
		if i < 0 {
			if slices.Contains(unenforced, field) {
				return fail("%s: mesoscope does not enforce this kind of ACL (it enforces %s)", field, enforcedList())
			}
			return fail("%s: unknown kind of ACL", field)
		}
		k := aclKinds[i]
		var entries []map[string]json.RawMessage
		if err := json.Unmarshal(raw, &entries); err != nil {
			return fail("%s: want a list of ACLs", field)
		}
		dst := k.dst(out)
		for n, entry := range entries {
			var acl ACL
			for name, v := range entry {
				var e Entity
				if err := json.Unmarshal(v, &e); err != nil {
					return fail("%s[%d].%s: %v", field, n, name, err)
				}
				switch name {
				case k.subject:
					acl.Subjects = e
				case k.object:
					acl.Objects = e
				default:
					return fail("%s[%d]: unknown field %q (want %q and %q)", field, n, name, k.subject, k.object)
				}
			}
			for _, need := range []string{k.subject, k.object} {
				if _, ok := entry[need]; !ok {
					return fail("%s[%d]: missing %q (a required field)", field, n, need)
				}
			}
			*dst = append(*dst, acl)
		}
	}
	return out, nil
}

func enforcedList() string {
	var names []string
	for _, k := range aclKinds {
		names = append(names, k.field)
	}
	return strings.Join(names, ", ")
}

// Load reads the --acls flag: JSON text, or a path to a file holding it (absolute, or
// file:///...), as Mesos's flags accept.
func Load(flag string) (*ACLs, error) {
	v := strings.TrimSpace(flag)
	if strings.HasPrefix(v, "{") {
		return Parse([]byte(v))
	}
	path := strings.TrimPrefix(v, "file://")
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("acls: read --acls file: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("acls: read %s: %w", path, err)
	}
	return Parse(data)
}
