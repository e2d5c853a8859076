package tui

import (
	"strconv"
	"strings"
)

// runCommand runs a `:` command: a view name or alias with an optional filter
// (":tasks web", ":tasks /web"), "why NAME", "help", "aliases", "q", and in
// read-write mode "weight ROLE N".
func (u *ui) runCommand(text string) {
	fields := strings.Fields(text)
	if len(fields) == 0 {
		return
	}
	cmd, args := strings.ToLower(fields[0]), fields[1:]
	switch cmd {
	case "q", "q!", "quit", "exit":
		u.hooks.quit()
		return
	case "help", "h", "?":
		u.push(page{view: vHelp, arg: u.topDef().name, label: "help"})
		return
	case "aliases", "alias", "a":
		u.push(page{view: vAliases})
		return
	case "why", "wh":
		if len(args) == 0 {
			u.setFlash(":why needs a framework (id or name), a role, or a /marathon-app", toneWarn)
			return
		}
		arg := strings.Join(args, " ")
		u.push(page{view: vWhy, arg: arg, label: "why " + arg})
		return
	case "weight":
		u.weightCommand(args)
		return
	}
	v, ok := u.reg.lookup(cmd)
	if !ok {
		u.setFlash("unknown command "+strconv.Quote(cmd)+" (ctrl-a lists views and aliases)", toneBad)
		return
	}
	p := page{view: v}
	if len(args) > 0 {
		p.filter = strings.TrimPrefix(strings.Join(args, " "), "/")
	}
	u.push(p)
}
