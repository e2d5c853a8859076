package tui

import "strings"

// seg is a run of text in one tone.
type seg struct {
	text string
	tone tone
}

// line is one line of styled text.
type line []seg

// plain makes a line of normal text.
func plain(s string) line { return line{{text: s}} }

// tonedLine makes a line of one tone.
func tonedLine(s string, t tone) line { return line{{text: s, tone: t}} }

// textLines splits a block of text (a Describe* rendering) into plain lines.
func textLines(s string) []line {
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return nil
	}
	parts := strings.Split(s, "\n")
	out := make([]line, len(parts))
	for i, p := range parts {
		out[i] = plain(p)
	}
	return out
}

// String returns the line's text.
func (l line) String() string {
	var b strings.Builder
	for _, s := range l {
		b.WriteString(s.text)
	}
	return b.String()
}

// frame is one prepared screen body: everything the UI goroutine needs to draw
// a page, computed off it. The UI swaps frames; it never computes them.
type frame struct {
	// pageID is the page the frame was built for; the UI drops frames for a
	// page it has left.
	pageID uint64
	// title goes in the body's top border.
	title string
	// info lines go above the table; with no table and no pulse they are the
	// whole (scrollable) body.
	info []line
	// table is the selectable table, if the page has one.
	table *tableData
	// after lines go below the table (the DRF view's allocation cycles).
	after []line
	// pulse is the Pulse view's tiles.
	pulse *pulseData
	// empty is shown in place of a table with no rows.
	empty string
	// note is shown in the footer (a filter taken as text, a fetch error).
	note string
	// status feeds the header.
	status status
}
