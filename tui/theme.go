package tui

import "github.com/gdamore/tcell/v2"

// tone is what a piece of text means, not how it looks: views say "this is a
// healthy state" and the theme decides whether that is green or plain.
type tone uint8

// Tones, from plain text to the widgets' own parts.
const (
	toneNormal   tone = iota
	toneMuted         // secondary text: ids, units, empty bars
	toneOK            // healthy: TASK_RUNNING, active, connected
	toneWarn          // in between: staging, draining, stale
	toneBad           // failed, lost, unreachable, disconnected
	toneAccent        // titles, keys in hints
	toneHeader        // table header
	toneSort          // the sorted column's header
	toneBar           // the filled part of a gauge
	toneSelected      // the selected row
	toneKey           // a key name in the hints line
	numTones
)

// theme maps tones to tcell styles. Colours are the terminal's own 16-colour
// palette (never fixed RGB) on its default background, so they follow the user's
// light or dark scheme; the selection is reverse video. With NO_COLOR every tone
// is the default style plus an attribute (bold, dim, underline, reverse).
type theme struct {
	styles [numTones]tcell.Style
	mono   bool
}

// newTheme returns the colour theme, or the monochrome one when mono is set.
func newTheme(mono bool) *theme {
	t := &theme{mono: mono}
	base := tcell.StyleDefault
	if mono {
		t.styles = [numTones]tcell.Style{
			toneNormal:   base,
			toneMuted:    base.Dim(true),
			toneOK:       base,
			toneWarn:     base.Underline(true),
			toneBad:      base.Bold(true),
			toneAccent:   base.Bold(true),
			toneHeader:   base.Bold(true),
			toneSort:     base.Bold(true).Underline(true),
			toneBar:      base,
			toneSelected: base.Reverse(true),
			toneKey:      base.Bold(true),
		}
		return t
	}
	t.styles = [numTones]tcell.Style{
		toneNormal:   base,
		toneMuted:    base.Dim(true),
		toneOK:       base.Foreground(tcell.ColorGreen),
		toneWarn:     base.Foreground(tcell.ColorOlive),
		toneBad:      base.Foreground(tcell.ColorMaroon).Bold(true),
		toneAccent:   base.Foreground(tcell.ColorTeal).Bold(true),
		toneHeader:   base.Bold(true),
		toneSort:     base.Foreground(tcell.ColorTeal).Bold(true).Underline(true),
		toneBar:      base.Foreground(tcell.ColorTeal),
		toneSelected: base.Reverse(true),
		toneKey:      base.Foreground(tcell.ColorPurple).Bold(true),
	}
	return t
}

// style returns the style of a tone.
func (t *theme) style(k tone) tcell.Style {
	if k >= numTones {
		return t.styles[toneNormal]
	}
	return t.styles[k]
}

// stateTone classifies Mesos state words (task, agent, framework, connection).
func stateTone(s string) tone {
	switch s {
	case "TASK_RUNNING", "TASK_FINISHED", "active", "connected", "RUNNING", "subscribed", "yes", "ok":
		return toneOK
	case "TASK_STAGING", "TASK_STARTING", "TASK_KILLING", "TASK_UNREACHABLE", "TASK_UNKNOWN",
		"deactivated", "draining", "inactive", "recovered", "stale", "connecting", "reconnecting",
		"STARTING", "PROVISIONING", "PREPARING", "ISOLATING", "FETCHING", "DESTROYING", "suppressed":
		return toneWarn
	case "TASK_FAILED", "TASK_LOST", "TASK_ERROR", "TASK_DROPPED", "TASK_GONE", "TASK_GONE_BY_OPERATOR",
		"TASK_KILLED", "unreachable", "disconnected", "failed", "no":
		return toneBad
	}
	return toneNormal
}
