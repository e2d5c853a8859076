package agent

import (
	"strconv"
	"syscall"
	"unicode"
	"unicode/utf8"
)

// describeWaitStatus renders a wait status as WSTRINGIFY does
// (src/common/status_utils.hpp): "exited with status 3", "terminated with signal
// Killed", with the signal named as glibc's strsignal(3) names it.
func describeWaitStatus(ws syscall.WaitStatus) string {
	switch {
	case ws.Exited():
		return "exited with status " + strconv.Itoa(ws.ExitStatus())
	case ws.Signaled():
		s := "terminated with signal " + strsignal(ws.Signal())
		if ws.CoreDump() {
			s += " (core dumped)"
		}
		return s
	case ws.Stopped():
		return "stopped on signal " + strsignal(ws.StopSignal())
	}
	return "wait status " + strconv.Itoa(int(ws))
}

// strsignal names a signal as glibc does ("Terminated", "Killed"): Go's Linux signal
// names are glibc's descriptions in lower case.
func strsignal(sig syscall.Signal) string {
	s := sig.String()
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError || !unicode.IsLower(r) {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}
