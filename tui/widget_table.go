package tui

import (
	"math"

	"github.com/gdamore/tcell/v2"
)

// tableWidget draws a prepared tableData: a header, the visible rows, the
// selection. It computes nothing per row beyond what is on screen, so drawing
// costs the same for ten rows or ten thousand.
type tableWidget struct {
	th   *theme
	data *tableData
	sel  int
	off  int
	// rows on screen at the last draw (for paging and the mouse).
	height int
	top    int
}

// setData installs new rows, keeping the selection on the row with key when
// it is still there, else at the same position. A selection on the first row
// stays on the first row, so a list sorted newest first (events, traces)
// follows its head as rows arrive.
func (t *tableWidget) setData(d *tableData, key string) {
	atTop := t.data != nil && t.sel == 0
	t.data = d
	if i := d.index(key); i >= 0 && !atTop {
		t.sel = i
	}
	t.clamp()
}

func (t *tableWidget) rows() int {
	if t.data == nil {
		return 0
	}
	return len(t.data.rows)
}

func (t *tableWidget) clamp() {
	n := t.rows()
	t.sel = min(max(t.sel, 0), max(n-1, 0))
	t.off = min(max(t.off, 0), max(n-1, 0))
}

// selected returns the selected row, or nil.
func (t *tableWidget) selected() *row {
	if t.rows() == 0 {
		return nil
	}
	return &t.data.rows[t.sel]
}

// selectedKey returns the selected row's key, or "".
func (t *tableWidget) selectedKey() string {
	if r := t.selected(); r != nil {
		return r.key
	}
	return ""
}

// move moves the selection by delta rows.
func (t *tableWidget) move(delta int) {
	t.sel += delta
	t.clamp()
}

// page moves by one screen.
func (t *tableWidget) page(dir int) { t.move(dir * max(t.height-1, 1)) }

// home and end jump to the first and last rows.
func (t *tableWidget) home() { t.sel = 0; t.clamp() }
func (t *tableWidget) end()  { t.sel = t.rows() - 1; t.clamp() }

// clickRow selects the row at screen line y; it reports whether y is a row.
func (t *tableWidget) clickRow(y int) bool {
	i := y - t.top
	if i < 0 || i >= t.height || t.off+i >= t.rows() {
		return false
	}
	t.sel = t.off + i
	return true
}

// draw draws the table in the rectangle.
func (t *tableWidget) draw(scr tcell.Screen, x, y, w, h int, empty string) {
	if t.data == nil || w <= 0 || h <= 0 {
		return
	}
	d := t.data
	widths := fitWidths(d.cols, d.widths, w)
	// Header.
	cx := x
	for j, c := range d.cols {
		st := t.th.style(toneHeader)
		title := c.title
		if j == d.sortCol {
			st = t.th.style(toneSort)
			if d.sortDesc {
				title += "↓"
			} else {
				title += "↑"
			}
		}
		if c.numeric {
			drawText(scr, cx+max(widths[j]-textWidth(title), 0), y, widths[j], title, st)
		} else {
			drawText(scr, cx, y, widths[j], title, st)
		}
		cx += widths[j] + 1
	}
	t.top = y + 1
	t.height = h - 1
	if len(d.rows) == 0 {
		if empty != "" && h > 1 {
			drawText(scr, x+1, y+2, w-2, empty, t.th.style(toneMuted))
		}
		return
	}
	// Keep the selection on screen.
	if t.sel < t.off {
		t.off = t.sel
	}
	if t.height > 0 && t.sel >= t.off+t.height {
		t.off = t.sel - t.height + 1
	}
	for i := 0; i < t.height && t.off+i < len(d.rows); i++ {
		ri := t.off + i
		r := &d.rows[ri]
		ry := t.top + i
		selected := ri == t.sel
		if selected {
			fill(scr, x, ry, w, ' ', t.th.style(toneSelected))
		}
		cx := x
		for j := range d.cols {
			if j >= len(r.cells) {
				break
			}
			t.drawCell(scr, cx, ry, widths[j], &d.cols[j], &r.cells[j], r, j, selected)
			cx += widths[j] + 1
		}
	}
	// A scroll hint when rows are hidden below.
	if t.off+t.height < len(d.rows) && w > 2 {
		scr.SetContent(x+w-1, t.top+t.height-1, '↓', nil, t.th.style(toneMuted))
	}
	if t.off > 0 && w > 2 && t.height > 0 {
		scr.SetContent(x+w-1, t.top, '↑', nil, t.th.style(toneMuted))
	}
}

func (t *tableWidget) drawCell(scr tcell.Screen, x, y, w int, c *column, v *cell, r *row, j int, selected bool) {
	st := t.th.style(v.tone)
	if selected {
		st = t.th.style(toneSelected)
	}
	if j == 0 && r.depth > 0 {
		ind := min(2*r.depth, w/2)
		if ind >= 2 {
			drawText(scr, x+ind-2, y, 2, "└ ", t.pick(toneMuted, selected))
		}
		x += ind
		w -= ind
	}
	switch {
	case v.wf != nil:
		a, b := v.wf[0], v.wf[1]
		start := int(math.Floor(a * float64(w)))
		end := int(math.Ceil(b * float64(w)))
		start = min(max(start, 0), max(w-1, 0))
		end = min(max(end, start+1), w)
		fill(scr, x+start, y, end-start, '▇', t.pick(toneBar, selected))
		return
	case v.bar != nil:
		if w >= barWidth+3 {
			bt := toneBar
			if v.bar.total > 0 {
				bt = usageTone(v.bar.used / v.bar.total)
			}
			if selected {
				gaugeStyled(scr, x, y, barWidth, v.bar.used, v.bar.total, st, st)
			} else {
				gauge(scr, t.th, x, y, barWidth, v.bar.used, v.bar.total, bt)
			}
			drawText(scr, x+barWidth+1, y, w-barWidth-1, v.text, st)
			return
		}
	}
	if c.numeric {
		tw := textWidth(v.text)
		drawText(scr, x+max(w-tw, 0), y, w, v.text, st)
		return
	}
	drawText(scr, x, y, w, v.text, st)
}

func (t *tableWidget) pick(k tone, selected bool) tcell.Style {
	if selected {
		return t.th.style(toneSelected)
	}
	return t.th.style(k)
}
