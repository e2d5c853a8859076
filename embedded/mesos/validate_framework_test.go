package mesos

import "testing"

func TestValidateFrameworkInfo(t *testing.T) {
	multi := []FrameworkCapability{{Type: FrameworkMultiRole}}
	tests := []struct {
		name    string
		f       FrameworkInfo
		wantErr string
	}{
		{"valid single role", FrameworkInfo{User: "u", Name: "n", Role: "web"}, ""},
		{"valid multi role", FrameworkInfo{User: "u", Name: "n", Roles: []string{"a", "b/c"}, Capabilities: multi}, ""},
		{"no user", FrameworkInfo{Name: "n"}, "user: expecting 'user' to be present"},
		{"no name", FrameworkInfo{User: "u"}, "name: expecting 'name' to be present"},
		{"bad id", FrameworkInfo{User: "u", Name: "n", ID: &FrameworkID{Value: "a\nb"}}, "id.value: 'a\nb' contains invalid characters"},
		{"negative failover", FrameworkInfo{User: "u", Name: "n", FailoverTimeout: -1}, "failover_timeout:"},
		{"role with multi role", FrameworkInfo{User: "u", Name: "n", Role: "a", Capabilities: multi}, "role: must not be set when the framework is MULTI_ROLE capable"},
		{"roles without multi role", FrameworkInfo{User: "u", Name: "n", Roles: []string{"a"}}, "roles: must not be set when the framework is not MULTI_ROLE capable"},
		{"duplicate roles", FrameworkInfo{User: "u", Name: "n", Roles: []string{"a", "a"}, Capabilities: multi}, "roles[1]: duplicate role \"a\""},
		{"invalid role", FrameworkInfo{User: "u", Name: "n", Roles: []string{"a", ".."}, Capabilities: multi}, "roles[1]: invalid role"},
		{"invalid single role", FrameworkInfo{User: "u", Name: "n", Role: "-x"}, "role: not a valid role"},
		{"unknown capability", FrameworkInfo{User: "u", Name: "n", Capabilities: []FrameworkCapability{{Type: 77}}}, "capabilities[0].type: unknown value"},
		{"negative min allocatable", FrameworkInfo{User: "u", Name: "n", Role: "web", OfferFilters: map[string]OfferFilters{
			"web": {MinAllocatableResources: &MinAllocatableResources{Quantities: []ResourceQuantities{{Quantities: map[string]Scalar{"cpus": {Value: -1}}}}}},
		}}, `offer_filters["web"].min_allocatable_resources.quantities[0].quantities["cpus"]`},
	}
	for _, tc := range tests {
		checkErr(t, tc.name+": Validate()", tc.f.Validate(), tc.wantErr)
	}
}
