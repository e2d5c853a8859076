// Package authorizer is Mesos's local authorizer: the ACLs of the master's --acls flag
// and the rules that decide, for a subject (a principal) and an object (a role, a user,
// another framework's principal), whether an action is allowed.
//
// It models src/authorizer/local/authorizer.cpp (LocalAuthorizer, matches, allows,
// LocalAuthorizerObjectApprover and, for role-valued objects,
// LocalHierarchicalRoleApprover with its recursive "role/%" entries) and the ACLs message
// of include/mesos/authorizer/acls.proto. The rules, in order: the first ACL whose
// subjects match the subject and whose objects match the object decides, and it allows
// when both its subjects and its objects allow; when no ACL matches, ACLs.permissive
// (default true) decides. A request without a principal is the subject ANY.
//
// # What mesoscope enforces
//
// register_frameworks (SUBSCRIBE and UPDATE_FRAMEWORK, every role of the framework),
// run_tasks (LAUNCH and LAUNCH_GROUP; the user is the task's command user, else the
// executor's, else the framework's), teardown_frameworks (operator TEARDOWN and
// /master/teardown), update_weights, update_quotas (hierarchical roles) and
// mark_agents_gone. The other ACL kinds Mesos knows are rejected by Parse with an error
// naming them, never silently ignored, so an operator never believes a rule is in force
// when it is not.
package authorizer
