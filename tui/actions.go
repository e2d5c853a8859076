package tui

import (
	"fmt"
	"strconv"

	"github.com/gdamore/tcell/v2"

	"github.com/mesoscope/mesoscope/inspector"
)

// action is one operator API write call (POST /api/v1) the user confirmed in
// read-write mode. Mesos's calls used here are idempotent, so the client's
// retries are safe: TEARDOWN of a gone framework and MARK_AGENT_GONE of a gone
// agent fail harmlessly, UPDATE_WEIGHTS sets an absolute value.
type action struct {
	what  string
	call  string
	extra map[string]any
}

// Operator calls the TUI makes in read-write mode
// (include/mesos/v1/master/master.proto Call.Type).
const (
	callTeardown      = "TEARDOWN"
	callMarkAgentGone = "MARK_AGENT_GONE"
	callUpdateWeights = "UPDATE_WEIGHTS"
)

// writeKeys are the read-write bindings, for the help.
var writeKeys = []keyHelp{
	{"ctrl-d", "frameworks: TEARDOWN the selected framework (asks first)"},
	{"ctrl-k", "agents: MARK_AGENT_GONE for the selected agent (asks first)"},
	{":weight ROLE N", "UPDATE_WEIGHTS for a role (asks first)"},
}

// writeKey handles ctrl-d and ctrl-k.
func (u *ui) writeKey(k tcell.Key) {
	r := u.table.selected()
	if u.cur == nil || u.cur.table == nil || r == nil {
		return
	}
	if !u.readWrite {
		u.setFlash("read-only: start with --readwrite to change the cluster", toneWarn)
		return
	}
	switch o := r.obj.(type) {
	case inspector.Framework:
		if k != tcell.KeyCtrlD {
			return
		}
		u.ask(fmt.Sprintf("TEARDOWN framework %s (%s)? Its tasks are killed. [y/N]", o.Name, o.ID), action{
			what: "teardown " + o.Name, call: callTeardown,
			extra: map[string]any{"teardown": map[string]any{"framework_id": map[string]string{"value": o.ID}}},
		})
	case *inspector.Agent:
		if k != tcell.KeyCtrlK {
			return
		}
		u.ask(fmt.Sprintf("MARK_AGENT_GONE %s (%s)? Its tasks are lost for good. [y/N]", o.Hostname, o.ID), action{
			what: "mark " + o.Hostname + " gone", call: callMarkAgentGone,
			extra: map[string]any{"mark_agent_gone": map[string]any{"agent_id": map[string]string{"value": o.ID}}},
		})
	}
}

// weightCommand handles ":weight ROLE N".
func (u *ui) weightCommand(args []string) {
	if !u.readWrite {
		u.setFlash("read-only: start with --readwrite to change weights", toneWarn)
		return
	}
	if len(args) != 2 {
		u.setFlash("usage: :weight ROLE WEIGHT", toneWarn)
		return
	}
	w, err := strconv.ParseFloat(args[1], 64)
	if err != nil || w <= 0 {
		u.setFlash(fmt.Sprintf("weight %q: want a positive number", args[1]), toneBad)
		return
	}
	u.ask(fmt.Sprintf("UPDATE_WEIGHTS role %s to %s? [y/N]", args[0], scalar(w)), action{
		what: "weight of " + args[0], call: callUpdateWeights,
		extra: map[string]any{"update_weights": map[string]any{"weight_infos": []map[string]any{{"role": args[0], "weight": w}}}},
	})
}

// ask puts a yes/no question on the bottom line; y runs the action.
func (u *ui) ask(q string, a action) {
	u.confirmText = q
	u.confirm = func() {
		u.setFlash(a.what+"…", toneMuted)
		u.hooks.act(a)
	}
}
