package authorizer

import (
	"slices"
	"strings"
)

// subject is the ACL entity of a principal: SOME with it, or ANY when there is none.
func subject(principal string) Entity {
	if principal == "" {
		return Entity{Type: Any}
	}
	return Entity{Type: Some, Values: []string{principal}}
}

func some(v string) Entity { return Entity{Type: Some, Values: []string{v}} }

// matches models authorizer.cpp's matches(request, acl).
func matches(request, acl Entity) bool {
	switch request.Type {
	case None:
		return acl.Type == None
	case Any:
		return acl.Type == Any || acl.Type == None
	}
	if acl.Type == Any || acl.Type == None {
		return true
	}
	return subset(request.Values, acl.Values)
}

// allows models authorizer.cpp's allows(request, acl).
func allows(request, acl Entity) bool {
	switch request.Type {
	case None:
		return acl.Type == None
	case Any:
		return acl.Type == Any
	}
	switch acl.Type {
	case Any:
		return true
	case None:
		return false
	}
	return subset(request.Values, acl.Values)
}

func subset(values, of []string) bool {
	for _, v := range values {
		if !slices.Contains(of, v) {
			return false
		}
	}
	return true
}

// approved models LocalAuthorizerObjectApprover::approved: the first ACL matching both
// subject and object decides; none matching leaves it to permissive.
func approved(acls []ACL, permissive bool, subj, obj Entity) bool {
	for _, acl := range acls {
		if matches(subj, acl.Subjects) && matches(obj, acl.Objects) {
			return allows(subj, acl.Subjects) && allows(obj, acl.Objects)
		}
	}
	return permissive
}

// recursive reports whether acl is a recursive role ACL ("a/%": a and every role
// nested under it), as LocalHierarchicalRoleApprover::isRecursiveACL.
func recursive(acl ACL) bool {
	return acl.Objects.Type == Some && len(acl.Objects.Values) == 1 && strings.HasSuffix(acl.Objects.Values[0], "/%")
}

// roleACLs splits the role-valued ACLs like createHierarchicalRoleACLs: each recursive
// value becomes an ACL of its own, in place, the other values stay together.
func roleACLs(acls []ACL) []ACL {
	var out []ACL
	for _, acl := range acls {
		if acl.Objects.Type != Some {
			out = append(out, acl)
			continue
		}
		var plain []string
		for _, v := range acl.Objects.Values {
			if strings.HasSuffix(v, "/%") {
				out = append(out, ACL{Subjects: acl.Subjects, Objects: some(v)})
			} else {
				plain = append(plain, v)
			}
		}
		if len(plain) > 0 {
			out = append(out, ACL{Subjects: acl.Subjects, Objects: Entity{Type: Some, Values: plain}})
		}
	}
	return out
}

// approvedRole models LocalHierarchicalRoleApprover::approved for one role: a recursive
// ACL "a/%" covers the roles nested under a ("a/b", "a/b/c"), not a itself.
func approvedRole(acls []ACL, permissive bool, subj Entity, role string) bool {
	obj := some(role)
	for _, acl := range roleACLs(acls) {
		if !recursive(acl) {
			if matches(subj, acl.Subjects) && matches(obj, acl.Objects) {
				return allows(subj, acl.Subjects) && allows(obj, acl.Objects)
			}
			continue
		}
		parent := acl.Objects.Values[0]
		if strings.HasPrefix(role, parent[:len(parent)-1]) {
			anyObj := Entity{Type: Any}
			if matches(subj, acl.Subjects) && matches(obj, anyObj) {
				return allows(subj, acl.Subjects) && allows(obj, anyObj)
			}
		}
	}
	return permissive
}

// RegisterFramework reports whether principal may register a framework with roles
// (REGISTER_FRAMEWORK: every role must be allowed). A nil *ACLs allows everything.
func (a *ACLs) RegisterFramework(principal string, roles []string) bool {
	if a == nil {
		return true
	}
	for _, r := range roles {
		if !approvedRole(a.RegisterFrameworks, a.Permissive, subject(principal), r) {
			return false
		}
	}
	return true
}

// RunTask reports whether principal may run a task as user (RUN_TASK).
func (a *ACLs) RunTask(principal, user string) bool {
	if a == nil {
		return true
	}
	return approved(a.RunTasks, a.Permissive, subject(principal), some(user))
}

// TeardownFramework reports whether principal may tear down a framework registered by
// frameworkPrincipal (TEARDOWN_FRAMEWORK).
func (a *ACLs) TeardownFramework(principal, frameworkPrincipal string) bool {
	if a == nil {
		return true
	}
	return approved(a.TeardownFrameworks, a.Permissive, subject(principal), some(frameworkPrincipal))
}

// UpdateWeight reports whether principal may update role's weight (UPDATE_WEIGHT).
func (a *ACLs) UpdateWeight(principal, role string) bool {
	if a == nil {
		return true
	}
	return approvedRole(a.UpdateWeights, a.Permissive, subject(principal), role)
}

// UpdateQuota reports whether principal may update role's quota (UPDATE_QUOTA).
func (a *ACLs) UpdateQuota(principal, role string) bool {
	if a == nil {
		return true
	}
	return approvedRole(a.UpdateQuotas, a.Permissive, subject(principal), role)
}

// MarkAgentGone reports whether principal may mark an agent gone (MARK_AGENT_GONE; the
// object is always ANY, as Mesos has no per-agent object).
func (a *ACLs) MarkAgentGone(principal string) bool {
	if a == nil {
		return true
	}
	return approved(a.MarkAgentsGone, a.Permissive, subject(principal), Entity{Type: Any})
}
