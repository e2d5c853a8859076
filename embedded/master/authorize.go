package master

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/mesoscope/mesoscope/embedded/mesos"
	"github.com/mesoscope/mesoscope/embedded/process"
)

// errUnauthorized marks the errors of a denied authorization (403 on HTTP calls).
var errUnauthorized = errors.New("not authorized")

// authError is a denial with Mesos's message.
type authError struct{ msg string }

func (e *authError) Error() string { return e.msg }
func (e *authError) Unwrap() error { return errUnauthorized }

// authorizeRegistration checks REGISTER_FRAMEWORK for every role of info, with the
// framework's principal as subject (Framework::createObjectApprovers), and returns
// checkSubscribeAuthorization's error: "Not authorized to register framework <id> with
// roles { a, b }" (the id is empty for a new framework, as in Mesos).
func (m *Master) authorizeRegistration(info *mesos.FrameworkInfo) error {
	roles := info.AllRoles()
	if m.cfg.ACLs.RegisterFramework(info.Principal, roles) {
		return nil
	}
	id := ""
	if info.ID != nil {
		id = info.ID.Value
	}
	return &authError{"Not authorized to register framework " + id + " with roles " + stoutSet(roles)}
}

// taskUser is the user a task runs as, for RUN_TASK: the task's command user, else
// its executor's, else the framework's (authorization.cpp's operator<< and the local
// authorizer's RUN_TASK object).
func taskUser(f *framework, t *mesos.TaskInfo) string {
	switch {
	case t.Command != nil && t.Command.User != "":
		return t.Command.User
	case t.Executor != nil && t.Executor.Command != nil && t.Executor.Command.User != "":
		return t.Executor.Command.User
	}
	return f.info.User
}

// launchObject is stringify(ActionObject::taskLaunch(task, framework)).
func launchObject(f *framework, t *mesos.TaskInfo) string {
	return "launch task " + t.TaskID.Value + " of framework " + f.id + " under user '" + taskUser(f, t) + "'"
}

// authorizeTask checks RUN_TASK and returns Master::_accept's message when denied:
// "Principal 'p' no authorized to launch task ..." (sic: Mesos 1.11's wording).
func (m *Master) authorizeTask(f *framework, t *mesos.TaskInfo) (string, bool) {
	if m.cfg.ACLs.RunTask(f.info.Principal, taskUser(f, t)) {
		return "", true
	}
	return "Principal '" + f.info.Principal + "' no authorized to " + launchObject(f, t), false
}

// stoutSet formats a role set as stout's stringify(std::set<string>): "{ a, b }".
func stoutSet(roles []string) string {
	s := slices.Sorted(slices.Values(roles))
	s = slices.Compact(s)
	return "{ " + strings.Join(s, ", ") + " }"
}

// forbidden is the 403 of a denied operator call. Mesos answers Forbidden() with an
// empty body; mesoscope says what was denied to whom.
func forbidden(principal, what string) process.Response {
	who := "Principal '" + principal + "'"
	if principal == "" {
		who = "An unauthenticated request"
	}
	return process.Error(http.StatusForbidden, who+" is not authorized to "+what)
}
